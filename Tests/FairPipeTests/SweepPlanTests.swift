import Foundation
import Testing

@testable import FairPipe

/// Sweep specs, run ids, labels, sharing keys, the Makefile fragment and the log — pure logic.
@Suite struct SweepPlanTests {
    static let tiny = Fixtures.url("sweeps/tiny.yml").path

    static func spec(_ body: String) throws -> SweepSpec {
        try SweepSpec.parse(yaml: "name: t\nbase: \(tiny)\n" + body, origin: "t.yml")
    }

    @Test func gridIsTheCartesianProductLastKeyFastest() throws {
        let spec = try Self.spec(
            "grid:\n  mitigation.method: [group_thresholds, reweighing]\n  experiment.seed: [1, 2, 3]\n")
        #expect(spec.sweptKeys == ["mitigation.method", "experiment.seed"])
        #expect(spec.runs.count == 6)
        #expect(spec.runs[0].map(\.argument) == ["mitigation.method=group_thresholds", "experiment.seed=1"])
        #expect(spec.runs[1].map(\.argument) == ["mitigation.method=group_thresholds", "experiment.seed=2"])
        #expect(spec.runs[5].map(\.argument) == ["mitigation.method=reweighing", "experiment.seed=3"])
    }

    @Test func explicitRunsAreCrossedWithTheGrid() throws {
        let spec = try Self.spec(
            """
            runs:
              - {mitigation.method: reweighing}
              - {mitigation.method: group_thresholds, mitigation.group_thresholds.tolerance: 0.05}
            grid:
              experiment.seed: [1, 2]
            """)
        #expect(spec.runs.count == 4)
        #expect(
            spec.runs[3].map(\.argument) == [
                "mitigation.method=group_thresholds", "mitigation.group_thresholds.tolerance=0.05", "experiment.seed=2",
            ])
        #expect(spec.sweptKeys == ["mitigation.method", "mitigation.group_thresholds.tolerance", "experiment.seed"])
    }

    @Test func listValuesBecomeFlowYAML() throws {
        let spec = try Self.spec("grid:\n  data.sensitive: [[group], [group, sex]]\n  report.title: ['a: b', plain]\n")
        #expect(spec.runs[0].map(\.argument) == ["data.sensitive=[group]", "report.title=\"a: b\""])
        #expect(spec.runs[2].map(\.argument) == ["data.sensitive=[group, sex]", "report.title=\"a: b\""])
    }

    @Test func specMistakesNameTheLine() throws {
        #expect(
            throws: SweepError.invalidSpec(
                path: "t.yml", line: 2,
                message:
                    "unknown key `gird` (did you mean `grid`?); a sweep file has `name`, `base`, `grid`, `runs`")
        ) {
            try SweepSpec.parse(yaml: "name: t\ngird: {model.C: [1]}\n", origin: "t.yml")
        }
        #expect(throws: SweepError.self) { try SweepSpec.parse(yaml: "name: t\ngrid: {C: [1]}\n", origin: "t.yml") }
        #expect(throws: SweepError.self) {
            try SweepSpec.parse(yaml: "name: ../x\ngrid: {model.C: [1]}\n", origin: "t.yml")
        }
        #expect(throws: SweepError.self) { try SweepSpec.parse(yaml: "name: t\n", origin: "t.yml") }
    }

    @Test func runIdIsAStableHashOfSortedOverrides() {
        let a = [
            SweepOverride(key: "mitigation.method", value: "reweighing"),
            SweepOverride(key: "experiment.seed", value: "2"),
        ]
        #expect(SweepRun.id(for: a) == SweepRun.id(for: a.reversed()))
        #expect(SweepRun.id(for: a).count == 10)
        // Pinned: ids name folders on disk, so they must never change between releases.
        #expect(
            SweepRun.id(for: a)
                == String(sha256Hex(Data("experiment.seed=2\nmitigation.method=reweighing".utf8)).prefix(10)))
    }

    @Test func labelsUseShortKeysUnlessAmbiguous() {
        let overrides = [
            SweepOverride(key: "mitigation.method", value: "reweighing"),
            SweepOverride(key: "mitigation.tolerance", value: "0.05"),
            SweepOverride(key: "experiment.seed", value: "2"),
        ]
        #expect(
            SweepRun.label(for: overrides, sweptKeys: overrides.map(\.key)) == "method=reweighing tolerance=0.05 seed=2"
        )
        let clash = [
            SweepOverride(key: "model.threshold", value: "0.4"), SweepOverride(key: "mitigation.threshold", value: "1"),
        ]
        #expect(SweepRun.label(for: clash, sweptKeys: clash.map(\.key)) == "model.threshold=0.4 mitigation.threshold=1")
    }

    @Test func invalidValueIsRejectedNamingRunAndKey() throws {
        let spec = try Self.spec("grid:\n  mitigation.method: [reweighing, nonsense]\n")
        do {
            _ = try SweepPlan.make(spec: spec, root: "/tmp/unused", environment: [:])
            Issue.record("expected an error")
        } catch let error as SweepError {
            guard case .invalidRun(_, let run, let label, let message) = error else { Issue.record("\(error)"); return }
            #expect(run == 2)
            #expect(label == "method=nonsense")
            #expect(message.contains("mitigation.method"))
        }
        let unknown = try Self.spec("grid:\n  mitigation.tolerence: [0.1]\n")
        #expect(throws: SweepError.self) { try SweepPlan.make(spec: unknown, root: "/tmp/unused", environment: [:]) }
    }

    @Test func sweepingAKeyTheMethodIgnoresIsRefused() throws {
        let spec = try Self.spec(
            """
            grid:
              mitigation.method: [group_thresholds, threshold_optimizer]
              mitigation.group_thresholds.tolerance: [0.01, 0.05]
            """)
        #expect {
            try SweepPlan.make(spec: spec, root: "/tmp/unused", environment: [:])
        } throws: { error in
            guard case SweepError.invalidRun(_, let run, _, let message) = error else { return false }
            return run == 3 && message.contains("not read by mitigation.method threshold_optimizer")
        }
        let strengths = try Self.spec(
            "grid:\n  mitigation.method: [threshold_optimizer]\n  mitigation.strengths: [[0.1]]\n")
        #expect(throws: SweepError.self) { try SweepPlan.make(spec: strengths, root: "/tmp/unused", environment: [:]) }
        let shipped = try SweepSpec.load(
            path: Fixtures.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
                "sweeps/tolerance.yml"
            ).path)
        let plan = try SweepPlan.make(spec: shipped, root: "/tmp/unused", environment: [:])
        #expect(plan.runs.count == 9)
    }

    @Test func duplicateRunsAreRejected() throws {
        let spec = try Self.spec("runs:\n  - {model.logistic_regression.C: 1}\n  - {model.logistic_regression.C: 1}\n")
        #expect(throws: SweepError.duplicateRun(spec: "t.yml", label: "C=1")) {
            try SweepPlan.make(spec: spec, root: "/tmp/unused", environment: [:])
        }
        let sameConfig = try Self.spec(
            "runs:\n  - {mitigation.group_thresholds.tolerance: 0.05}\n  - {mitigation.group_thresholds.tolerance: 5.0e-2}\n"
        )
        #expect(throws: SweepError.self) { try SweepPlan.make(spec: sameConfig, root: "/tmp/unused", environment: [:]) }
    }

    @Test func runsDifferingOnlyInMitigationShareUpstreamFolders() throws {
        let spec = try Self.spec(
            """
            grid:
              mitigation.method: [group_thresholds, reweighing]
              experiment.seed: [1, 2]
              model.threshold: [0.5, 0.4]
            """)
        let plan = try SweepPlan.make(spec: spec, root: "out", environment: [:])
        #expect(plan.runs.count == 8)
        #expect(Set(plan.runs.map(\.id)).count == 8)
        #expect(Set(plan.runs.map(\.shared.dataset)).count == 2)  // one per seed
        #expect(Set(plan.runs.map(\.shared.model)).count == 2)  // the threshold does not retrain
        #expect(Set(plan.runs.map(\.shared.evaluation)).count == 4)  // but it re-evaluates
        let first = plan.runs[0],
            reweighing = plan.runs.first {
                $0.value(of: "mitigation.method") == "reweighing"
                    && $0.value(of: "experiment.seed") == "1" && $0.value(of: "model.threshold") == "0.5"
            }
        #expect(reweighing?.shared == first.shared)
        #expect(first.folder == "out/t/\(first.id)")
        let savings = plan.sharedStageSavings
        #expect(savings.withSharing == 2 + 2 + 4 + 8 * 3)
        #expect(savings.withoutSharing == 48)
        let unshared = try SweepPlan.make(spec: spec, root: "out", share: false, environment: [:])
        #expect(Set(unshared.runs.map(\.shared.dataset)).count == 8)
        #expect(unshared.runs.map(\.id) == plan.runs.map(\.id))
    }

    @Test func fragmentHasOneRulePerStagePerRunAndKeepsTheLauncher() throws {
        let spec = try Self.spec(
            "grid:\n  mitigation.method: [group_thresholds, reweighing]\n  experiment.seed: [1, 2]\n")
        let plan = try SweepPlan.make(spec: spec, root: "out", environment: [:])
        let text = SweepMakefile.render(plan, bin: ".build/debug")
        let rules = text.split(separator: "\n").filter { $0.hasPrefix("$(D)/") && $0.contains("manifest.json:") }
        #expect(rules.count == 2 * 3 + 4 * 3 + 1)  // shared: 2 seeds × 3 stages; runs: 4 × 3; the runs page
        let recipes = text.split(separator: "\n").filter { $0.hasPrefix("\t") && !$0.contains("$(SWEEP_BIN)") }
        #expect(recipes.count == rules.count)
        #expect(recipes.allSatisfy { $0.hasPrefix("\t$(LAUNCHER) $(BIN)/") })
        #expect(text.contains("BIN ?= .build/debug"))
        #expect(text.contains("--set mitigation.method=reweighing --set experiment.seed=2"))
        #expect(SweepMakefile.shellQuote("report.title=it's $5") == "'report.title=it'\\''s $$5'")
    }

    @Test func csvQuotesAndOrdersColumns() throws {
        let spec = try Self.spec("grid:\n  report.title: ['a, b']\n  experiment.name: ['say \"hi\"']\n")
        let plan = try SweepPlan.make(spec: spec, root: "out", environment: [:])
        let record = ExperimentRecord(
            run: plan.runs[0], gitSHA: "abc", dirty: true, configHash: "h",
            metrics: ["accuracy": RunMetric(value: 0.75, ci: ReportInterval(lower: 0.5, upper: 0.875))],
            gatesPassed: false, started: "s", finished: "f")
        let lines = ExperimentLog.csv(plan, records: [record]).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(
            lines[0].hasPrefix(
                "run_id,label,git_sha,dirty,config_hash,report.title,experiment.name,accuracy,accuracy_ci_low,accuracy_ci_high,"
            ))
        #expect(
            lines[1].hasPrefix(
                "\(plan.runs[0].id),\"title=a, b name=say \"\"hi\"\"\",abc,true,h,\"a, b\",\"say \"\"hi\"\"\",0.75,0.5,0.875,"
            ))
        #expect(lines[1].hasSuffix(",false,s,f"))
    }

    @Test func logListsUnfinishedRunsAsPendingAndRefusesStaleArtefacts() throws {
        let folder = try Fixtures.temporaryFolder()
        let spec = try Self.spec("grid:\n  mitigation.method: [group_thresholds, reweighing]\n")
        let plan = try SweepPlan.make(spec: spec, root: folder.path, environment: [:])
        let run = plan.runs[0]
        func manifest(_ stage: StageName, _ hash: String, in dir: String, started: String) throws {
            let value = Manifest(
                stage: stage, toolVersion: "t", git: GitState(commit: "c0ffee", dirty: stage == .train), seed: 1,
                streamSeed: 2,
                config: .null, configSha256: hash, configFile: nil, inputs: [], outputs: [], started: started,
                finished: started, durationSeconds: nil, scheduler: nil)
            try AtomicFile.write(CanonicalJSON.data(value), to: dir + "/manifest.json")
        }
        let h = run.stageHashes
        try manifest(.makeDataset, h.makeDataset, in: run.shared.dataset, started: "2026-01-01T00:00:01Z")
        try manifest(.train, h.train, in: run.shared.model, started: "2026-01-01T00:00:02Z")
        try manifest(.evaluate, h.evaluate, in: run.shared.evaluation, started: "2026-01-01T00:00:03Z")
        try manifest(.mitigate, h.mitigate, in: run.folder + "/mitigation", started: "2026-01-01T00:00:04Z")
        try manifest(.evaluate, h.evaluate, in: run.folder + "/evaluation-mitigated", started: "2026-01-01T00:00:05Z")
        // Written through metrics.json's one type, as evaluate writes it.
        let metrics = MetricsReport(
            n: 10, overall: ["accuracy": MetricValue(value: 0.8, ci: [0.7, 0.9])], attributes: [], gates: [],
            passed: true,
            bootstrap: BootstrapInfo(samples: 0, confidence: 0.95, stratified: true, method: "none", scoreBins: 0),
            significance: SignificanceConfig(), notes: [])
        try AtomicFile.write(try metrics.jsonData(), to: run.folder + "/evaluation-mitigated/metrics.json")

        let (records, pending) = try ExperimentLog.collect(plan)
        #expect(records.map(\.run.id) == [run.id])
        #expect(pending == [plan.runs[1].id])
        let record = try #require(records.first)
        #expect(record.gitSHA == "c0ffee" && record.dirty)
        #expect(record.started == "2026-01-01T00:00:01Z" && record.finished == "2026-01-01T00:00:05Z")
        #expect(record.metrics["accuracy"] == RunMetric(value: 0.8, ci: ReportInterval(lower: 0.7, upper: 0.9)))
        #expect(record.gatesPassed == true)

        try manifest(.mitigate, "another", in: run.folder + "/mitigation", started: "2026-01-01T00:00:04Z")
        #expect(throws: SweepError.staleRun(run: run.id, stage: "mitigate", folder: run.folder + "/mitigation")) {
            try ExperimentLog.collect(plan)
        }
    }
}
