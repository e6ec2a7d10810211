import Foundation
import Testing

@testable import FairPipe

/// The verdict's concerns respect each cell's size: intervals from counts (Jeffreys, made
/// simultaneous by Bonferroni) next to the bootstrap's, golden-tested against scipy.
@Suite struct ReportConcernTests {
    struct Expected: Decodable {
        struct Ratio: Decodable {
            var group: [Int]; var reference: [Int]; var comparisons: Int; var confidence: Double
            var lower: Double; var upper: Double
        }
        struct Gap: Decodable { var families: [[[Int]]]; var confidence: Double; var bound: Double }
        var ratios: [Ratio]
        var gaps: [Gap]
    }

    static func expected() throws -> Expected {
        try Fixtures.json(Expected.self, "report/size_aware_intervals.json")
    }

    /// Counts with `selected` of `n` selected, `positives` of them with label 1 among the unselected.
    static func cell(selected: Int, n: Int, missedPositives: Int = 0) -> ConfusionCounts {
        ConfusionCounts(tp: 0, fp: selected, tn: n - selected - missedPositives, fn: missedPositives)
    }

    @Test func sizeAwareRatioIntervalsMatchScipy() throws {
        for c in try Self.expected().ratios {
            let interval = try #require(
                ConcernEvidence.ratioInterval(
                    group: Self.cell(selected: c.group[0], n: c.group[1]),
                    reference: Self.cell(selected: c.reference[0], n: c.reference[1]),
                    comparisons: c.comparisons, confidence: c.confidence))
            #expect(abs(interval.lower - c.lower) < 1e-9, "\(c.group) vs \(c.reference): \(interval.lower)")
            #expect(abs(interval.upper - c.upper) < 1e-9, "\(c.group) vs \(c.reference): \(interval.upper)")
        }
    }

    @Test func sizeAwareGapBoundsMatchScipy() throws {
        for c in try Self.expected().gaps {
            let families = c.families.map { $0.map { (successes: $0[0], trials: $0[1]) } }
            let bound = try #require(ConcernEvidence.gapLowerBound(families, confidence: c.confidence))
            #expect(abs(bound - c.bound) < 1e-9, "\(c.families): \(bound) vs \(c.bound)")
        }
        #expect(ConcernEvidence.gapLowerBound([[(successes: 0, trials: 0)]], confidence: 0.95) == nil)
    }

    /// The study's metrics with one non-reference group of attribute `group` replaced by
    /// `counts`, failing the four-fifths rule with the degenerate bootstrap interval [0, 0], and
    /// the reference selecting 901 of 5403 (Adult's Male&White after group thresholds).
    static func metricsWithEmptySelection(_ counts: ConfusionCounts) throws -> (MetricsReport, String) {
        var metrics = try #require(try StudyRuns.studyInputs().metrics)
        metrics.gates = []
        metrics.passed = true
        let a = try #require(metrics.attributes.firstIndex { $0.name == "group" })
        let reference = try #require(metrics.attributes[a].reference)
        let g = try #require(metrics.attributes[a].groups.firstIndex { $0.group != reference })
        let name = metrics.attributes[a].groups[g].group
        let r = try #require(metrics.attributes[a].groups.firstIndex { $0.group == reference })
        metrics.attributes[a].groups[r].counts = cell(selected: 901, n: 5403)
        metrics.attributes[a].groups[g].counts = counts
        metrics.attributes[a].groups[g].n = counts.n
        metrics.attributes[a].groups[g].warnings = []
        let v = try #require(metrics.attributes[a].vsReference.firstIndex { $0.group == name })
        metrics.attributes[a].vsReference[v].metrics["disparate_impact"] = MetricValue(value: 0, ci: [0, 0])
        metrics.attributes[a].vsReference[v].fourFifthsPass = false
        return (metrics, name)
    }

    /// A small cell where the model selects nobody: its bootstrap interval is [0, 0], but 0 of
    /// 20 is also what a rate of 0.12 gives one time in forty. The size-aware interval reaches
    /// into the four-fifths band, so it is too little data to judge, shown with its honest
    /// uncertainty, and ranks below every measured concern. (On Adult the cell is 0 of 33 among
    /// 9 comparisons: the same outcome.)
    @Test func aSmallCellWithNobodySelectedIsTooLittleDataToJudge() throws {
        let (metrics, name) = try Self.metricsWithEmptySelection(Self.cell(selected: 0, n: 20, missedPositives: 2))
        let all = ReportVerdict.findConcerns(metrics, config: ReportConfig())
        let concern = try #require(all.first { $0.text.contains("group = \(name):") }, "\(all.map(\.text))")
        #expect(concern.tier == 3)
        #expect(concern.text.hasPrefix("Too little data to judge the four-fifths rule for group = \(name)"))
        #expect(concern.text.contains("n = 20, 0 selected; Jeffreys 95% CI of its selection rate 0.000–0.117"))
        #expect(!concern.text.contains("CI 0.00–0.00"))
        #expect(concern.text.contains("the interval reaches into 0.80–1.25"))
        let top = ReportVerdict.top(all, count: 3)
        #expect(!top.contains(concern))
        #expect(top.allSatisfy { $0.tier < 3 })
    }

    /// The same empty selection in a large cell is strong evidence: still a four-fifths failure,
    /// ranked by the size-aware interval's end nearest parity.
    @Test func aLargeCellWithNobodySelectedStaysAConcern() throws {
        let (metrics, name) = try Self.metricsWithEmptySelection(Self.cell(selected: 0, n: 3000))
        let concern = try #require(
            ReportVerdict.findConcerns(metrics, config: ReportConfig()).first { $0.text.contains("= \(name) is") })
        #expect(concern.tier == 1)
        #expect(concern.text.contains("n = 3000, 0 selected"))
        #expect(concern.severity > 0.9 && concern.severity < 1)
    }

    /// A between-group gap whose groups are all tiny is too little data, whatever its bootstrap
    /// interval says.
    @Test func aGapBetweenTinyGroupsIsTooLittleDataToJudge() throws {
        var metrics = try #require(try StudyRuns.studyInputs().metrics)
        let a = try #require(metrics.attributes.firstIndex { $0.name == "group" })
        for g in metrics.attributes[a].groups.indices {
            metrics.attributes[a].groups[g].counts = ConfusionCounts(tp: g % 2, fp: 1, tn: 1, fn: 1 - g % 2)
        }
        var gap = DisparityValue(value: 1, ci: [0.6, 1], excludedGroups: [], reason: nil)
        gap.pValue = nil
        metrics.attributes[a].disparities["false_negative_rate_difference"] = gap
        let concerns = ReportVerdict.findConcerns(metrics, config: ReportConfig())
        let concern = try #require(concerns.first { $0.text.contains("false negative rate difference between group") })
        #expect(concern.tier == 3)
        #expect(
            concern.text.hasPrefix("Too little data to judge the false negative rate difference between group groups"))
    }
}

