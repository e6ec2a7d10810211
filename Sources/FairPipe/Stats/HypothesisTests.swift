import Foundation

/// The outcome of a test of independence.
public struct TestResult: Equatable, Sendable {
    /// `chi_square`, `z_test` or `fisher_exact`.
    public var test: String
    /// The chi-square or z statistic; nil for Fisher's test.
    public var statistic: Double?
    public var pValue: Double
}

/// Tests that proportions are equal across k groups, on a k × 2 table of counts
/// (`table[i] = [successes, failures]` of group i).
public enum HypothesisTests {
    /// Pearson's chi-square test of independence without continuity correction: df = k − 1,
    /// p = P(χ²_df ≥ Σ (O − E)²/E). Matches `scipy.stats.chi2_contingency(table,
    /// correction=False)`. Nil when a row or column total is 0 (no variation to test).
    public static func chiSquare(_ table: [[Int]]) -> TestResult? {
        guard let expected = expectedCounts(table) else { return nil }
        var stat = 0.0
        for i in table.indices {
            for j in 0..<2 {
                let diff = Double(table[i][j]) - expected[i][j]
                stat += diff * diff / expected[i][j]
            }
        }
        return TestResult(
            test: "chi_square", statistic: stat,
            pValue: SpecialFunctions.chiSquareSurvival(stat, degreesOfFreedom: table.count - 1))
    }

