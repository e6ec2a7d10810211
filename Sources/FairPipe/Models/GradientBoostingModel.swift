import Foundation

/// A fitted gradient-boosted trees classifier (``GradientBoosting``), as `model.json`
/// stores it: how each feature is binned, the trees, the baseline score and the training
/// curve. `P(y = 1 | x) = σ(baseline + Σ_trees leaf value)`.
///
/// Layout, for readers such as TreeSHAP (every index is 0-based):
/// - ``features``: the model's features. A numeric feature reads one encoded column; a
///   categorical feature reads the one-hot columns of one input column and turns them back
///   into a category (the column holding 1; none → missing).
/// - ``trees``: one ``Tree`` per boosting iteration; `nodes[0]` is the root and nodes refer
///   to their children by index into the same array.
public struct GradientBoostingModel: ProbabilisticClassifier, Codable, Equatable, Sendable {
    /// How one model feature is read from the encoded columns and binned.
    public struct Feature: Codable, Equatable, Sendable {
        public enum Kind: String, Codable, Sendable { case numeric, categorical }
        /// The input column's name (`age`, `workclass`).
        public var name: String
        public var kind: Kind
        /// Indices into ``GradientBoostingModel/featureNames``: one column for a numeric
        /// feature, the one-hot columns of a categorical one.
        public var columns: [Int]
        /// Numeric: increasing bin thresholds; a value `x` is in bin `i` when
        /// `thresholds[i−1] < x ≤ thresholds[i]` (scikit-learn's bin mapper). Empty for a
        /// constant feature (one bin, never split on).
        public var thresholds: [Double]?
        /// Categorical: the bin of each one-hot column (the column's position, unless rare
        /// categories were folded into one bin because there were more than `max_bins`).
        public var columnBins: [Int]?
        /// Number of bins holding non-missing values.
        public var bins: Int
        /// Whether the training rows had missing values (NaN, or no one-hot column set).
        public var hasMissing: Bool
    }

    /// One node. A leaf has no `feature`; a split node has `feature`, `left`, `right`,
    /// `missing_goes_left` and either `bin`/`threshold` (numeric) or `categories_left`.
    public struct Node: Codable, Equatable, Sendable {
        /// Index into ``GradientBoostingModel/features`` of the split feature.
        public var feature: Int?
        /// Numeric split: rows in bins `≤ bin` go left.
        public var bin: Int?
        /// Numeric split: `x ≤ threshold` goes left. Absent when `bin` is the last
        /// non-missing bin (every non-missing value goes left, missing values right).
        public var threshold: Double?
        /// Categorical split: the bins (sorted) that go left; every other category goes right.
        public var categoriesLeft: [Int]?
        /// Where a missing value (or a category not seen in training) goes.
        public var missingGoesLeft: Bool?
        public var left: Int?
        public var right: Int?
        /// The node's contribution to the raw score when it is a leaf (learning rate
        /// applied); for a split node, the value it would have as a leaf.
        public var value: Double
        /// Training rows that reached the node.
        public var count: Int
        /// Sum of the sample weights of those rows (= `count` when unweighted): the
        /// "cover" TreeSHAP weighs paths by.
        public var cover: Double
        /// Loss reduction of the split (split nodes).
        public var gain: Double?

        public var isLeaf: Bool { feature == nil }
    }

    public struct Tree: Codable, Equatable, Sendable {
        public var nodes: [Node]
    }

    /// The loss after each iteration (iteration 0 is the baseline alone): weighted mean
    /// log-loss on the training rows and, when early stopping used one, on the validation split.
    public struct TrainingCurve: Codable, Equatable, Sendable {
        public var train: [Double]
        public var validation: [Double]?
    }

    /// The encoded columns the model reads, in order.
    public var featureNames: [String]
    public var features: [Feature]
    /// The raw score before any tree: the log-odds of the weighted base rate.
    public var baseline: Double
    public var trees: [Tree]
    public var trainingCurve: TrainingCurve
    /// Whether early stopping ended the fit before `max_iter`.
    public var stoppedEarly: Bool
    /// The parameters it was fitted with.
    public var parameters: GradientBoostingConfig

