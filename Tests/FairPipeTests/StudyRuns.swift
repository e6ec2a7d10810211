import Foundation
import Testing

@testable import FairPipe

/// Artefacts written by real stage runs, for the report's tests (issue #12: no hand-made
/// fixtures that could repeat an imagined schema). The stage executables of this build run
/// as a user would run them; each study runs once per test process and is shared.
enum StudyRuns {
    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    /// A small study whose every stage does real work: gates that fail, a mitigation with a
    /// trade-off sweep, scores (so curves.json), a data audit.
    static let studyConfig = """
        experiment: {name: report-study, seed: 7}
        data:
          synthetic: {rows: 1500}
        fairness:
          bootstrap: {samples: 80}
          reference: {group: A}
          thresholds:
            demographic_parity_difference@group: {max: 0.05}
            disparate_impact@group: {four_fifths: true}
            accuracy: {min: 0.5}
        mitigation:
          method: group_thresholds
          strengths: [0.02, 0.05, 0.1]
        report:
          title: Report study
        """

    /// make-dataset → train → evaluate → mitigate → evaluate (mitigated) → report.
    static let study: Result<URL, Failure> = capture {
        let folder = try Fixtures.temporaryFolder("report-study")
        let config = folder.appendingPathComponent("study.yml")
        try studyConfig.write(to: config, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("run")
        func at(_ name: String) -> String { out.appendingPathComponent(name).path }
        let steps: [(String, [String])] = [
            ("make-dataset", ["--out", at("dataset")]),
            ("train", ["--data", at("dataset"), "--out", at("model")]),
            ("evaluate", ["--data", at("dataset"), "--model", at("model"), "--out", at("evaluation")]),
            (
                "mitigate",
                [
                    "--data", at("dataset"), "--model", at("model"), "--evaluation", at("evaluation"), "--out",
                    at("mitigation"),
                ]
            ),
            (
                "evaluate",
                [
                    "--preds", at("mitigation/predictions.csv"), "--data", at("dataset"), "--out",
                    at("evaluation-mitigated"),
                ]
            ),
            ("report", ["--run", out.path, "--out", at("report")]),
        ]
        for (stage, arguments) in steps { try run(stage, ["--config", config.path, "--quiet"] + arguments) }
        return out
    }

    static func studyFolder() throws -> URL { try study.get() }

    /// The study's files as the report stage reads them.
    static func studyPaths() throws -> ReportPaths {
        let out = try studyFolder()
        func at(_ name: String) -> String { out.appendingPathComponent(name).path }
        var paths = ReportPaths(
            metrics: at("evaluation/metrics.json"), curves: at("evaluation/curves.json"),
            audit: at("dataset/audit.json"),
            mitigatedMetrics: at("evaluation-mitigated/metrics.json"), baselineMetrics: at("evaluation/metrics.json"),
            tradeoff: at("mitigation/tradeoff.json"), recommendations: at("mitigation/recommendations.json"),
            manifests: ["dataset", "model", "evaluation", "mitigation", "evaluation-mitigated"].map {
                at("\($0)/manifest.json")
            })
        if FileManager.default.fileExists(atPath: at("evaluation-mitigated/curves.json")) {
            paths.mitigatedCurves = at("evaluation-mitigated/curves.json")
        }
        return paths
    }

    static func studyInputs() throws -> ReportInputs { try ReportInputs.load(try studyPaths()) }

    /// `evaluate --preds` on `csv` (columns row_id, group, label, score, decision) with
    /// `config`, then `report` on that run. Returns the run folder.
    static func audit(_ name: String, csv: String, config: String) throws -> URL {
        let folder = try Fixtures.temporaryFolder(name)
        let preds = folder.appendingPathComponent("predictions.csv")
        try csv.write(to: preds, atomically: true, encoding: .utf8)
        let file = folder.appendingPathComponent("config.yml")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("run")
        let common = ["--config", file.path, "--quiet"]
        try run(
            "evaluate",
            common + [
                "--preds", preds.path, "--sensitive", "group", "--out", out.appendingPathComponent("evaluation").path,
            ])
        try run("report", common + ["--run", out.path, "--out", out.appendingPathComponent("report").path])
        return out
    }

    /// Predictions with the given per-group sizes and selection rates; labels and scores
    /// follow a fixed pattern, so the file is the same on every run.
    static func predictions(_ groups: [(name: String, n: Int, selectionRate: Double)]) -> String {
        var csv = "row_id,group,label,score,decision\n"
        var id = 0
        for group in groups {
            let selected = Int((Double(group.n) * group.selectionRate).rounded())
            for i in 0..<group.n {
                let decision = i < selected ? 1 : 0
                let label = (i * 7 + 3) % 10 < (decision == 1 ? 8 : 2) ? 1 : 0
                let score = decision == 1 ? 0.5 + Double((i * 37) % 50) / 100 : Double((i * 37) % 50) / 100
                csv += "\(id),\(CSVField.quote(group.name)),\(label),\(score),\(decision)\n"
                id += 1
            }
        }
        return csv
    }

    static func read(_ folder: URL, _ file: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    }

    static func run(_ stage: String, _ arguments: [String]) throws {
        let result = try StageProcess.run(stage, arguments)
        guard result.status == 0 else {
            throw Failure(
                description: "\(stage) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
    }

    static func capture(_ body: () throws -> URL) -> Result<URL, Failure> {
        do { return .success(try body()) } catch { return .failure(Failure(description: "\(error)")) }
    }
}

/// RFC 4180 quoting for the predictions the tests write.
enum CSVField {
    static func quote(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
