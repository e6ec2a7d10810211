import Foundation
import Testing

@testable import FairPipe

#if canImport(FoundationXML)
    import FoundationXML
#endif

enum XMLCheck {
    /// Whether `text` parses as XML 1.0 (libxml2 through Foundation's XMLParser).
    static func isWellFormed(_ text: String) -> Bool {
        XMLParser(data: Data(text.utf8)).parse()
    }
}

/// One Codable type per artefact (issue #12): each file a real stage run wrote decodes
/// through its type and encodes back to the same bytes.
@Suite struct ArtefactRoundTripTests {
    func roundTrip<T: Artefact & Equatable>(_ type: T.Type, _ relativePath: String) throws {
        let path = try StudyRuns.studyFolder().appendingPathComponent(relativePath).path
        let data = try #require(FileManager.default.contents(atPath: path))
        let value = try T.decode(data, path: path)
        #expect(try value.jsonData() == data, "\(relativePath) does not round-trip through \(T.self)")
        #expect(try T.decode(value.jsonData(), path: path) == value)
    }

    @Test func metricsJSON() throws {
        try roundTrip(MetricsReport.self, "evaluation/metrics.json")
        try roundTrip(MetricsReport.self, "evaluation-mitigated/metrics.json")
    }

    @Test func curvesJSON() throws { try roundTrip(CurvesReport.self, "evaluation/curves.json") }

    @Test func auditJSON() throws { try roundTrip(AuditReport.self, "dataset/audit.json") }

    @Test func tradeoffJSON() throws { try roundTrip(TradeoffCurve.self, "mitigation/tradeoff.json") }

    @Test func recommendationsJSON() throws { try roundTrip(Recommendations.self, "mitigation/recommendations.json") }

    @Test(arguments: ["dataset", "model", "evaluation", "mitigation", "evaluation-mitigated", "report"])
    func manifestJSON(stage: String) throws { try roundTrip(Manifest.self, "\(stage)/manifest.json") }

    @Test func experimentsJSON() throws {
        let metric = ExperimentsFile.Metric(value: 0.5, ci: [0.4, 0.6])
        let run = ExperimentsFile.Run(
            runID: "r1", label: "tolerance=0.1", folder: "outputs/sweeps/s/r1",
            parameters: ["mitigation.tolerance": "0.1"], gitSHA: "abc", dirty: false, configHash: "h",
            metrics: ["accuracy": metric, "disparate_impact": .init(value: nil, ci: nil)], gatesPassed: nil,
            started: "s", finished: "f", shared: .init(dataset: "d", model: "m", evaluation: "e"))
        let file = ExperimentsFile(
            schemaVersion: 1, sweep: "s", spec: "sweeps/s.yml", sweptKeys: ["mitigation.tolerance"],
            runs: [run], pending: ["r2"])
        let data = try file.jsonData()
        #expect(try ExperimentsFile.decode(data, path: "experiments.json") == file)
        #expect(String(decoding: data, as: UTF8.self).contains("\"gates_passed\" : null"))
    }

    /// A file from a newer FairPipe is refused with a message naming it, never misread.
    @Test func newerSchemaVersionIsRefused() throws {
        let path = try StudyRuns.studyFolder().appendingPathComponent("evaluation/metrics.json").path
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "\"schema_version\" : \(MetricsReport.currentSchemaVersion)", with: "\"schema_version\" : 99")
        #expect(
            throws: FileError.malformed(
                path: "m.json",
                reason:
                    "schema_version 99 is newer than this FairPipe reads (\(MetricsReport.currentSchemaVersion)); update FairPipe"
            )
        ) {
            try MetricsReport.decode(Data(text.utf8), path: "m.json")
        }
    }

    /// A missing required field is named by its key path.
    @Test func missingFieldIsNamedByItsPath() throws {
        let json = #"{"schema_version": 2, "n": 3, "overall": {}, "attributes": [{"name": "sex"}], "bootstrap": {}}"#
        do {
            _ = try MetricsReport.decode(Data(json.utf8), path: "m.json")
            Issue.record("decoded a malformed metrics.json")
        } catch let error as FileError {
            #expect(
                error.description.hasPrefix("m.json: not a valid MetricsReport file: missing key `attributes[0]."),
                "\(error)")
        }
    }

    /// Optional fields added in later versions are tolerated when absent (decodeIfPresent).
    @Test func olderFilesWithoutNewFieldsStillRead() throws {
        let path = try StudyRuns.studyFolder().appendingPathComponent("evaluation/metrics.json").path
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        object["four_fifths"] = nil
        object["schema_version"] = 1
        object["notes"] = nil
        let report = try MetricsReport.decode(try JSONSerialization.data(withJSONObject: object), path: "old.json")
        #expect(report.schemaVersion == 1)
        #expect(report.fourFifths == nil && report.fourFifthsBand == FourFifthsRule())
        #expect(report.notes.isEmpty)
    }
}

/// Issue #12's acceptance runs, each on artefacts real `evaluate` and `report` runs wrote.
@Suite struct FourFifthsAcceptanceTests {
    static let config = """
        fairness:
          reference: {group: A}
          bootstrap: {samples: 40}
          thresholds:
            disparate_impact@group: {four_fifths: true}
        report:
          title: Four fifths
        """

