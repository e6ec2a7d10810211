import Foundation
import Testing

@testable import FairPipe

@Suite struct MetricsBehaviourTests {
    static func smallSet() throws -> PredictionSet {
        // 2 groups × 40 rows; group b selected less often.
        var labels: [UInt8] = [], decisions: [UInt8] = [], scores: [Double] = [], groups: [String] = []
        for i in 0..<80 {
            let g = i < 40 ? "a" : "b"
            let y: UInt8 = i % 3 == 0 ? 1 : 0
            let s = Double((i * 37) % 100) / 100
            labels.append(y); scores.append(s); groups.append(g)
            decisions.append(g == "a" ? (s >= 0.4 ? 1 : 0) : (s >= 0.7 ? 1 : 0))
        }
        return PredictionSet(
            labels: labels, decisions: decisions, scores: scores,
            attributes: [try SensitiveColumn(name: "grp", values: groups)])
    }

    static var quick: FairnessConfig {
        var c = FairnessConfig()
        c.bootstrap.samples = 100
        return c
    }

    @Test func badInputIsADataErrorNamingTheRow() throws {
        let base = try Self.smallSet()
        var set = base
        set.decisions.removeLast()
        #expect(throws: MetricsError.lengthMismatch(column: "decision", expected: 80, found: 79)) {
            try evaluateFairness(set, config: Self.quick, seed: 1)
        }
        set = base; set.labels[4] = 2
        #expect(throws: MetricsError.invalidLabel(row: 5, found: "2")) {
            try evaluateFairness(set, config: Self.quick, seed: 1)
        }
        set = base; set.decisions[0] = 7
        #expect(throws: MetricsError.invalidDecision(row: 1, found: "7")) {
            try evaluateFairness(set, config: Self.quick, seed: 1)
        }
        set = base; set.scores?[9] = .nan
        #expect(throws: MetricsError.invalidScore(row: 10, found: "nan")) {
            try evaluateFairness(set, config: Self.quick, seed: 1)
        }
        set = base; set.scores?[9] = 1.5
        #expect(throws: MetricsError.invalidScore(row: 10, found: "1.5")) {
            try evaluateFairness(set, config: Self.quick, seed: 1)
        }
        #expect(throws: MetricsError.emptyGroupName(attribute: "g", row: 2)) {
            try SensitiveColumn(name: "g", values: ["x", "", "y"])
        }
        set = base; set.attributes[0].codes[3] = 5
        #expect(throws: MetricsError.invalidGroupCode(attribute: "grp", row: 4, found: 5, groups: 2)) {
            try evaluateFairness(set, config: Self.quick, seed: 1)
        }
        var config = Self.quick
        config.reference = ["grp": "zzz"]
        #expect(throws: MetricsError.self) { try evaluateFairness(base, config: config, seed: 1) }
        let error = MetricsError.invalidScore(row: 10, found: "nan")
        #expect(error.exitStatus == .dataError)
        #expect(!error.description.contains("\n"))
    }

    @Test func configuredReferenceMustExistAndIDColumnsAreRejected() throws {
        let set = try Self.smallSet()
        var config = Self.quick
        config.reference = ["grp": "b"]
        #expect(try evaluateFairness(set, config: config, seed: 1).attribute("grp")?.reference == "b")
        config.reference = ["race": "x"]
        #expect(throws: MetricsError.unknownReferenceAttribute(attribute: "race", attributes: ["grp"])) {
            try evaluateFairness(set, config: config, seed: 1)
        }
        var wide = set
        wide.attributes.append(
            SensitiveColumn(name: "id", groups: (0..<80).map { "p\($0)" }, codes: (0..<80).map { Int32($0) }))
        config = Self.quick
        config.maxGroups = 50
        #expect(throws: MetricsError.tooManyGroups(attribute: "id", groups: 80, limit: 50)) {
            try evaluateFairness(wide, config: config, seed: 1)
        }
    }

    /// Many cells (3 attributes × 40 groups, ~13,000 observed cells × 4 × 100 bins > 2²² atom
    /// keys) take the sparse path; an attribute's numbers must not depend on the others.
    @Test func manyCellsGiveTheSameNumbersAsOneAttribute() throws {
        var rng = Xoshiro256StarStar(seed: 21)
        let n = 15_000
        let labels = (0..<n).map { _ in UInt8(rng.nextIndex(below: 2)) }
        let scores = labels.map { y in min(1, (rng.nextUnitDouble() + Double(y) * 0.5) / 1.5) }
        let columns = ["a", "b", "c"].map { name in
            SensitiveColumn(
                name: name, groups: (0..<40).map { "\(name)\($0)" },
                codes: (0..<n).map { _ in Int32(rng.nextIndex(below: 40)) })
        }
        var config = FairnessConfig()
        config.bootstrap.samples = 0
        config.intersectional = false
        let many = try evaluateFairness(
            PredictionSet(
                labels: labels, decisions: scores.map { $0 >= 0.5 ? 1 : 0 }, scores: scores, attributes: columns),
            config: config, seed: 1)
        let one = try evaluateFairness(
            PredictionSet(
                labels: labels, decisions: scores.map { $0 >= 0.5 ? 1 : 0 }, scores: scores, attributes: [columns[0]]),
            config: config, seed: 1)
        let a = try #require(many.attribute("a")), b = try #require(one.attribute("a"))
        for (g, h) in zip(a.groups, b.groups) {
            #expect(g.counts == h.counts)
            for (key, value) in h.metrics {
                #expect(close(g.metrics[key]?.value, value.value, tolerance: 1e-12), "\(g.group) \(key)")
            }
        }
        for (key, value) in b.disparities {
            #expect(close(a.disparities[key]?.value, value.value, tolerance: 1e-12), "\(key)")
        }
    }

    @Test func countsByGroupMatchTheReport() throws {
        let set = try Self.smallSet()
        let counts = ConfusionCounts.byGroup(
            labels: set.labels, decisions: set.decisions, codes: set.attributes[0].codes, groups: 2)
        let report = try evaluateFairness(set, config: Self.quick, seed: 1)
        #expect(counts == report.attribute("grp")?.groups.map(\.counts))
        #expect(
            GroupMetric.selectionRate.value(counts[0])
                == report.attribute("grp")?.groups[0].metrics["selection_rate"]?.value)
    }

    @Test func noAttributesGivesOverallOnly() throws {
        var set = try Self.smallSet()
        set.attributes = []
        let report = try evaluateFairness(set, config: Self.quick, seed: 1)
        #expect(report.attributes.isEmpty)
        #expect(report.overall["accuracy"]?.value != nil && report.overall["accuracy"]?.ci != nil)
    }

    @Test func singleGroupAttributeWarnsWithoutDisparities() throws {
        var set = try Self.smallSet()
        set.attributes.append(SensitiveColumn(name: "country", groups: ["NL"], codes: [Int32](repeating: 0, count: 80)))
        let report = try evaluateFairness(set, config: Self.quick, seed: 1)
        let country = try #require(report.attribute("country"))
        #expect(country.warnings == ["single_group"])
        #expect(country.disparities.isEmpty && country.vsReference.isEmpty)
        #expect(report.attribute("grp&country")?.disparities.isEmpty == false)
        var config = Self.quick
        config.thresholds = [
            "demographic_parity_difference": GateSpec(max: 1), "demographic_parity_ratio@country": GateSpec(min: 0),
        ]
        let gated = try evaluateFairness(set, config: config, seed: 1)
        #expect(
            gated.gates.filter { $0.gate == "demographic_parity_difference" }.map(\.attribute) == [
                "grp", "grp&country",
            ])
        #expect(gated.gates.first { $0.gate == "demographic_parity_ratio@country" }?.passed == false)
    }

    @Test func smallGroupsAreFlaggedAndExcludedOnlyWhenAsked() throws {
        let set = try Self.smallSet()
        var config = Self.quick
        config.minGroupSize = 50
        var report = try evaluateFairness(set, config: config, seed: 1)
        var grp = try #require(report.attribute("grp"))
        #expect(grp.groups.allSatisfy { $0.warnings.contains("small_group") })
        #expect(grp.disparities["demographic_parity_difference"]?.value != nil)
        config.excludeSmallGroups = true
        report = try evaluateFairness(set, config: config, seed: 1)
        grp = try #require(report.attribute("grp"))
        #expect(grp.disparities["demographic_parity_difference"]?.value == nil)
        #expect(grp.disparities["demographic_parity_difference"]?.excludedGroups.count == 2)
        #expect(report.notes.contains { $0.contains("exclude_small_groups") })
    }

    @Test func gatesJudgeEstimateOrCIBoundAndRenderJUnit() throws {
        let set = try Self.smallSet()
        var config = Self.quick
        config.thresholds = [
            "demographic_parity_difference": GateSpec(max: 0.9),
            "disparate_impact@grp": GateSpec(min: 0.99),
            "accuracy": GateSpec(min: 0.0, judgeBy: .ciBound),
            "vs_reference.equalized_odds_difference": GateSpec(max: 1),
            "theil_index@nope": GateSpec(max: 1),
        ]
        try config.validate()
        let report = try evaluateFairness(set, config: config, seed: 1)
        let byGate = Dictionary(grouping: report.gates, by: \.gate)
        #expect(byGate["demographic_parity_difference"]?.first?.passed == true)
        #expect(byGate["disparate_impact@grp"]?.first?.passed == false)
        #expect(byGate["accuracy"]?.first?.passed == true)
        #expect(byGate["accuracy"]?.first?.judged == byGate["accuracy"]?.first?.ci?[0])
        #expect(byGate["vs_reference.equalized_odds_difference"]?.first?.passed == true)
        #expect(byGate["theil_index@nope"]?.first?.passed == false)
        #expect(report.passed == false)
        let xml = renderJUnit(ReportInputs(metrics: report))
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == report.gates.count)
        #expect(xml.components(separatedBy: "<failure ").count - 1 == report.gates.filter { !$0.passed }.count)
        #expect(xml.contains("min 0.9900"))
        let md = renderMarkdown(ReportInputs(metrics: report))
        #expect(md.contains("FAIL") && md.contains("| grp |"))
    }

    @Test func configValidationNamesTheKey() {
        var config = FairnessConfig()
        config.thresholds = ["not_a_metric": GateSpec(max: 1)]
        #expect(throws: ConfigError.self) { try config.validate() }
        config = FairnessConfig()
        config.bootstrap.confidence = 1.5
        #expect(
            throws: ConfigError.invalidValue(key: "bootstrap.confidence", expected: "a number in (0, 1)", found: "1.5")
        ) { try config.validate() }
        config = FairnessConfig()
        config.thresholds = ["accuracy": GateSpec()]
        #expect(throws: ConfigError.self) { try config.validate() }
        #expect(throws: Never.self) { try FairnessConfig().validate() }
    }

    @Test func metricsJSONFollowsTheContract() throws {
        let report = try evaluateFairness(try Self.smallSet(), config: Self.quick, seed: 1)
        let object = try #require(try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any])
        #expect(object["schema_version"] as? Int == 3)
        #expect(object["four_fifths"] as? [String: Double] == ["min": 0.8, "max": 1.25])
        #expect(object["n"] as? Int == 80)
        let attributes = try #require(object["attributes"] as? [[String: Any]])
        let grp = try #require(attributes.first)
        #expect(grp["name"] as? String == "grp")
        let group = try #require((grp["groups"] as? [[String: Any]])?.first)
        let sr = try #require((group["metrics"] as? [String: Any])?["selection_rate"] as? [String: Any])
        #expect(sr["value"] is Double && (sr["ci"] as? [Double])?.count == 2)
        let dp = try #require(
            (grp["disparities"] as? [String: Any])?["demographic_parity_difference"] as? [String: Any])
        #expect(dp["bootstrap_bias"] is Double)
        #expect(dp["p_value"] is Double && dp["p_adjusted"] is Double)
        let vs = try #require((grp["vs_reference"] as? [[String: Any]])?.first)
        #expect(vs["group"] is String && vs["disparate_impact"] is [String: Any])
        // Round trip.
        let decoded = try JSONDecoder().decode(MetricsReport.self, from: report.jsonData())
        #expect(try decoded.jsonData() == report.jsonData())
    }

    @Test func radixSortOrdersLikeSort() {
        var rng = Xoshiro256StarStar(seed: 4)
        var values = (0..<5000).map { i -> Double in
            switch i % 7 {
            case 0: return 0
            case 1: return 1
            case 2: return Double(rng.nextIndex(below: 10)) / 10  // many ties
            case 3: return Double.leastNonzeroMagnitude  // subnormal
            default: return rng.nextUnitDouble()
            }
        }
        let expected = values.sorted()
        SufficientStatistics.radixSort(&values)
        #expect(values == expected)
    }

    /// Few cells use the pair table, many (3 × 12 = 36 > 32) the direct merge: both exact.
    @Test(arguments: [1, 12])
    func exactAUCMatchesAllPairsCount(otherGroups: Int) throws {
        var rng = Xoshiro256StarStar(seed: 8)
        let n = 3000
        let labels = (0..<n).map { _ in UInt8(rng.nextIndex(below: 2)) }
        let scores = labels.map { y in (Double(rng.nextIndex(below: 50)) + (y == 1 ? 10 : 0)) / 60 }
        let groups = (0..<n).map { _ in Int32(rng.nextIndex(below: 3)) }
        let other = (0..<n).map { _ in Int32(rng.nextIndex(below: otherGroups)) }
        let set = PredictionSet(
            labels: labels, decisions: scores.map { $0 >= 0.5 ? 1 : 0 }, scores: scores,
            attributes: [
                SensitiveColumn(name: "g", groups: ["x", "y", "z"], codes: groups),
                SensitiveColumn(name: "h", groups: (0..<otherGroups).map { "h\($0)" }, codes: other),
            ])
        var config = FairnessConfig()
        config.bootstrap.samples = 0
        let report = try evaluateFairness(set, config: config, seed: 1)
        for (code, name) in ["x", "y", "z"].enumerated() {
            let rows = (0..<n).filter { groups[$0] == Int32(code) }
            let pos = rows.filter { labels[$0] == 1 }.map { scores[$0] },
                neg = rows.filter { labels[$0] == 0 }.map { scores[$0] }
            var u = 0.0
            for p in pos { for q in neg { u += p > q ? 1 : (p == q ? 0.5 : 0) } }
            let auc = report.attribute("g")?.groups.first { $0.group == name }?.metrics["auc"]?.value
            #expect(auc == u / Double(pos.count * neg.count))
        }
    }

    @Test func curvesSweepThresholdsAndMatchAUC() throws {
        let set = try Self.smallSet()
        var config = Self.quick
        config.curves.thresholdStep = 0.1
        let (metrics, curves) = try evaluateFairnessAndCurves(set, config: config, seed: 1)
        let c = try #require(curves)
        #expect(c.thresholds.count == 11 && c.thresholds.first == 0 && c.thresholds.last == 1)
        #expect(c.overall.tpr.first == 1 && c.overall.fpr.first == 1)
        #expect(c.overall.auc == metrics.overall["auc"]?.value)
        let grp = try #require(c.attributes.first)
        #expect(grp.disparities["demographic_parity_difference"]?.count == 11)
        #expect(grp.groups.first?.reliability.count == 10)
        _ = try c.jsonData()
    }
}
