import Foundation

/// The per-row pass of the engine, done once: every row is reduced to an "atom" — its
/// (cell, label, decision, score bin), where a cell is one observed combination of all
/// sensitive attributes — with the count and score sums of the atom. Every metric of every
/// group, attribute and intersection is a function of these atoms (groups are unions of
/// cells), so the bootstrap redraws atom counts instead of rows.
///
/// Exact AUC needs more than bins: it is computed once per group from the sorted scores of
/// each (cell, label) — see ``exactU2(cells:)``.
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
    /// Sorted scores of each (cell, label), index `cell * 2 + label`.
    var sortedScores: [[Double]]

    var cellCount: Int { cellCodes.count }
    var atomCountTotal: Int { atomCount.count }

    /// The fine-bin refinement factor: about 100 fine bins in all.
    static func refinement(calibrationBins: Int) -> Int { max(1, Int((100.0 / Double(calibrationBins)).rounded(.up))) }

    /// sklearn's log_loss clips probabilities to [ε, 1 − ε] with ε the float64 machine epsilon.
    static let logLossEpsilon = Double.ulpOfOne

    init(_ set: PredictionSet, calibrationBins: Int) {
        let n = set.labels.count
        let attributes = set.attributes
        // 1. Compact cell per row, one attribute at a time: key = cell · g_a + code_a, compacted
        //    in key order after each attribute, so keys never exceed N · g_a (no overflow).
        var rowCell = [Int32](repeating: 0, count: n)
        var cellCodes: [[Int32]] = [[]]
        for column in attributes {
            let g = max(1, column.groups.count)
            var rowKey = [Int](repeating: 0, count: n)
            column.codes.withUnsafeBufferPointer { codes in
                for i in 0..<n { rowKey[i] = Int(rowCell[i]) * g + Int(codes[i]) }
            }
            let (compact, keys) = Self.compact(rowKey, space: cellCodes.count * g)
            rowCell = compact
            cellCodes = keys.map { cellCodes[$0 / g] + [Int32($0 % g)] }
        }
        self.cellCodes = cellCodes
        let cells = cellCodes.count

        // 2. Atoms.
        hasScores = set.scores != nil
        self.calibrationBins = calibrationBins
        let r = hasScores ? Self.refinement(calibrationBins: calibrationBins) : 1
        fineBins = hasScores ? calibrationBins * r : 1
        let bins = fineBins
        let atomSpace = cells * 4 * bins
        let labels = set.labels, decisions = set.decisions
        let m = Double(calibrationBins)
        @inline(__always) func fineBin(_ s: Double) -> Int {
            let e = min(Int(s * m), calibrationBins - 1)
            return e * r + min(max(Int((s * m - Double(e)) * Double(r)), 0), r - 1)
        }
        @inline(__always) func atomKey(_ i: Int) -> Int {
            ((Int(rowCell[i]) * 2 + Int(labels[i])) * 2 + Int(decisions[i])) * bins
                + (set.scores.map { fineBin($0[i]) } ?? 0)
        }
        // Slots: the atom key itself when the key space is small (the usual case), else the
        // key's rank among the keys present (many cells: memory stays O(N)).
        let dense = atomSpace <= 1 << 22
        var rowSlot: [Int32] = []
        var slotKeys: [Int] = []
        if !dense { (rowSlot, slotKeys) = Self.compact((0..<n).map(atomKey), space: atomSpace) }
        let slots = dense ? atomSpace : slotKeys.count
        var count = [Int](repeating: 0, count: slots)
        var sumScore = [Double](repeating: 0, count: hasScores ? slots : 0)
        var sumBrier = sumScore, sumLogLoss = sumScore
        var sizes = [Int](repeating: 0, count: cells)
        let eps = Self.logLossEpsilon
        if let scores = set.scores {
            for i in 0..<n {
                let s = scores[i], y = labels[i]
                let slot =
                    dense
                    ? ((Int(rowCell[i]) * 2 + Int(y)) * 2 + Int(decisions[i])) * bins + fineBin(s) : Int(rowSlot[i])
                count[slot] += 1
                sumScore[slot] += s
                let d = s - Double(y)
                sumBrier[slot] += d * d
                let clipped = min(max(s, eps), 1 - eps)
                sumLogLoss[slot] -= y == 1 ? log(clipped) : log(1 - clipped)
                sizes[Int(rowCell[i])] += 1
            }
        } else {
            for i in 0..<n {
                count[dense ? (Int(rowCell[i]) * 2 + Int(labels[i])) * 2 + Int(decisions[i]) : Int(rowSlot[i])] += 1
                sizes[Int(rowCell[i])] += 1
            }
        }
        cellSizes = sizes
        var atomCell: [Int] = [], atomLabel: [UInt8] = [], atomDecision: [UInt8] = [], atomBin: [Int] = []
        var atomCount: [Int] = [], atomSumScore: [Double] = [], atomSumBrier: [Double] = [],
            atomSumLogLoss: [Double] = []
        var cellStart = [Int](repeating: 0, count: cells + 1)
        for slot in 0..<slots where count[slot] > 0 {
            // Slots are in key order, so atoms come sorted by (cell, label, decision, bin).
            let key = dense ? slot : slotKeys[slot]
            let c = key / (4 * bins), rest = key % (4 * bins)
            atomCell.append(c)
            atomLabel.append(UInt8(rest / (2 * bins)))
            atomDecision.append(UInt8((rest / bins) % 2))
            atomBin.append(rest % bins)
            atomCount.append(count[slot])
            cellStart[c + 1] += 1
            if hasScores {
                atomSumScore.append(sumScore[slot]); atomSumBrier.append(sumBrier[slot]);
                atomSumLogLoss.append(sumLogLoss[slot])
            }
        }
        for c in 0..<cells { cellStart[c + 1] += cellStart[c] }
        let cellAtoms = (0..<cells).map { cellStart[$0]..<cellStart[$0 + 1] }
        self.atomCell = atomCell; self.atomLabel = atomLabel; self.atomDecision = atomDecision; self.atomBin = atomBin
        self.atomCount = atomCount; self.atomSumScore = atomSumScore; self.atomSumBrier = atomSumBrier
        self.atomSumLogLoss = atomSumLogLoss; self.cellAtoms = cellAtoms

        // 3. Sorted scores per (cell, label) and the exact pair statistics.
        var sorted: [[Double]] = []
        var pair: [Int] = []
        if let scores = set.scores {
            var buckets = [[Double]](repeating: [], count: cells * 2)
            var bucketSizes = [Int](repeating: 0, count: cells * 2)
            for i in 0..<n { bucketSizes[Int(rowCell[i]) * 2 + Int(labels[i])] += 1 }
            for b in buckets.indices { buckets[b].reserveCapacity(bucketSizes[b]) }
            // + 0.0 turns a -0.0 score into +0.0, so bit order is numeric order.
            for i in 0..<n { buckets[Int(rowCell[i]) * 2 + Int(labels[i])].append(scores[i] + 0.0) }
            for b in buckets.indices { Self.radixSort(&buckets[b]) }
            sorted = buckets
            if cells <= Self.maxPairCells {
                pair = [Int](repeating: 0, count: cells * cells)
            }
            for c1 in 0..<(cells <= Self.maxPairCells ? cells : 0) {
                for c2 in 0..<cells {
                    pair[c1 * cells + c2] = Self.mannWhitneyU2(
                        positives: buckets[c1 * 2 + 1], negatives: buckets[c2 * 2])
                }
            }
        }
        sortedScores = sorted
        pairU2 = pair
    }

    /// Dense indices 0..<k for integer keys in 0..<space, in key order, and the keys.
    static func compact(_ keys: [Int], space: Int) -> (indices: [Int32], keys: [Int]) {
        var out = [Int32](repeating: 0, count: keys.count)
        var present: [Int] = []
        if space <= 1 << 22 {
            var index = [Int32](repeating: -1, count: space)
            for k in keys { index[k] = 0 }
            for k in 0..<space where index[k] == 0 { index[k] = Int32(present.count); present.append(k) }
            for i in keys.indices { out[i] = index[keys[i]] }
        } else {
            present = Array(Set(keys)).sorted()
            var index: [Int: Int32] = [:]
            index.reserveCapacity(present.count)
            for (i, k) in present.enumerated() { index[k] = Int32(i) }
            for i in keys.indices { out[i] = index[keys[i]] ?? 0 }
        }
        return (out, present)
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
        if members.count == 1 {
            return Self.mannWhitneyU2(
                positives: sortedScores[members[0] * 2 + 1], negatives: sortedScores[members[0] * 2])
        }
        var positives: [Double] = [], negatives: [Double] = []
        for c in members { positives += sortedScores[c * 2 + 1]; negatives += sortedScores[c * 2] }
        Self.radixSort(&positives)
        Self.radixSort(&negatives)
        return Self.mannWhitneyU2(positives: positives, negatives: negatives)
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

    /// 2·#{p > q} + #{p = q} over pairs of sorted positive and negative scores, by merging.
    static func mannWhitneyU2(positives: [Double], negatives: [Double]) -> Int {
        var below = 0, belowOrEqual = 0, total = 0
        for p in positives {
            while below < negatives.count && negatives[below] < p { below += 1 }
            if belowOrEqual < below { belowOrEqual = below }
            while belowOrEqual < negatives.count && negatives[belowOrEqual] <= p { belowOrEqual += 1 }
            total += below + belowOrEqual
        }
        return total
    }

    /// How many of the sorted values are ≥ t.
    static func countAtLeast(_ sorted: [Double], _ t: Double) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return sorted.count - lo
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
