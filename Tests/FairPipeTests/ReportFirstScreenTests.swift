import Foundation
import Testing

@testable import FairPipe

/// Issue #17: the first screen judges the model that ships, with the baseline beside it.
@Suite struct ReportFirstScreenTests {
    /// A gate result as evaluate writes it, with `value` and bounds as given.
    static func gate(_ key: String, value: Double, max: Double? = nil, min: Double? = nil) -> GateResult {
        let passed = (max.map { value <= $0 } ?? true) && (min.map { value >= $0 } ?? true)
        return GateResult(
            gate: key, metric: GateSpec.metricName(of: key), attribute: GateSpec.attribute(of: key), group: nil,
            value: value, ci: [value - 0.01, value + 0.01], judged: value, max: max, min: min,
            judgeBy: .estimate, passed: passed, message: key)
    }

    /// The study's two evaluations with their gates replaced.
    static func inputs(before: [GateResult], after: [GateResult]) throws -> ReportInputs {
        var inputs = try StudyRuns.studyInputs()
        inputs.metrics?.gates = before
        inputs.metrics?.passed = before.allSatisfy(\.passed)
        inputs.mitigation?.before = inputs.metrics
        inputs.mitigation?.after?.gates = after
        inputs.mitigation?.after?.passed = after.allSatisfy(\.passed)
        return inputs
    }

