import Foundation

/// Two-sample comparisons of a distribution with its reference, for drift monitoring.
public enum DriftTests {
    /// The two-sample Kolmogorov–Smirnov statistic D = sup |F₁ − F₂| of two sorted samples
    /// (the `statistic` of `scipy.stats.ks_2samp`), and its two-sided p-value from
    /// Kolmogorov's limiting distribution at √(n₁n₂/(n₁+n₂))·D (scipy's `kstwobign.sf`).
    /// scipy's `ks_2samp(method="asymp")` uses the finite-n `kstwo` law instead, which is
    /// slightly smaller for small samples; the two agree as n grows. Nil when a sample is
    /// empty. O(n₁ + n₂).
    public static func kolmogorovSmirnov(sortedA a: [Double], sortedB b: [Double]) -> TestResult? {
        guard !a.isEmpty, !b.isEmpty else { return nil }
        let n1 = Double(a.count), n2 = Double(b.count)
        var i = 0, j = 0, d = 0.0
        while i < a.count && j < b.count {
            // Step past every copy of the smaller value in both samples (ties move together).
            let x = min(a[i], b[j])
            while i < a.count && a[i] == x { i += 1 }
            while j < b.count && b[j] == x { j += 1 }
            d = max(d, abs(Double(i) / n1 - Double(j) / n2))
        }
        let en = n1 * n2 / (n1 + n2)
        return TestResult(test: "ks", statistic: d, pValue: kolmogorovSurvival(en.squareRoot() * d))
    }

    /// P(K > z) of the Kolmogorov distribution (scipy's `kstwobign.sf`): the alternating series
    /// 2 Σ (−1)^{k−1} e^{−2k²z²} for z ≥ 1, and 1 − (√(2π)/z) Σ e^{−(2k−1)²π²/(8z²)} below,
    /// where each converges in a few terms.
    public static func kolmogorovSurvival(_ z: Double) -> Double {
        guard z > 0 else { return 1 }
        if z < 1 {
            var sum = 0.0
            let w = Double.pi * Double.pi / (8 * z * z)
            for k in 1...50 {
                let t = Double(2 * k - 1)
                let term = exp(-t * t * w)
                sum += term
                if term < 1e-300 { break }
            }
            return max(0, min(1, 1 - (2 * Double.pi).squareRoot() / z * sum))
        }
        var sum = 0.0
        for k in 1...100 {
            let kk = Double(k)
            let term = exp(-2 * kk * kk * z * z)
            sum += k % 2 == 1 ? term : -term
            if term < 1e-300 { break }
        }
        return max(0, min(1, 2 * sum))
    }

    /// Pearson's chi-square test of homogeneity of an r × c table of counts (rows: samples,
    /// columns: categories), without continuity correction; columns empty in every row are
    /// left out, df = (r − 1)(c' − 1). Matches `scipy.stats.chi2_contingency(table,
    /// correction=False)`. Nil when fewer than two non-empty rows or columns remain.
    public static func chiSquareHomogeneity(_ table: [[Int]]) -> TestResult? {
        let rows = table.filter { $0.reduce(0, +) > 0 }
        guard rows.count >= 2, let width = rows.first?.count else { return nil }
        let columns = (0..<width).filter { c in rows.contains { $0[c] > 0 } }
        guard columns.count >= 2 else { return nil }
        let rowTotals = rows.map { r in columns.reduce(0.0) { $0 + Double(r[$1]) } }
        let columnTotals = columns.map { c in rows.reduce(0.0) { $0 + Double($1[c]) } }
        let total = rowTotals.reduce(0, +)
        var stat = 0.0
        for (i, r) in rows.enumerated() {
            for (k, c) in columns.enumerated() {
                let expected = rowTotals[i] * columnTotals[k] / total
                let diff = Double(r[c]) - expected
                stat += diff * diff / expected
            }
        }
        let df = (rows.count - 1) * (columns.count - 1)
        return TestResult(
            test: "chi_square", statistic: stat, pValue: SpecialFunctions.chiSquareSurvival(stat, degreesOfFreedom: df))
    }

    /// Bin edges at the reference's deciles (or `bins`-quantiles, numpy's linear method),
    /// duplicates removed; a value falls in bin k = #{edges < value}.
    public static func quantileEdges(sortedReference: [Double], bins: Int = 10) -> [Double] {
        var edges: [Double] = []
        for k in 1..<bins {
            guard let e = Intervals.quantile(sorted: sortedReference, Double(k) / Double(bins)) else { return [] }
            if edges.last != e { edges.append(e) }
        }
        return edges
    }

    /// Counts per bin of a sorted sample (`edges.count + 1` bins, bin k = #{edges < value}).
    public static func binCounts(sorted values: [Double], edges: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: edges.count + 1)
        var bin = 0
        for v in values {
            while bin < edges.count && edges[bin] < v { bin += 1 }
            counts[bin] += 1
        }
        return counts
    }

    /// Proportions below this floor count as the floor in the PSI, so an empty bin gives a
    /// large but finite term (the usual convention in credit-risk monitoring).
    public static let psiFloor = 1e-4

    /// Population stability index Σ (a − e)·ln(a / e) of the actual proportions a against
    /// the expected (reference) proportions e over the same bins, each floored at ``psiFloor``.
    /// Nil when either sample is empty.
    public static func populationStabilityIndex(expected: [Int], actual: [Int]) -> Double? {
        let te = Double(expected.reduce(0, +)), ta = Double(actual.reduce(0, +))
        guard te > 0, ta > 0, expected.count == actual.count else { return nil }
        var psi = 0.0
        for k in expected.indices {
            let e = max(Double(expected[k]) / te, psiFloor), a = max(Double(actual[k]) / ta, psiFloor)
            psi += (a - e) * log(a / e)
        }
        return psi
    }

    /// Jensen–Shannon distance (the square root of the divergence, base 2, so in [0, 1]) of
    /// two binned distributions: `scipy.spatial.distance.jensenshannon(p, q, base=2)`.
    public static func jensenShannonDistance(_ p: [Int], _ q: [Int]) -> Double? {
        let tp = Double(p.reduce(0, +)), tq = Double(q.reduce(0, +))
        guard tp > 0, tq > 0, p.count == q.count else { return nil }
        var divergence = 0.0
        for k in p.indices {
            let a = Double(p[k]) / tp, b = Double(q[k]) / tq, m = (a + b) / 2
            if a > 0 { divergence += 0.5 * a * log2(a / m) }
            if b > 0 { divergence += 0.5 * b * log2(b / m) }
        }
        return max(0, divergence).squareRoot()
    }
}
