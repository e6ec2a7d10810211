import Foundation

/// Why shards' statistics cannot be merged. Data errors (exit status 65).
public enum StatisticsMergeError: FairPipeError, Equatable {
    /// A shard was made with other settings than the first.
    case settingsMismatch(path: String, key: String, expected: String, found: String)
    case noShards

    public var exitStatus: ExitStatus {
        switch self {
        case .settingsMismatch: return .dataError
        case .noShards: return .usage
        }
    }

    public var description: String {
        switch self {
        case .settingsMismatch(let path, let key, let expected, let found):
            return "\(path): made with \(key) \(found), but the other shards (or this run) use \(expected)"
        case .noShards:
            return "--merge needs at least one statistics file"
        }
    }
}

extension AuditStatistics {
    /// The statistics of all parts' rows together, exactly as if computed on their concatenation
    /// (in any order): groups are the sorted union, cells the union in key order, atom counts and
    /// fixed-point sums add, score runs merge. The parts must share ``settings`` (checked by the
    /// caller, which knows their paths). One part is returned unchanged.
    public static func merged(_ parts: [AuditStatistics]) -> AuditStatistics? {
        guard var out = parts.first else { return nil }
        guard parts.count > 1 else { return out }
        let attributes = out.settings.attributes.count
        out.groups = (0..<attributes).map { a in Array(Set(parts.flatMap { $0.groups[a] })).sorted() }
        out.labelValues = Array(Set(parts.flatMap(\.labelValues))).sorted()
        out.rows = parts.reduce(0) { $0 + $1.rows }
        let recoded = parts.map { part in part.cells.map { out.recode($0, from: part.groups) } }
        out.cells = Array(Set(recoded.flatMap { $0 })).sorted { $0.lexicographicallyPrecedes($1) }
        var cellIndex: [[Int32]: Int] = [:]
        for (c, codes) in out.cells.enumerated() { cellIndex[codes] = c }
        let cellMaps = recoded.map { cells in cells.map { cellIndex[$0] ?? 0 } }
        out.mergeAtoms(parts, cellMaps: cellMaps)
        if out.hasScores { out.mergeScoreRuns(parts, cellMaps: cellMaps) }
        return out
    }

    /// A cell's codes under `from` groups, as codes into this value's groups.
    private func recode(_ codes: [Int32], from partGroups: [[String]]) -> [Int32] {
        codes.enumerated().map { a, code in
            let name = partGroups[a][Int(code)]
            return Int32(Self.index(of: name, inSorted: groups[a]))
        }
    }

    private static func index(of name: String, inSorted names: [String]) -> Int {
        var lo = 0, hi = names.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if names[mid] < name { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Atoms of all parts under the merged cells, summed per key, in key order.
    private mutating func mergeAtoms(_ parts: [AuditStatistics], cellMaps: [[Int]]) {
        var entries: [(key: Int, part: Int, atom: Int)] = []
        entries.reserveCapacity(parts.reduce(0) { $0 + $1.atomKeys.count })
        for (p, part) in parts.enumerated() {
            for (a, key) in part.atomKeys.enumerated() {
                let atom = part.decode(atomKey: key)
                let newKey = Self.atomKey(
                    cell: cellMaps[p][atom.cell], label: atom.label, decision: atom.decision, bin: atom.bin,
                    fineBins: fineBins)
                entries.append((newKey, p, a))
            }
        }
        entries.sort { $0.key < $1.key }
        atomKeys = []; atomCounts = []; atomSumScore = []; atomSumBrier = []; atomSumLogLoss = []
        for entry in entries {
            let part = parts[entry.part], a = entry.atom
            if atomKeys.last != entry.key {
                atomKeys.append(entry.key); atomCounts.append(0)
                if hasScores {
                    atomSumScore.append(FixedPointSum()); atomSumBrier.append(FixedPointSum())
                    atomSumLogLoss.append(FixedPointSum())
                }
            }
            let last = atomKeys.count - 1
            atomCounts[last] += part.atomCounts[a]
            if hasScores {
                atomSumScore[last] = atomSumScore[last] + part.atomSumScore[a]
                atomSumBrier[last] = atomSumBrier[last] + part.atomSumBrier[a]
                atomSumLogLoss[last] = atomSumLogLoss[last] + part.atomSumLogLoss[a]
            }
        }
    }

    /// Score runs of every merged (cell, label), from the parts' runs.
    private mutating func mergeScoreRuns(_ parts: [AuditStatistics], cellMaps: [[Int]]) {
        var sources = [[ScoreRuns]](repeating: [], count: cells.count * 2)
        for (p, part) in parts.enumerated() {
            for (c, target) in cellMaps[p].enumerated() {
                for label in 0..<2 { sources[target * 2 + label].append(part.scoreRuns[c * 2 + label]) }
            }
        }
        scoreRuns = sources.map(ScoreRuns.merging)
    }

    /// Merges shard statistics read from `paths`, refusing a shard whose settings differ from
    /// `expected` (this run's) with one line naming it.
    public static func merging(
        _ shards: [(path: String, statistics: AuditStatistics)], expected: StatisticsSettings? = nil
    ) throws -> AuditStatistics {
        guard let first = shards.first else { throw StatisticsMergeError.noShards }
        let reference = expected ?? first.statistics.settings
        for shard in shards {
            if let d = reference.firstDifference(from: shard.statistics.settings) {
                throw StatisticsMergeError.settingsMismatch(
                    path: shard.path, key: d.key, expected: d.expected, found: d.found)
            }
        }
        return merged(shards.map(\.statistics)) ?? first.statistics
    }
}
