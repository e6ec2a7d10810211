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
    // In-processing: the model is trained under a constraint.
    case exponentiatedGradient = "exponentiated_gradient"
    case gridSearch = "grid_search"
    case fairLogisticRegression = "fair_logistic_regression"
    case prejudiceRemover = "prejudice_remover"
    case adversarialDebiasing = "adversarial_debiasing"
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

/// The `mitigation:` section of `pipeline.yml`: the shared keys, then one sub-section per
/// method (`mitigation.threshold_optimizer.grid_size`), read only by that method.
///
/// AIF360-style methods (`reject_option_classification`, `calibrated_equalized_odds`)
/// compare unprivileged groups with `privileged_group` (a group name of the first sensitive
/// attribute; when absent, the stage picks the group with the highest base rate and records it).
public struct MitigationConfig: ConfigSection {
    public var method: MitigationMethod = .groupThresholds
    public var target: FairnessTarget = .demographicParity
    /// Method strengths to sweep for a trade-off curve: values of the method's strength knob
    /// (``MitigationMethod/strengthKey``); ignored, with a note, by methods without one.
    public var strengths: [Double]? = nil
    /// Whether the sensitive attribute may be used at prediction time (post-processing needs it).
    public var sensitiveAtInference: Bool = true
    /// Whether the model may be retrained (pre- and in-processing need it).
    public var retrainAllowed: Bool = true
    /// Name of the privileged (reference) group for the AIF360-style methods.
    public var privilegedGroup: String? = nil

    // One sub-section per method; each type documents its parameters.
    public var groupThresholds = GroupThresholdsSettings()
    public var thresholdOptimizer = ThresholdOptimizerSettings()
    public var rejectOptionClassification = RejectOptionClassificationSettings()
    public var calibratedEqualizedOdds = CalibratedEqualizedOddsSettings()
    public var reweighing = ReweighingSettings()
    public var disparateImpactRemover = DisparateImpactRemoverSettings()
    public var correlationRemover = CorrelationRemoverSettings()
    public var exponentiatedGradient = ExponentiatedGradientSettings()
    public var gridSearch = GridSearchSettings()
    public var fairLogisticRegression = FairLogisticRegressionSettings()
    public var prejudiceRemover = PrejudiceRemoverSettings()
    public var adversarialDebiasing = AdversarialDebiasingSettings()

    public init() {}

    public func validate() throws {
        if let strengths {
            guard !strengths.isEmpty else {
                throw ConfigError.invalidValue(
                    key: "strengths", expected: "a non-empty list of numbers, or no key", found: "[]")
            }
            for value in strengths where !(value.isFinite && value >= 0) {
                throw ConfigError.invalidValue(key: "strengths", expected: "finite numbers ≥ 0", found: "\(value)")
            }
        }
        let technique = method.technique
        if !technique.targets.contains(target) {
            let names = technique.targets.map(\.rawValue).joined(separator: ", ")
            throw ConfigError.inconsistent(
                key: "target", message: "\(method.rawValue) cannot aim at \(target.rawValue); use one of: \(names)")
        }
        func alternatives(_ keep: (MitigationMethod) -> Bool) -> String {
            MitigationMethod.allCases.filter(keep).map(\.rawValue).joined(separator: ", ")
        }
        if technique.needsSensitiveAtInference && !sensitiveAtInference {
            throw ConfigError.inconsistent(
                key: "method",
                message:
                    "\(method.rawValue) needs the sensitive attribute at prediction time but sensitive_at_inference is false; use \(alternatives { !$0.needsSensitiveAtInference })"
            )
        }
        if technique.kind != .postprocessing && !retrainAllowed {
            throw ConfigError.inconsistent(
                key: "method",
                message:
                    "\(method.rawValue) retrains the model but retrain_allowed is false; use \(alternatives { $0.kind == .postprocessing })"
            )
        }
        // Every sub-section is checked, so a bad value fails now even for another method.
        for other in MitigationMethod.allCases { try other.technique.validateSection(of: self) }
        try technique.validateShared(self)
    }

    /// Flat keys of the `mitigation:` section before each method had its sub-section, and
    /// where they live now (relative to `mitigation`; several when methods share a name).
    public static var relocatedKeys: [String: [String]] {
        var moved: [String: [String]] = [:]
        for method in MitigationMethod.allCases {
            let technique = method.technique
            let renamed = Dictionary(uniqueKeysWithValues: technique.formerKeys.map { ($1, $0) })
            for key in technique.settingsKeys {
                moved[renamed[key] ?? key, default: []].append("\(technique.section).\(key)")
            }
        }
        return moved
    }
}

extension MitigationTechnique {
    /// The method's own cross-key checks on its configured sub-section.
    static func validateShared(_ config: MitigationConfig) throws {
        try validate(config[keyPath: settingsPath], in: config)
    }
}

/// Range checks shared by the sub-sections (keys relative to the sub-section).
enum ConfigCheck {
    static func positive(_ value: Double, _ key: String) throws {
        guard value > 0, value.isFinite else {
            throw ConfigError.invalidValue(key: key, expected: "a finite number > 0", found: "\(value)")
        }
    }

    static func nonNegative(_ value: Double, _ key: String) throws {
        guard value >= 0, value.isFinite else {
            throw ConfigError.invalidValue(key: key, expected: "a finite number ≥ 0", found: "\(value)")
        }
    }

    static func unit(_ value: Double, _ key: String) throws {
        guard value >= 0 && value <= 1 else {
            throw ConfigError.invalidValue(key: key, expected: "a number in [0, 1]", found: "\(value)")
        }
    }

    static func openUnit(_ value: Double, _ key: String) throws {
        guard value > 0 && value < 1 else {
            throw ConfigError.invalidValue(key: key, expected: "a number in (0, 1)", found: "\(value)")
        }
    }

    static func atLeast(_ value: Int, _ minimum: Int, _ key: String) throws {
        guard value >= minimum else {
            throw ConfigError.invalidValue(key: key, expected: "an integer ≥ \(minimum)", found: "\(value)")
        }
    }
}
