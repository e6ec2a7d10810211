import Foundation

/// Association and two-sample measures behind the data audit. Inputs are codes (`-1` or
/// NaN = missing; such rows are left out of each measure).
public enum AuditMeasures {
    /// The r × c contingency table of two coded variables, without empty rows or columns.
    /// Rows where either code is negative (missing) are skipped.
    static func contingency(_ a: [Int32], levelsA: Int, _ b: [Int32], levelsB: Int) -> [[Double]] {
        var table = [[Double]](repeating: [Double](repeating: 0, count: levelsB), count: levelsA)
        for i in a.indices where a[i] >= 0 && b[i] >= 0 {
            table[Int(a[i])][Int(b[i])] += 1
        }
        let columnTotals = (0..<levelsB).map { j in table.reduce(0) { $0 + $1[j] } }
        let keptColumns = (0..<levelsB).filter { columnTotals[$0] > 0 }
        return table.filter { $0.reduce(0, +) > 0 }.map { row in keptColumns.map { row[$0] } }
    }

    /// Pearson's chi-square statistic of a table without empty margins, and its degrees of
    /// freedom (r − 1)(c − 1). Matches `scipy.stats.chi2_contingency(table, correction=False)`.
    static func chiSquare(_ table: [[Double]]) -> (statistic: Double, df: Int) {
        let r = table.count, c = table.first?.count ?? 0
        guard r >= 2, c >= 2 else { return (0, 0) }
        let rows = table.map { $0.reduce(0, +) }
        let columns = (0..<c).map { j in table.reduce(0) { $0 + $1[j] } }
        let n = rows.reduce(0, +)
        var statistic = 0.0
        for i in 0..<r {
            for j in 0..<c {
                let expected = rows[i] * columns[j] / n
                let diff = table[i][j] - expected
                statistic += diff * diff / expected
            }
        }
        return (statistic, (r - 1) * (c - 1))
    }

    /// Cramér's V (Cramér 1946): √(χ² / (n · (min(r, c) − 1))), no bias correction; the same
    /// value as `scipy.stats.contingency.association(table, method="cramer")`. 0 when either
    /// variable has a single observed level. O(n + r·c).
    public static func cramersV(_ a: [Int32], levelsA: Int, _ b: [Int32], levelsB: Int) -> Double {
        let table = contingency(a, levelsA: levelsA, b, levelsB: levelsB)
        let k = min(table.count, table.first?.count ?? 0)
        guard k >= 2 else { return 0 }
        let n = table.reduce(0) { $0 + $1.reduce(0, +) }
        return min(1, (chiSquare(table).statistic / (n * Double(k - 1))).squareRoot())
    }

    /// The correlation ratio η (Pearson 1903): √(Σ_g n_g (ȳ_g − ȳ)² / Σ (y − ȳ)²), the share of
    /// a numeric variable's spread explained by a grouping, in [0, 1]. 0 when the numbers are
    /// constant. Sums run in row order, so results are deterministic. O(n).
    public static func correlationRatio(_ values: [Double], groups: [Int32], levels: Int) -> Double {
        var sums = [Double](repeating: 0, count: levels), counts = [Double](repeating: 0, count: levels)
        var total = 0.0, n = 0.0
        for i in values.indices where !values[i].isNaN && groups[i] >= 0 {
            sums[Int(groups[i])] += values[i]
            counts[Int(groups[i])] += 1
            total += values[i]
            n += 1
        }
        guard n > 0 else { return 0 }
        let mean = total / n
        var within = 0.0
        for i in values.indices where !values[i].isNaN && groups[i] >= 0 {
            let d = values[i] - mean
            within += d * d
        }
        guard within > 0 else { return 0 }
        var between = 0.0
        for g in 0..<levels where counts[g] > 0 {
            let d = sums[g] / counts[g] - mean
            between += counts[g] * d * d
        }
        return min(1, (between / within).squareRoot())
    }

    /// Normalised mutual information I(A;B) / ((H(A) + H(B)) / 2), natural logs (the
    /// arithmetic normalisation of `sklearn.metrics.normalized_mutual_info_score`): 1 when
    /// both variables have a single level, 0 when they are independent.
    public static func normalizedMutualInformation(_ a: [Int32], levelsA: Int, _ b: [Int32], levelsB: Int) -> Double {
        let table = contingency(a, levelsA: levelsA, b, levelsB: levelsB)
        guard !table.isEmpty else { return 0 }
        if table.count == 1 && table[0].count == 1 { return 1 }
        if table.count == 1 || table[0].count == 1 { return 0 }
        let n = table.reduce(0) { $0 + $1.reduce(0, +) }
        let rows = table.map { $0.reduce(0, +) }
        let columns = (0..<table[0].count).map { j in table.reduce(0) { $0 + $1[j] } }
        func entropy(_ counts: [Double]) -> Double { counts.reduce(0) { $0 - ($1 / n) * log($1 / n) } }
        var mutual = 0.0
        for i in table.indices {
            for j in table[i].indices where table[i][j] > 0 {
                let p = table[i][j] / n
                mutual += p * log(p * n * n / (rows[i] * columns[j]))
            }
        }
        let mean = (entropy(rows) + entropy(columns)) / 2
        return mean > 0 ? max(0, min(1, mutual / mean)) : 0
    }

