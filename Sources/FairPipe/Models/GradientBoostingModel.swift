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
        var raw = [Double](repeating: baseline, count: X.rows)
        for tree in trees { tree.addValues(binned, to: &raw) }
        return raw
    }

    /// `P(y = 1 | x)` for every row.
    public func predictProbability(_ X: Matrix) throws -> [Double] {
        try decisionFunction(X).map(LogisticModel.sigmoid)
    }
}

extension GradientBoostingModel.Tree {
    /// The leaf a row with bins `bin(feature)` reaches.
    @inline(__always)
    func leaf(_ bin: (Int) -> UInt8, missingBin: UInt8) -> Int {
        var index = 0
        while true {
            let node = nodes[index]
            guard let feature = node.feature, let left = node.left, let right = node.right else { return index }
            let b = bin(feature)
            let goLeft: Bool
            if let categories = node.categoriesLeft {
                goLeft = b == missingBin ? (node.missingGoesLeft ?? false) : categories.contains(Int(b))
            } else if b == missingBin {
                goLeft = node.missingGoesLeft ?? false
            } else {
                goLeft = Int(b) <= (node.bin ?? Int.max)
            }
            index = goLeft ? left : right
        }
    }

    /// Adds this tree's leaf value to `raw[i]` for every row of `binned`.
    func addValues(_ binned: GradientBoostingBins, to raw: inout [Double]) {
        let n = binned.rows
        let missing = binned.missingBin
        binned.codes.withUnsafeBufferPointer { codes in
            for i in 0..<n {
                raw[i] += nodes[leaf({ codes[$0 * n + i] }, missingBin: missing)].value
            }
        }
    }
}
