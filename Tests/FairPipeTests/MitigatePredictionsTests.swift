import Foundation
import Testing

@testable import FairPipe

/// `mitigate --preds` / `--apply`: post-processing any model's predictions (issue #11, part 2).
@Suite(.serialized) struct MitigatePredictionsTests {
    static let fixture = "external/threshold_optimizer"
    static var validation: String { Fixtures.url("\(fixture)/validation.csv").path }
    static var test: String { Fixtures.url("\(fixture)/test.csv").path }
    static let columns = ["--label", "y", "--score", "p", "--sensitive", "sex", "--positive", "1"]

    func mitigate(_ method: String, in dir: URL, extra: [String] = []) throws -> StageProcess.Result {
        try StageProcess.run(
            "mitigate",
            ["--preds", Self.test, "--validation-preds", Self.validation] + Self.columns
                + [
                    "--set", "mitigation.method=\(method)", "--set", "mitigation.target=equalized_odds", "--out",
                    "fitted",
                ]
                + ["--set", "fairness.bootstrap.samples=50"] + extra,
            directory: dir)
    }

    struct Expected: Decodable {
        var accuracy: Double
        var equalizedOddsDifference: Double
    }

    @Test func thresholdOptimizerMatchesFairlearnOnSklearnScores() throws {
        let dir = try Fixtures.temporaryFolder()
        let result = try mitigate("threshold_optimizer", in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let fitted = try CanonicalJSON.decoder().decode(
            ThresholdOptimizerModel.self,
            from: Data(contentsOf: dir.appendingPathComponent("fitted/threshold_optimizer.json")))
        var columns = PredictionColumns(sensitive: ["sex"])
        columns.label = "y"
        columns.score = "p"
        let test = try Predictions.read(
            try Data(contentsOf: URL(fileURLWithPath: Self.test)), path: Self.test, columns: columns)
        let groups = try MitigationContext.recode(test, names: fitted.groupNames, split: "test")
        let p = try fitted.positiveProbabilities(scores: test.scores ?? [], groups: groups)
        // Expected accuracy and equalized-odds violation of the randomized decisions.
        var correct = 0.0
        var sums = [[Double]](repeating: [0, 0, 0, 0], count: fitted.groupNames.count)  // tp, pos, fp, neg
        for row in p.indices {
            let y = test.labels[row], g = Int(groups[row])
            correct += y == 1 ? p[row] : 1 - p[row]
            if y == 1 { sums[g][0] += p[row]; sums[g][1] += 1 } else { sums[g][2] += p[row]; sums[g][3] += 1 }
        }
        let tpr = sums.map { $0[0] / $0[1] }, fpr = sums.map { $0[2] / $0[3] }
        let violation = max((tpr.max() ?? 0) - (tpr.min() ?? 0), (fpr.max() ?? 0) - (fpr.min() ?? 0))
        let expected = try JSONDecoder.snakeCase.decode(
            Expected.self, from: Fixtures.data("\(Self.fixture)/expected.json"))
        #expect(
            abs(correct / Double(p.count) - expected.accuracy) <= 0.005,
            "accuracy \(correct / Double(p.count)) vs \(expected.accuracy)")
        #expect(
            abs(violation - expected.equalizedOddsDifference) <= 0.005,
            "violation \(violation) vs \(expected.equalizedOddsDifference)")
        // Its predictions are evaluate's format: the audit runs on them as they are.
        let audit = try StageProcess.run(
            "evaluate", ["--preds", "fitted/predictions.csv", "--sensitive", "sex", "--out", "audit"], directory: dir)
        #expect(audit.status == 0, "\(audit.stderr)")
    }

    @Test(arguments: [
        "group_thresholds", "threshold_optimizer", "reject_option_classification", "calibrated_equalized_odds",
    ])
    func everyPostprocessingMethodFitsOnValidationPredictions(method: String) throws {
        let dir = try Fixtures.temporaryFolder("preds-\(method)")
        let result = try mitigate(
            method, in: dir,
            extra: method == "group_thresholds" ? ["--set", "mitigation.target=demographic_parity"] : [])
        #expect(result.status == 0, "\(result.stderr)")
        for file in [
            "\(method).json", "predictions.csv", "predictions_validation.csv", "tradeoff.json", "manifest.json",
        ] {
            #expect(
                FileManager.default.fileExists(atPath: dir.appendingPathComponent("fitted/\(file)").path), "\(file)")
        }
        // Applying the fitted post-processor to new rows is deterministic.
        func apply(_ out: String) throws -> Data {
            let run = try StageProcess.run(
                "mitigate", ["--apply", "fitted", "--preds", Self.test] + Self.columns + ["--out", out], directory: dir)
            #expect(run.status == 0, "\(run.stderr)")
            return try Data(contentsOf: dir.appendingPathComponent("\(out)/predictions.csv"))
        }
        #expect(try apply("a") == apply("b"))
    }

    @Test func applyingADeterministicPostprocessorReproducesItsTestDecisions() throws {
        let dir = try Fixtures.temporaryFolder()
        #expect(
            try mitigate("group_thresholds", in: dir, extra: ["--set", "mitigation.target=demographic_parity"]).status
                == 0)
        let run = try StageProcess.run(
            "mitigate", ["--apply", "fitted", "--preds", Self.test] + Self.columns + ["--out", "applied"],
            directory: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let fitted = try Data(contentsOf: dir.appendingPathComponent("fitted/predictions.csv"))
        let applied = try Data(contentsOf: dir.appendingPathComponent("applied/predictions.csv"))
        #expect(fitted == applied)
    }

    /// Deployment rows have no labels yet: `--apply` without `--label` on a file with no
    /// label column decides them exactly as it decides the same rows with labels.
    @Test(arguments: ["group_thresholds", "threshold_optimizer"])
    func applyingToUnlabelledRowsDecidesThemAsWithLabels(method: String) throws {
        let dir = try Fixtures.temporaryFolder("unlabelled-\(method)")
        let target = method == "group_thresholds" ? ["--set", "mitigation.target=demographic_parity"] : []
        #expect(try mitigate(method, in: dir, extra: target).status == 0)
        let test = try CSVReader.read(path: Self.test)
        try Data(CSVWriter.data(try Table(columns: test.columns.filter { $0.name != "y" })))
            .write(to: dir.appendingPathComponent("new.csv"))
        let unlabelledColumns = ["--score", "p", "--sensitive", "sex"]
        let unlabelled = try StageProcess.run(
            "mitigate", ["--apply", "fitted", "--preds", "new.csv"] + unlabelledColumns + ["--out", "deployed"],
            directory: dir)
        #expect(unlabelled.status == 0, "\(unlabelled.stderr)")
        #expect(
            unlabelled.stderr.contains("new.csv has no label column `label`: unlabelled rows"), "\(unlabelled.stderr)")
        let labelled = try StageProcess.run(
            "mitigate", ["--apply", "fitted", "--preds", Self.test] + Self.columns + ["--out", "applied"],
            directory: dir)
        #expect(labelled.status == 0, "\(labelled.stderr)")

        let deployed = try CSVReader.read(path: dir.appendingPathComponent("deployed/predictions.csv").path)
        let applied = try CSVReader.read(path: dir.appendingPathComponent("applied/predictions.csv").path)
        #expect(deployed.columnNames == applied.columnNames.filter { $0 != "label" })
        for name in deployed.columnNames { #expect(deployed[name] == applied[name], "\(name)") }
        #expect(deployed.rowCount == test.rowCount)

        // A label column named by --label must be there.
        let named = try StageProcess.run(
            "mitigate",
            ["--apply", "fitted", "--preds", "new.csv", "--label", "y"] + unlabelledColumns + ["--out", "named"],
            directory: dir)
        #expect(named.status == ExitStatus.dataError.rawValue)
        #expect(
            named.stderr.split(separator: "\n").count == 1 && named.stderr.contains("no label column `y`"),
            "\(named.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("named/predictions.csv").path))
    }

    @Test(arguments: ["reweighing", "exponentiated_gradient", "adversarial_debiasing"])
    func methodsThatNeedTrainingDataAreRefusedInOneLine(method: String) throws {
        let dir = try Fixtures.temporaryFolder("refuse-\(method)")
        // Pre-processing aims only at demographic parity (refused with equalized_odds at load).
        let target = method == "reweighing" ? ["--set", "mitigation.target=demographic_parity"] : []
        let result = try mitigate(method, in: dir, extra: target)
        #expect(result.status == ExitStatus.usage.rawValue)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.contains("needs the training data and a learner") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("fitted/manifest.json").path))
    }

    @Test func aGroupUnseenInValidationIsOneLineNamingIt() throws {
        let dir = try Fixtures.temporaryFolder()
        #expect(try mitigate("threshold_optimizer", in: dir).status == 0)
        var text = try String(contentsOfFile: Self.test, encoding: .utf8)
        text += "99999,Other,1,0.5\n"
        try text.write(to: dir.appendingPathComponent("new.csv"), atomically: true, encoding: .utf8)
        let result = try StageProcess.run(
            "mitigate", ["--apply", "fitted", "--preds", "new.csv"] + Self.columns + ["--out", "applied"],
            directory: dir)
        #expect(result.status == ExitStatus.dataError.rawValue)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.contains("group `Other` occurs in new.csv but not in the validation predictions") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("applied/predictions.csv").path))
    }
}

extension JSONDecoder {
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
