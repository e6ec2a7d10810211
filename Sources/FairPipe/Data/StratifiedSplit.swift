/// Row positions of the three splits, each sorted by `row_id`.
public struct SplitIndices: Equatable, Sendable {
    public var train: [Int]
    public var validation: [Int]
    public var test: [Int]
    /// Strata too small to split in proportion, and their rows, pooled per label (see
    /// ``StratifiedSplit``); 0 when every stratum was split on its own.
    public var pooledStrata: Int = 0
    public var pooledRows: Int = 0
    /// All strata (label × sensitive combinations present in the data).
    public var strata: Int = 0

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
///
/// Strata too small to split in proportion — some split with a positive fraction would get
/// no row at its quota (m·f_k < 1, e.g. fewer than 5 rows at 60/20/20) — are not split one by
/// one: Hamilton's rule would send every 1-row stratum to train and every 2-row one to train
/// and validation, and with hundreds of such strata (a zip-code attribute) the splits drift far
/// from their fractions. Instead their rows are pooled, one pool per label value (so the label
/// stays stratified), and the pools are split after the other strata, in label order, so that
/// the split totals come as close as possible to the whole table's Hamilton quotas: each pool
/// gets Hamilton's share of what the splits still need. Data without such strata is split
/// exactly as before (same random stream, same bytes).
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
        let labels = strataByKey.keys.sorted().map { String($0.prefix { $0 != "\u{1F}" }) }
        let result = split(strata: strata, labels: labels, fractions: fractions, seed: seed, order: order)
        for (name, rows) in [("train", result.train), ("validation", result.validation), ("test", result.test)]
        where rows.isEmpty {
            throw DataError.emptySplit(split: name, rows: n)
        }
        return result
    }

    /// Core of the split: `strata` lists row positions (each in `row_id` order); `labels` names
    /// each stratum's label value (the pool a too-small stratum joins; all one pool when nil);
    /// `order` gives each position's sort rank for the final sort.
    public static func split(
        strata: [[Int]], labels: [String]? = nil, fractions: SplitConfig, seed: UInt64, order: [Int]
    ) -> SplitIndices {
        var rng = Xoshiro256StarStar(seed: seed, stream: "split")
        var parts: [[Int]] = [[], [], []]
        let f = [fractions.train, fractions.validation, fractions.test]
        func deal(_ members: inout [Int], _ counts: [Int]) {
            members.seededShuffle(using: &rng)
            var start = 0
            for k in 0..<3 {
                parts[k].append(contentsOf: members[start..<(start + counts[k])])
                start += counts[k]
            }
        }
        var pools: [String: [Int]] = [:]
        var pooledStrata = 0
        for (s, var members) in strata.enumerated() {
            if tooSmall(members.count, fractions: f) {
                pools[labels?[s] ?? "", default: []].append(contentsOf: members)
                pooledStrata += 1
                continue
            }
            deal(&members, largestRemainder(total: members.count, fractions: f))
        }
        // The pools absorb what the split strata left: each gets Hamilton's share of the rows
        // the splits still need to reach the whole table's quotas.
        let total = strata.reduce(0) { $0 + $1.count }
        var need = zip(largestRemainder(total: total, fractions: f), parts).map { Swift.max(0, $0 - $1.count) }
        for label in pools.keys.sorted() {
            var members = (pools[label] ?? []).sorted { order[$0] < order[$1] }
            let sum = need.reduce(0, +)
            let share = sum > 0 ? need.map { Double($0) / Double(sum) } : f
            let counts = largestRemainder(total: members.count, fractions: share)
            deal(&members, counts)
            for k in 0..<3 { need[k] = Swift.max(0, need[k] - counts[k]) }
        }
        let sorted = parts.map { part in part.sorted { order[$0] < order[$1] } }
        var result = SplitIndices(train: sorted[0], validation: sorted[1], test: sorted[2])
        result.strata = strata.count
        result.pooledStrata = pooledStrata
        result.pooledRows = pools.values.reduce(0) { $0 + $1.count }
        return result
    }

    /// A stratum of `size` rows too small to give every split with a positive fraction a row
    /// at its quota.
    static func tooSmall(_ size: Int, fractions: [Double]) -> Bool {
        fractions.contains { $0 > 0 && Double(size) * $0 < 1 - 1e-9 }
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
        let indices = try StratifiedSplit.split(
            table, label: label, sensitive: sensitive, fractions: fractions, seed: seed)
        return DatasetSplits(
            indices: indices,
            train: table.selecting(rows: indices.train),
            validation: table.selecting(rows: indices.validation),
            test: table.selecting(rows: indices.test))
    }
}
