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
