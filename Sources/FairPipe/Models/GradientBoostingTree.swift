import Foundation

/// One histogram bin: sums of gradients and hessians and the row count.
struct HistogramBin {
    var gradient: Double = 0
    var hessian: Double = 0
    var count: Int = 0
}

/// The best split of one node, as scikit-learn's `SplitInfo`.
struct SplitCandidate {
    var gain: Double = -1
    var feature = -1
    /// Numeric: rows in bins ≤ this go left.
    var bin = 0
    /// Categorical: bins that go left (missing bin excluded; see `missingGoesLeft`).
    var categoriesLeft: [Int]? = nil
    var missingGoesLeft = false
    var gradientLeft = 0.0, hessianLeft = 0.0, countLeft = 0
    var gradientRight = 0.0, hessianRight = 0.0, countRight = 0

    /// Takes a candidate whose gain beats the best so far (and 0), with its children's
    /// (gradient, hessian, count); `describe` records where it splits.
    @inline(__always)
    mutating func consider(
        _ gain: Double, left: (Double, Double, Int), right: (Double, Double, Int),
        describe: (inout SplitCandidate) -> Void
    ) {
        guard gain > self.gain && gain > 0 else { return }
        self.gain = gain
        (gradientLeft, hessianLeft, countLeft) = left
        (gradientRight, hessianRight, countRight) = right
        describe(&self)
    }
}

/// Grows one tree best-first (the leaf with the largest gain is split next), as
/// scikit-learn's `TreeGrower`: histograms of the smaller child are built from its rows,
/// the larger child's are the parent's minus the smaller's.
struct TreeGrower {
    let bins: GradientBoostingBins
    let features: [GradientBoostingModel.Feature]
    let gradients: [Double]
    let hessians: [Double]
    let weights: [Double]?
    let config: GradientBoostingConfig
    let threads: Int
    /// Bins per feature histogram (non-missing bins + the missing bin).
    let binCount: Int
    let hasMissing: [Bool]

    static let minHessianToSplit = 1e-3
    static let minCategorySupport = 10.0

    private struct GrowNode {
        var start: Int, stop: Int
        var depth: Int
        var gradient: Double, hessian: Double
        var value: Double
        var split: SplitCandidate?
        var histogram: [HistogramBin]?
        var left: Int? = nil, right: Int? = nil
        var cover: Double = 0
    }

    init(
        bins: GradientBoostingBins, features: [GradientBoostingModel.Feature], gradients: [Double], hessians: [Double],
        weights: [Double]?, config: GradientBoostingConfig, threads: Int, hasMissing: [Bool]
    ) {
        self.bins = bins
        self.features = features
        self.gradients = gradients
        self.hessians = hessians
        self.weights = weights
        self.config = config
        self.threads = threads
        self.binCount = config.maxBins + 1
        self.hasMissing = hasMissing
    }

    static func nodeValue(_ g: Double, _ h: Double, _ l2: Double) -> Double { -g / (h + l2 + 1e-15) }

    /// Grows the tree. Returns its nodes (learning rate applied to values) and the leaf of
    /// every training row (`leafOf[i]`), so the caller can update raw scores without
    /// predicting.
    func grow() -> (nodes: [GradientBoostingModel.Node], rowsOfLeaf: [(leaf: Int, rows: ArraySlice<Int32>)]) {
        let n = bins.rows
        var partition = [Int32](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = Int32(i) }
            count = n
        }
        var scratch = [Int32](repeating: 0, count: n)
        var nodes = [root(partition)]
        var splittable: [Int] = nodes[0].split == nil ? [] : [0]
        var leaves = 1