    @Test func shippedModelIsJudgedWithTheBaselineBeside() throws {
        let inputs = try Self.inputs(
            before: [
                Self.gate("disparate_impact@group", value: 0.53, max: 1.25, min: 0.8),
                Self.gate("equalized_odds_difference@group", value: 0.097, max: 0.1),
            ],
            after: [
                Self.gate("disparate_impact@group", value: 0.93, max: 1.25, min: 0.8),
                Self.gate("equalized_odds_difference@group", value: 0.197, max: 0.1),
            ])
        let verdict = ShippedVerdict(inputs, config: ReportConfig())
        #expect(verdict.shipped.status == .fail)
        #expect(verdict.headline.hasPrefix("FAIL — 1 of 2 gates failed (shipped model, after group thresholds)"))
        #expect(verdict.baselineLine == "Baseline (before mitigation): FAIL — 1 of 2 gates failed")
        #expect(verdict.changes.map(\.kind) == [.fixed, .broke])
        #expect(
            verdict.changeSentences == [
                "Mitigation fixed disparate impact for group: 0.530 → 0.930, required in [0.800, 1.250].",
                "Mitigation broke equalized odds difference for group: 0.0970 → 0.197, required ≤ 0.100; it passed before.",
            ])
        let html = renderHTML(inputs, config: ReportConfig())
        let first = String(html[..<(try #require(html.range(of: "<section id=\"data\">"))).lowerBound])
        #expect(first.contains("(shipped model, after group thresholds)"))
        #expect(first.contains("Mitigation broke equalized odds difference for group"))
        #expect(first.contains("Mitigation changed accuracy "))
    }

    @Test func passingShippedModelPassesEvenWhenTheBaselineFailed() throws {
        let inputs = try Self.inputs(
            before: [Self.gate("demographic_parity_difference", value: 0.2, max: 0.1)],
            after: [Self.gate("demographic_parity_difference", value: 0.05, max: 0.1)])
        let verdict = ShippedVerdict(inputs, config: ReportConfig())
        #expect(verdict.shipped.status != .fail)
        #expect(verdict.baseline?.status == .fail)
        #expect(verdict.changes.map(\.kind) == [.fixed])
        #expect(renderMarkdown(inputs).contains("Baseline (before mitigation): FAIL — 1 of 1 gate failed"))
    }

    @Test func gatesThatGetWorseAreNamed() throws {
        let inputs = try Self.inputs(
            before: [
                Self.gate("equalized_odds_difference", value: 0.2, max: 0.1),
                Self.gate("accuracy", value: 0.9, min: 0.7),
            ],
            after: [
                Self.gate("equalized_odds_difference", value: 0.3, max: 0.1),
                Self.gate("accuracy", value: 0.75, min: 0.7),
            ])
        let verdict = ShippedVerdict(inputs, config: ReportConfig())
        #expect(verdict.changes.map(\.kind) == [.worse, .eroded])
        #expect(
            verdict.changeSentences.first
                == "Mitigation made equalized odds difference worse: 0.200 → 0.300, required ≤ 0.100.")
    }

    @Test func withoutMitigationTheEvaluationIsTheShippedModel() throws {
        let metrics = try StudyRuns.studyInputs().metrics
        let verdict = ShippedVerdict(ReportInputs(metrics: metrics), config: ReportConfig())
        #expect(verdict.baseline == nil && verdict.changes.isEmpty)
        #expect(verdict.headline == ReportVerdict(metrics: metrics, config: ReportConfig()).headline)
    }

    /// A four-fifths failure of a small group is "too little data to judge", not the top finding.
    @Test func smallGroupsAreTooLittleDataToJudge() throws {
        var metrics = try #require(try StudyRuns.studyInputs().metrics)
        metrics.gates = []
        metrics.passed = true
        let a = try #require(metrics.attributes.firstIndex { $0.name == "group" })
        let failing = metrics.attributes[a].vsReference.map(\.group)
        #expect(!failing.isEmpty)
        for g in metrics.attributes[a].groups.indices where failing.contains(metrics.attributes[a].groups[g].group) {
            metrics.attributes[a].groups[g].warnings = ["small_group"]
        }
        let concerns = ReportVerdict.findConcerns(metrics, config: ReportConfig())
        let text = try #require(concerns.first { $0.text.contains("= \(failing[0]):") && $0.attribute == "group" })
        #expect(text.tier == 3)
        #expect(text.text.hasPrefix("Too little data to judge the four-fifths rule for group = "))
    }

    @Test func nextStepComesFromTheTradeoffCurve() throws {
        let inputs = try StudyRuns.studyInputs()
        let next = try #require(nextStep(inputs))
        let curve = try #require(inputs.mitigation?.tradeoff)
        #expect(next.hasPrefix("Next: group thresholds with tolerance = "))
        #expect(curve.points.contains { next.contains("tolerance = \(ReportNumber.plain($0.strength))") })
    }

    @Test func provenanceNamesEachStageRunByItsRole() throws {
        let html = renderHTML(try StudyRuns.studyInputs(), config: ReportConfig())
        #expect(html.contains("<h3>evaluate — baseline evaluation</h3>"))
        #expect(html.contains("<h3>evaluate — mitigated evaluation</h3>"))
        #expect(html.contains("<details class=\"fold\"><summary>Files: "))
    }

    @Test func modelCardNamesOnlyWhatApplies() throws {
        let html = renderHTML(try StudyRuns.studyInputs(), config: ReportConfig())
        let card = String(html[(try #require(html.range(of: "<section id=\"model-card\">"))).lowerBound...])
            .components(separatedBy: "</section>")[0]
        #expect(card.contains("mitigation.method = group_thresholds"))
        #expect(card.contains("mitigation.group_thresholds.tolerance = "))
        #expect(!card.contains("mitigation.eps") && !card.contains("mitigation.adversary_loss_weight"))
        #expect(card.contains("model.type = "))
    }

    @Test func numbersInProseHaveThreeSignificantDigits() {
        #expect(ReportNumber.significant(0.5319671053592556) == "0.532")
        #expect(ReportNumber.significant(0.037812) == "0.0378")
        #expect(ReportNumber.significant(12.345) == "12.3")
        #expect(ReportNumber.significant(0) == "0")
        #expect(ReportNumber.significant(nil) == "—")
    }

    @Test func recommendationsRoundTheirNumbers() throws {
        let folder = try StudyRuns.studyFolder()
        let text = try StudyRuns.read(folder, "mitigation/recommendations.json")
        let recommendations = try Recommendations.decode(Data(text.utf8), path: "recommendations.json")
        for reason in recommendations.failedGates {
            let value = try #require(reason.components(separatedBy: " = ").last?.components(separatedBy: " ").first)
            #expect(value.count <= 6, "\(reason)")
        }
    }

    /// `report --audit DIR` renders an `evaluate --preds` folder.
    @Test func standaloneAuditReport() throws {
        let folder = try Fixtures.temporaryFolder()
        let preds = folder.appendingPathComponent("p.csv")
        try StudyRuns.predictions([("A", 200, 0.4), ("B", 200, 0.2)]).write(
            to: preds, atomically: true, encoding: .utf8)
        let audit = folder.appendingPathComponent("audit").path
        try StudyRuns.run(
            "evaluate",
            [
                "--preds", preds.path, "--sensitive", "group", "--quiet", "--out", audit, "--set",
                "fairness.bootstrap.samples=30",
            ])
        let result = try StageProcess.run(
            "report", ["--audit", audit, "--out", audit + "/report", "--set", "fairness.bootstrap.samples=30"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").last?.contains("report.html: ") == true, "\(result.stderr)")
        let html = try String(contentsOfFile: audit + "/report/report.html", encoding: .utf8)
        #expect(html.contains("id=\"c0-roc\"") && html.contains("id=\"c-sweep\""))
        // No dataset, model or mitigation: those sections are left out, not noted missing.
        for id in ["data", "why", "mitigation", "recommendations", "model-card"] {
            #expect(!html.contains("<section id=\"\(id)\">"), "section \(id)")
        }
        #expect(html.contains("<body class=\"audit\">") && !html.contains("not given") && !html.contains("was run"))
        #expect(!html.contains("href=\"#mitigation\""))
    }
}
