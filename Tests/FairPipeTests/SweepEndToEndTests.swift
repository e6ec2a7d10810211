import Foundation
import Testing

@testable import FairPipe

/// `make sweep` end to end on the debug binaries `swift test` has built (`BIN=`), so no
/// release build is needed: parallel runs, the log, idempotence, extension, resumption and
/// shared upstream stages. A logging LAUNCHER counts every stage execution.
@Suite(.serialized) struct SweepEndToEndTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The folder holding this test binary, which is SwiftPM's bin path for the build
    /// (`swift build --show-bin-path`); it holds the stage executables too.
    static let binFolder: String = {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = here.deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("make-dataset").path) {
                return folder.path
            }
            folder = folder.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug").path
    }()

    /// A scratch folder with the tiny base config and a spec seeded `seeds`.
    struct Sandbox {
        let folder: URL
        let log: URL
        var sweep: String { folder.appendingPathComponent("outputs/sweeps/e2e").path }

        init(_ name: String = #function) throws {
            folder = try Fixtures.temporaryFolder(name)
            log = folder.appendingPathComponent("launches.log")
            try FileManager.default.copyItem(
                at: Fixtures.url("sweeps/tiny.yml"), to: folder.appendingPathComponent("tiny.yml"))
        }

        func writeSpec(methods: [String], seeds: [Int]) throws {
            let spec = """
                name: e2e
                base: tiny.yml
                grid:
                  mitigation.method: [\(methods.joined(separator: ", "))]
                  experiment.seed: [\(seeds.map(String.init).joined(separator: ", "))]

                """
            try spec.write(to: folder.appendingPathComponent("spec.yml"), atomically: true, encoding: .utf8)
        }

        /// `make sweep` with `-j2` and the logging launcher; returns make's exit status and output.
        @discardableResult
        func make(
            delay: Double? = nil, hold: String? = nil, start: ((Process, pid_t) -> Void)? = nil
        ) throws -> (status: Int32, output: String) {
            let process = Process()
            // bash job control puts make and its stages in their own process group (pgid =
            // make's pid, written to make.pid), which an interruption test signals as a whole.
            // With job control, `wait` also returns when the job is merely stopped (status 147
            // when something outside the test SIGSTOPs it, as seen on a loaded machine), so
            // wait again until make has really ended.
            let pidFile = folder.appendingPathComponent("make.pid")
            try? FileManager.default.removeItem(at: pidFile)
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [
                "-c",
                "set -m; make \"$@\" & pid=$!; echo $pid > make.pid; while :; do wait $pid; s=$?; kill -0 $pid 2>/dev/null || exit $s; done",
                "bash", "-f", SweepEndToEndTests.packageRoot.appendingPathComponent("Makefile").path, "-j2",
                "sweep", "SWEEP=spec.yml", "BIN=\(SweepEndToEndTests.binFolder)", "QUIET=1",
                "LAUNCHER=\(Fixtures.url("sweeps/launcher.sh").path)",
            ]
            process.currentDirectoryURL = folder
            var environment = ProcessInfo.processInfo.environment.filter {
                !["MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SOURCE_DATE_EPOCH"].contains($0.key)
                    && !$0.key.hasPrefix("FAIRNESS_")
            }
            environment["SWEEP_TEST_LOG"] = log.path
            if let delay { environment["SWEEP_TEST_DELAY"] = String(delay) }
            if let hold { environment["SWEEP_TEST_HOLD"] = hold }
            process.environment = environment
            let output = folder.appendingPathComponent("make-\(UUID().uuidString).out")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            defer { try? handle.close() }
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            if let start {
                var group: pid_t = 0
                while group == 0 && process.isRunning {
                    group =
                        pid_t(
                            ((try? String(contentsOf: pidFile, encoding: .utf8)) ?? "").trimmingCharacters(
                                in: .whitespacesAndNewlines)) ?? 0
                    if group == 0 { Thread.sleep(forTimeInterval: 0.01) }
                }
                start(process, group)
            }
            process.waitUntilExit()
            return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
        }

        /// Stage commands launched so far, one per line.
        func launches() -> [String] {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        func plan() throws -> SweepPlan { try SweepPlan.read(path: sweep + "/plan.json") }

        func csvRows() throws -> [[String]] {
            let text = try String(contentsOfFile: sweep + "/experiments.csv", encoding: .utf8)
            return text.split(separator: "\n").map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
        }

        func manifest(_ folder: String) throws -> Manifest { try readManifest(at: "\(folder)/manifest.json") }
    }

    static func requireBinaries() throws {
        for stage in StageName.allCases.map(\.rawValue) + ["fairpipe-sweep"] {
            let path = "\(binFolder)/\(stage)"
            try #require(FileManager.default.isExecutableFile(atPath: path), "missing \(path): run `swift build` first")
        }
    }

    @Test func gridRunsInParallelSharesUpstreamAndLogsEveryRun() throws {
        try Self.requireBinaries()
        let box = try Sandbox()
        try box.writeSpec(methods: ["group_thresholds", "reweighing", "threshold_optimizer"], seeds: [1, 2])
        let result = try box.make()
        #expect(result.status == 0, "\(result.output)")

        // 6 runs; make-dataset, train and the baseline evaluate ran once per seed, not per run.
        let launches = box.launches()
        func count(_ stage: String) -> Int { launches.filter { $0.contains("/\(stage) ") }.count }
        #expect(count("make-dataset") == 2)
        #expect(count("train") == 2)
        #expect(count("mitigate") == 6)
        #expect(count("evaluate") == 2 + 6)
        #expect(count("report") == 6 + 1)

        let plan = try box.plan()
        #expect(plan.runs.count == 6)
        let rows = try box.csvRows()
        #expect(rows.count == 7)
        let header = rows[0]
        #expect(
            Array(header.prefix(7)) == [
                "run_id", "label", "git_sha", "dirty", "config_hash", "mitigation.method", "experiment.seed",
            ])
        let column = { (name: String) in try #require(header.firstIndex(of: name)) }
        #expect(rows.dropFirst().map { $0[0] } == plan.runs.map(\.id))
        #expect(Set(rows.dropFirst().map { $0[0] }).count == 6)
        for (row, run) in zip(rows.dropFirst(), plan.runs) {
            #expect(row.count == header.count)
            #expect(row[1] == run.label)
            #expect(row[try column("mitigation.method")] == run.value(of: "mitigation.method"))
            #expect(row[try column("experiment.seed")] == run.value(of: "experiment.seed"))
            let accuracy = try #require(Double(row[try column("accuracy")]))
            let metrics = try MetricsReport.read(
                at: box.folder.appendingPathComponent(run.folder + "/evaluation-mitigated/metrics.json").path)
            #expect(accuracy == metrics.overallValue("accuracy"))
            #expect(Double(row[try column("accuracy_ci_low")])! <= Double(row[try column("accuracy_ci_high")])!)
            #expect(!row[try column("demographic_parity_difference_ci_high")].isEmpty)
        }

        // Runs that differ only in mitigation point at the same shared folders, and their
        // mitigate manifests record the shared (real) inputs.
        let seed1 = plan.runs.filter { $0.value(of: "experiment.seed") == "1" }
        #expect(seed1.count == 3 && Set(seed1.map(\.shared)).count == 1)
        for run in seed1 {
            let folder = box.folder.appendingPathComponent(run.folder)
            let link = try FileManager.default.destinationOfSymbolicLink(
                atPath: folder.appendingPathComponent("dataset").path)
            #expect(link == "../shared/" + URL(fileURLWithPath: run.shared.dataset).lastPathComponent)
            let mitigate = try box.manifest(folder.appendingPathComponent("mitigation").path)
            #expect(mitigate.inputs.contains { $0.path.hasSuffix(run.shared.model + "/model.json") })
            let parameters = try JSONDecoder().decode(
                [String: String].self, from: Data(contentsOf: folder.appendingPathComponent("parameters.json")))
            #expect(parameters["label"] == run.label)
        }
        #expect(FileManager.default.fileExists(atPath: box.sweep + "/report/runs.html"))
        let experiments = try Data(contentsOf: URL(fileURLWithPath: box.sweep + "/experiments.json"))
        let log = try ExperimentsFile.decode(experiments, path: "experiments.json")
        #expect(log.runs.count == 6)
        #expect(try log.jsonData() == experiments)  // one type writes and reads it

        // A second `make sweep` runs nothing.
        let again = try box.make()
        #expect(again.status == 0)
        #expect(box.launches().count == launches.count, "\(again.output)")

        // A new grid value runs only the new runs (and their new seed's upstream stages).
        let before = try box.manifest(box.folder.appendingPathComponent(plan.runs[0].folder + "/mitigation").path)
        try box.writeSpec(methods: ["group_thresholds", "reweighing", "threshold_optimizer"], seeds: [1, 2, 3])
        let third = try box.make()
        #expect(third.status == 0, "\(third.output)")
        let added = Array(box.launches().dropFirst(launches.count))
        #expect(added.filter { $0.contains("/make-dataset ") }.count == 1)
        #expect(added.filter { $0.contains("/mitigate ") }.count == 3)
        #expect(added.filter { $0.contains("/mitigate ") }.allSatisfy { $0.contains("experiment.seed=3") })
        #expect(try box.manifest(box.folder.appendingPathComponent(plan.runs[0].folder + "/mitigation").path) == before)
        #expect(try box.csvRows().count == 10)
    }

    @Test func interruptedSweepResumesWhereItStopped() throws {
        try Self.requireBinaries()
        let box = try Sandbox()
        try box.writeSpec(methods: ["group_thresholds", "reweighing"], seeds: [1, 2])
        let plannedRuns = 4
        // Kill make and its stages (one process group, as Ctrl-C would) once the first run finished.
        // "Finished" is seen from the run's report manifest: the report recipe starts only after
        // make recorded the evaluation-mitigated recipe as done. (Killing as soon as that stage's
        // manifest appears raced make: the stage could still be exiting, and make then deletes
        // the manifest of the interrupted recipe, .DELETE_ON_ERROR.)
        // One run's mitigate stage is held (it never starts; one job slot stays free), so however
        // fast the machine, that run cannot finish before the kill while the others can.
        let interrupted = try box.make(
            delay: 0.3, hold: "*/mitigate *mitigation.method=reweighing *experiment.seed=2 *"
        ) { process, group in
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning && Date() < deadline {
                let done =
                    (try? FileManager.default.contentsOfDirectory(atPath: box.sweep))?.contains { run in
                        FileManager.default.fileExists(atPath: "\(box.sweep)/\(run)/report/manifest.json")
                    } ?? false
                if done {
                    // Let that stage's process exit first: make deletes the target of a job it kills.
                    Thread.sleep(forTimeInterval: 0.5)
                    break
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
            if group > 0 { kill(-group, SIGTERM) }
        }
        #expect(interrupted.status != 0)
        let plan = try box.plan()
        let finished = plan.runs.filter {
            FileManager.default.fileExists(
                atPath: box.folder.appendingPathComponent($0.folder + "/evaluation-mitigated/manifest.json").path)
        }
        #expect(!finished.isEmpty && finished.count < plannedRuns)
        #expect(!FileManager.default.fileExists(atPath: box.sweep + "/experiments.csv"))
        let firstPass = box.launches().count
        let kept = try finished.map {
            try box.manifest(box.folder.appendingPathComponent($0.folder + "/evaluation-mitigated").path)
        }

        #expect(try box.make().status == 0)
        let resumed = Array(box.launches().dropFirst(firstPass))
        // Finished runs were not redone; the rest, the log and the page were.
        for run in finished {
            #expect(!resumed.contains { $0.contains(run.folder + "/") && $0.contains("/mitigate ") })
        }
        #expect(
            try finished.map {
                try box.manifest(box.folder.appendingPathComponent($0.folder + "/evaluation-mitigated").path)
            } == kept)
        #expect(try box.csvRows().count == plannedRuns + 1)
    }
}
