/// Row positions of the three splits, each sorted by `row_id`.
public struct SplitIndices: Equatable, Sendable {
    public var train: [Int]
    public var validation: [Int]
    public var test: [Int]

    public init(train: [Int], validation: [Int], test: [Int]) {
        self.train = train
        self.validation = validation
        self.test = test
    }
}

/// Stratified train/validation/test split.
///
/// Strata are the combinations of label × every sensitive attribute (so each split keeps
/// the joint distribution that fairness metrics depend on). Rule, per stratum of size m
/// with fractions f = (train, validation, test): quotas m·f_k, floored; the rows left over
/// (m − Σ floor) go one each to the splits with the largest fractional remainders, ties to
/// the earlier split (train, then validation, then test) — Hamilton's largest-remainder
/// method. So every stratum's share in every split is within one row of its target.
/// Which rows go where: the stratum's rows in `row_id` order are shuffled (Fisher–Yates on
/// `Xoshiro256StarStar(seed:, stream: "split")`, strata taken in sorted key order), then
/// cut into the three counts. Each split is returned sorted by `row_id`. O(n log n).
public enum StratifiedSplit {
    /// Splits `table` by `label` × `sensitive`; positions refer to `table`'s rows.
    /// Throws ``DataError/emptySplit(split:rows:)`` when a split would be empty.
    public static func split(
        _ table: Table, label: String, sensitive: [String], fractions: SplitConfig, seed: UInt64
    ) throws -> SplitIndices {
        var keyColumns: [Column] = []
        for name in [label] + sensitive {
            guard let column = table[name] else {
                throw DataError.inconsistentTable(reason: "no column `\(name)` to stratify on")
            }
            keyColumns.append(column)
        }
        let n = table.rowCount
        // Stratum key per row: the printed values joined by a unit separator.
        var strataByKey: [String: [Int]] = [:]
        for row in 0..<n {
            let key = keyColumns.map { $0.string(at: row) ?? "" }.joined(separator: "\u{1F}")
            strataByKey[key, default: []].append(row)
        }
        let order = rowOrder(table)
        let strata = strataByKey.keys.sorted().map { key in
            (strataByKey[key] ?? []).sorted { order[$0] < order[$1] }
        }
        let result = split(strata: strata, fractions: fractions, seed: seed, order: order)
        for (name, rows) in [("train", result.train), ("validation", result.validation), ("test", result.test)] where rows.isEmpty {
            throw DataError.emptySplit(split: name, rows: n)
        }
        return result
    }

    /// Core of the split: `strata` lists row positions (each in `row_id` order); `order`
    /// gives each position's sort rank for the final sort.
    public static func split(strata: [[Int]], fractions: SplitConfig, seed: UInt64, order: [Int]) -> SplitIndices {
        var rng = Xoshiro256StarStar(seed: seed, stream: "split")
        var parts: [[Int]] = [[], [], []]
        let f = [fractions.train, fractions.validation, fractions.test]
        for var members in strata {
            let counts = largestRemainder(total: members.count, fractions: f)
            members.seededShuffle(using: &rng)
            var start = 0
            for k in 0..<3 {
                parts[k].append(contentsOf: members[start..<(start + counts[k])])
                start += counts[k]
            }
        }
        let sorted = parts.map { part in part.sorted { order[$0] < order[$1] } }
        return SplitIndices(train: sorted[0], validation: sorted[1], test: sorted[2])
    }

    /// Hamilton apportionment of `total` rows to `fractions` (which sum to 1).
    public static func largestRemainder(total: Int, fractions: [Double]) -> [Int] {
        let quotas = fractions.map { Double(total) * $0 }
        var counts = quotas.map { Int($0.rounded(.down)) }
        var left = total - counts.reduce(0, +)
        let byRemainder = fractions.indices.sorted { a, b in
            let ra = quotas[a] - Double(counts[a]), rb = quotas[b] - Double(counts[b])
            return ra != rb ? ra > rb : a < b
        }
        var i = 0
        while left > 0 {
            counts[byRemainder[i % byRemainder.count]] += 1
            left -= 1
            i += 1
        }
        // Floating-point quotas can overshoot by one (e.g. 0.6 × 5 = 3.0000000000000004).
        while counts.reduce(0, +) > total, let k = counts.indices.last(where: { counts[$0] > 0 }) {
            counts[k] -= 1
        }
        return counts
    }

    /// Rank of each row by `row_id` (numeric) when the table has one, else by position.
    static func rowOrder(_ table: Table) -> [Int] {
        guard let column = table["row_id"], case .numeric(let ids) = column.values else {
            return Array(0..<table.rowCount)
        }
        let sortedRows = (0..<table.rowCount).sorted { ids[$0] != ids[$1] ? ids[$0] < ids[$1] : $0 < $1 }
        var rank = [Int](repeating: 0, count: table.rowCount)
        for (r, row) in sortedRows.enumerated() { rank[row] = r }
        return rank
    }
}

/// The three split tables of a dataset and the positions they came from.
public struct DatasetSplits: Equatable, Sendable {
    public var indices: SplitIndices
    public var train: Table
    public var validation: Table
    public var test: Table
}

extension Dataset {
    /// Splits stratified by label × sensitive attributes (see ``StratifiedSplit``).
    public func split(_ fractions: SplitConfig, seed: UInt64) throws -> DatasetSplits {
        let indices = try StratifiedSplit.split(table, label: label, sensitive: sensitive, fractions: fractions, seed: seed)
        return DatasetSplits(
            indices: indices,
            train: table.selecting(rows: indices.train),
            validation: table.selecting(rows: indices.validation),
            test: table.selecting(rows: indices.test))
    }
}
