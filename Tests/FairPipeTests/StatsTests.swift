import Foundation
import Testing

@testable import FairPipe

struct StatsFixture: Decodable {
    struct Jeffreys: Decodable { var x: Int; var n: Int; var confidence: Double; var lower: Double; var upper: Double }
    struct ChiSquare: Decodable { var x: Double; var df: Int; var p: Double }
    struct Fisher: Decodable { var table: [[Int]]; var p: Double }
    struct BetaCDF: Decodable { var x: Double; var a: Double; var b: Double; var p: Double }
    struct Corrections: Decodable {
        var p: [Double]; var benjamini_hochberg: [Double]; var holm: [Double]; var bonferroni: [Double]
    }
    var jeffreys: [Jeffreys]
    var chi2_sf: [ChiSquare]
    var fisher: [Fisher]
    var beta_cdf: [BetaCDF]
    var corrections: Corrections
}

@Suite struct StatsTests {
    static func fixture() throws -> StatsFixture {
        struct Wrapper: Decodable { var stats: StatsFixture }
        return try Fixtures.json(Wrapper.self, "metrics/expected.json").stats
    }

    @Test func manyGroupsSkipTheExactEnumerationForChiSquare() throws {
        // 40 groups of 3 rows, one selected each: every expected count is below 5, yet the
        // exact test would have to enumerate far more tables than it can.
        let table = [[Int]](repeating: [1, 2], count: 40)
        #expect(HypothesisTests.fisherExact(table) == nil)
        let result = try #require(HypothesisTests.proportionsTest(table))
        #expect(result.test == "chi_square")
        // At 30 groups and below the exact test still runs when it fits.
        #expect(HypothesisTests.fisherExact([[0, 3], [3, 0], [1, 2]])?.test == "fisher_exact")
    }

    @Test func jeffreysIntervalsMatchScipyBetaQuantiles() throws {
        for c in try Self.fixture().jeffreys {
            let interval = try #require(Intervals.jeffreys(successes: c.x, trials: c.n, confidence: c.confidence))
            #expect(abs(interval.lower - c.lower) < 1e-9, "x=\(c.x) n=\(c.n) lower \(interval.lower) vs \(c.lower)")
            #expect(abs(interval.upper - c.upper) < 1e-9, "x=\(c.x) n=\(c.n) upper \(interval.upper) vs \(c.upper)")
        }
        #expect(Intervals.jeffreys(successes: 0, trials: 0, confidence: 0.95) == nil)
    }

    @Test func incompleteBetaMatchesScipy() throws {
        for c in try Self.fixture().beta_cdf {
            let p = SpecialFunctions.regularizedIncompleteBeta(c.x, a: c.a, b: c.b)
            #expect(abs(p - c.p) < 1e-12, "I_\(c.x)(\(c.a), \(c.b)) = \(p) vs \(c.p)")
        }
    }

    @Test func chiSquareSurvivalMatchesScipy() throws {
        for c in try Self.fixture().chi2_sf {
            let p = SpecialFunctions.chiSquareSurvival(c.x, degreesOfFreedom: c.df)
            #expect(abs(p - c.p) <= 1e-9 * max(c.p, 1e-3), "chi2.sf(\(c.x), \(c.df)) = \(p) vs \(c.p)")
        }
    }

    @Test func fisherExactMatchesScipy() throws {
        for c in try Self.fixture().fisher {
            let result = try #require(HypothesisTests.fisherExact(c.table))
            #expect(abs(result.pValue - c.p) < 1e-9, "\(c.table): \(result.pValue) vs \(c.p)")
        }
    }

    @Test func zTestEqualsUncorrectedChiSquareOnTwoGroups() throws {
        let table = [[40, 60], [55, 45]]
        let z = try #require(HypothesisTests.twoProportionZ(table))
        let chi = try #require(HypothesisTests.chiSquare(table))
        #expect(abs(z.pValue - chi.pValue) < 1e-12)
        #expect(abs((z.statistic ?? 0) * (z.statistic ?? 0) - (chi.statistic ?? 0)) < 1e-9)
    }

    @Test func proportionsTestChoosesFisherForSmallExpectedCounts() {
        #expect(HypothesisTests.proportionsTest([[1, 9], [4, 6]])?.test == "fisher_exact")
        #expect(HypothesisTests.proportionsTest([[40, 60], [55, 45]])?.test == "z_test")
        #expect(HypothesisTests.proportionsTest([[40, 60], [55, 45], [30, 70]])?.test == "chi_square")
        #expect(HypothesisTests.proportionsTest([[0, 60], [0, 45]]) == nil)
        #expect(HypothesisTests.proportionsTest([[10, 60]]) == nil)
    }