/// The "Next:" step judges the trade-off curve by the verdict's own gates (their attribute,
/// not the combined one the curve's target disparity is measured on).
@Suite struct ReportNextStepTests {
    @Test func nextStepIsJudgedByTheVerdictsGates() throws {
        let inputs = try StudyRuns.studyInputs()
        let curve = try #require(inputs.mitigation?.tradeoff)
        #expect(curve.attribute != "group")
        #expect(curve.points.allSatisfy { $0.gates?.isEmpty == false })
        let next = try #require(nextStep(inputs))
        #expect(!next.contains("on \(curve.attribute)"))
        // The pick fails no more gates than any point on the curve.
        let fewest = curve.points.map { point in point.gates?.filter { !$0.passed }.count ?? 0 }.min() ?? 0
        let picked = try #require(
            curve.points.first { next.contains("tolerance = \(ReportNumber.plain($0.strength))") })
        #expect(picked.gates?.filter { !$0.passed }.count == fewest)
    }

    /// A setting that passes every gate wins over a more accurate one that fails a gate, and
    /// the step names the gate the shipped model fails with its value there.
    @Test func aSettingThatPassesEveryGateWinsOverAMoreAccurateOne() throws {
        var curve = try #require(try StudyRuns.studyInputs().mitigation?.tradeoff)
        let template = try #require(curve.points.first?.gates?.first)
        func gate(_ value: Double) -> GateResult {
            var g = template
            g.metric = "equalized_odds_difference"
            g.gate = "equalized_odds_difference@group"
            g.attribute = "group"
            g.group = nil
            g.min = nil
            g.max = 0.1
            g.value = value
            g.ci = nil
            g.passed = value <= 0.1
            return g
        }
        curve.points = Array(curve.points.prefix(2))
        try #require(curve.points.count == 2)
        curve.points[0].accuracy.value = 0.9
        curve.points[0].gates = [gate(0.2)]
        curve.points[1].accuracy.value = 0.8
        curve.points[1].gates = [gate(0.05)]
        let next = try #require(gatedNextStep(curve, shipped: [gate(0.2)]))
        let strength = ReportNumber.plain(curve.points[1].strength)
        #expect(
            next
                == "Next: group thresholds with tolerance = \(strength) (the most accurate setting on the trade-off curve that passes its gate) is expected to give equalized odds difference for group 0.0500 (required ≤ 0.100) at accuracy 0.800."
        )
        curve.points[1].gates = [gate(0.15)]
        let none = try #require(gatedNextStep(curve, shipped: [gate(0.2)], shippedStrength: curve.points[0].strength))
        #expect(
            none.hasPrefix(
                "Next: no setting of group thresholds on the trade-off curve passes every gate; the closest, tolerance = \(strength), fails 1 of 1"
            ))
    }
}

