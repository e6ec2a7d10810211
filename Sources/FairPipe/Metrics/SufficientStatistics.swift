import Foundation

/// The engine's view of ``AuditStatistics``: atoms unpacked into columns, score sums as
/// Doubles, each cell's atom range and size, and the exact pair statistics for AUC. Every metric
/// of every group, attribute and intersection is a function of the atoms (groups are unions of
/// cells), so the bootstrap redraws atom counts instead of rows.
///
/// Exact AUC needs more than bins: it comes from the sorted score runs of each (cell, label) —
/// see ``exactU2(cells:)``.
struct SufficientStatistics: Sendable {
    /// Compact cells: `cellCodes[c][a]` is the code of attribute a in cell c, in key order.
    var cellCodes: [[Int32]]
    var cellSizes: [Int]
    /// Atoms sorted by (cell, label, decision, bin); those of cell c are `cellAtoms[c]`.
    var atomCell: [Int]
    var atomLabel: [UInt8]
    var atomDecision: [UInt8]
    var atomBin: [Int]
    var atomCount: [Int]
    var atomSumScore: [Double]
    var atomSumBrier: [Double]
    var atomSumLogLoss: [Double]
    var cellAtoms: [Range<Int>]
    var hasScores: Bool
    /// Equal-width calibration bins M, and fine bins F = M·r nested in them.
    var calibrationBins: Int
    var fineBins: Int
    /// With few cells: `pairU2[c1 * C + c2]` = 2·#{positive in c1 > negative in c2} + #{equal},
    /// so a group's Mann–Whitney statistic is a sum over its cell pairs (exact integers).
    var pairU2: [Int]
    /// Sorted score runs of each (cell, label), index `cell * 2 + label`.
    var scoreRuns: [ScoreRuns]

    var cellCount: Int { cellCodes.count }
    var atomCountTotal: Int { atomCount.count }

    init(_ audit: AuditStatistics) {
        cellCodes = audit.cells
        hasScores = audit.hasScores
        calibrationBins = audit.settings.calibrationBins
        fineBins = audit.settings.fineBins
        let atoms = audit.atomKeys.map { audit.decode(atomKey: $0) }
        atomCell = atoms.map(\.cell)
        atomLabel = atoms.map(\.label)
        atomDecision = atoms.map(\.decision)
        atomBin = atoms.map(\.bin)
        atomCount = audit.atomCounts
        atomSumScore = audit.atomSumScore.map(\.value)
        atomSumBrier = audit.atomSumBrier.map(\.value)
        atomSumLogLoss = audit.atomSumLogLoss.map(\.value)
        var sizes = [Int](repeating: 0, count: audit.cells.count)
        var start = [Int](repeating: 0, count: audit.cells.count + 1)
        for (a, c) in atomCell.enumerated() { sizes[c] += atomCount[a]; start[c + 1] += 1 }
        for c in sizes.indices { start[c + 1] += start[c] }
        cellSizes = sizes
        cellAtoms = sizes.indices.map { start[$0]..<start[$0 + 1] }
        scoreRuns = audit.scoreRuns
        pairU2 = hasScores ? Self.pairTable(audit.scoreRuns, cells: audit.cells.count) : []
    }

    /// The pair table when there are at most ``maxPairCells`` cells, else empty.
    static func pairTable(_ runs: [ScoreRuns], cells: Int) -> [Int] {
        guard cells <= maxPairCells else { return [] }
        var pair = [Int](repeating: 0, count: cells * cells)
        for c1 in 0..<cells {
            for c2 in 0..<cells {
                pair[c1 * cells + c2] = ScoreRuns.mannWhitneyU2(positives: runs[c1 * 2 + 1], negatives: runs[c2 * 2])
            }
        }
        return pair
    }

    /// Up to this many cells the pair table (O(C·N) to build) is used; beyond, each group's
    /// scores are merged and counted directly (O(N) per attribute).
    static let maxPairCells = 32

    /// 2 × the Mann–Whitney U of a group made of `cells`: exact, in integers.
    func exactU2(cells members: [Int]) -> Int {
        if !pairU2.isEmpty {
            var u2 = 0
            for c1 in members { for c2 in members { u2 += pairU2[c1 * cellCount + c2] } }
            return u2
        }
        let positives = ScoreRuns.merging(members.map { scoreRuns[$0 * 2 + 1] })
        let negatives = ScoreRuns.merging(members.map { scoreRuns[$0 * 2] })
        return ScoreRuns.mannWhitneyU2(positives: positives, negatives: negatives)
    }