    /// The raw score (log-odds of class 1) of every row.
    public func decisionFunction(_ X: Matrix) throws -> [Double] {
        guard X.cols == featureNames.count else {
            throw ModelError.countMismatch(what: "feature columns", expected: featureNames.count, found: X.cols)
        }
        let binned = GradientBoostingBins.bin(X, features: features, missingBin: parameters.maxBins)
        let flat = trees.map(FlatTree.init)
        var raw = [Double](repeating: baseline, count: X.rows)
        guard X.rows > 0, !features.isEmpty else { return raw }
        // Rows in chunks on every core; each row adds the trees in order, so the sums do
        // not depend on the number of threads.
        let n = X.rows, chunk = 8_192
        raw.withUnsafeMutableBufferPointer { raw in
            binned.codes.withUnsafeBufferPointer { codes in
                nonisolated(unsafe) let rawBase = raw.baseAddress!, codeBase = codes.baseAddress!
                DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { c in
                    let rows = (c * chunk)..<min(n, (c + 1) * chunk)
                    for tree in flat {
                        tree.addValues(codes: codeBase, stride: n, rows: rows, missing: binned.missingBin, to: rawBase)
                    }
                }
            }
        }
        return raw
    }

    /// `P(y = 1 | x)` for every row.
    public func predictProbability(_ X: Matrix) throws -> [Double] {
        try decisionFunction(X).map(LogisticModel.sigmoid)
    }
}

/// A tree laid out for prediction: plain values only (no optionals or arrays to retain),
/// the categorical left-sets as one flat table of 256 flags per categorical node.
struct FlatTree: Sendable {
    struct Node: Sendable {
        /// −1 for a leaf.
        var feature: Int32
        var left: Int32, right: Int32
        /// Numeric splits: rows with bins ≤ this go left. −1 for categorical splits.
        var bin: Int32
        /// Categorical splits: the first of this node's 256 flags in `leftSets`, else −1.
        var set: Int32
        var missingLeft: Bool
        var value: Double
    }

    var nodes: [Node]
    var leftSets: [Bool]

    init(_ tree: GradientBoostingModel.Tree) {
        var sets: [Bool] = []
        nodes = tree.nodes.map { node in
            guard let feature = node.feature, let left = node.left, let right = node.right else {
                return Node(feature: -1, left: -1, right: -1, bin: -1, set: -1, missingLeft: false, value: node.value)
            }
            var set: Int32 = -1
            if let categories = node.categoriesLeft {
                set = Int32(sets.count)
                var flags = [Bool](repeating: false, count: 256)
                for c in categories where (0..<256).contains(c) { flags[c] = true }
                sets += flags
            }
            return Node(
                feature: Int32(feature), left: Int32(left), right: Int32(right),
                bin: node.categoriesLeft == nil ? Int32(clamping: node.bin ?? Int(Int32.max)) : -1, set: set,
                missingLeft: node.missingGoesLeft ?? false, value: node.value)
        }
        leftSets = sets
    }

    /// Adds this tree's leaf value to `raw[i]` for `rows` of feature-major bin codes.
    @inline(__always)
    func addValues(
        codes: UnsafePointer<UInt8>, stride n: Int, rows: Range<Int>, missing: UInt8,
        to raw: UnsafeMutablePointer<Double>
    ) {
        nodes.withUnsafeBufferPointer { nodes in
            leftSets.withUnsafeBufferPointer { sets in
                for i in rows {
                    var index = 0
                    while true {
                        let node = nodes[index]
                        if node.feature < 0 { break }
                        let b = codes[Int(node.feature) * n + i]
                        let goLeft: Bool
                        if b == missing {
                            goLeft = node.missingLeft
                        } else if node.set >= 0 {
                            goLeft = sets[Int(node.set) + Int(b)]
                        } else {
                            goLeft = Int32(b) <= node.bin
                        }
                        index = Int(goLeft ? node.left : node.right)
                    }
                    raw[i] += nodes[index].value
                }
            }
        }
    }
}

extension GradientBoostingModel.Tree {
    /// Adds this tree's leaf value to `raw[i]` for every row of `binned`.
    func addValues(_ binned: GradientBoostingBins, to raw: inout [Double]) {
        guard binned.rows > 0, binned.features > 0 else { return }
        let flat = FlatTree(self)
        binned.codes.withUnsafeBufferPointer { codes in
            raw.withUnsafeMutableBufferPointer { raw in
                flat.addValues(
                    codes: codes.baseAddress!, stride: binned.rows, rows: 0..<binned.rows, missing: binned.missingBin,
                    to: raw.baseAddress!)
            }
        }
    }
}
