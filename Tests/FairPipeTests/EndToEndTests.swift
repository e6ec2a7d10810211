import Foundation
import Testing

@testable import FairPipe

/// Runs the stage executables (the debug builds `swift test` makes) as a user would.
struct StageProcess {
    static let repositoryRoot = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()

    /// The folder holding the built executables.
    static var binaries: URL {
        let candidates = [
            ".build/debug", ".build/x86_64-unknown-linux-gnu/debug", ".build/aarch64-unknown-linux-gnu/debug",
        ]
        for candidate in candidates {
            let url = repositoryRoot.appendingPathComponent(candidate)
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("make-dataset").path) {
                return url
            }
        }
        return repositoryRoot.appendingPathComponent(".build/debug")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(
        _ stage: String, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil
    ) throws -> Result {
        try run(
            executable: binaries.appendingPathComponent(stage), arguments, environment: environment,
            directory: directory)
    }

    /// Runs any executable (from `directory`, default the repository root). stdout and stderr
    /// are drained at the same time: reading one to its end first deadlocks once the other
    /// fills its pipe buffer.
    static func run(
        executable: URL, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? repositoryRoot
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FAIRNESS_") }
        env["SOURCE_DATE_EPOCH"] = "1700000000"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errBox = DataBox()
        let drained = DispatchGroup()
        DispatchQueue.global().async(group: drained) { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    /// Written by one reader thread, read after `DispatchGroup.wait()` (which orders the two).
    private final class DataBox: @unchecked Sendable {
        var data = Data()
    }

    /// Every file under `folder` with its bytes, by relative path.
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            return files
        }
        for case let url as URL in walker where !url.hasDirectoryPath {
            files[String(url.path.dropFirst(folder.path.count))] = try Data(contentsOf: url)
        }
        return files
    }
}

/// A tiny study: fast, but every stage does real work.
private let tinyConfig = """
    experiment: {name: e2e, seed: 11}
    data:
      synthetic: {rows: 1200}
    fairness:
      bootstrap: {samples: 60}
      reference: {group: A}
      thresholds:
        demographic_parity_difference@group: {max: 0.05}
    mitigation:
      method: group_thresholds
      strengths: [0.05]
    """

@Suite(.serialized) struct EndToEndTests {
    func runPipeline(config: String, out: URL) throws {
        let common = ["--config", config, "--quiet"]
        let d = out.appendingPathComponent("dataset").path, m = out.appendingPathComponent("model").path
        let e = out.appendingPathComponent("evaluation").path, g = out.appendingPathComponent("mitigation").path
        let steps: [(String, [String])] = [
            ("make-dataset", ["--out", d]),
            ("train", ["--data", d, "--out", m]),
            ("evaluate", ["--data", d, "--model", m, "--out", e]),
            ("mitigate", ["--data", d, "--model", m, "--evaluation", e, "--out", g]),
            (
                "evaluate",
                ["--preds", "\(g)/predictions.csv", "--out", out.appendingPathComponent("evaluation-mitigated").path]
            ),
            ("explain", ["--data", d, "--model", m, "--out", out.appendingPathComponent("explain").path]),
            ("report", ["--run", out.path, "--out", out.appendingPathComponent("report").path]),
        ]
        for (stage, arguments) in steps {
            let result = try StageProcess.run(stage, common + arguments)
            #expect(result.status == 0, "\(stage) failed: \(result.stderr)")
        }
    }

