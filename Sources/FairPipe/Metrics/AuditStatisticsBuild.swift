import Foundation

extension AuditStatistics {
    /// The statistics of in-memory rows (validated by the caller). Groups keep the columns'
    /// order; ``StatisticsSettings`` records no CSV columns (the stage adds them).
    public init(_ set: PredictionSet, calibrationBins: Int) {
        let hasScores = set.scores != nil
        let fineBins = hasScores ? calibrationBins * Self.refinement(calibrationBins: calibrationBins) : 1
        settings = StatisticsSettings(
            calibrationBins: calibrationBins, fineBins: fineBins, hasScores: hasScores,
            attributes: set.attributes.map(\.name))
        rows = set.labels.count
        groups = set.attributes.map(\.groups)
        labelValues = []
        let (rowCell, cells) = Self.cells(of: set.attributes, rows: rows)
        self.cells = cells
        atomKeys = []; atomCounts = []; atomSumScore = []; atomSumBrier = []; atomSumLogLoss = []
        scoreRuns = []
        fillAtoms(set, rowCell: rowCell)
        if let scores = set.scores {
            scoreRuns = Self.scoreRuns(scores, labels: set.labels, rowCell: rowCell, cells: cells.count)
        }
    }

    /// The fine-bin refinement factor: about 100 fine bins in all.
    static func refinement(calibrationBins: Int) -> Int { max(1, Int((100.0 / Double(calibrationBins)).rounded(.up))) }

    /// sklearn's log_loss clips probabilities to [ε, 1 − ε] with ε the float64 machine epsilon.
    static let logLossEpsilon = Double.ulpOfOne

    /// Compact cell per row, one attribute at a time: key = cell · g_a + code_a, compacted in key
    /// order after each attribute, so keys never exceed N · g_a (no overflow).
    static func cells(of attributes: [SensitiveColumn], rows n: Int) -> (rowCell: [Int32], cells: [[Int32]]) {
        var rowCell = [Int32](repeating: 0, count: n)
        var cellCodes: [[Int32]] = [[]]
        for column in attributes {
            let g = max(1, column.groups.count)
            var rowKey = [Int](repeating: 0, count: n)
            column.codes.withUnsafeBufferPointer { codes in
                for i in 0..<n { rowKey[i] = Int(rowCell[i]) * g + Int(codes[i]) }
            }
            let (compact, keys) = compact(rowKey, space: cellCodes.count * g)
            rowCell = compact
            cellCodes = keys.map { cellCodes[$0 / g] + [Int32($0 % g)] }
        }
        return (rowCell, n == 0 ? [] : cellCodes)
    }

    /// The fine bin of a score: calibration bin e (equal width, the last closed), then r equal
    /// sub-bins of it.
    static func fineBin(_ s: Double, calibrationBins m: Int, refinement r: Int) -> Int {
        let scaled = s * Double(m)
        let e = min(Int(scaled), m - 1)
        return e * r + min(max(Int((scaled - Double(e)) * Double(r)), 0), r - 1)
    }

    /// Atoms of the rows: keys compacted in key order, then counts and exact sums per atom.
    private mutating func fillAtoms(_ set: PredictionSet, rowCell: [Int32]) {
        let n = rows, bins = fineBins, m = settings.calibrationBins
        let r = Self.refinement(calibrationBins: m)
        let labels = set.labels, decisions = set.decisions
        var rowKey = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let bin = set.scores.map { Self.fineBin($0[i], calibrationBins: m, refinement: r) } ?? 0
            rowKey[i] = Self.atomKey(
                cell: Int(rowCell[i]), label: labels[i], decision: decisions[i], bin: bin, fineBins: bins)
        }
        let (slot, keys) = Self.compact(rowKey, space: cells.count * 4 * bins)
        atomKeys = keys
        atomCounts = [Int](repeating: 0, count: keys.count)
        for i in 0..<n { atomCounts[Int(slot[i])] += 1 }
        guard let scores = set.scores else { return }
        var sumScore = [FixedPointSum](repeating: FixedPointSum(), count: keys.count)
        var sumBrier = sumScore, sumLogLoss = sumScore
        let eps = Self.logLossEpsilon
        for i in 0..<n {
            let s = scores[i], y = labels[i], a = Int(slot[i])
            let d = s - Double(y)
            let clipped = min(max(s, eps), 1 - eps)
            sumScore[a].add(s)
            sumBrier[a].add(d * d)
            sumLogLoss[a].add(y == 1 ? -log(clipped) : -log(1 - clipped))
        }
        atomSumScore = sumScore; atomSumBrier = sumBrier; atomSumLogLoss = sumLogLoss
    }

    /// Sorted distinct scores with counts per (cell, label).
    static func scoreRuns(_ scores: [Double], labels: [UInt8], rowCell: [Int32], cells: Int) -> [ScoreRuns] {
        var bucketSizes = [Int](repeating: 0, count: cells * 2)
        for i in labels.indices { bucketSizes[Int(rowCell[i]) * 2 + Int(labels[i])] += 1 }
        var buckets = bucketSizes.map { size -> [Double] in
            var b: [Double] = []
            b.reserveCapacity(size)
            return b
        }
        // + 0.0 turns a -0.0 score into +0.0, so bit order is numeric order.
        for i in labels.indices { buckets[Int(rowCell[i]) * 2 + Int(labels[i])].append(scores[i] + 0.0) }
        return buckets.indices.map { b in
            SufficientStatistics.radixSort(&buckets[b])
            return ScoreRuns(sorted: buckets[b])
        }
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
}
