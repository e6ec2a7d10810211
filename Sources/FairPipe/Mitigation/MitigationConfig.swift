/// Which mitigation method the `mitigate` stage runs.
public enum MitigationMethod: String, Codable, CaseIterable, Sendable {
    // Post-processing: fitted on validation scores, applied to test scores.
    case groupThresholds = "group_thresholds"
    case thresholdOptimizer = "threshold_optimizer"
    case rejectOptionClassification = "reject_option_classification"
    case calibratedEqualizedOdds = "calibrated_equalized_odds"
    // Pre-processing: transform the training data; the model is retrained.
    case reweighing
    case disparateImpactRemover = "disparate_impact_remover"
    case correlationRemover = "correlation_remover"
    // In-processing (implemented later): the model is trained under a constraint.
    case exponentiatedGradient = "exponentiated_gradient"
    case gridSearch = "grid_search"
    case fairLogisticRegression = "fair_logistic_regression"
    case prejudiceRemover = "prejudice_remover"
    case adversarialDebiasing = "adversarial_debiasing"

    public enum Kind: String, Sendable { case preprocessing, inprocessing, postprocessing }

    public var kind: Kind {
        switch self {
        case .groupThresholds, .thresholdOptimizer, .rejectOptionClassification, .calibratedEqualizedOdds:
            return .postprocessing
        case .reweighing, .disparateImpactRemover, .correlationRemover:
            return .preprocessing
        case .exponentiatedGradient, .gridSearch, .fairLogisticRegression, .prejudiceRemover, .adversarialDebiasing:
            return .inprocessing
        }
    }

    /// The fairness targets the method can aim at; `nil` when the method has no target
    /// (pre-processing methods remove a dependence, whatever metric is audited later).
    public var supportedTargets: [FairnessTarget]? {
        switch self {
        case .groupThresholds:
            return [.demographicParity, .equalOpportunity, .truePositiveRateParity, .falsePositiveRateParity, .equalizedOdds]
        case .thresholdOptimizer:
            return [.demographicParity, .equalOpportunity, .truePositiveRateParity, .falsePositiveRateParity, .equalizedOdds]
        case .rejectOptionClassification:
            return [.demographicParity, .equalOpportunity, .truePositiveRateParity, .equalizedOdds]
        case .calibratedEqualizedOdds:
            return [.equalizedOdds, .equalOpportunity, .truePositiveRateParity, .falsePositiveRateParity]
        case .reweighing, .disparateImpactRemover, .correlationRemover:
            return nil
        case .exponentiatedGradient, .gridSearch:
            return [.demographicParity, .equalOpportunity, .truePositiveRateParity, .falsePositiveRateParity, .equalizedOdds, .errorRateParity]
        case .fairLogisticRegression, .prejudiceRemover, .adversarialDebiasing:
            return [.demographicParity, .equalOpportunity, .truePositiveRateParity, .equalizedOdds]
        }
    }
}

/// The disparity a method drives toward zero (between-group convention, DESIGN.md).
public enum FairnessTarget: String, Codable, CaseIterable, Sendable {
    case demographicParity = "demographic_parity"
    /// Equal true-positive rates (same constraint as `true_positive_rate_parity`).
    case equalOpportunity = "equal_opportunity"
    case equalizedOdds = "equalized_odds"
    case truePositiveRateParity = "true_positive_rate_parity"
    case falsePositiveRateParity = "false_positive_rate_parity"
    case errorRateParity = "error_rate_parity"
}

/// What `threshold_optimizer` maximises (fairlearn's `objective`).
public enum ThresholdObjective: String, Codable, CaseIterable, Sendable {
    case accuracyScore = "accuracy_score"
    case balancedAccuracyScore = "balanced_accuracy_score"
}

/// Which error `calibrated_equalized_odds` equalises (AIF360's `cost_constraint`).
public enum CostConstraint: String, Codable, CaseIterable, Sendable {
    case fpr, fnr, weighted
}

/// The `mitigation:` section of `pipeline.yml`.
///
/// Method parameters are flat keys, each read only by the method named in its comment;
/// the others ignore it. AIF360-style methods (`reject_option_classification`,
/// `calibrated_equalized_odds`, `reweighing`) compare unprivileged groups with
/// `privileged_group` (a group name of the first sensitive attribute; when absent, the
/// stage picks the group with the highest base rate and records it).
public struct MitigationConfig: ConfigSection {
    public var method: MitigationMethod = .groupThresholds
    public var target: FairnessTarget = .demographicParity
    /// Largest allowed between-group difference of the target rate(s) (`group_thresholds`).
    public var tolerance: Double = 0.02
    /// Method strengths to sweep for a trade-off curve (tolerances for `group_thresholds`,
    /// repair levels for `disparate_impact_remover`, alphas for `correlation_remover`, …).
    public var strengths: [Double]? = nil
    /// Whether the sensitive attribute may be used at prediction time (post-processing needs it).
    public var sensitiveAtInference: Bool = true
    /// Whether the model may be retrained (pre- and in-processing need it).
    public var retrainAllowed: Bool = true
    /// Name of the privileged (reference) group for the AIF360-style methods.
    public var privilegedGroup: String? = nil

