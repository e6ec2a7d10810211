import Foundation
import Testing

@testable import FairPipe

/// A sensitive column with many distinct values (issue #12): 500 zip codes
/// (Tests/Fixtures/many_groups/). make-dataset summarises its small groups in one line and
/// still splits 60/20/20, evaluate says which intersections it skipped, and mitigation pools
/// the groups it cannot fit alone and still runs.
@Suite(.serialized) struct ManyGroupsTests {
    static let csv = "Tests/Fixtures/many_groups/many_groups.csv"
    static let config = """
        experiment: {name: many-groups, seed: 7}
        data:
          source: csv
          path: \(csv)
          label: {column: label, positive: "1"}
          sensitive: [sex, young, zip]
          features: [income, hours, sector]
        fairness:
          bootstrap: {samples: 50}
        """

    static func table() throws -> Table {
        var data = DataConfig()
        data.source = .csv
        data.path = csv
        data.label = LabelSpec(column: "label", positive: "1")
        data.sensitive = ["sex", "young", "zip"]
        data.features = ["income", "hours", "sector"]
        return try DatasetLoader.load(data, seed: 1, root: StageProcess.repositoryRoot.path).table
    }

    @Test func splitKeepsItsFractionsWhenMostStrataAreTiny() throws {
        let table = try Self.table()
        let result = try StratifiedSplit.split(
            table, label: "label", sensitive: ["sex", "young", "zip"], fractions: SplitConfig(), seed: 3)
        // Before pooling: 3980 / 1410 / 610 (every 1-row stratum went to train).
        let counts: [Int] = [result.train.count, result.validation.count, result.test.count]
        #expect(counts == [3600, 1200, 1200])
        let all: [Int] = (result.train + result.validation + result.test).sorted()
        #expect(all == Array(0..<table.rowCount))
        let pooling: [Int] = [result.pooledStrata, result.strata, result.pooledRows]
        #expect(pooling == [2009, 2253, 3263])
        // The label stays stratified: each split's base rate within a row of the whole's.
        let labels = (0..<table.rowCount).map { table["label"]?.string(at: $0) == "1" ? 1.0 : 0.0 }
        let rate = labels.reduce(0, +) / Double(labels.count)
        for part in [result.train, result.validation, result.test] {
            #expect(abs(part.map { labels[$0] }.reduce(0, +) - rate * Double(part.count)) <= 1)
        }
    }

    @Test func strataLargeEnoughAreSplitAsBefore() throws {
        var config = SyntheticConfig()
        config.rows = 10_000
        let table = try SyntheticGenerator.generate(config, seed: 42).table
        let result = try StratifiedSplit.split(
            table, label: "label", sensitive: ["group", "sex"], fractions: SplitConfig(), seed: 9)
        #expect(result.pooledStrata == 0)
        #expect(result.pooledRows == 0)
        #expect(StratifiedSplit.tooSmall(4, fractions: [0.6, 0.2, 0.2]))
        #expect(!StratifiedSplit.tooSmall(5, fractions: [0.6, 0.2, 0.2]))
    }

