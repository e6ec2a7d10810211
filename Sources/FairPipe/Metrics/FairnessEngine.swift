import Foundation

/// One attribute, intersection or the whole sample, as a partition of the compact cells.
struct Level: Sendable {
    var name: String
    var groupNames: [String]
    /// Compact cells of each group (empty for an unobserved combination).
    var cellsOfGroup: [[Int]]
    /// Exact AUC of each group from ranks (NaN where undefined); empty without scores.
    var exactAUC: [Double] = []
}

/// Metric values of one evaluation of the atoms (the point estimate or one replicate), NaN
/// where undefined, in a fixed layout so replicates line up by position.
struct Measures {
    struct LevelMeasures {
        var groups: [[Double]]  // [group][GroupMetric.allCases]
        var disparities: [Double]  // Disparity.allKeys
        var vsReference: [[Double]]  // [group][ReferenceMetric.allCases]; the reference row is NaN
    }
    var overall: [Double]
    var individual: [Double]  // theil_index, generalized_entropy_index
    var levels: [LevelMeasures]

    func flattened() -> [Double] {
        var out = overall + individual
        for level in levels {
            for g in level.groups { out += g }
            out += level.disparities
            for g in level.vsReference { out += g }
        }
        return out
    }

    /// Per flattened position: the domain of a between-group disparity (differences ≥ 0,
    /// ratios in [0, 1]), whose interval is median-bias corrected; nil for every other
    /// quantity (group metrics, reference comparisons, indices), which keeps the percentile
    /// interval.
    func disparityDomains() -> [ClosedRange<Double>?] {
        var out = [ClosedRange<Double>?](repeating: nil, count: overall.count + individual.count)
        let keys = Disparity.allKeys.map { key -> ClosedRange<Double>? in
            key.contains("_ratio") ? 0...1 : 0...Double.infinity
        }
        for level in levels {
            out += [ClosedRange<Double>?](repeating: nil, count: level.groups.reduce(0) { $0 + $1.count })
            out += level.disparities.indices.map { keys[$0] }
            out += [ClosedRange<Double>?](repeating: nil, count: level.vsReference.reduce(0) { $0 + $1.count })
        }
        return out
    }

    /// The inverse of ``flattened()`` for a vector of the same layout.
    func reshaped(_ flat: [Double]) -> Measures {
        var i = 0
        func take(_ k: Int) -> [Double] { defer { i += k }; return Array(flat[i..<(i + k)]) }
        var copy = self
        copy.overall = take(overall.count)
        copy.individual = take(individual.count)
        for l in levels.indices {
            copy.levels[l].groups = levels[l].groups.map { take($0.count) }
            copy.levels[l].disparities = take(levels[l].disparities.count)
            copy.levels[l].vsReference = levels[l].vsReference.map { take($0.count) }
        }
        return copy
    }
}

/// The evaluation plan: levels, reference groups, exclusions, and how to measure atom counts.
struct FairnessEngine: Sendable {
    var stats: SufficientStatistics
    var config: FairnessConfig
    var overallLevel: Level
    var levels: [Level]
    /// Per level: the reference group index (nil when all groups are empty).
    var references: [Int?]
    /// Per level: groups left out of between-group disparities by configuration (small groups).
    var excludedByConfig: [[Bool]]
    /// What was skipped, for the report's notes.
    var notes: [String]
    /// Intersections left out because they exceed `fairness.max_groups`.
    var skippedIntersections: [SkippedIntersection] = []

    static let metricIndex: [GroupMetric: Int] = Dictionary(
        uniqueKeysWithValues: GroupMetric.allCases.enumerated().map { ($1, $0) })

    init(_ set: PredictionSet, config: FairnessConfig) throws {
        try self.init(AuditStatistics(set, calibrationBins: config.calibrationBins), config: config)
    }