    /// `threshold_optimizer`: points on the rate grid (fairlearn's default 1000).
    public var gridSize: Int = 1000
    /// `threshold_optimizer`: the performance objective.
    public var objective: ThresholdObjective = .accuracyScore
    /// `threshold_optimizer`: also consider flipped thresholds (fairlearn's `flip`).
    public var flip: Bool = false

    /// `reject_option_classification`: the metric is derived from `target`
    /// (demographic_parity → statistical parity difference, equal_opportunity →
    /// equal opportunity difference, equalized_odds → average odds difference) and must
    /// lie within ±`roc_bound`.
    public var rocBound: Double = 0.05
    public var rocLowThreshold: Double = 0.01
    public var rocHighThreshold: Double = 0.99
    public var rocThresholdCount: Int = 100
    public var rocMarginCount: Int = 50

    /// `calibrated_equalized_odds`: which error rate to equalise.
    public var costConstraint: CostConstraint = .weighted
    /// `calibrated_equalized_odds`: scores ≥ this become favourable decisions.
    public var decisionThreshold: Double = 0.5

    /// `disparate_impact_remover`: 0 = no repair, 1 = full repair.
    public var repairLevel: Double = 1.0
    /// `correlation_remover`: 0 = features unchanged, 1 = fully decorrelated.
    public var alpha: Double = 1.0

    // In-processing (see each type for the paper and reference implementation it follows).
    /// `exponentiated_gradient`: allowed constraint violation ε (B = 1/ε), fairlearn's `eps`.
    public var eps: Double = 0.01
    /// `exponentiated_gradient`: iterations of the saddle-point game (fairlearn's `max_iter`).
    public var maxIter: Int = 50
    /// `exponentiated_gradient`: duality-gap threshold; absent = fairlearn's data-driven default.
    public var nu: Double? = nil
    /// `exponentiated_gradient`: initial learning rate of the λ-player.
    public var eta0: Double = 2.0
    /// `exponentiated_gradient`, `grid_search`: the moments' `difference_bound`.
    public var differenceBound: Double = 0.01
    /// `grid_search`: number of Lagrange-multiplier grid points (fairlearn's `grid_size`;
    /// a separate key because `grid_size` is threshold_optimizer's, default 1000).
    public var searchGridSize: Int = 10
    /// `grid_search`: largest multiplier on the grid.
    public var gridLimit: Double = 2.0
    /// `grid_search`: weight of the violation against the error when selecting the model.
    public var constraintWeight: Double = 0.5
    /// `fair_logistic_regression`: strength λ of the squared-covariance penalty.
    public var lambda: Double = 1.0
    /// `prejudice_remover`: strength η of the prejudice remover regulariser.
    public var eta: Double = 1.0
    /// `adversarial_debiasing`: weight α of the adversary's gradient.
    public var adversaryLossWeight: Double = 0.1
    /// `adversarial_debiasing`: passes over the training rows.
    public var epochs: Int = 50
    /// `adversarial_debiasing`: rows per minibatch.
    public var batchSize: Int = 128
    /// `adversarial_debiasing`: hidden ReLU units of the predictor (0: logistic predictor).
    public var hiddenUnits: Int = 100
    /// `adversarial_debiasing`: Adam's starting learning rate (decayed 0.96× per 1000 steps).
    public var learningRate: Double = 0.001

    public init() {}