    static func write(_ folder: URL, _ text: String) throws -> String {
        let file = folder.appendingPathComponent("config.yml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    static func lines(_ stderr: String, containing text: String) -> [Substring] {
        stderr.split(separator: "\n").filter { $0.contains(text) }
    }

    /// make-dataset, train and evaluate on the fixture; returns the run folder.
    static let baseline: Result<URL, StudyRuns.Failure> = StudyRuns.capture {
        let folder = try Fixtures.temporaryFolder("many-groups")
        let config = try write(folder, Self.config)
        func at(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let dataset = try StageProcess.run("make-dataset", ["--config", config, "--out", at("dataset")])
        guard dataset.status == 0 else { throw StudyRuns.Failure(description: dataset.stderr) }
        try dataset.stderr.write(toFile: at("make-dataset.stderr"), atomically: true, encoding: .utf8)
        try StudyRuns.run("train", ["--config", config, "--quiet", "--data", at("dataset"), "--out", at("model")])
        let evaluate = try StageProcess.run(
            "evaluate",
            ["--config", config, "--data", at("dataset"), "--model", at("model"), "--out", at("evaluation")])
        guard evaluate.status == 0 else { throw StudyRuns.Failure(description: evaluate.stderr) }
        try evaluate.stderr.write(toFile: at("evaluate.stderr"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func makeDatasetSummarisesSmallGroupsAndPoolsTinyStrata() throws {
        let folder = try Self.baseline.get()
        let stderr = try String(contentsOf: folder.appendingPathComponent("make-dataset.stderr"), encoding: .utf8)
        let small = Self.lines(stderr, containing: "small_group")
        #expect(small.count == 1)
        #expect(small.first?.contains("1967 groups") == true && small.first?.contains("audit.json") == true)
        #expect(Self.lines(stderr, containing: "too small to split 60/20/20").count == 1)
        #expect(stderr.contains("split 3600 / 1200 / 1200 rows"))
        let audit = try AuditReport.decode(
            try Data(contentsOf: folder.appendingPathComponent("dataset/audit.json")), path: "audit.json")
        #expect(audit.findings.filter { $0.check == .smallGroup }.count == 1967)
    }

    @Test func evaluateWarnsOnceAndRecordsSkippedIntersections() throws {
        let folder = try Self.baseline.get()
        let stderr = try String(contentsOf: folder.appendingPathComponent("evaluate.stderr"), encoding: .utf8)
        #expect(Self.lines(stderr, containing: "exceed fairness.max_groups").count == 1)
        let metrics = try MetricsReport.decode(
            try Data(contentsOf: folder.appendingPathComponent("evaluation/metrics.json")), path: "metrics.json")
        // 2 × 2 × the 363 zips the test split has.
        #expect(
            metrics.skippedIntersections == [
                SkippedIntersection(name: "sex&young&zip", combinations: 1452, maxGroups: 1000)
            ])
        #expect(metrics.notes.contains { $0.contains("sex&young&zip skipped") })
        let roundTrip = try MetricsReport.decode(try metrics.jsonData(), path: "metrics.json")
        #expect(roundTrip == metrics)
    }

    @Test(arguments: [
        ("threshold_optimizer", false), ("threshold_optimizer", true), ("group_thresholds", true),
        ("reweighing", false), ("reweighing", true),
    ])
    func mitigationPoolsGroupsItCannotFitAndRuns(method: String, excludeSmall: Bool) throws {
        let folder = try Self.baseline.get()
        let run = try Fixtures.temporaryFolder("many-groups-\(method)")
        let config = try Self.write(
            run,
            Self.config + """

                mitigation:
                  method: \(method)
                  target: demographic_parity
                  strengths: [0.05]
                  threshold_optimizer: {grid_size: 100}
                """)
        func at(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let result = try StageProcess.run(
            "mitigate",
            [
                // With exclude_small_groups every sex&young&zip group is under the default 30 rows.
                "--config", config, "--set", "fairness.exclude_small_groups=\(excludeSmall)", "--set",
                "fairness.min_group_size=\(excludeSmall ? 8 : 30)",
                "--data", at("dataset"),
                "--model", at("model"), "--evaluation", at("evaluation"), "--out",
                run.appendingPathComponent("mitigation").path,
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let pooled = Self.lines(result.stderr, containing: "pooled as `(other)`")
        #expect(pooled.count == 1, "\(result.stderr)")
        #expect(
            pooled.first?.contains(excludeSmall ? "fewer than fairness.min_group_size" : "a single label class") == true
        )
        let predictions = try String(
            contentsOf: run.appendingPathComponent("mitigation/predictions.csv"), encoding: .utf8)
        #expect(predictions.split(separator: "\n").count == 1201)
    }

    @Test func poolingGroupsIsDeterministicAndLeavesFittableGroupsAlone() {
        var fairness = FairnessConfig()
        fairness.minGroupSize = 3
        let names = ["a", "b", "c", "d"]
        // a: both classes (4 rows); b: only 1s; c: both (2 rows); d: only 0s.
        let codes: [Int32] = [0, 0, 0, 0, 1, 1, 2, 2, 3]
        let labels: [UInt8] = [0, 1, 0, 1, 1, 1, 0, 1, 0]
        let groups = MitigationGroups.pool(names: names, codes: codes, labels: labels, fairness: fairness)
        #expect(groups.names == ["a", "c", "(other)"])
        #expect(groups.codes == [0, 0, 0, 0, 2, 2, 1, 1, 2])
        fairness.excludeSmallGroups = true
        let small = MitigationGroups.pool(names: names, codes: codes, labels: labels, fairness: fairness)
        #expect(small.names == ["a", "(other)"])
        // Nothing to pool: the groups are unchanged.
        let none = MitigationGroups.pool(
            names: ["a", "c"], codes: [0, 0, 1, 1], labels: [0, 1, 0, 1], fairness: FairnessConfig())
        #expect(none.names == ["a", "c"] && none.pooled.isEmpty)
        // A one-class pool takes the smallest other group.
        let one = MitigationGroups.pool(
            names: ["a", "b", "c"], codes: [0, 0, 0, 1, 2, 2], labels: [0, 1, 0, 1, 0, 1], fairness: FairnessConfig())
        #expect(one.names == ["a", "(other)"] && one.pooled.map(\.name) == ["b", "c"])
        // Everything pooled: nothing left to equalise, an error that names the fix.
        fairness.minGroupSize = 30
        let all = MitigationGroups.pool(names: names, codes: codes, labels: labels, fairness: fairness)
        #expect(all.names == ["(other)"])
        do {
            try all.requireSeveralGroups(method: "threshold_optimizer", split: "validation")
            Issue.record("a single pooled group must be an error")
        } catch {
            #expect("\(error)".contains("fairness.min_group_size") && "\(error)".contains("data.sensitive"))
        }
    }

    @Test func errorsThatPoolingCannotFixNameTheFix() {
        let degenerate = MitigationError.degenerateLabels(method: "threshold_optimizer", group: "(other)", found: "0")
            .description
        #expect(degenerate.contains("fairness.exclude_small_groups") && degenerate.contains("data.sensitive"))
        // A test group the validation split never had, and no pool to put it in.
        let test = Predictions(
            rowIDs: [2], attributes: [SensitiveColumn(name: "zip", groups: ["b"], codes: [0])], labels: [1],
            scores: nil, decisions: [1])
        do {
            _ = try MitigationContext.recode(test, names: ["a"], split: "the test split")
            Issue.record("an unseen group without a pool must be an error")
        } catch {
            #expect("\(error)".contains("fairness.exclude_small_groups: true"))
        }
        // With a pool, the unseen group joins it.
        #expect((try? MitigationContext.recode(test, names: ["a", "(other)"], split: "the test split")) == [1])
    }
}