    init(_ audit: AuditStatistics, config: FairnessConfig) throws {
        stats = SufficientStatistics(audit)
        self.config = config
        let cells = stats.cellCount
        overallLevel = Level(name: "overall", groupNames: ["all"], cellsOfGroup: [Array(0..<cells)])
        let names = audit.settings.attributes, groups = audit.groups
        // Attribute subsets: single attributes in order, then intersections by size and position.
        for (a, name) in names.enumerated() where groups[a].count > config.maxGroups {
            throw MetricsError.tooManyGroups(attribute: name, groups: groups[a].count, limit: config.maxGroups)
        }
        var subsets: [[Int]] = names.indices.map { [$0] }
        if config.intersectional && names.count >= 2 {
            for size in 2...names.count { subsets += Self.combinations(names.count, size) }
        }
        var levels: [Level] = []
        var notes: [String] = []
        var skipped: [SkippedIntersection] = []
        for subset in subsets {
            let levelName = subset.map { names[$0] }.joined(separator: "&")
            let combinations = subset.reduce(1.0) { $0 * Double(groups[$1].count) }
            if combinations > Double(config.maxGroups) {
                let entry = SkippedIntersection(
                    name: levelName, combinations: Int(combinations),
                    maxGroups: config.maxGroups)
                notes.append(entry.message)
                skipped.append(entry)
                continue
            }
            levels.append(Self.level(levelName, subset: subset, groups: groups, cellCodes: stats.cellCodes))
        }
        self.levels = levels
        self.notes = notes
        self.skippedIntersections = skipped
        if stats.hasScores {
            overallLevel.exactAUC = Self.computeExactAUCs(overallLevel, stats: stats)
            for l in self.levels.indices {
                self.levels[l].exactAUC = Self.computeExactAUCs(self.levels[l], stats: stats)
            }
        }
        let levelNames = Set(levels.map(\.name))
        for attribute in config.reference.keys.sorted() where !levelNames.contains(attribute) {
            throw MetricsError.unknownReferenceAttribute(attribute: attribute, attributes: levels.map(\.name))
        }
        (references, excludedByConfig) = try Self.references(levels, config: config, cellSizes: stats.cellSizes)
    }

    /// The groups of one attribute subset: every combination of the attributes' groups, empty
    /// ones included (mixed radix, first attribute slowest), and the cells of each.
    static func level(_ name: String, subset: [Int], groups: [[String]], cellCodes: [[Int32]]) -> Level {
        var groupNames: [String] = [""]
        for (k, a) in subset.enumerated() {
            groupNames = groupNames.flatMap { prefix in groups[a].map { k == 0 ? $0 : prefix + "&" + $0 } }
        }
        var cellsOfGroup = [[Int]](repeating: [], count: groupNames.count)
        for (c, codes) in cellCodes.enumerated() {
            var index = 0
            for a in subset { index = index * groups[a].count + Int(codes[a]) }
            cellsOfGroup[index].append(c)
        }
        return Level(name: name, groupNames: groupNames, cellsOfGroup: cellsOfGroup)
    }

    /// Per level: the reference group (configured, else the largest; ties to the first by name)
    /// and which groups configuration leaves out of disparities.
    static func references(
        _ levels: [Level], config: FairnessConfig, cellSizes: [Int]
    ) throws -> (
        [Int?], [[Bool]]
    ) {
        var references: [Int?] = []
        var excluded: [[Bool]] = []
        for level in levels {
            let sizes = level.cellsOfGroup.map { $0.reduce(0) { $0 + cellSizes[$1] } }
            if let name = config.reference[level.name] {
                guard let index = level.groupNames.firstIndex(of: name) else {
                    throw MetricsError.unknownReference(attribute: level.name, found: name, groups: level.groupNames)
                }
                references.append(index)
            } else {
                let best = sizes.indices.filter { sizes[$0] > 0 }.max { a, b in
                    sizes[a] != sizes[b] ? sizes[a] < sizes[b] : level.groupNames[a] > level.groupNames[b]
                }
                references.append(best)
            }
            excluded.append(sizes.map { config.excludeSmallGroups && $0 < config.minGroupSize })
        }
        return (references, excluded)
    }

    static func combinations(_ n: Int, _ k: Int) -> [[Int]] {
        if k == 0 { return [[]] }
        if n < k { return [] }
        var out: [[Int]] = []
        func go(_ start: Int, _ current: [Int]) {
            if current.count == k { out.append(current); return }
            for i in start..<n { go(i + 1, current + [i]) }
        }
        go(0, [])
        return out
    }