    /// Codes for a numeric variable: equal-frequency bins by rank. A value's bin is
    /// ⌊bins · (number of values below it) / n⌋, so ties share a bin and the binning is
    /// deterministic; variables with at most `bins` distinct values keep one code per value.
    public static func quantileCodes(_ values: [Double], bins: Int) -> (codes: [Int32], levels: Int) {
        let present = values.filter { !$0.isNaN }.sorted()
        guard !present.isEmpty else { return (values.map { _ in -1 }, 0) }
        var distinct: [Double] = []
        for v in present where distinct.last != v { distinct.append(v) }
        if distinct.count <= bins {
            return (values.map { $0.isNaN ? -1 : Int32(lowerBound(distinct, $0)) }, distinct.count)
        }
        let n = present.count
        return (values.map { $0.isNaN ? -1 : Int32(min(bins - 1, bins * lowerBound(present, $0) / n)) }, bins)
    }

    /// The index of the first element of sorted `array` not less than `value`.
    static func lowerBound(_ array: [Double], _ value: Double) -> Int {
        var lo = 0, hi = array.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if array[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Two-sample Kolmogorov–Smirnov test, two-sided (NaNs ignored).
    ///
    /// D = sup |F₁ − F₂|, computed exactly in integers as max |i·n − j·m| / (m·n) over the
    /// merged distinct values. p-value: exact when m·n ≤ `exactLimit`: the probability that a
    /// uniformly random lattice path from (0, 0) to (m, n) reaches |i·n − j·m| ≥ D·m·n (Hodges
    /// 1958), by dynamic programming over path probabilities (O(m·n) time, O(n) memory; the
    /// same value as `scipy.stats.ks_2samp(method="exact")` when there are no ties).
    /// Otherwise the asymptotic Kolmogorov distribution Q(√(mn/(m+n))·D), Q(λ) =
    /// 2 Σ (−1)^{k−1} e^{−2k²λ²} (`scipy.stats.kstwobign.sf`; scipy's own `asymp` method
    /// uses the finite-n `kstwo` instead, which differs by O(1/√n)).
    /// Nil when a sample is empty.
    public static func kolmogorovSmirnov(
        _ x: [Double], _ y: [Double], exactLimit: Int = 10_000_000
    ) -> (statistic: Double, pValue: Double, exact: Bool)? {
        let a = x.filter { !$0.isNaN }.sorted(), b = y.filter { !$0.isNaN }.sorted()
        let m = a.count, n = b.count
        guard m > 0, n > 0 else { return nil }
        var i = 0, j = 0, largest = 0
        while i < m || j < n {
            let next = i < m && j < n ? min(a[i], b[j]) : (i < m ? a[i] : b[j])
            while i < m && a[i] == next { i += 1 }
            while j < n && b[j] == next { j += 1 }
            largest = max(largest, abs(i * n - j * m))
        }
        let statistic = Double(largest) / (Double(m) * Double(n))
        if m * n <= exactLimit {
            return (statistic, exactKSProbability(m: m, n: n, threshold: largest), true)
        }
        let lambda = (Double(m) * Double(n) / Double(m + n)).squareRoot() * statistic
        return (statistic, kolmogorovSurvival(lambda), false)
    }

    /// P(max |i·n − j·m| ≥ threshold) over uniformly random monotone lattice paths.
    static func exactKSProbability(m: Int, n: Int, threshold: Int) -> Double {
        guard threshold > 0 else { return 1 }
        // inside[j] = P(path reaches (i, j) without touching the boundary).
        var inside = [Double](repeating: 0, count: n + 1)
        inside[0] = 1
        for i in 0...m {
            for j in 0...n {
                if i == 0 && j == 0 { continue }
                var p = 0.0
                // From (i−1, j): a step in x with probability (m−i+1)/(m+n−i−j+1).
                if i > 0 { p += inside[j] * Double(m - i + 1) / Double(m + n - i - j + 1) }
                if j > 0 { p += inside[j - 1] * Double(n - j + 1) / Double(m + n - i - j + 1) }
                inside[j] = abs(i * n - j * m) >= threshold ? 0 : p
            }
        }
        return max(0, min(1, 1 - inside[n]))
    }

    /// The Kolmogorov distribution's survival function Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²};
    /// below λ = 1 that series converges slowly, so 1 − (√(2π)/λ) Σ_{k≥1} e^{−(2k−1)²π²/(8λ²)}
    /// is used instead (the two are the same function, Feller 1948).
    static func kolmogorovSurvival(_ lambda: Double) -> Double {
        if lambda <= 0 { return 1 }
        if lambda < 1 {
            var cdf = 0.0
            for k in 1...100 {
                let odd = Double(2 * k - 1)
                let term = exp(-odd * odd * Double.pi * Double.pi / (8 * lambda * lambda))
                cdf += term
                if term < 1e-300 || term < cdf * 1e-17 { break }
            }
            return max(0, min(1, 1 - (2 * Double.pi).squareRoot() / lambda * cdf))
        }
        var sum = 0.0
        for k in 1...200 {
            let term = exp(-2 * Double(k * k) * lambda * lambda)
            sum += (k % 2 == 1 ? term : -term)
            if term < 1e-300 || term < sum * 1e-17 { break }
        }
        return max(0, min(1, 2 * sum))
    }

    /// Pearson's chi-square test that two samples of a categorical variable (codes) have
    /// the same distribution: a 2 × k table, empty levels dropped. Nil when fewer than two
    /// levels occur.
    public static func chiSquareHomogeneity(
        _ x: [Int32], _ y: [Int32], levels: Int
    ) -> (statistic: Double, df: Int, pValue: Double)? {
        let source = [Int32](repeating: 0, count: x.count) + [Int32](repeating: 1, count: y.count)
        let table = contingency(source, levelsA: 2, x + y, levelsB: levels)
        guard table.count == 2, (table.first?.count ?? 0) >= 2 else { return nil }
        let (statistic, df) = chiSquare(table)
        return (statistic, df, SpecialFunctions.chiSquareSurvival(statistic, degreesOfFreedom: df))
    }
}