        while !splittable.isEmpty {
            let id = splittable.remove(at: Self.largestGain(splittable, nodes))
            let parent = nodes[id]
            guard var split = parent.split, let parentHistogram = parent.histogram else { break }
            let mid = partitionRows(&partition, &scratch, start: parent.start, stop: parent.stop, split: split)
            var (left, right) = children(of: parent, split: split, mid: mid)
            let depth = left.depth
            if !hasMissing[split.feature] {
                // No missing values in training: they go to the child with more rows.
                split.missingGoesLeft = (mid - parent.start) > (parent.stop - mid)
            }
            nodes[id].split = split
            nodes[id].histogram = nil
            let leftID = nodes.count, rightID = nodes.count + 1
            nodes[id].left = leftID
            nodes[id].right = rightID
            leaves += 1

            var splitLeft = true, splitRight = true
            if let maxLeaves = config.maxLeafNodes, leaves >= maxLeaves {
                splitLeft = false; splitRight = false
                splittable.removeAll()
            }
            if let maxDepth = config.maxDepth, depth >= maxDepth { splitLeft = false; splitRight = false }
            if left.stop - left.start < 2 * config.minSamplesLeaf { splitLeft = false }
            if right.stop - right.start < 2 * config.minSamplesLeaf { splitRight = false }
            if splitLeft || splitRight {
                let (leftHistogram, rightHistogram) = childHistograms(
                    parent: parentHistogram, left: left.start..<left.stop, right: right.start..<right.stop,
                    partition: partition)
                left.histogram = leftHistogram
                right.histogram = rightHistogram
            }
            nodes.append(left)
            nodes.append(right)
            for (child, allowed) in [(leftID, splitLeft), (rightID, splitRight)] {
                if allowed, let candidate = bestSplit(nodes[child]), candidate.gain > 0 {
                    nodes[child].split = candidate
                    splittable.append(child)
                } else {
                    nodes[child].histogram = nil
                }
            }
        }