/// The page keeps its height down: the trade-off curve is a key chart, the before/after chart
/// sits beside the disparity table it pictures, and the mitigation section folds the tables.
@Suite struct ReportLayoutTests {
    @Test func mitigationChartsJoinTheKeyChartsAndTheDisparityTable() throws {
        let html = renderHTML(try StudyRuns.studyInputs(), config: ReportConfig())
        func section(_ id: String) throws -> String {
            String(html[(try #require(html.range(of: "<section id=\"\(id)\">"))).lowerBound...])
                .components(separatedBy: "</section>")[0]
        }
        let keyGrid = try section("charts").components(separatedBy: "<div class=\"grid key\">")[1]
        #expect(keyGrid.components(separatedBy: "<details")[0].contains("id=\"c-tradeoff\""))
        let disparities = try section("disparities")
        #expect(disparities.contains("<div class=\"grid pair\">") && disparities.contains("id=\"c-mitigation\""))
        let mitigation = try section("mitigation")
        #expect(!mitigation.contains("<svg"))
        #expect(mitigation.contains("<summary>Before/after and trade-off tables</summary>"))
    }
}

/// The runs page labels each front point by what varies across the sweep, not by a
/// truncated full key.
@Suite struct RunsPageLabelTests {
    static func run(_ id: String, _ parameters: [String: String]) -> RunSummary {
        RunSummary(id: id, parameters: parameters)
    }

    @Test func pointsAreLabelledByTheParametersThatVary() {
        let runs = [
            Self.run(
                "a",
                [
                    "mitigation.method": "group_thresholds", "mitigation.group_thresholds.tolerance": "0.01",
                    "experiment.seed": "1", "model.type": "logistic_regression",
                ]),
            Self.run(
                "b",
                [
                    "mitigation.method": "group_thresholds", "mitigation.group_thresholds.tolerance": "0.05",
                    "experiment.seed": "2", "model.type": "logistic_regression",
                ]),
            Self.run(
                "c",
                [
                    "mitigation.method": "threshold_optimizer", "experiment.seed": "1",
                    "model.type": "logistic_regression",
                ]),
        ]
        let varying = RunsPage.varyingKeys(runs)
        #expect(varying == ["mitigation.group_thresholds.tolerance", "mitigation.method", "experiment.seed"])
        #expect(RunsPage.pointLabel(runs[1], varying: varying) == "tolerance=0.05, method=group_thresholds, seed=2")
        #expect(RunsPage.pointLabel(runs[2], varying: varying) == "method=threshold_optimizer, seed=1")
        let tolerances = Array(runs.prefix(2)).map { run in
            var run = run
            run.parameters["experiment.seed"] = "1"
            return run
        }
        #expect(RunsPage.pointLabel(tolerances[0], varying: RunsPage.varyingKeys(tolerances)) == "tolerance=0.01")
    }

    @Test func sharedLastComponentsKeepTheirWholeKey() {
        let runs = [
            Self.run("a", ["m.a.tolerance": "0.1", "m.b.tolerance": "0.2"]),
            Self.run("b", ["m.a.tolerance": "0.3", "m.b.tolerance": "0.4"]),
        ]
        #expect(
            RunsPage.pointLabel(runs[0], varying: RunsPage.varyingKeys(runs))
                == "m.a.tolerance=0.1, m.b.tolerance=0.2")
        #expect(RunsPage.pointLabel(Self.run("x", [:]), varying: []) == "x")
    }
}
