import Foundation

/// One node of a binary decision tree in the form TreeSHAP reads: enough to describe the trees
/// of scikit-learn, LightGBM and FairPipe's own gradient boosting.
///
/// A row goes left when its value is missing (NaN) and `missingLeft`; otherwise, for a numeric
/// split, when `x ≤ threshold`; for a categorical split (`leftCategories` set), when `x` is an
/// integer code in `leftCategories`. A leaf has `feature == -1` and no children.
public struct AttributionTreeNode: Codable, Equatable, Sendable {
    /// The split column (an index into the model's feature matrix), or -1 at a leaf.
    public var feature: Int
    public var threshold: Double
    public var leftCategories: [Int]?
    public var missingLeft: Bool
    /// Child node indices, -1 at a leaf.
    public var left: Int
    public var right: Int
    /// The leaf's output (a margin, in log-odds, for a classifier); unused inside the tree.
    public var value: Double
    /// The training weight (number of rows, or sum of their weights) that reached the node; > 0.
    public var cover: Double

    public init(
        feature: Int, threshold: Double = 0, leftCategories: [Int]? = nil, missingLeft: Bool = true,
        left: Int, right: Int, value: Double = 0, cover: Double
    ) {
        self.feature = feature
        self.threshold = threshold
        self.leftCategories = leftCategories
        self.missingLeft = missingLeft
        self.left = left
        self.right = right
        self.value = value
        self.cover = cover
    }

    /// A leaf.
    public static func leaf(value: Double, cover: Double) -> AttributionTreeNode {
        AttributionTreeNode(feature: -1, left: -1, right: -1, value: value, cover: cover)
    }

    public var isLeaf: Bool { left < 0 }

    /// Whether a row with value `x` in the split column goes left.
    @inline(__always)
    public func goesLeft(_ x: Double) -> Bool {
        if x.isNaN { return missingLeft }
        if let leftCategories {
            guard let code = Int(exactly: x) else { return false }
            return leftCategories.contains(code)
        }
        return x <= threshold
    }
}

/// A binary decision tree; node 0 is the root.
public struct AttributionTree: Codable, Equatable, Sendable {
    public var nodes: [AttributionTreeNode]

    public init(nodes: [AttributionTreeNode]) { self.nodes = nodes }

    /// The leaf value `row` reaches. `row` is indexed by column.
    public func predict(_ row: UnsafePointer<Double>) -> Double {
        var n = 0
        while !nodes[n].isLeaf {
            let node = nodes[n]
            n = node.goesLeft(row[node.feature]) ? node.left : node.right
        }
        return nodes[n].value
    }

    /// Share of a node's cover that goes to each child: cover(child) / (cover(left) + cover(right)),
    /// so the two always add to 1 even when covers were rounded.
    @inline(__always)
    func fractions(_ node: AttributionTreeNode) -> (left: Double, right: Double) {
        let l = nodes[node.left].cover, r = nodes[node.right].cover
        return (l / (l + r), r / (l + r))
    }

    /// E[f(X)] under the tree's own cover distribution (the base value TreeSHAP measures from).
    public var expectedValue: Double {
        func value(_ n: Int) -> Double {
            let node = nodes[n]
            if node.isLeaf { return node.value }
            let f = fractions(node)
            return f.left * value(node.left) + f.right * value(node.right)
        }
        return value(0)
    }

    /// Path-dependent E[f(X) | X_S = x_S] (the value function whose Shapley values TreeSHAP
    /// computes): follow `x` at a split on a feature in S, else average the children by cover.
    /// Exponential in nothing, but the Shapley sum over all S is: for tests and small trees.
    public func conditionalExpectation(_ x: [Double], known: (Int) -> Bool) -> Double {
        func value(_ n: Int) -> Double {
            let node = nodes[n]
            if node.isLeaf { return node.value }
            if known(node.feature) { return value(node.goesLeft(x[node.feature]) ? node.left : node.right) }
            let f = fractions(node)
            return f.left * value(node.left) + f.right * value(node.right)
        }
        return value(0)
    }

    /// The depth of the deepest leaf (a lone leaf has depth 0).
    public var maxDepth: Int {
        func depth(_ n: Int) -> Int { nodes[n].isLeaf ? 0 : 1 + max(depth(nodes[n].left), depth(nodes[n].right)) }
        return nodes.isEmpty ? 0 : depth(0)
    }

