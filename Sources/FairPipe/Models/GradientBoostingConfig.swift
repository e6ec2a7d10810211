/// Whether boosting stops early (scikit-learn's `early_stopping`).
public enum EarlyStopping: String, Codable, Sendable, CaseIterable {
    /// On when the training split has more than 10,000 rows (scikit-learn's default).
    case auto
    /// Stop when the validation loss has not improved by more than `tol` for
    /// `n_iter_no_change` iterations.
    case on = "true"
    /// Always fit `max_iter` trees.
    case off = "false"
}

/// scikit-learn's `class_weight`: `none`, or `balanced` (each class weighs in with
/// `total weight / (2 × class weight)`, multiplied into the sample weights).
public enum ClassWeight: String, Codable, Sendable, CaseIterable {
    case none, balanced
}

/// Which encoded columns a gradient-boosted model splits on as categories.
public enum CategoricalFeatures: String, Codable, Sendable, CaseIterable {
    /// The categorical columns of make-dataset's encoding (each one-hot group becomes one
    /// feature with native category splits).
    case fromDataset = "from_dataset"
    /// None: every encoded column, one-hot indicators included, is a numeric feature.
    case none
}

extension EarlyStopping: ConfigEnum {}
extension ClassWeight: ConfigEnum {}
extension CategoricalFeatures: ConfigEnum {}

/// `model.gradient_boosting`: scikit-learn's `HistGradientBoostingClassifier` parameters,
/// with its names and defaults (binary log-loss).
public struct GradientBoostingConfig: Codable, Equatable, Sendable, ConfigDefaultable {
    /// Shrinkage applied to every leaf value.
    public var learningRate: Double = 0.1
    /// Maximum number of boosting iterations (trees).
    public var maxIter: Int = 100
    /// Maximum leaves per tree; `null` for no limit.
    public var maxLeafNodes: Int? = 31
    /// Maximum depth of a tree (the root has depth 0); `null` for no limit.
    public var maxDepth: Int? = nil
    /// Minimum training rows per leaf (a row count, whatever the sample weights).
    public var minSamplesLeaf: Int = 20
    /// L2 penalty on leaf values (λ in `−G / (H + λ)`).
    public var l2Regularization: Double = 0
    /// Bins for non-missing values of each numeric feature, in [2, 255]; missing values
    /// get one more bin of their own.
    public var maxBins: Int = 255
    /// Early stopping on the pipeline's validation split (the training loss when a fit
    /// has no validation split, as in the mitigation oracles).
    public var earlyStopping: EarlyStopping = .auto
    /// Iterations without an improvement larger than `tol` before stopping early.
    public var nIterNoChange: Int = 10
    /// Smallest improvement of the loss that counts (early stopping).
    public var tol: Double = 1e-7
    public var classWeight: ClassWeight = .none
    /// Native categorical splits on make-dataset's categorical columns, or none.
    public var categoricalFeatures: CategoricalFeatures = .fromDataset

    /// The YAML keys of this sub-section.
    static let keys = [
        "learning_rate", "max_iter", "max_leaf_nodes", "max_depth", "min_samples_leaf", "l2_regularization",
        "max_bins", "early_stopping", "n_iter_no_change", "tol", "class_weight", "categorical_features",
    ]

    public init() {}

    public func validate() throws {
        guard learningRate > 0, learningRate.isFinite else {
            throw ConfigError.invalidValue(
                key: "learning_rate", expected: "a finite number > 0", found: "\(learningRate)")
        }
        guard maxIter >= 1 else {
            throw ConfigError.invalidValue(key: "max_iter", expected: "an integer ≥ 1", found: "\(maxIter)")
        }
        if let maxLeafNodes, maxLeafNodes < 2 {
            throw ConfigError.invalidValue(
                key: "max_leaf_nodes", expected: "an integer ≥ 2 or null", found: "\(maxLeafNodes)")
        }
        if let maxDepth, maxDepth < 1 {
            throw ConfigError.invalidValue(key: "max_depth", expected: "an integer ≥ 1 or null", found: "\(maxDepth)")
        }
        guard minSamplesLeaf >= 1 else {
            throw ConfigError.invalidValue(
                key: "min_samples_leaf", expected: "an integer ≥ 1", found: "\(minSamplesLeaf)")
        }
        guard l2Regularization >= 0, l2Regularization.isFinite else {
            throw ConfigError.invalidValue(
                key: "l2_regularization", expected: "a finite number ≥ 0", found: "\(l2Regularization)")
        }
        guard (2...255).contains(maxBins) else {
            throw ConfigError.invalidValue(key: "max_bins", expected: "an integer in [2, 255]", found: "\(maxBins)")
        }
        guard nIterNoChange >= 1 else {
            throw ConfigError.invalidValue(
                key: "n_iter_no_change", expected: "an integer ≥ 1", found: "\(nIterNoChange)")
        }
        guard tol >= 0, tol.isFinite else {
            throw ConfigError.invalidValue(key: "tol", expected: "a finite number ≥ 0", found: "\(tol)")
        }
    }
}