    @Test func correctionsMatchHandComputedValues() throws {
        let c = try Self.fixture().corrections
        func same(_ a: [Double], _ b: [Double]) -> Bool {
            zip(a, b).allSatisfy { abs($0 - $1) < 1e-12 } && a.count == b.count
        }
        #expect(same(PValueCorrection.benjaminiHochberg.adjust(c.p), c.benjamini_hochberg))
        #expect(same(PValueCorrection.holm.adjust(c.p), c.holm))
        #expect(same(PValueCorrection.bonferroni.adjust(c.p), c.bonferroni))
        #expect(PValueCorrection.none.adjust(c.p) == c.p)
        // By hand (statsmodels multipletests): p = [0.01, 0.02, 0.03], m = 3.
        #expect(same(PValueCorrection.benjaminiHochberg.adjust([0.01, 0.02, 0.03]), [0.03, 0.03, 0.03]))
        #expect(same(PValueCorrection.holm.adjust([0.01, 0.02, 0.03]), [0.03, 0.04, 0.04]))
    }

    @Test(arguments: [(10, 0.3), (1000, 0.02), (5000, 0.5), (1_000_000, 0.37), (200, 0.97)])
    func binomialSamplerHasTheRightMoments(n: Int, p: Double) {
        var rng = Xoshiro256StarStar(seed: 42, stream: "binomial-test")
        let draws = 20_000
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<draws {
            let x = Sampling.binomial(trials: n, probability: p, using: &rng)
            #expect(x >= 0 && x <= n)
            sum += Double(x); sumSq += Double(x) * Double(x)
        }
        let mean = sum / Double(draws), variance = sumSq / Double(draws) - mean * mean
        let trueVariance = Double(n) * p * (1 - p)
        // Mean within 5 standard errors; variance within 6%.
        #expect(abs(mean - Double(n) * p) < 5 * (trueVariance / Double(draws)).squareRoot(), "mean \(mean)")
        #expect(abs(variance / trueVariance - 1) < 0.06, "variance \(variance) vs \(trueVariance)")
    }

    @Test func smallBinomialMatchesItsPMF() {
        // Chi-square goodness of fit of Binomial(8, 0.3) (inversion path).
        var rng = Xoshiro256StarStar(seed: 3)
        let n = 8, p = 0.3, draws = 50_000
        var counts = [Int](repeating: 0, count: n + 1)
        for _ in 0..<draws { counts[Sampling.binomial(trials: n, probability: p, using: &rng)] += 1 }
        var stat = 0.0
        for k in 0...n {
            let e =
                Double(draws) * exp(SpecialFunctions.logChoose(n, k) + Double(k) * log(p) + Double(n - k) * log(1 - p))
            stat += (Double(counts[k]) - e) * (Double(counts[k]) - e) / e
        }
        #expect(SpecialFunctions.chiSquareSurvival(stat, degreesOfFreedom: n) > 1e-4, "chi-square \(stat)")
    }

    /// Chi-square goodness of fit of the BTPE path against the exact pmf, tails pooled so
    /// every expected count is at least 20.
    @Test(arguments: [(200, 0.3), (1000, 0.45), (100_000, 0.002), (5000, 0.9)])
    func largeBinomialMatchesItsPMF(n: Int, p: Double) {
        var rng = Xoshiro256StarStar(seed: 17, stream: "btpe-\(n)")
        let draws = 200_000
        var counts = [Int](repeating: 0, count: n + 1)
        for _ in 0..<draws { counts[Sampling.binomial(trials: n, probability: p, using: &rng)] += 1 }
        var expected = (0...n).map { k in
            Double(draws) * exp(SpecialFunctions.logChoose(n, k) + Double(k) * log(p) + Double(n - k) * log1p(-p))
        }
        // Pool into bins of expected ≥ 20.
        var stat = 0.0, bins = 0, e = 0.0, o = 0.0
        for k in 0...n {
            e += expected[k]; o += Double(counts[k])
            if e >= 20 || k == n {
                stat += (o - e) * (o - e) / max(e, 1e-300); bins += 1; e = 0; o = 0
            }
        }
        expected.removeAll()
        let pValue = SpecialFunctions.chiSquareSurvival(stat, degreesOfFreedom: bins - 1)
        #expect(pValue > 1e-4, "n=\(n) p=\(p): chi-square \(stat) on \(bins - 1) df, p = \(pValue)")
    }

    @Test func multinomialConservesTrialsAndKeepsZeroCellsEmpty() {
        var rng = Xoshiro256StarStar(seed: 9)
        var counts: [Int] = []
        let weights = [5, 0, 100, 3, 0, 892]
        var totals = [Double](repeating: 0, count: weights.count)
        for _ in 0..<2000 {
            Sampling.multinomial(trials: 1000, weights: weights, into: &counts, using: &rng)
            #expect(counts.reduce(0, +) == 1000)
            #expect(counts[1] == 0 && counts[4] == 0)
            for i in counts.indices { totals[i] += Double(counts[i]) }
        }
        #expect(abs(totals[5] / 2000 - 892) < 2)
        #expect(abs(totals[0] / 2000 - 5) < 0.3)
    }

    @Test func percentileUsesLinearInterpolation() {
        // numpy.percentile([1, 2, 3, 4], [2.5, 97.5]) = [1.075, 3.925]
        let interval = Intervals.percentile([4, 1, 3, 2, .nan], confidence: 0.95)
        #expect(abs((interval?.lower ?? 0) - 1.075) < 1e-12 && abs((interval?.upper ?? 0) - 3.925) < 1e-12)
    }
}