        return finished(nodes, partition: partition)
    }

    /// The root: all rows, sums from the first feature's histogram (as scikit-learn does), and
    /// its best split when it may split (its histogram is kept only then).
    private func root(_ partition: [Int32]) -> GrowNode {
        let n = bins.rows
        let rootHistogram = histogram(partition[0..<n])
        var g = 0.0, h = 0.0
        for b in 0..<binCount { g += rootHistogram[b].gradient; h += rootHistogram[b].hessian }
        // scikit-learn starts the root at value 0: its gains omit the parent term (the same
        // constant for every candidate) and a tree that cannot split adds 0.
        var node = GrowNode(start: 0, stop: n, depth: 0, gradient: g, hessian: h, value: 0, histogram: rootHistogram)
        if n >= 2 * config.minSamplesLeaf && h >= Self.minHessianToSplit {
            if let split = bestSplit(node), split.gain > 0 { node.split = split }
        }
        node.histogram = node.split == nil ? nil : node.histogram
        return node
    }

    /// The index in `splittable` of the node with the largest gain; ties to the earlier node.
    private static func largestGain(_ splittable: [Int], _ nodes: [GrowNode]) -> Int {
        var pick = 0
        for k in 1..<splittable.count where nodes[splittable[k]].split!.gain > nodes[splittable[pick]].split!.gain {
            pick = k
        }
        return pick
    }

    /// The two children of `parent` split at `mid`, valued from the split's sums.
    private func children(of parent: GrowNode, split: SplitCandidate, mid: Int) -> (GrowNode, GrowNode) {
        let l2 = config.l2Regularization
        let depth = parent.depth + 1
        let left = GrowNode(
            start: parent.start, stop: mid, depth: depth, gradient: split.gradientLeft, hessian: split.hessianLeft,
            value: Self.nodeValue(split.gradientLeft, split.hessianLeft, l2))
        let right = GrowNode(
            start: mid, stop: parent.stop, depth: depth, gradient: split.gradientRight, hessian: split.hessianRight,
            value: Self.nodeValue(split.gradientRight, split.hessianRight, l2))
        return (left, right)
    }

    /// The children's histograms: the smaller child's built from its rows, the larger's as
    /// the parent's minus the smaller's.
    private func childHistograms(
        parent: [HistogramBin], left: Range<Int>, right: Range<Int>, partition: [Int32]
    ) -> ([HistogramBin], [HistogramBin]) {
        let leftSmaller = left.count < right.count
        let small = leftSmaller ? left : right
        let smallHistogram = histogram(partition[small])
        var largeHistogram = parent
        for b in 0..<largeHistogram.count {
            largeHistogram[b].gradient -= smallHistogram[b].gradient
            largeHistogram[b].hessian -= smallHistogram[b].hessian
            largeHistogram[b].count -= smallHistogram[b].count
        }
        return leftSmaller ? (smallHistogram, largeHistogram) : (largeHistogram, smallHistogram)
    }

    /// The grown nodes as model nodes (learning rate applied, cover summed) and the
    /// training rows of each leaf.
    private func finished(
        _ nodes: [GrowNode], partition: [Int32]
    ) -> (nodes: [GradientBoostingModel.Node], rowsOfLeaf: [(leaf: Int, rows: ArraySlice<Int32>)]) {
        // Leaves: the nodes without children; a node still holding a split it never used
        // (finalised when the leaf budget ran out) is a leaf too.
        let rate = config.learningRate
        var out: [GradientBoostingModel.Node] = []
        out.reserveCapacity(nodes.count)
        var rowsOfLeaf: [(leaf: Int, rows: ArraySlice<Int32>)] = []
        for (index, node) in nodes.enumerated() {
            var cover = 0.0
            if let weights {
                for r in partition[node.start..<node.stop] { cover += weights[Int(r)] }
            } else {
                cover = Double(node.stop - node.start)
            }
            if let left = node.left, let right = node.right, let split = node.split {
                let feature = features[split.feature]
                var threshold: Double? = nil
                if split.categoriesLeft == nil, let t = feature.thresholds, split.bin < t.count {
                    threshold = t[split.bin]
                }
                out.append(
                    GradientBoostingModel.Node(
                        feature: split.feature, bin: split.categoriesLeft == nil ? split.bin : nil,
                        threshold: threshold,
                        categoriesLeft: split.categoriesLeft, missingGoesLeft: split.missingGoesLeft, left: left,
                        right: right,
                        value: rate * node.value, count: node.stop - node.start, cover: cover, gain: split.gain))
            } else {
                out.append(
                    GradientBoostingModel.Node(
                        feature: nil, bin: nil, threshold: nil, categoriesLeft: nil, missingGoesLeft: nil, left: nil,
                        right: nil,
                        value: rate * node.value, count: node.stop - node.start, cover: cover, gain: nil))
                rowsOfLeaf.append((index, partition[node.start..<node.stop]))
            }
        }
        return (out, rowsOfLeaf)
    }

    /// Moves the rows of `start..<stop` that go left to the front, keeping their order;
    /// returns the first index of the right child.
    private func partitionRows(
        _ partition: inout [Int32], _ scratch: inout [Int32], start: Int, stop: Int, split: SplitCandidate
    ) -> Int {
        let n = bins.rows
        let base = split.feature * n
        let missing = bins.missingBin
        var goesLeft = [Bool](repeating: false, count: binCount)
        if let categories = split.categoriesLeft {
            for c in categories { goesLeft[c] = true }
        } else {
            for b in 0...split.bin { goesLeft[b] = true }
        }
        goesLeft[Int(missing)] = split.missingGoesLeft
        var l = start, r = 0
        bins.codes.withUnsafeBufferPointer { codes in
            goesLeft.withUnsafeBufferPointer { goesLeft in
                partition.withUnsafeMutableBufferPointer { partition in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        let column = codes.baseAddress! + base
                        for k in start..<stop {
                            let row = partition[k]
                            if goesLeft[Int(column[Int(row)])] {
                                partition[l] = row
                                l += 1
                            } else {
                                scratch[r] = row
                                r += 1
                            }
                        }
                        for k in 0..<r { partition[l + k] = scratch[k] }
                    }
                }
            }
        }
        return l
    }

    /// Histograms of every feature over `rows` (feature-major, `binCount` bins each).
    /// Features go to `threads` workers in blocks of ``histogramBlock``: one pass over the
    /// rows fills a whole block, so each row's gradient and hessian are read once per block,
    /// not once per feature. Each feature's sums still run over the rows in order, so the
    /// result does not depend on the number of threads or on the blocking.
    private func histogram(_ rows: ArraySlice<Int32>) -> [HistogramBin] {
        let f = features.count
        let width = binCount
        var out = [HistogramBin](repeating: HistogramBin(), count: f * width)
        let m = rows.count
        let whole = m == bins.rows
        // Gradients in row order, gathered once for all features (the root reads them in place).
        var g: [Double] = [], h: [Double] = []
        if !whole {
            g = [Double](unsafeUninitializedCapacity: m) { buffer, count in
                var k = 0
                for r in rows { buffer[k] = gradients[Int(r)]; k += 1 }
                count = m
            }
            h = [Double](unsafeUninitializedCapacity: m) { buffer, count in
                var k = 0
                for r in rows { buffer[k] = hessians[Int(r)]; k += 1 }
                count = m
            }
        }
        let blocks = (f + Self.histogramBlock - 1) / Self.histogramBlock
        let workers = (threads > 1 && m * f >= 50_000) ? min(threads, blocks) : 1
        let n = bins.rows
        rows.withContiguousStorageIfAvailable { rowBuffer in
            bins.codes.withUnsafeBufferPointer { codes in
                (whole ? gradients : g).withUnsafeBufferPointer { g in
                    (whole ? hessians : h).withUnsafeBufferPointer { h in
                        out.withUnsafeMutableBufferPointer { out in
                            // Valid for the whole synchronous concurrentPerform; each worker
                            // writes only the histograms of its own features.
                            nonisolated(unsafe) let outBase = out.baseAddress!
                            nonisolated(unsafe) let codeBase = codes.baseAddress!
                            nonisolated(unsafe) let rowBase = whole ? nil : rowBuffer.baseAddress
                            nonisolated(unsafe) let gBase = g.baseAddress!, hBase = h.baseAddress!
                            let work: @Sendable (Int) -> Void = { worker in
                                var block = worker
                                while block < blocks {
                                    let first = block * Self.histogramBlock
                                    Self.fillBlock(
                                        features: first..<min(f, first + Self.histogramBlock), rows: m,
                                        rowBase: rowBase,
                                        codes: codeBase, stride: n, g: gBase, h: hBase, out: outBase, width: width)
                                    block += workers
                                }
                            }
                            if workers == 1 {
                                work(0)
                            } else {
                                DispatchQueue.concurrentPerform(iterations: workers, execute: work)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Features filled per pass over the rows (their histograms, 4 × 256 bins of 24 bytes,
    /// stay in the L1 cache).
    static let histogramBlock = 4

    /// Adds rows `0..<rows` (row `i` is `rowBase[i]`, or `i` itself when `rowBase` is nil)
    /// to the histograms of `features`; `g[i]`, `h[i]` are row `i`'s gradient and hessian.
    @inline(__always)
    private static func fillBlock(
        features: Range<Int>, rows m: Int, rowBase: UnsafePointer<Int32>?, codes: UnsafePointer<UInt8>, stride n: Int,
        g: UnsafePointer<Double>, h: UnsafePointer<Double>, out: UnsafeMutablePointer<HistogramBin>, width: Int
    ) {
        if let rowBase {
            fillBlock(features: features, rows: m, codes: codes, stride: n, g: g, h: h, out: out, width: width) {
                Int(rowBase[$0])
            }
        } else {
            fillBlock(features: features, rows: m, codes: codes, stride: n, g: g, h: h, out: out, width: width) { $0 }
        }
    }

    @inline(__always)
    private static func fillBlock(
        features: Range<Int>, rows m: Int, codes: UnsafePointer<UInt8>, stride n: Int, g: UnsafePointer<Double>,
        h: UnsafePointer<Double>, out: UnsafeMutablePointer<HistogramBin>, width: Int, row: (Int) -> Int
    ) {
        if features.count == histogramBlock {
            let f0 = features.lowerBound
            let c0 = codes + f0 * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n
            let o0 = out + f0 * width, o1 = o0 + width, o2 = o1 + width, o3 = o2 + width
            for i in 0..<m {
                let r = row(i)
                let gi = g[i], hi = h[i]
                let b0 = Int(c0[r]), b1 = Int(c1[r]), b2 = Int(c2[r]), b3 = Int(c3[r])
                o0[b0].gradient += gi; o0[b0].hessian += hi; o0[b0].count += 1
                o1[b1].gradient += gi; o1[b1].hessian += hi; o1[b1].count += 1
                o2[b2].gradient += gi; o2[b2].hessian += hi; o2[b2].count += 1
                o3[b3].gradient += gi; o3[b3].hessian += hi; o3[b3].count += 1
            }
            return
        }
        for feature in features {
            let column = codes + feature * n
            let hist = out + feature * width
            for i in 0..<m {
                let b = Int(column[row(i)])
                hist[b].gradient += g[i]
                hist[b].hessian += h[i]
                hist[b].count += 1
            }
        }
    }

    /// The best split of `node` over all features (ties: the first feature), or nil.
    private func bestSplit(_ node: GrowNode) -> SplitCandidate? {
        guard let histogram = node.histogram else { return nil }
        var best: SplitCandidate? = nil
        let count = node.stop - node.start
        histogram.withUnsafeBufferPointer { hist in
            for f in 0..<features.count {
                let slice = UnsafeBufferPointer(rebasing: hist[(f * binCount)..<((f + 1) * binCount)])
                var candidate = SplitCandidate()
                candidate.feature = f
                if features[f].kind == .categorical {
                    categoricalSplit(slice, feature: f, node: node, count: count, into: &candidate)
                } else {
                    numericSplit(slice, feature: f, node: node, count: count, into: &candidate)
                }
                if candidate.gain > (best?.gain ?? -1) { best = candidate }
            }
        }
        return best
    }

    @inline(__always)
    private func gain(_ gl: Double, _ hl: Double, _ gr: Double, _ hr: Double, parentLoss: Double) -> Double {
        let l2 = config.l2Regularization
        return parentLoss - gl * Self.nodeValue(gl, hl, l2) - gr * Self.nodeValue(gr, hr, l2)
    }

    /// scikit-learn's `_find_best_bin_to_split_left_to_right` (missing values right), then,
    /// when the feature had missing values, `…_right_to_left` (missing values left).
    private func numericSplit(
        _ hist: UnsafeBufferPointer<HistogramBin>, feature f: Int, node: GrowNode, count: Int,
        into best: inout SplitCandidate
    ) {
        let nonMissing = features[f].bins
        let missing = hasMissing[f]
        let minLeaf = config.minSamplesLeaf
        let minH = Self.minHessianToSplit
        let parentLoss = node.gradient * node.value
        let G = node.gradient, H = node.hessian
        var gl = 0.0, hl = 0.0, nl = 0
        let end = nonMissing - 1 + (missing ? 1 : 0)
        var b = 0
        while b < end {
            nl += hist[b].count; hl += hist[b].hessian; gl += hist[b].gradient
            let nr = count - nl, hr = H - hl, gr = G - gl
            b += 1
            if nl < minLeaf { continue }
            if nr < minLeaf { break }
            if hl < minH { continue }
            if hr < minH { break }
            best.consider(gain(gl, hl, gr, hr, parentLoss: parentLoss), left: (gl, hl, nl), right: (gr, hr, nr)) {
                $0.bin = b - 1; $0.missingGoesLeft = false
            }
        }
        guard missing else { return }
        var gr = 0.0, hr = 0.0, nr = 0
        var bin = nonMissing - 2
        while bin >= 0 {
            nr += hist[bin + 1].count; hr += hist[bin + 1].hessian; gr += hist[bin + 1].gradient
            let nl = count - nr, hl = H - hr, gl = G - gr
            bin -= 1
            if nr < minLeaf { continue }
            if nl < minLeaf { break }
            if hr < minH { continue }
            if hl < minH { break }
            best.consider(gain(gl, hl, gr, hr, parentLoss: parentLoss), left: (gl, hl, nl), right: (gr, hr, nr)) {
                $0.bin = bin + 1; $0.missingGoesLeft = true
            }
        }
    }

    /// scikit-learn's `_find_best_bin_to_split_category`: categories (the missing bin among
    /// them when present) with enough support are sorted by `G / (H + 10)` and scanned as an
    /// ordered feature from both ends, up to half of them.
    private func categoricalSplit(
        _ hist: UnsafeBufferPointer<HistogramBin>, feature f: Int, node: GrowNode, count: Int,
        into best: inout SplitCandidate
    ) {
        let nonMissing = features[f].bins
        let missingBin = Int(bins.missingBin)
        let G = node.gradient, H = node.hessian
        let support = Double(count) / H
        var used: [(bin: Int, value: Double)] = []
        var candidates = Array(0..<nonMissing)
        if hasMissing[f] { candidates.append(missingBin) }
        for b in candidates where hist[b].hessian * support >= Self.minCategorySupport {
            used.append((b, hist[b].gradient / (hist[b].hessian + Self.minCategorySupport)))
        }
        guard used.count > 1 else { return }
        used.sort { $0.value != $1.value ? $0.value < $1.value : $0.bin < $1.bin }
        let parentLoss = G * node.value
        let minLeaf = config.minSamplesLeaf, minH = Self.minHessianToSplit
        var bestIndex = -1, bestDirection = 0
        var found = false
        for direction in [1, -1] {
            let middle = direction == 1 ? (used.count + 1) / 2 : (used.count + 1) / 2 - 1
            var gl = 0.0, hl = 0.0, nl = 0
            for i in 0..<max(middle, 0) {
                let sorted = direction == 1 ? i : used.count - 1 - i
                let bin = used[sorted].bin
                nl += hist[bin].count; hl += hist[bin].hessian; gl += hist[bin].gradient
                let nr = count - nl, hr = H - hl, gr = G - gl
                if nl < minLeaf || hl < minH { continue }
                if nr < minLeaf || hr < minH { break }
                best.consider(gain(gl, hl, gr, hr, parentLoss: parentLoss), left: (gl, hl, nl), right: (gr, hr, nr)) {
                    _ in
                    found = true
                    bestIndex = sorted; bestDirection = direction
                }
            }
        }
        guard found else { return }
        let chosen = bestDirection == 1 ? used[0...bestIndex] : used[bestIndex...]
        var left = chosen.map(\.bin)
        best.missingGoesLeft = left.contains(missingBin)
        left.removeAll { $0 == missingBin }
        best.categoriesLeft = left.sorted()
        best.bin = 0
    }
}
