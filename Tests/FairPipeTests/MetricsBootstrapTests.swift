import Foundation
import Testing

@testable import FairPipe

/// The count bootstrap against a plain row-resampling bootstrap (slow, test-only).
@Suite struct MetricsBootstrapTests {
    /// Row bootstrap: resample rows with replacement (within each group when stratified) and
    /// measure every replicate from scratch.
    static func rowBootstrap(
        _ set: PredictionSet, config: FairnessConfig, samples: Int, stratified: Bool
    ) throws -> [Measures] {
        var rng = Xoshiro256StarStar(seed: 99, stream: "row-bootstrap")
        let n = set.labels.count
        let codes = set.attributes[0].codes
        let byGroup = Dictionary(grouping: 0..<n, by: { codes[$0] }).sorted { $0.key < $1.key }.map(\.value)
        var config = config
        config.bootstrap.samples = 0
        var out: [Measures] = []
        for _ in 0..<samples {
            var rows: [Int] = []
            if stratified {
                for members in byGroup {
                    for _ in members { rows.append(members[rng.nextIndex(below: members.count)]) }
                }
            } else {
                for _ in 0..<n { rows.append(rng.nextIndex(below: n)) }
            }
            let resampled = PredictionSet(
                labels: rows.map { set.labels[$0] }, decisions: rows.map { set.decisions[$0] },
                scores: set.scores.map { s in rows.map { s[$0] } },
                attributes: set.attributes.map {
                    SensitiveColumn(name: $0.name, groups: $0.groups, codes: rows.map { r in codes[r] })
                })
            let engine = try FairnessEngine(resampled, config: config)
            out.append(engine.measure(engine.pointCounts, exactAUC: true))
        }
        return out
    }

    @Test(arguments: [true, false])
    func countBootstrapAgreesWithRowBootstrap(stratified: Bool) throws {
        let set = try loadFixturePredictions("two_groups.csv", attributes: ["sex"])
        var config = FairnessConfig()
        config.bootstrap.samples = 2000
        config.bootstrap.stratified = stratified
        let report = try evaluateFairness(set, config: config, seed: 11)
        let rows = try Self.rowBootstrap(set, config: config, samples: 1000, stratified: stratified)
        let sex = try #require(report.attribute("sex"))
        let female = try #require(sex.groups.first { $0.group == "Female" })
        let m = { (metric: GroupMetric) in FairnessEngine.metricIndex[metric] ?? 0 }
        let disparity = { (key: String) in Disparity.allKeys.firstIndex(of: key) ?? 0 }
        let checks: [(String, [Double]?, [Double])] = [
            (
                "Female selection_rate", female.metrics["selection_rate"]?.ci,
                rows.map { $0.levels[0].groups[0][m(.selectionRate)] }
            ),
            (
                "Female true_positive_rate", female.metrics["true_positive_rate"]?.ci,
                rows.map { $0.levels[0].groups[0][m(.truePositiveRate)] }
            ),
            ("Female auc", female.metrics["auc"]?.ci, rows.map { $0.levels[0].groups[0][m(.auc)] }),
            ("Female brier", female.metrics["brier"]?.ci, rows.map { $0.levels[0].groups[0][m(.brier)] }),
            ("overall ece", report.overall["ece"]?.ci, rows.map { $0.overall[m(.ece)] }),
            (
                "demographic_parity_difference", sex.disparities["demographic_parity_difference"]?.ci,
                rows.map { $0.levels[0].disparities[disparity("demographic_parity_difference")] }
            ),
            (
                "equalized_odds_ratio", sex.disparities["equalized_odds_ratio"]?.ci,
                rows.map { $0.levels[0].disparities[disparity("equalized_odds_ratio")] }
            ),
            ("theil_index", report.overall["theil_index"]?.ci, rows.map { $0.individual[0] }),
        ]
        let estimates: [String: Double] = [
            "demographic_parity_difference": try #require(sex.disparities["demographic_parity_difference"]?.value),
            "equalized_odds_ratio": try #require(sex.disparities["equalized_odds_ratio"]?.value),
        ]
        for (name, countCI, rowReplicates) in checks {
            let ci = try #require(countCI, "\(name) has no interval")
            // Disparities carry the median-bias-corrected interval; the rows' the same way.
            let row = try #require(
                estimates[name].map { estimate in
                    Intervals.medianBiasCorrected(
                        rowReplicates, estimate: estimate, confidence: 0.95,
                        domain: name.hasSuffix("ratio") ? 0...1 : 0...Double.infinity
                    )
                    .map { (lower: $0.lower, upper: $0.upper) }
                } ?? Intervals.percentile(rowReplicates, confidence: 0.95))
            let width = row.upper - row.lower
            // Monte Carlo error of a 2.5% quantile with B = 1000–2000 is a few % of the width;
            // binned score metrics add a little more. 20% of the width is a loose, stable bound.
            #expect(
                abs(ci[0] - row.lower) < 0.2 * width,
                "\(name) lower: counts \(ci[0]) vs rows \(row.lower) (width \(width))")
            #expect(
                abs(ci[1] - row.upper) < 0.2 * width,
                "\(name) upper: counts \(ci[1]) vs rows \(row.upper) (width \(width))")
        }
    }

    @Test func sameSeedGivesSameBytesAndOtherSeedDiffers() throws {
        let set = try loadFixturePredictions("two_attributes.csv", attributes: ["sex", "race"])
        var config = FairnessConfig()
        config.bootstrap.samples = 200
        let a = try evaluateFairness(set, config: config, seed: 5).jsonData()
        let b = try evaluateFairness(set, config: config, seed: 5).jsonData()
        let c = try evaluateFairness(set, config: config, seed: 6).jsonData()
        #expect(a == b)
        #expect(a != c)
    }

    @Test func intervalsContainPointEstimatesAndUndefinedHaveNone() throws {
        let set = try loadFixturePredictions("no_positives.csv", attributes: ["group"])
        var config = FairnessConfig()
        config.bootstrap.samples = 300
        let report = try evaluateFairness(set, config: config, seed: 1)
        let attribute = try #require(report.attribute("group"))
        for group in attribute.groups {
            for (key, value) in group.metrics {
                if value.value == nil { #expect(value.ci == nil, "\(group.group) \(key)") }
                if let v = value.value, let ci = value.ci, group.n >= 30, key != "auc" {
                    #expect(
                        ci[0] <= v + 1e-12 && v <= ci[1] + 1e-12 || ci[1] - ci[0] < 1e-9,
                        "\(group.group) \(key) \(v) \(ci)")
                }
                if let j = value.jeffreysCI, let v = value.value { #expect(j[0] <= v && v <= j[1]) }
            }
        }
    }
}
