import Foundation

/// Partial dependence and ICE curves (Friedman 2001; Goldstein et al. 2015) as scikit-learn's
/// `partial_dependence(method="brute", kind="both")`: for each grid value, set the feature to it
/// in every row, score, and average. Averages are also taken within each group.
enum PartialDependence {
    /// The grid of a numeric feature, as scikit-learn's `_grid_from_X`: the distinct values
    /// when there are fewer than `resolution`, else `resolution` evenly spaced points between
    /// the `percentiles` quantiles (scipy's `mquantiles`, α = β = 0.4).
    static func numericGrid(_ values: [Double], resolution: Int, percentiles: [Double]) -> [Double] {
        let sorted = values.sorted()
        var unique: [Double] = []
        for v in sorted where unique.last != v { unique.append(v) }
        if unique.count < resolution { return unique }
        let lo = mquantile(sorted: sorted, percentiles[0]), hi = mquantile(sorted: sorted, percentiles[1])
        return linspace(lo, hi, count: resolution)
    }

    /// scipy.stats.mstats.mquantiles with its default plotting positions (α = β = 0.4).
    static func mquantile(sorted x: [Double], _ p: Double, alpha: Double = 0.4, beta: Double = 0.4) -> Double {
        let n = Double(x.count)
        let m = alpha + p * (1 - alpha - beta)
        let aleph = n * p + m
        let k = Int(floor(min(max(aleph, 1), n - 1)))
        let gamma = min(max(aleph - Double(k), 0), 1)
        return (1 - gamma) * x[k - 1] + gamma * x[k]
    }

    /// numpy's `linspace(a, b, count)`: `a + i·(b − a)/(count − 1)`, the last point exactly `b`.
    static func linspace(_ a: Double, _ b: Double, count: Int) -> [Double] {
        guard count > 1 else { return [a] }
        let step = (b - a) / Double(count - 1)
        var out = (0..<count).map { a + Double($0) * step }
        out[count - 1] = b
        return out
    }

    /// Scores of every row with the block's columns set to each setting: `settings[g]` holds
    /// one value per block column. Returns ICE as `[grid point][row]`.
    static func ice(model: ExplainedModel, X: Matrix, block: [Int], settings: [[Double]]) throws -> [[Double]] {
        try model.scores(count: settings.count) { g in
            var work = X
            work.withUnsafeMutableBufferPointer { out in
                for i in 0..<X.rows {
                    for (c, column) in block.enumerated() { out[i * X.cols + column] = settings[g][c] }
                }
            }
            return work
        }
    }

    /// The mean of `values` over `rows`.
    static func mean(_ values: [Double], rows: [Int]) -> Double {
        rows.reduce(0) { $0 + values[$1] } / Double(rows.count)
    }
}
