/// A fitted model that scores rows with a probability of the favourable outcome (class 1).
public protocol ProbabilisticClassifier: Sendable {
    /// The feature columns, in the order the model expects them.
    var featureNames: [String] { get }
    /// `P(y = 1 | x)` for every row of `X`, in (0, 1). Throws
    /// ``ModelError/featureMismatch(expected:found:)`` when `X` has the wrong width.
    func predictProbability(_ X: Matrix) throws -> [Double]
}

/// Fits a classifier to weighted samples: the seam mitigation methods use as a
/// cost-sensitive oracle (exponentiated gradient, reweighing), calling it many times with
/// fractional weights and relabelled rows.
public protocol WeightedClassifierTrainer: Sendable {
    associatedtype Model: ProbabilisticClassifier

    /// Fits to rows of `X` with 0/1 `labels` and non-negative sample `weights` (nil: all 1).
    /// `warmStart` is a previous fit on the same features to start from; it changes only the
    /// path to the optimum, never the optimum.
    func fit(
        _ X: Matrix, labels: [UInt8], weights: [Double]?, featureNames: [String], warmStart: Model?
    ) throws -> Model
}

extension WeightedClassifierTrainer {
    /// Fits from a cold start.
    public func fit(
        _ X: Matrix, labels: [UInt8], weights: [Double]? = nil, featureNames: [String]
    ) throws -> Model {
        try fit(X, labels: labels, weights: weights, featureNames: featureNames, warmStart: nil)
    }
}

/// The checks every trainer makes before reading features: at least one row, one label and
/// (when given) one finite, non-negative sample weight per row, one name per column, 0/1 labels.
enum TrainingRows {
    static func validate(
        rows n: Int, cols p: Int, labels: [UInt8], weights: [Double]?, featureNames: [String]
    ) throws {
        guard n > 0 else { throw ModelError.noRows }
        guard labels.count == n else {
            throw ModelError.countMismatch(what: "labels", expected: n, found: labels.count)
        }
        guard featureNames.count == p else {
            throw ModelError.countMismatch(what: "feature names", expected: p, found: featureNames.count)
        }
        if let weights {
            guard weights.count == n else {
                throw ModelError.countMismatch(what: "sample weights", expected: n, found: weights.count)
            }
            for (i, v) in weights.enumerated() {
                guard v.isFinite else { throw ModelError.nonFiniteWeight(row: i, value: v) }
                guard v >= 0 else { throw ModelError.negativeWeight(row: i, value: v) }
            }
        }
        for (i, label) in labels.enumerated() where label > 1 {
            throw ModelError.invalidLabel(row: i, value: label)
        }
    }
}