    /// Per-cell statistics under the atom counts `counts` (the original counts give the point
    /// estimate exactly; score sums are scaled by count/original, i.e. each resampled row of
    /// an atom carries the atom's mean score, squared error and log loss).
    func cellStatistics(_ counts: [Int]) -> [GroupStatistics] {
        let hasScores = stats.hasScores
        var cells = [GroupStatistics](
            repeating: GroupStatistics(
                calibrationBins: stats.calibrationBins, fineBins: stats.fineBins, hasScores: hasScores),
            count: stats.cellCount)
        let r = stats.fineBins / max(1, stats.calibrationBins)
        for a in 0..<counts.count {
            let k = counts[a]
            guard k > 0 else { continue }
            let c = stats.atomCell[a]
            cells[c].counts.add(label: stats.atomLabel[a], decision: stats.atomDecision[a], count: k)
            if hasScores {
                let original = stats.atomCount[a]
                let scale = k == original ? 1.0 : Double(k) / Double(original)
                cells[c].sumBrier += stats.atomSumBrier[a] * scale
                cells[c].sumLogLoss += stats.atomSumLogLoss[a] * scale
                let bin = stats.atomBin[a], e = bin / r
                cells[c].binCount[e] += Double(k)
                cells[c].binScore[e] += stats.atomSumScore[a] * scale
                if stats.atomLabel[a] == 1 {
                    cells[c].binLabel[e] += Double(k)
                    cells[c].finePositives[bin] += Double(k)
                } else {
                    cells[c].fineNegatives[bin] += Double(k)
                }
            }
        }
        return cells
    }

    /// Group statistics of a level; `exactAUC` fills in the exact AUC computed once at init
    /// (valid for the original counts only, i.e. the point estimate).
    func groupStatistics(_ level: Level, cells: [GroupStatistics], exactAUC: Bool) -> [GroupStatistics] {
        let empty = GroupStatistics(
            calibrationBins: stats.calibrationBins, fineBins: stats.fineBins, hasScores: stats.hasScores)
        let aucs = exactAUC && !level.exactAUC.isEmpty ? level.exactAUC : nil
        return level.cellsOfGroup.enumerated().map { g, members in
            var s = empty
            for c in members { s.add(cells[c]) }
            if let aucs { s.auc = aucs[g] }
            return s
        }
    }

    /// Exact AUC of every group of `level` (NaN where undefined), from ranks.
    static func computeExactAUCs(_ level: Level, stats: SufficientStatistics) -> [Double] {
        level.cellsOfGroup.map { members in
            var positives = 0, negatives = 0
            for c in members {
                positives += stats.scoreRuns[c * 2 + 1].total; negatives += stats.scoreRuns[c * 2].total
            }
            guard positives > 0, negatives > 0 else { return .nan }
            return Double(stats.exactU2(cells: members)) / (2 * Double(positives) * Double(negatives))
        }
    }

    /// All measures for atom counts: exact AUC for the point estimate, binned for replicates.
    func measure(_ counts: [Int], exactAUC: Bool) -> Measures {
        let cells = cellStatistics(counts)
        let overallStats = groupStatistics(overallLevel, cells: cells, exactAUC: exactAUC)[0]
        let overall = overallStats.metricVector(hasScores: stats.hasScores)
        let individual = [
            InequalityIndex.generalizedEntropy(overallStats.counts, alpha: 1),
            InequalityIndex.generalizedEntropy(overallStats.counts, alpha: config.generalizedEntropyAlpha),
        ]
        var levelMeasures: [Measures.LevelMeasures] = []
        for (l, level) in levels.enumerated() {
            let groups = groupStatistics(level, cells: cells, exactAUC: exactAUC).map {
                $0.metricVector(hasScores: stats.hasScores)
            }
            let disparities = Self.disparities(
                groups: groups, overall: overall, excluded: excludedByConfig[l], hasScores: stats.hasScores)
            var vs = [[Double]](
                repeating: [Double](repeating: .nan, count: ReferenceMetric.allCases.count), count: groups.count)
            if let r = references[l] {
                let ref = groups[r]
                for g in groups.indices where g != r {
                    let mine = groups[g]
                    vs[g] = ReferenceMetric.allCases.map { m in
                        m.value(
                            group: { mine[Self.metricIndex[$0] ?? 0] }, reference: { ref[Self.metricIndex[$0] ?? 0] })
                    }
                }
            }
            levelMeasures.append(.init(groups: groups, disparities: disparities, vsReference: vs))
        }
        return Measures(overall: overall, individual: individual, levels: levelMeasures)
    }

