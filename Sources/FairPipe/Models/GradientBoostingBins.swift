import Foundation

/// Rows binned feature by feature: `codes[f * rows + i]` is the bin of row `i` in model
/// feature `f`; `missingBin` (= `max_bins`) marks a missing value.
struct GradientBoostingBins: Sendable {
    var rows: Int
    var features: Int
    var codes: [UInt8]
    var missingBin: UInt8

    /// Bins `X` with fitted feature descriptions. A numeric value goes to the number of
    /// thresholds below it (scikit-learn's `searchsorted(thresholds, x, side="left")`), NaN
    /// to the missing bin; a categorical row to its one-hot column's bin, or to the missing
    /// bin when none of its columns is 1 (a category unseen in training).
    static func bin(
        _ X: Matrix, features: [GradientBoostingModel.Feature], missingBin: Int,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> GradientBoostingBins {
        let n = X.rows, p = X.cols
        var codes = [UInt8](repeating: 0, count: n * features.count)
        let missing = UInt8(missingBin)
        let workers = n * features.count >= 100_000 ? max(1, min(threads, features.count)) : 1
        X.withUnsafeBufferPointer { x in
            codes.withUnsafeMutableBufferPointer { out in
                // Valid for the synchronous concurrentPerform; each worker writes only its
                // own features' codes.
                nonisolated(unsafe) let xBase = x.baseAddress!, outBase = out.baseAddress!
                let work: @Sendable (Int) -> Void = { worker in
                    var f = worker
                    while f < features.count {
                        binFeature(features[f], x: xBase, rows: n, stride: p, missing: missing, into: outBase + f * n)
                        f += workers
                    }
                }
                if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
            }
        }
        return GradientBoostingBins(rows: n, features: features.count, codes: codes, missingBin: missing)
    }

    /// The codes of one feature for rows `0..<rows` of the row-major `x`.
    private static func binFeature(
        _ feature: GradientBoostingModel.Feature, x: UnsafePointer<Double>, rows n: Int, stride p: Int, missing: UInt8,
        into out: UnsafeMutablePointer<UInt8>
    ) {
        switch feature.kind {
        case .numeric:
            let column = feature.columns[0]
            let thresholds = feature.thresholds ?? []
            thresholds.withUnsafeBufferPointer { t in
                for i in 0..<n {
                    let v = x[i * p + column]
                    out[i] = v.isNaN ? missing : UInt8(lowerBound(t, v))
                }
            }
        case .categorical:
            let bins = feature.columnBins ?? feature.columns.indices.map { $0 }
            for i in 0..<n {
                var code = missing
                for (k, column) in feature.columns.enumerated() where x[i * p + column] == 1 {
                    code = UInt8(bins[k])
                    break
                }
                out[i] = code
            }
        }
    }

    /// The number of elements of the sorted `t` that are `< v` (a branch-free binary search:
    /// the comparison selects the next base, so there is nothing to mispredict).
    @inline(__always)
    static func lowerBound(_ t: UnsafeBufferPointer<Double>, _ v: Double) -> Int {
        var count = t.count
        guard count > 0 else { return 0 }
        var base = 0
        while count > 1 {
            let half = count >> 1
            base = t[base + half - 1] < v ? base + half : base
            count -= half
        }
        return base + (t[base] < v ? 1 : 0)
    }
}

/// Fits the bins of each feature on the training rows, as scikit-learn's `_BinMapper`
/// (version 1.9) does without subsampling.
enum GradientBoostingBinMapper {
    /// scikit-learn's `ALMOST_INF`: thresholds are clipped to it.
    static let almostInfinity = 1e300