    /// Sorts non-negative doubles (no NaN, no -0.0) by an LSD radix sort of their bit
    /// patterns, which for such numbers order like the numbers: O(n), unlike O(n log n).
    static func radixSort(_ values: inout [Double]) {
        let n = values.count
        guard n > 256 else { values.sort(); return }
        var keys = values.map { $0.bitPattern }
        var buffer = [UInt64](repeating: 0, count: n)
        var histogram = [Int](repeating: 0, count: 2048)
        // 11-bit digits; bit 63 is 0 for non-negative numbers, so six passes cover 63 bits.
        for pass in 0..<6 {
            let shift = UInt64(pass * 11)
            for i in histogram.indices { histogram[i] = 0 }
            for k in keys { histogram[Int((k >> shift) & 0x7FF)] += 1 }
            if histogram[Int((keys[0] >> shift) & 0x7FF)] == n { continue }  // digit constant: nothing to do
            var total = 0
            for i in histogram.indices { let c = histogram[i]; histogram[i] = total; total += c }
            for k in keys {
                let d = Int((k >> shift) & 0x7FF)
                buffer[histogram[d]] = k
                histogram[d] += 1
            }
            swap(&keys, &buffer)
        }
        for i in 0..<n { values[i] = Double(bitPattern: keys[i]) }
    }
}

/// The statistics of one group (a union of cells) under some atom counts.
struct GroupStatistics {
    var counts = ConfusionCounts()
    var sumBrier = 0.0
    var sumLogLoss = 0.0
    /// Per calibration bin: rows, Σ score, Σ label.
    var binCount: [Double]
    var binScore: [Double]
    var binLabel: [Double]
    /// Per fine bin: positives and negatives (for the binned AUC of bootstrap replicates).
    var finePositives: [Double]
    var fineNegatives: [Double]
    /// Exact AUC (point estimates) or NaN when it is to come from the fine bins.
    var auc = Double.nan

    init(calibrationBins: Int, fineBins: Int, hasScores: Bool) {
        binCount = hasScores ? [Double](repeating: 0, count: calibrationBins) : []
        binScore = binCount; binLabel = binCount
        finePositives = hasScores ? [Double](repeating: 0, count: fineBins) : []
        fineNegatives = finePositives
    }

    mutating func add(_ other: GroupStatistics) {
        counts += other.counts
        sumBrier += other.sumBrier
        sumLogLoss += other.sumLogLoss
        for b in binCount.indices {
            binCount[b] += other.binCount[b]; binScore[b] += other.binScore[b]; binLabel[b] += other.binLabel[b]
        }
        for f in finePositives.indices {
            finePositives[f] += other.finePositives[f]; fineNegatives[f] += other.fineNegatives[f]
        }
    }

    /// AUC from the fine histogram, ties within a bin counted half (the bootstrap approximation).
    var binnedAUC: Double {
        let p = Double(counts.positives), q = Double(counts.negatives)
        guard p > 0, q > 0 else { return .nan }
        var below = 0.0, u = 0.0
        for f in finePositives.indices {
            u += finePositives[f] * (below + 0.5 * fineNegatives[f])
            below += fineNegatives[f]
        }
        return u / (p * q)
    }

    /// ECE = Σ_b (n_b/n)|ȳ_b − s̄_b| = Σ_b |Σy − Σs|_b / n.
    var ece: Double {
        let n = Double(counts.n)
        guard n > 0 else { return .nan }
        var total = 0.0
        for b in binCount.indices where binCount[b] > 0 { total += abs(binLabel[b] - binScore[b]) }
        return total / n
    }

    /// All of ``GroupMetric`` in `allCases` order (NaN where undefined).
    func metricVector(hasScores: Bool) -> [Double] {
        GroupMetric.allCases.map { metric in
            switch metric {
            case .auc: return hasScores ? (auc.isNaN ? binnedAUC : auc) : .nan
            case .brier: return hasScores && counts.n > 0 ? sumBrier / Double(counts.n) : .nan
            case .logLoss: return hasScores && counts.n > 0 ? sumLogLoss / Double(counts.n) : .nan
            case .ece: return hasScores ? ece : .nan
            default: return metric.value(counts)
            }
        }
    }
}