    /// Checks that the nodes form one tree rooted at 0 over `features` columns, with positive
    /// covers and finite values. `tree` names it in errors.
    public func validate(features: Int, tree: Int) throws {
        func fail(_ reason: String) -> ExplainError { .invalidTree(tree: tree, reason: reason) }
        guard !nodes.isEmpty else { throw fail("no nodes") }
        var seen = [Bool](repeating: false, count: nodes.count)
        var stack = [0]
        while let n = stack.popLast() {
            guard !seen[n] else { throw fail("node \(n) is reached twice (not a tree)") }
            seen[n] = true
            let node = nodes[n]
            guard node.cover > 0, node.cover.isFinite else {
                throw fail("node \(n) has cover \(node.cover); covers must be positive")
            }
            if node.isLeaf {
                guard node.value.isFinite else { throw fail("leaf \(n) has value \(node.value)") }
                continue
            }
            guard (0..<features).contains(node.feature) else {
                throw fail("node \(n) splits on column \(node.feature), outside 0..<\(features)")
            }
            guard (0..<nodes.count).contains(node.left), (0..<nodes.count).contains(node.right) else {
                throw fail("node \(n) has a child outside 0..<\(nodes.count)")
            }
            guard node.leftCategories != nil || !node.threshold.isNaN else {
                throw fail("node \(n) has a NaN threshold")
            }
            stack.append(node.right)
            stack.append(node.left)
        }
        if let orphan = seen.firstIndex(of: false) { throw fail("node \(orphan) is not reachable from the root") }
    }
}

/// A sum of trees plus a constant: the margin (log-odds) of a boosted classifier.
public struct AttributionForest: Codable, Equatable, Sendable {
    public var trees: [AttributionTree]
    /// Added to the sum of the trees' outputs (the initial prediction of boosting).
    public var baseMargin: Double
    /// Width of the rows the trees read.
    public var features: Int

    public init(trees: [AttributionTree], baseMargin: Double, features: Int) throws {
        self.trees = trees
        self.baseMargin = baseMargin
        self.features = features
        for (t, tree) in trees.enumerated() { try tree.validate(features: features, tree: t) }
    }

    /// The margin of one row.
    public func margin(_ row: UnsafePointer<Double>) -> Double {
        var sum = baseMargin
        for tree in trees { sum += tree.predict(row) }
        return sum
    }

    /// The margins of every row of `X`.
    public func margins(_ X: Matrix) throws -> [Double] {
        try checkWidth(X.cols)
        return X.withUnsafeBufferPointer { x in
            (0..<X.rows).map { margin(x.baseAddress! + $0 * X.cols) }
        }
    }

    /// E[margin] under the trees' cover distributions: what SHAP values are measured from.
    public var expectedMargin: Double { trees.reduce(baseMargin) { $0 + $1.expectedValue } }

    /// Path-dependent TreeSHAP values (Lundberg, Erion & Lee 2018, "Consistent individualized
    /// feature attribution for tree ensembles", Algorithm 2) of every row: `rows × features`,
    /// row-major. Row i's values sum to margin(xᵢ) − ``expectedMargin``.
    ///
    /// Cost O(rows × T × L × D²) for T trees of at most L leaves and depth D, against the
    /// exponential Shapley sum. Rows are spread over the cores; each row's values are computed
    /// in the same order on any thread count, so the output is the same bytes. `parallel: false`
    /// keeps to one thread (for timing against single-threaded implementations).
    public func shapValues(_ X: Matrix, parallel: Bool = true) throws -> [Double] {
        try checkWidth(X.cols)
        let p = features, rows = X.rows
        var out = [Double](repeating: 0, count: rows * p)
        let depth = trees.map(\.maxDepth).max() ?? 0
        let chunk = 256
        let chunks = (rows + chunk - 1) / chunk
        X.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { out in
                // Valid for the whole synchronous loop; chunks write disjoint rows.
                nonisolated(unsafe) let base = out.baseAddress!, xBase = x.baseAddress!
                let trees = self.trees
                let work: @Sendable (Int) -> Void = { c in
                    var path = TreeSHAPPath(maxDepth: depth)
                    for i in (c * chunk)..<min(rows, (c + 1) * chunk) {
                        for tree in trees {
                            path.explain(tree, row: xBase + i * p, into: base + i * p)
                        }
                    }
                }
                if parallel {
                    DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
                } else {
                    for c in 0..<chunks { work(c) }
                }
            }
        }
        return out
    }

    private func checkWidth(_ width: Int) throws {
        guard width == features else {
            throw ModelError.countMismatch(what: "feature columns", expected: features, found: width)
        }
    }
}

/// The working memory of path-dependent TreeSHAP: the "unique path" of features split on from
/// the root to the current node, each with the fraction of zero paths (`zero`: cover share when
/// the feature is unknown) and one paths (`one`: 1 when the row follows this branch, else 0),
/// and the permutation weights of subsets of each size. Each recursion level works on its own
/// copy of its parent's path, laid one after another in flat arrays.
struct TreeSHAPPath {
    var feature: [Int]
    var zero: [Double]
    var one: [Double]
    var weight: [Double]