    /// Disparate impact 1.5 (above 1.25, which the one-sided rule passed): metrics.json, the
    /// gate, evaluate's summary.md and junit.xml, and the report all say it fails.
    @Test func impactAboveTheBandFailsEverywhere() throws {
        let csv = StudyRuns.predictions([("A", 400, 0.3), ("B", 400, 0.45)])
        let run = try StudyRuns.audit("impact-above-band", csv: csv, config: Self.config)
        let metrics = try MetricsReport.read(at: run.appendingPathComponent("evaluation/metrics.json").path)
        let versus = try #require(metrics.attribute("group")?.vsReference.first)
        let impact = try #require(versus.disparateImpact?.value)
        #expect(abs(impact - 1.5) < 1e-12)
        #expect(versus.fourFifthsPass == false)
        #expect(metrics.fourFifths == FourFifthsRule(bound: 0.8))
        let gate = try #require(metrics.gates.first)
        #expect(!gate.passed && gate.max == 1.25 && gate.min == 0.8)
        #expect(!metrics.passed)

        let evaluateSummary = try StudyRuns.read(run, "evaluation/summary.md")
        let reportSummary = try StudyRuns.read(run, "report/summary.md")
        for summary in [evaluateSummary, reportSummary] {
            #expect(summary.contains("FAIL"))
            #expect(summary.contains("| ❌ | disparate_impact · group · B | 1.500 |"))
            #expect(summary.contains("B: 1.500 (outside 0.80–1.25)"))
        }
        for junit in [try StudyRuns.read(run, "evaluation/junit.xml"), try StudyRuns.read(run, "report/junit.xml")] {
            #expect(junit.contains("failures=\"1\""))
            #expect(XMLCheck.isWellFormed(junit))
        }
        let html = try StudyRuns.read(run, "report/report.html")
        #expect(html.contains("4/5 fails"))
        #expect(!html.contains("4/5 ok"))
        #expect(html.contains("Selection rate of group = B is 1.50× that of A"))
        #expect(html.contains("four-fifths rule fails: outside 0.80–1.25"))
    }

    @Test func impactInsideTheBandPassesEverywhere() throws {
        let csv = StudyRuns.predictions([("A", 400, 0.4), ("B", 400, 0.44)])
        let run = try StudyRuns.audit("impact-in-band", csv: csv, config: Self.config)
        let metrics = try MetricsReport.read(at: run.appendingPathComponent("evaluation/metrics.json").path)
        #expect(metrics.attribute("group")?.vsReference.first?.fourFifthsPass == true)
        #expect(metrics.passed)
        let html = try StudyRuns.read(run, "report/report.html")
        #expect(html.contains("4/5 ok") && !html.contains("4/5 fails"))
        #expect(try StudyRuns.read(run, "report/summary.md").contains("(within four-fifths)"))
    }

    /// An excluded small group, 90% intervals and the between-individual indices: the report
    /// names the group, prints "90%" and shows the between-individuals section.
    @Test func excludedGroupConfidenceAndIndividualsAreShown() throws {
        let config = """
            fairness:
              reference: {group: A}
              min_group_size: 30
              exclude_small_groups: true
              bootstrap: {samples: 40, confidence: 0.9}
            """
        let csv = StudyRuns.predictions([("A", 300, 0.4), ("B", 300, 0.3), ("Tiny", 6, 0.5)])
        let run = try StudyRuns.audit("excluded-group", csv: csv, config: config)
        let metrics = try MetricsReport.read(at: run.appendingPathComponent("evaluation/metrics.json").path)
        let excluded = try #require(
            metrics.attribute("group")?.disparity("demographic_parity_difference")?.excludedGroups)
        #expect(excluded.map(\.group) == ["Tiny"])
        #expect(metrics.overall["theil_index"]?.value != nil)
        let html = try StudyRuns.read(run, "report/report.html")
        #expect(html.contains("Tiny (small_group: n = 6 &lt; 30 (fairness.exclude_small_groups))"))
        #expect(html.contains("90% CI") && html.contains("90% confidence interval"))
        #expect(!html.contains("95%"))
        #expect(html.contains("<h3>Between individuals</h3>"))
        #expect(!(try StudyRuns.read(run, "report/summary.md")).contains("95%"))
    }

    @Test func bandIsConfigurable() throws {
        let config = Self.config.replacingOccurrences(
            of: "  reference: {group: A}", with: "  reference: {group: A}\n  four_fifths: 0.6")
        let csv = StudyRuns.predictions([("A", 400, 0.3), ("B", 400, 0.45)])
        let run = try StudyRuns.audit("impact-wide-band", csv: csv, config: config)
        let metrics = try MetricsReport.read(at: run.appendingPathComponent("evaluation/metrics.json").path)
        #expect(metrics.fourFifths?.min == 0.6)
        #expect(metrics.attribute("group")?.vsReference.first?.fourFifthsPass == true)  // 1.5 ≤ 1/0.6
        #expect(metrics.passed)
    }

    @Test func fourFifthsGateNeedsDisparateImpactAndNoOtherBounds() throws {
        var config = FairnessConfig()
        config.thresholds = ["accuracy": GateSpec(fourFifths: true)]
        #expect(throws: ConfigError.self) { try config.validate() }
        config.thresholds = ["disparate_impact": GateSpec(min: 0.9, fourFifths: true)]
        #expect(throws: ConfigError.self) { try config.validate() }
        config.thresholds = ["disparate_impact@group": GateSpec(fourFifths: true)]
        #expect(throws: Never.self) { try config.validate() }
        config.fourFifths = 1.2
        #expect(throws: ConfigError.self) { try config.validate() }
    }

    @Test func ruleIsTwoSidedWithEndsIncluded() {
        let rule = FourFifthsRule()
        #expect(rule.max == 1.25)
        #expect(rule.passes(0.8) == true && rule.passes(1.25) == true && rule.passes(1) == true)
        #expect(rule.passes(0.79) == false && rule.passes(1.26) == false)
        #expect(rule.passes(nil) == nil && rule.passes(.nan) == nil)
    }
}