    /// Numeric thresholds of one column: midpoints `(a + b) / 2` between consecutive distinct
    /// values when there are at most `maxBins` of them; otherwise the `maxBins − 1` inner
    /// percentiles `100 k / maxBins` — numpy's `averaged_inverted_cdf` percentile without
    /// weights, scikit-learn's `_weighted_percentile(average=True)` with them (equal to
    /// repeating each row its weight's number of times). Missing values and rows of weight
    /// 0 are ignored; duplicate thresholds are merged. O(n log n).
    static func thresholds(_ values: [Double], weights: [Double]?, maxBins: Int) -> [Double] {
        // Without weights the values alone are radix-sorted (several times faster than
        // sorting pairs); the result is the same.
        var pairs: [(value: Double, weight: Double)] = []
        var sorted: [Double] = []
        if let weights {
            pairs.reserveCapacity(values.count)
            for (i, v) in values.enumerated() where !v.isNaN && weights[i] != 0 { pairs.append((v, weights[i])) }
            pairs.sort { $0.value < $1.value }
            sorted = pairs.map(\.value)
        } else {
            sorted = values.filter { !$0.isNaN }
            RadixSort.sort(&sorted)
        }
        var distinct: [Double] = []
        for v in sorted where distinct.last != v { distinct.append(v) }
        guard distinct.count > 1 else { return [] }
        var result: [Double]
        if distinct.count <= maxBins {
            result = (0..<(distinct.count - 1)).map { (distinct[$0] + distinct[$0 + 1]) / 2 }
        } else if weights == nil {
            result = numpyAveragedInvertedCDF(sorted, maxBins: maxBins)
        } else {
            result = weightedPercentiles(pairs, maxBins: maxBins)
        }
        var unique: [Double] = []
        for t in result.sorted() where unique.last != t { unique.append(t) }
        return unique.map { min($0, almostInfinity) }
    }

    /// `np.linspace(0, 100, maxBins + 1)[1:-1]`, element by element as numpy computes it.
    static func percentileRanks(_ maxBins: Int) -> [Double] {
        let step = 100.0 / Double(maxBins)
        return (1..<maxBins).map { Double($0) * step + 0 }
    }

    /// `np.percentile(sorted, ranks, method="averaged_inverted_cdf")`: virtual index
    /// `n q − 1`; the next value when it is fractional, the midpoint `b − (b − a)/2` of the
    /// value and the next when it is whole (numpy's `_lerp` at γ = ½).
    static func numpyAveragedInvertedCDF(_ sorted: [Double], maxBins: Int) -> [Double] {
        let n = sorted.count
        return percentileRanks(maxBins).map { rank in
            let q = rank / 100
            let virtual = Double(n) * q - 1
            var previous: Int, next: Int
            if virtual >= Double(n - 1) {
                previous = n - 1; next = n - 1
            } else if virtual < 0 {
                previous = 0; next = 0
            } else {
                previous = Int(virtual.rounded(.down)); next = previous + 1
            }
            let gamma0 = virtual - Double(previous)
            let gamma = gamma0 == 0 ? 0.5 : 1.0
            let a = sorted[previous], b = sorted[next]
            let diff = b - a
            // numpy's _lerp: a + diff·γ, then b − diff·(1 − γ) where γ ≥ ½.
            return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
        }
    }

    /// scikit-learn's `_weighted_percentile(…, average=True)` for each inner rank, on rows
    /// sorted by value with positive weights.
    static func weightedPercentiles(_ pairs: [(value: Double, weight: Double)], maxBins: Int) -> [Double] {
        var cdf = [Double](repeating: 0, count: pairs.count)
        var total = 0.0
        for (i, pair) in pairs.enumerated() {
            total += pair.weight
            cdf[i] = total
        }
        let maxIndex = pairs.count - 1
        return percentileRanks(maxBins).map { rank in
            var target = rank / 100 * total
            if target == 0 { target = target.nextUp }
            // First index with cdf ≥ target (numpy searchsorted, side="left").
            var lo = 0, hi = cdf.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if cdf[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            let index = min(max(lo, 0), maxIndex)
            let above = cdf[index] - target
            if above > Double.ulpOfOne { return pairs[index].value }
            let next = min(index + 1, maxIndex)
            return (pairs[index].value + pairs[next].value) / 2
        }
    }
}