    @Test func pipelineTwiceGivesIdenticalBytes() throws {
        let folder = try Fixtures.temporaryFolder()
        let config = folder.appendingPathComponent("tiny.yml")
        try tinyConfig.write(to: config, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        try runPipeline(config: config.path, out: out)
        let first = try StageProcess.snapshot(out)
        try FileManager.default.removeItem(at: out)
        try runPipeline(config: config.path, out: out)
        let second = try StageProcess.snapshot(out)
        #expect(first.keys.sorted() == second.keys.sorted())
        for (path, data) in first { #expect(second[path] == data, "\(path) differs between runs") }
        for stage in ["dataset", "model", "evaluation", "mitigation", "evaluation-mitigated", "explain", "report"] {
            let manifest = try readManifest(at: out.appendingPathComponent("\(stage)/manifest.json").path)
            #expect(manifest.seed == 11)
            #expect(manifest.git.commit.count == 40 || manifest.git.commit == "unknown")
            #expect(!manifest.outputs.isEmpty)
        }
        #expect(first["/report/report.html"] != nil)
        #expect(first["/evaluation/curves.json"] != nil)
        #expect(first["/explain/explanations.json"] != nil)
        #expect(
            String(decoding: first["/report/report.html"] ?? Data(), as: UTF8.self).contains("<section id=\"why\">"))
    }

    @Test func gateFailureExitsThreeWithArtefacts() throws {
        let folder = try Fixtures.temporaryFolder()
        let config = folder.appendingPathComponent("tiny.yml")
        try tinyConfig.write(to: config, atomically: true, encoding: .utf8)
        let d = folder.appendingPathComponent("d").path, m = folder.appendingPathComponent("m").path
        #expect(try StageProcess.run("make-dataset", ["--config", config.path, "--quiet", "--out", d]).status == 0)
        #expect(
            try StageProcess.run("train", ["--config", config.path, "--quiet", "--data", d, "--out", m]).status == 0)
        let e = folder.appendingPathComponent("e")
        let result = try StageProcess.run(
            "evaluate",
            ["--config", config.path, "--quiet", "--data", d, "--model", m, "--out", e.path, "--fail-on-violation"])
        #expect(result.status == FairPipe.ExitStatus.gateFailed.rawValue)
        #expect(result.stderr.contains("gate failed"))
        #expect(FileManager.default.fileExists(atPath: e.appendingPathComponent("junit.xml").path))
        let junit = try String(contentsOf: e.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.contains("<failure"))
    }

    /// Each bad input: one line on stderr naming what is wrong, the documented status, and
    /// no artefact left behind.
    @Test(
        arguments: [
            (
                ["--set", "model.logistic_regression.C=abc"], "", FairPipe.ExitStatus.usage,
                "model.logistic_regression.C"
            ),
            (
                ["--set", "model.max_iter=5"], "", FairPipe.ExitStatus.usage,
                "did you mean `model.logistic_regression.max_iter`"
            ),
            ([], "model:\n  C: 2\n", FairPipe.ExitStatus.usage, "did you mean `model.logistic_regression.C`"),
            ([], "modle:\n  C: 2\n", FairPipe.ExitStatus.usage, "did you mean `model`"),
            (
                ["--set", "data.source=csv", "--set", "data.path=MISSING.csv"], "", FairPipe.ExitStatus.noInput,
                "MISSING.csv"
            ),
            (["--set", "fairness.bootstrap.samples=-1"], "", FairPipe.ExitStatus.usage, "fairness.bootstrap.samples"),
        ] as [([String], String, FairPipe.ExitStatus, String)])
    func badConfigurationFailsCleanly(
        arguments: [String], yaml: String, status: FairPipe.ExitStatus, mentions: String
    ) throws {
        let folder = try Fixtures.temporaryFolder()
        let config = folder.appendingPathComponent("bad.yml")
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let result = try StageProcess.run("make-dataset", ["--config", config.path, "--out", out.path] + arguments)
        #expect(result.status == status.rawValue, "\(result.stderr)")
        #expect(result.stderr.contains(mentions), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try StageProcess.snapshot(out).isEmpty)
    }