    /// Between-group disparities in `Disparity.allKeys` order over the groups not excluded
    /// and with the metric defined (fairlearn's between_groups and to_overall methods).
    static func disparities(groups: [[Double]], overall: [Double], excluded: [Bool], hasScores: Bool) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(Disparity.allKeys.count)
        for disparity in Disparity.allCases {
            var diff = -Double.infinity, ratio = Double.infinity, diffO = -Double.infinity, ratioO = Double.infinity
            for metric in disparity.metrics {
                let m = metricIndex[metric] ?? 0
                let values = groups.indices.compactMap { g -> Double? in
                    let v = groups[g][m]
                    return excluded[g] || v.isNaN ? nil : v
                }
                let o = overall[m]
                var d = Double.nan, r = Double.nan, dO = Double.nan, rO = Double.nan
                if values.count >= 2, let lo = values.min(), let hi = values.max() {
                    d = hi - lo
                    r = hi == 0 ? .nan : lo / hi
                }
                if !values.isEmpty && !o.isNaN {
                    dO = values.map { abs($0 - o) }.max() ?? .nan
                    rO =
                        o == 0
                        ? .nan
                        : values.map { v -> Double in
                            let q = v / o; return Swift.min(q, 1 / q)
                        }.min() ?? .nan
                }
                // Worst case across the metrics (equalized odds); NaN if any part is undefined.
                diff = diff.isNaN || d.isNaN ? .nan : Swift.max(diff, d)
                ratio = ratio.isNaN || r.isNaN ? .nan : Swift.min(ratio, r)
                diffO = diffO.isNaN || dO.isNaN ? .nan : Swift.max(diffO, dO)
                ratioO = ratioO.isNaN || rO.isNaN ? .nan : Swift.min(ratioO, rO)
            }
            if disparity.needsScores && !hasScores { diff = .nan; diffO = .nan }
            out.append(diff)
            if disparity.hasRatio { out.append(ratio) }
            out.append(diffO)
            if disparity.hasRatio { out.append(ratioO) }
        }
        return out
    }

    /// The original atom counts.
    var pointCounts: [Int] { stats.atomCount }

    /// B bootstrap replicates as flattened measure vectors, replicate b drawn from its own
    /// stream `fairness.bootstrap/<b>` of `seed`, so the result does not depend on how many
    /// threads run them. Stratified: each cell keeps its size and its rows are redrawn from
    /// its atoms, Multinomial(n_c; atom counts / n_c). Otherwise: Multinomial(N; atoms / N).
    func bootstrapReplicates(seed: UInt64, samples: Int, stratified: Bool) -> [[Double]] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, samples))
        let results = ReplicateStore(count: samples)
        let engine = self
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var counts = [Int](repeating: 0, count: engine.stats.atomCountTotal)
            var cellCounts: [Int] = []
            let total = engine.stats.cellSizes.reduce(0, +)
            let cellWeights = engine.stats.cellAtoms.map { Array(engine.stats.atomCount[$0]) }
            var b = worker
            while b < samples {
                var rng = Xoshiro256StarStar(seed: seed, stream: "fairness.bootstrap/\(b)")
                if stratified {
                    for (c, range) in engine.stats.cellAtoms.enumerated() {
                        Sampling.multinomial(
                            trials: engine.stats.cellSizes[c], weights: cellWeights[c], into: &cellCounts, using: &rng)
                        for (k, a) in range.enumerated() { counts[a] = cellCounts[k] }
                    }
                } else {
                    Sampling.multinomial(trials: total, weights: engine.stats.atomCount, into: &counts, using: &rng)
                }
                results.set(b, engine.measure(counts, exactAUC: false).flattened())
                b += workers
            }
        }
        return results.values
    }
}

/// Replicate results written by index from concurrent workers (each index exactly once),
/// read after all workers finish.
final class ReplicateStore: @unchecked Sendable {
    private var storage: [[Double]]
    private let lock = NSLock()
    init(count: Int) { storage = [[Double]](repeating: [], count: count) }
    func set(_ index: Int, _ value: [Double]) { lock.lock(); storage[index] = value; lock.unlock() }
    var values: [[Double]] { lock.lock(); defer { lock.unlock() }; return storage }
}