    /// The two-proportion z test with pooled variance: z = (p̂₁ − p̂₂)/√(p̂(1−p̂)(1/n₁ + 1/n₂)),
    /// two-sided. z² equals the uncorrected 2 × 2 chi-square statistic.
    public static func twoProportionZ(_ table: [[Int]]) -> TestResult? {
        guard table.count == 2, expectedCounts(table) != nil else { return nil }
        let n1 = Double(table[0][0] + table[0][1]), n2 = Double(table[1][0] + table[1][1])
        let p1 = Double(table[0][0]) / n1, p2 = Double(table[1][0]) / n2
        let pooled = Double(table[0][0] + table[1][0]) / (n1 + n2)
        let z = (p1 - p2) / (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        return TestResult(test: "z_test", statistic: z, pValue: SpecialFunctions.normalTwoSided(z))
    }

    /// Fisher's exact test (2 groups) or its Freeman–Halton extension (k groups), two-sided:
    /// the total probability, under the multivariate hypergeometric law with both margins
    /// fixed, of every table no more likely than the observed one (relative tolerance 1e-7
    /// for ties, as scipy's `fisher_exact` does with its own tolerance). For k > 2 the
    /// tables are enumerated; nil when there would be more than `maxTables`, or when there are
    /// more than `maxGroups` groups (such tables overflow `maxTables` in practice, and finding
    /// that out costs `maxTables` steps per test: seconds for a 500-valued attribute).
    public static func fisherExact(_ table: [[Int]], maxTables: Int = 2_000_000, maxGroups: Int = 30) -> TestResult? {
        guard table.count <= maxGroups, expectedCounts(table) != nil else { return nil }
        let rows = table.map { $0[0] + $0[1] }
        let total = rows.reduce(0, +)
        let successes = table.reduce(0) { $0 + $1[0] }
        let logDenominator = SpecialFunctions.logChoose(total, successes)
        func logP(_ x: [Int]) -> Double {
            var s = -logDenominator
            for i in x.indices { s += SpecialFunctions.logChoose(rows[i], x[i]) }
            return s
        }
        let observed = logP(table.map { $0[0] })
        let cutoff = observed + log1p(1e-7)
        if table.count == 2 {
            var p = 0.0
            let lo = max(0, successes - rows[1]), hi = min(rows[0], successes)
            for x in lo...hi {
                let l =
                    SpecialFunctions.logChoose(rows[0], x) + SpecialFunctions.logChoose(rows[1], successes - x)
                    - logDenominator
                if l <= cutoff { p += exp(l) }
            }
            return TestResult(test: "fisher_exact", statistic: nil, pValue: min(1, p))
        }
        // Enumerate row by row; suffix capacities bound each row's range.
        var suffixCapacity = [Int](repeating: 0, count: rows.count + 1)
        for i in stride(from: rows.count - 1, through: 0, by: -1) {
            suffixCapacity[i] = suffixCapacity[i + 1] + rows[i]
        }
        var visited = 0
        var p = 0.0
        var overflow = false
        func recurse(_ i: Int, _ remaining: Int, _ logSoFar: Double) {
            if overflow { return }
            if i == rows.count - 1 {
                visited += 1
                if visited > maxTables { overflow = true; return }
                let l = logSoFar + SpecialFunctions.logChoose(rows[i], remaining)
                if l <= cutoff { p += exp(l) }
                return
            }
            let lo = max(0, remaining - suffixCapacity[i + 1]), hi = min(rows[i], remaining)
            if lo > hi { return }
            for x in lo...hi { recurse(i + 1, remaining - x, logSoFar + SpecialFunctions.logChoose(rows[i], x)) }
        }
        recurse(0, successes, -logDenominator)
        if overflow { return nil }
        return TestResult(test: "fisher_exact", statistic: nil, pValue: min(1, p))
    }

    /// The test FairPipe uses for a k × 2 table: Fisher's exact test when an expected count is
    /// below 5 (falling back to chi-square above 30 groups or if the exact enumeration is too
    /// large), else the
    /// z test for 2 groups and the chi-square test for more. Nil when there is nothing to
    /// test (fewer than 2 non-empty groups, or a column total of 0).
    public static func proportionsTest(_ table: [[Int]]) -> TestResult? {
        let table = table.filter { $0[0] + $0[1] > 0 }
        guard table.count >= 2, let expected = expectedCounts(table) else { return nil }
        if expected.contains(where: { $0.contains { $0 < 5 } }), let exact = fisherExact(table) { return exact }
        return table.count == 2 ? twoProportionZ(table) : chiSquare(table)
    }

    /// E_ij = R_i C_j / N, or nil when some margin is 0.
    static func expectedCounts(_ table: [[Int]]) -> [[Double]]? {
        guard table.count >= 2 else { return nil }
        let rows = table.map { $0[0] + $0[1] }
        let cols = [table.reduce(0) { $0 + $1[0] }, table.reduce(0) { $0 + $1[1] }]
        let total = rows.reduce(0, +)
        guard total > 0, !rows.contains(0), !cols.contains(0) else { return nil }
        return rows.map { r in cols.map { c in Double(r) * Double(c) / Double(total) } }
    }
}

/// Multiple-comparison adjustment of p-values (`fairness.significance.correction`).
public enum PValueCorrection: String, Codable, Equatable, Sendable, CaseIterable {
    /// Benjamini & Hochberg (1995) step-up, controlling the false discovery rate.
    case benjaminiHochberg = "benjamini_hochberg"
    /// Holm (1979) step-down, controlling the family-wise error rate.
    case holm
    /// Bonferroni: p·m, capped at 1.
    case bonferroni
    case none

    /// Adjusted p-values in the order given (the same values as statsmodels'
    /// `multipletests(method="fdr_bh" | "holm" | "bonferroni")`). Ties are ordered by
    /// position, so the result is deterministic.
    public func adjust(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        guard m > 0 else { return [] }
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] || (pValues[$0] == pValues[$1] && $0 < $1) }
        var adjusted = [Double](repeating: 0, count: m)
        switch self {
        case .none:
            return pValues
        case .bonferroni:
            return pValues.map { min(1, $0 * Double(m)) }
        case .holm:
            var running = 0.0
            for (rank, index) in order.enumerated() {
                running = max(running, min(1, Double(m - rank) * pValues[index]))
                adjusted[index] = running
            }
        case .benjaminiHochberg:
            var running = 1.0
            for rank in stride(from: m - 1, through: 0, by: -1) {
                let index = order[rank]
                running = min(running, min(1, Double(m) / Double(rank + 1) * pValues[index]))
                adjusted[index] = running
            }
        }
        return adjusted
    }
}
