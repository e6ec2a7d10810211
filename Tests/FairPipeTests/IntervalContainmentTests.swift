import Foundation
import Testing

@testable import FairPipe

/// An interval must contain its estimate (issue #12): between-group disparities carry the
/// percentile interval shifted by the bootstrap median bias (``Intervals/medianBiasCorrected``).
@Suite struct IntervalContainmentTests {
    /// The case: error_rate_difference 0.7143 with every replicate above it.
    static let estimate = 0.7143
    static let replicates: [Double] = (0..<1000).map { 0.7273 + 0.2727 * Double($0) / 999 }

    @Test func percentileAndBasicIntervalsBothMissAnEstimateBelowEveryReplicate() throws {
        let percentile = try #require(Intervals.percentile(Self.replicates, confidence: 0.95))
        #expect(percentile.lower > Self.estimate)
        // The basic bootstrap interval [2θ̂ − q_hi, 2θ̂ − q_lo] is the percentile one reflected
        // about θ̂: it contains θ̂ exactly when the percentile interval does, so it misses too.
        let basic = (lower: 2 * Self.estimate - percentile.upper, upper: 2 * Self.estimate - percentile.lower)
        #expect(basic.upper < Self.estimate)
        // BCa's z₀ = Φ⁻¹(share of replicates below θ̂) = Φ⁻¹(0) = −∞: both adjusted levels go
        // to 0, so both ends are the smallest replicate, above θ̂ as well.
        #expect(Self.replicates.filter { $0 < Self.estimate }.isEmpty)
    }

    @Test func medianBiasCorrectedIntervalContainsItAndRecordsTheBias() throws {
        let interval = try #require(
            Intervals.medianBiasCorrected(
                Self.replicates, estimate: Self.estimate, confidence: 0.95, domain: 0...Double.infinity))
        #expect(interval.lower <= Self.estimate && Self.estimate <= interval.upper)
        #expect(abs(interval.bias - (0.7273 + 0.2727 / 2 - Self.estimate)) < 1e-3)
        // Clipped to the domain: a difference is never below 0.
        let clipped = try #require(
            Intervals.medianBiasCorrected(
                [0.3, 0.31, 0.5, 0.9], estimate: 0.01, confidence: 0.95, domain: 0...Double.infinity))
        #expect(clipped.lower == 0)
    }

    /// Property: over many random datasets and seeds, every disparity with an interval has its
    /// estimate inside it, and its bias recorded.
    @Test(arguments: 0..<24)
    func everyDisparityIntervalContainsItsEstimate(seed: Int) throws {
        var rng = Xoshiro256StarStar(seed: UInt64(seed), stream: "containment")
        let groups = 2 + rng.nextIndex(below: 6)
        let n = 40 + rng.nextIndex(below: 400)
        var labels: [UInt8] = [], decisions: [UInt8] = [], codes: [Int32] = [], scores: [Double] = []
        for _ in 0..<n {
            let g = rng.nextIndex(below: groups)
            // Small, uneven groups with group-dependent rates: biased max − min bootstraps.
            let code = Int32(rng.nextIndex(below: 4) == 0 ? 0 : g)
            labels.append(rng.nextIndex(below: 10) < 3 + Int(code) % 4 ? 1 : 0)
            decisions.append(rng.nextIndex(below: 10) < 2 + Int(code) % 5 ? 1 : 0)
            scores.append(Double(rng.nextIndex(below: 1000)) / 1000)
            codes.append(code)
        }
        let set = PredictionSet(
            labels: labels, decisions: decisions, scores: scores,
            attributes: [SensitiveColumn(name: "g", groups: (0..<groups).map { "g\($0)" }, codes: codes)])
        var config = FairnessConfig()
        config.bootstrap.samples = 200
        config.bootstrap.stratified = seed % 2 == 0
        let report = try evaluateFairness(set, config: config, seed: UInt64(seed))
        var checked = 0
        for attribute in report.attributes {
            for (key, disparity) in attribute.disparities {
                guard let value = disparity.value, let ci = disparity.ci else { continue }
                #expect(ci[0] <= value && value <= ci[1], "seed \(seed) \(key): \(value) not in \(ci)")
                #expect(ci[0] >= 0, "seed \(seed) \(key)")
                if key.contains("_ratio") { #expect(ci[1] <= 1, "seed \(seed) \(key)") }
                #expect(disparity.bootstrapBias != nil, "seed \(seed) \(key)")
                checked += 1
            }
        }
        #expect(checked > 10)
    }
}
