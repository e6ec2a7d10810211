import Foundation

/// The groups a mitigation method fits on: the combined sensitive groups (`female&1&z042`),
/// except that groups it cannot fit on their own are pooled into one group, ``pooledName``.
///
/// A group is pooled when, on the split the method fits on (validation for post-processing,
/// train for pre- and in-processing), it has only one label class — its true- or
/// false-positive rate is undefined, so no per-group threshold, constraint or weight can be
/// fitted — or, with `fairness.exclude_small_groups`, fewer than `fairness.min_group_size`
/// rows. Every method kind pools rather than excludes: a post-processor must give every row
/// a decision rule (the pool gets one fitted on data, and groups of later data the method
/// never saw use it too), and a pre- or in-processor keeps every training row, so a pooled
/// constraint on the small groups together is better than none. When the pool itself has
/// one label class, the smallest remaining groups join it until it has both. With nothing
/// pooled the groups, and so the outputs, are exactly as before.
struct MitigationGroups {
    /// The pooled group's name; group names are data values, so a name no CSV field takes
    /// unquoted.
    static let pooledName = "(other)"

    var names: [String]
    var codes: [Int32]
    /// The original groups now in the pool, in name order, with their row counts.
    var pooled: [(name: String, n: Int)] = []

    /// Pools `codes` (coded by `names`) by `labels`.
    static func pool(names: [String], codes: [Int32], labels: [UInt8], fairness: FairnessConfig) -> MitigationGroups {
        var n = [Int](repeating: 0, count: names.count), positives = n
        for (row, code) in codes.enumerated() {
            n[Int(code)] += 1
            positives[Int(code)] += Int(labels[row])
        }
        func singleClass(_ count: Int, _ pos: Int) -> Bool { pos == 0 || pos == count }
        var inPool = names.indices.map { g in
            n[g] > 0
                && (singleClass(n[g], positives[g]) || (fairness.excludeSmallGroups && n[g] < fairness.minGroupSize))
        }
        guard inPool.contains(true) else { return MitigationGroups(names: names, codes: codes) }
        // A one-class pool takes the smallest remaining groups until it has both classes.
        func poolCounts() -> (Int, Int) {
            names.indices.filter { inPool[$0] }.reduce((0, 0)) { ($0.0 + n[$1], $0.1 + positives[$1]) }
        }
        while singleClass(poolCounts().0, poolCounts().1),
            let smallest = names.indices.filter({ !inPool[$0] && n[$0] > 0 }).min(by: { (n[$0], $0) < (n[$1], $1) })
        {
            inPool[smallest] = true
        }
        var recode = [Int32](repeating: 0, count: names.count)
        var kept: [String] = []
        for g in names.indices where !inPool[g] {
            recode[g] = Int32(kept.count)
            kept.append(names[g])
        }
        for g in names.indices where inPool[g] { recode[g] = Int32(kept.count) }
        var name = pooledName
        while kept.contains(name) { name += "'" }
        return MitigationGroups(
            names: kept + [name], codes: codes.map { recode[Int($0)] },
            pooled: names.indices.filter { inPool[$0] && n[$0] > 0 }.map { (names[$0], n[$0]) })
    }

    /// Throws when pooling left a single group out of several: the method would equalise nothing.
    func requireSeveralGroups(method: String, split: String) throws {
        if names.count == 1 && pooled.count > 1 {
            throw MitigationError.allGroupsPooled(method: method, groups: pooled.count, split: split)
        }
    }

    /// One line for the stage's log; nil when nothing was pooled.
    func summary(split: String, fairness: FairnessConfig) -> String? {
        guard let pool = names.last, !pooled.isEmpty else { return nil }
        let rows = pooled.reduce(0) { $0 + $1.n }
        let examples = pooled.prefix(3).map { "\($0.name) (\($0.n))" }.joined(separator: ", ")
        let rule =
            fairness.excludeSmallGroups
            ? "a single label class or fewer than fairness.min_group_size = \(fairness.minGroupSize) rows"
            : "a single label class (fairness.exclude_small_groups: true also pools groups under fairness.min_group_size)"
        return
            "\(pooled.count) of \(pooled.count + names.count - 1) groups of the \(split) split (\(examples)\(pooled.count > 3 ? ", …" : "")) "
            + "have \(rule): pooled as `\(pool)` (\(rows) rows); \(names.count) groups left for mitigation"
    }
}