    init(maxDepth: Int) {
        let size = (maxDepth + 3) * (maxDepth + 4) / 2 + 1
        feature = [Int](repeating: 0, count: size)
        zero = [Double](repeating: 0, count: size)
        one = zero
        weight = zero
    }

    /// Adds the TreeSHAP values of `tree` at `row` to `phi`.
    mutating func explain(_ tree: AttributionTree, row: UnsafePointer<Double>, into phi: UnsafeMutablePointer<Double>) {
        recurse(
            tree, node: 0, row: row, phi: phi, start: 0, length: 0, zeroFraction: 1, oneFraction: 1, splitFeature: -1)
    }

    /// `start`: where this level's path begins; `length`: elements of the parent's path (this
    /// level extends it by one, for the split that led here).
    private mutating func recurse(
        _ tree: AttributionTree, node n: Int, row: UnsafePointer<Double>, phi: UnsafeMutablePointer<Double>,
        start s: Int, length parentLength: Int, zeroFraction: Double, oneFraction: Double, splitFeature: Int
    ) {
        var d = parentLength
        extend(start: s, depth: d, zero: zeroFraction, one: oneFraction, feature: splitFeature)
        let node = tree.nodes[n]
        if node.isLeaf {
            if d > 0 {
                for i in 1...d {
                    let w = unwoundSum(start: s, depth: d, index: i)
                    phi[feature[s + i]] += w * (one[s + i] - zero[s + i]) * node.value
                }
            }
            return
        }
        let goesLeft = node.goesLeft(row[node.feature])
        let (hot, cold) = goesLeft ? (node.left, node.right) : (node.right, node.left)
        let f = tree.fractions(node)
        let (hotFraction, coldFraction) = goesLeft ? (f.left, f.right) : (f.right, f.left)
        var incomingZero = 1.0, incomingOne = 1.0
        // A feature already on the path is taken off and put back with both splits' fractions.
        var k = 1
        while k <= d && feature[s + k] != node.feature { k += 1 }
        if k <= d {
            incomingZero = zero[s + k]
            incomingOne = one[s + k]
            unwind(start: s, depth: d, index: k)
            d -= 1
        }
        let child = s + d + 1
        for (next, nextZero, nextOne) in [
            (hot, hotFraction * incomingZero, incomingOne), (cold, coldFraction * incomingZero, 0.0),
        ] {
            for i in 0...d {
                feature[child + i] = feature[s + i]
                zero[child + i] = zero[s + i]
                one[child + i] = one[s + i]
                weight[child + i] = weight[s + i]
            }
            recurse(
                tree, node: next, row: row, phi: phi, start: child, length: d + 1,
                zeroFraction: nextZero, oneFraction: nextOne, splitFeature: node.feature)
        }
    }

    /// Appends an element at index `depth` and updates the subset-size weights (EXTEND).
    private mutating func extend(start s: Int, depth d: Int, zero z: Double, one o: Double, feature f: Int) {
        feature[s + d] = f
        zero[s + d] = z
        one[s + d] = o
        weight[s + d] = d == 0 ? 1 : 0
        let total = Double(d + 1)
        var i = d - 1
        while i >= 0 {
            weight[s + i + 1] += o * weight[s + i] * Double(i + 1) / total
            weight[s + i] = z * weight[s + i] * Double(d - i) / total
            i -= 1
        }
    }

    /// Removes element `index` from a path of `depth + 1` elements, undoing its EXTEND (UNWIND).
    private mutating func unwind(start s: Int, depth d: Int, index k: Int) {
        let o = one[s + k], z = zero[s + k]
        let total = Double(d + 1)
        var carry = weight[s + d]
        var i = d - 1
        while i >= 0 {
            if o != 0 {
                let kept = weight[s + i]
                weight[s + i] = carry * total / (Double(i + 1) * o)
                carry = kept - weight[s + i] * z * Double(d - i) / total
            } else {
                weight[s + i] = weight[s + i] * total / (z * Double(d - i))
            }
            i -= 1
        }
        for i in k..<d {
            feature[s + i] = feature[s + i + 1]
            zero[s + i] = zero[s + i + 1]
            one[s + i] = one[s + i + 1]
        }
    }

    /// The total weight the path would have with element `index` unwound, without changing it.
    private func unwoundSum(start s: Int, depth d: Int, index k: Int) -> Double {
        let o = one[s + k], z = zero[s + k]
        let total = Double(d + 1)
        var carry = weight[s + d]
        var sum = 0.0
        var i = d - 1
        while i >= 0 {
            if o != 0 {
                let w = carry * total / (Double(i + 1) * o)
                sum += w
                carry = weight[s + i] - w * z * Double(d - i) / total
            } else if z != 0 {
                sum += weight[s + i] * total / (z * Double(d - i))
            }
            i -= 1
        }
        return sum
    }
}