    public func validate() throws {
        guard tolerance > 0 && tolerance < 1 else {
            throw ConfigError.invalidValue(key: "tolerance", expected: "a number in (0, 1)", found: "\(tolerance)")
        }
        if let strengths {
            guard !strengths.isEmpty else {
                throw ConfigError.invalidValue(key: "strengths", expected: "a non-empty list of numbers, or no key", found: "[]")
            }
            for value in strengths where !(value.isFinite && value >= 0) {
                throw ConfigError.invalidValue(key: "strengths", expected: "finite numbers ≥ 0", found: "\(value)")
            }
        }
        if let supported = method.supportedTargets, !supported.contains(target) {
            let names = supported.map(\.rawValue).joined(separator: ", ")
            throw ConfigError.inconsistent(
                key: "target",
                message: "\(method.rawValue) cannot aim at \(target.rawValue); use one of: \(names)")
        }
        switch method.kind {
        case .postprocessing where !sensitiveAtInference:
            throw ConfigError.inconsistent(
                key: "method",
                message: "\(method.rawValue) needs the sensitive attribute at prediction time but sensitive_at_inference is false; use reweighing, disparate_impact_remover, correlation_remover or an in-processing method")
        case .preprocessing, .inprocessing:
            if !retrainAllowed {
                throw ConfigError.inconsistent(
                    key: "method",
                    message: "\(method.rawValue) retrains the model but retrain_allowed is false; use group_thresholds, threshold_optimizer, reject_option_classification or calibrated_equalized_odds")
            }
        default:
            break
        }
        if method == .prejudiceRemover && !sensitiveAtInference {
            throw ConfigError.inconsistent(
                key: "method",
                message: "prejudice_remover keeps one model per group and needs the sensitive attribute at prediction time, but sensitive_at_inference is false; use exponentiated_gradient, fair_logistic_regression or adversarial_debiasing")
        }
        if method == .calibratedEqualizedOdds {
            let matches: Bool
            switch (costConstraint, target) {
            case (.fnr, .equalOpportunity), (.fnr, .truePositiveRateParity), (.fpr, .falsePositiveRateParity),
                (.weighted, .equalizedOdds):
                matches = true
            default:
                matches = false
            }
            if !matches {
                throw ConfigError.inconsistent(
                    key: "cost_constraint",
                    message: "calibrated_equalized_odds with cost_constraint \(costConstraint.rawValue) does not aim at \(target.rawValue); pair fnr with equal_opportunity, fpr with false_positive_rate_parity, weighted with equalized_odds")
            }
        }
        guard gridSize >= 1 else {
            throw ConfigError.invalidValue(key: "grid_size", expected: "an integer ≥ 1", found: "\(gridSize)")
        }
        guard rocBound > 0 && rocBound < 1 else {
            throw ConfigError.invalidValue(key: "roc_bound", expected: "a number in (0, 1)", found: "\(rocBound)")
        }
        guard rocLowThreshold >= 0 && rocHighThreshold <= 1 && rocLowThreshold < rocHighThreshold else {
            throw ConfigError.invalidValue(
                key: "roc_low_threshold", expected: "0 ≤ roc_low_threshold < roc_high_threshold ≤ 1",
                found: "\(rocLowThreshold) and \(rocHighThreshold)")
        }
        guard rocThresholdCount >= 1 else {
            throw ConfigError.invalidValue(key: "roc_threshold_count", expected: "an integer ≥ 1", found: "\(rocThresholdCount)")
        }
        guard rocMarginCount >= 1 else {
            throw ConfigError.invalidValue(key: "roc_margin_count", expected: "an integer ≥ 1", found: "\(rocMarginCount)")
        }
        guard decisionThreshold >= 0 && decisionThreshold <= 1 else {
            throw ConfigError.invalidValue(key: "decision_threshold", expected: "a number in [0, 1]", found: "\(decisionThreshold)")
        }
        guard repairLevel >= 0 && repairLevel <= 1 else {
            throw ConfigError.invalidValue(key: "repair_level", expected: "a number in [0, 1]", found: "\(repairLevel)")
        }
        guard alpha >= 0 && alpha <= 1 else {
            throw ConfigError.invalidValue(key: "alpha", expected: "a number in [0, 1]", found: "\(alpha)")
        }
        try validateInprocessing()
    }

    private func validateInprocessing() throws {
        func positive(_ value: Double, _ key: String) throws {
            guard value > 0, value.isFinite else {
                throw ConfigError.invalidValue(key: key, expected: "a finite number > 0", found: "\(value)")
            }
        }
        func nonNegative(_ value: Double, _ key: String) throws {
            guard value >= 0, value.isFinite else {
                throw ConfigError.invalidValue(key: key, expected: "a finite number ≥ 0", found: "\(value)")
            }
        }
        func atLeast(_ value: Int, _ minimum: Int, _ key: String) throws {
            guard value >= minimum else {
                throw ConfigError.invalidValue(key: key, expected: "an integer ≥ \(minimum)", found: "\(value)")
            }
        }
        try positive(eps, "eps")
        try atLeast(maxIter, 1, "max_iter")
        if let nu { try nonNegative(nu, "nu") }
        try positive(eta0, "eta0")
        try nonNegative(differenceBound, "difference_bound")
        try atLeast(searchGridSize, 1, "search_grid_size")
        try positive(gridLimit, "grid_limit")
        guard constraintWeight >= 0 && constraintWeight <= 1 else {
            throw ConfigError.invalidValue(key: "constraint_weight", expected: "a number in [0, 1]", found: "\(constraintWeight)")
        }
        try nonNegative(lambda, "lambda")
        try nonNegative(eta, "eta")
        try nonNegative(adversaryLossWeight, "adversary_loss_weight")
        try atLeast(epochs, 1, "epochs")
        try atLeast(batchSize, 1, "batch_size")
        try atLeast(hiddenUnits, 0, "hidden_units")
        try positive(learningRate, "learning_rate")
    }
}