    @Test(arguments: [
        ("x,label\n", "header only"),
        ("", "empty"),
        ("x,y,group,sex\n1,0,A,f\n2,1,B,m\n", "label"),
        ("x,label,group,sex\n1,1,A,f\n2,1,B,m\n3,1,A,m\n", "single class"),
        ("x,label,group,sex\n1,1,A,f\n2,0,B\n", ":3"),
    ])
    func badCSVFailsCleanly(csv: String, mentions: String) throws {
        let folder = try Fixtures.temporaryFolder()
        let data = folder.appendingPathComponent("data.csv")
        try csv.write(to: data, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let result = try StageProcess.run(
            "make-dataset", ["--out", out.path, "--set", "data.source=csv", "--set", "data.path=\(data.path)"])
        #expect(result.status == FairPipe.ExitStatus.dataError.rawValue, "\(result.stderr)")
        #expect(result.stderr.lowercased().contains(mentions), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try StageProcess.snapshot(out).isEmpty)
    }

    @Test(arguments: [
        ("row_id,group,label,score,decision\n0,A,1,0.9,1\n1,B,2,0.2,0\n2,A,0,0.1,0\n", "label"),
        ("row_id,group,label,score,decision\n0,A,1,0.9,1\n1,B,0,0.2,2\n", "decision"),
        ("row_id,group,label,score,decision\n0,A,1,1.5,1\n1,B,0,0.2,0\n", "score"),
        ("row_id,group,label,score,decision\n0,A,1,,1\n1,B,0,0.2,0\n", "score"),
        ("row_id,group,label,score,decision\n0,,1,0.9,1\n1,B,0,0.2,0\n", "group"),
    ])
    func badPredictionsFailCleanly(csv: String, mentions: String) throws {
        let folder = try Fixtures.temporaryFolder()
        let preds = folder.appendingPathComponent("preds.csv")
        try csv.write(to: preds, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let result = try StageProcess.run(
            "evaluate", ["--preds", preds.path, "--sensitive", "group", "--out", out.path])
        #expect(result.status == FairPipe.ExitStatus.dataError.rawValue, "\(result.stderr)")
        #expect(result.stderr.contains(mentions), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try StageProcess.snapshot(out).isEmpty)
    }

    @Test func outsidePredictionsAreAuditedWithoutOtherStages() throws {
        let folder = try Fixtures.temporaryFolder()
        var csv = "id,sex,y,p\n"
        for i in 0..<400 {
            let sex = i % 3 == 0 ? "F" : "M"
            let y = (i * 7919) % 5 < 2 ? "yes" : "no"
            let p = Double((i * 104_729) % 1000) / 1000
            csv += "\(i),\(sex),\(y),\(p)\n"
        }
        let preds = folder.appendingPathComponent("preds.csv")
        try csv.write(to: preds, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("audit")
        let result = try StageProcess.run(
            "evaluate",
            [
                "--preds", preds.path, "--label", "y", "--positive", "yes", "--score", "p",
                "--sensitive", "sex", "--out", out.path, "--quiet", "--set", "fairness.bootstrap.samples=50",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let metrics = try JSONDecoder().decode(
            JSONValue.self, from: Data(contentsOf: out.appendingPathComponent("metrics.json")))
        #expect(metrics["n"] == .number(400))
    }
}

@Suite struct StageProcessTests {
    /// 1 MB on stderr before anything on stdout: a reader that drains stdout first would
    /// wait forever while the child blocks on a full stderr pipe.
    @Test func largeStderrDoesNotDeadlock() throws {
        let result = try StageProcess.run(
            executable: URL(fileURLWithPath: "/bin/sh"),
            ["-c", "head -c 1048576 /dev/zero | tr '\\0' x >&2; echo done"])
        #expect(result.status == 0)
        #expect(result.stdout == "done\n")
        #expect(result.stderr.utf8.count == 1_048_576)
    }
}

@Suite struct CommandLineErrorTests {
    @Test func argumentParserErrorsUseTheStageFormat() throws {
        let result = try StageProcess.run("train", ["--bogus"])
        #expect(result.status == ExitStatus.usage.rawValue)
        #expect(result.stderr.hasPrefix("train: error: Unknown option '--bogus'"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func missingConfigFileExitsNoInputAsTheReadmeSays() throws {
        let result = try StageProcess.run("train", ["--config", "no-such-config.yml"])
        #expect(result.status == ExitStatus.noInput.rawValue)
        #expect(result.stderr == "train: error: no-such-config.yml: configuration file not found\n")
    }
}
