import Foundation

/// When a mitigation method acts: on the training data, in training, or on the scores.
public enum MitigationKind: String, Sendable {
    case preprocessing, inprocessing, postprocessing
}

/// The model types a method works with.
public enum ModelSupport: Sendable, Equatable {
    /// Any model: post-processing reads only its scores.
    case anyModel
    /// Any model the stage can retrain with row weights (``retrainableTypes``): pre-processing
    /// and the reductions retrain whatever model `model.type` configures.
    case retrainable
    /// Only these types (methods that replace the model's own objective).
    case only([ModelType])

    /// The model types `mitigate` can retrain with row weights (``Preprocessing`` and the
    /// reductions' oracle). A model type joins this list when its weighted trainer is wired
    /// into those two places.
    public static let retrainableTypes: [ModelType] = [.logisticRegression, .gradientBoosting, .external]

    public func supports(_ type: ModelType) -> Bool {
        switch self {
        case .anyModel: return true
        case .retrainable: return Self.retrainableTypes.contains(type)
        case .only(let types): return types.contains(type)
        }
    }

    /// The supported types, in `ModelType` order.
    public var types: [ModelType] { ModelType.allCases.filter(supports) }
}

/// A method's strength knob: the parameter of its sub-section that `mitigation.strengths`
/// sweeps for the trade-off curve, and the sweep used when `strengths` is unset.
struct StrengthKnob<Settings> {
    /// The key in the method's sub-section (`tolerance`, `repair_level`, …).
    var key: String
    var path: WritableKeyPath<Settings, Double>
    var defaultSweep: [Double]
}

/// One mitigation method, in one place: what it is (kind, targets, model types), what it
/// reads (its own `mitigation.<method>` sub-section and a few shared keys), its strength
/// knob, its own consistency checks, and how the `mitigate` stage fits it.
///
/// Adding a method: one file with a conforming type and its `Settings`, a case in
/// ``MitigationMethod`` with its line in ``MitigationMethod/technique``, and the sub-section
/// property in ``MitigationConfig``.
protocol MitigationTechnique {
    /// The method's parameters: the `mitigation.<method>` sub-section.
    associatedtype Settings: ConfigSection

    static var method: MitigationMethod { get }
    static var kind: MitigationKind { get }
    /// The fairness targets the method can aim at (`mitigation.target`).
    static var targets: [FairnessTarget] { get }
    static var models: ModelSupport { get }
    /// `nil` for methods without a strength parameter: their trade-off curve is one point.
    static var strength: StrengthKnob<Settings>? { get }
    /// Where the sub-section lives in ``MitigationConfig``.
    static var settingsPath: WritableKeyPath<MitigationConfig, Settings> { get }
    /// Shared `mitigation.*` keys the method reads besides `method`, `target`, `strengths`,
    /// `sensitive_at_inference` and `retrain_allowed` (e.g. `privileged_group`).
    static var sharedKeys: [String] { get }
    /// Flat keys this method read before its sub-section existed, when their name in the
    /// sub-section differs (`roc_bound` → `bound`); same-named keys are mapped automatically.
    static var formerKeys: [String: String] { get }
    /// Whether scoring needs each row's sensitive attribute (`sensitive_at_inference`).
    static var needsSensitiveAtInference: Bool { get }
    /// Checks that span the sub-section and the shared keys (errors keyed relative to `mitigation`).
    static func validate(_ settings: Settings, in config: MitigationConfig) throws
    /// Fits the method once with `settings` (the configured ones, or one trade-off point's).
    static func fit(
        _ settings: Settings, config: MitigationConfig, context: MitigationContext
    ) throws -> MitigationOutcome
}

extension MitigationTechnique {
    static var sharedKeys: [String] { [] }
    static var formerKeys: [String: String] { [:] }
    static var needsSensitiveAtInference: Bool { kind == .postprocessing }
    static func validate(_ settings: Settings, in config: MitigationConfig) throws {}

    /// The sub-section's key (`group_thresholds`), the method's own name.
    static var section: String { method.rawValue }

    /// Fits with the sub-section of `config`.
    static func fit(config: MitigationConfig, context: MitigationContext) throws -> MitigationOutcome {
        try fit(config[keyPath: settingsPath], config: config, context: context)
    }

    /// Sets the strength knob in `config`; methods without one are unchanged.
    static func apply(strength: Double, to config: inout MitigationConfig) {
        guard let knob = Self.strength else { return }
        config[keyPath: settingsPath][keyPath: knob.path] = strength
    }

    static var strengthKey: String? { strength?.key }
    static var defaultSweep: [Double]? { strength?.defaultSweep }

    /// The keys of the sub-section, read from its encoded defaults.
    static var settingsKeys: [String] {
        guard case .object(let fields)? = try? JSONValue(encoding: Settings()) else { return [] }
        return fields.keys.sorted()
    }

    /// Validates the sub-section on its own, with keys made relative to `mitigation`.
    static func validateSection(of config: MitigationConfig) throws {
        do {
            try config[keyPath: settingsPath].validate()
        } catch let error as ConfigError {
            throw error.located(section: section) { _ in .defaults }
        }
    }

    /// Whether the method reads `key` (relative to `mitigation`, e.g. `group_thresholds.tolerance`).
    static func reads(_ key: String) -> Bool {
        var always = ["method", "target", "sensitive_at_inference", "retrain_allowed"] + sharedKeys
        if strength != nil { always.append("strengths") }
        return always.contains(key) || key == section || key.hasPrefix(section + ".")
    }
}

extension MitigationMethod {
    /// The one place that maps a method's name to its type (the registration).
    var technique: any MitigationTechnique.Type {
        switch self {
        case .groupThresholds: return GroupThresholdsMethod.self
        case .thresholdOptimizer: return ThresholdOptimizerMethod.self
        case .rejectOptionClassification: return RejectOptionClassificationMethod.self
        case .calibratedEqualizedOdds: return CalibratedEqualizedOddsMethod.self
        case .reweighing: return ReweighingMethod.self
        case .disparateImpactRemover: return DisparateImpactRemoverMethod.self
        case .correlationRemover: return CorrelationRemoverMethod.self
        case .exponentiatedGradient: return ExponentiatedGradientMethod.self
        case .gridSearch: return GridSearchMethod.self
        case .fairLogisticRegression: return FairLogisticRegressionMethod.self
        case .prejudiceRemover: return PrejudiceRemoverMethod.self
        case .adversarialDebiasing: return AdversarialDebiasingMethod.self
        }
    }

    public var kind: MitigationKind { technique.kind }
    /// The fairness targets the method can aim at.
    public var supportedTargets: [FairnessTarget] { technique.targets }
    /// The model types the method works with.
    public var supportedModels: ModelSupport { technique.models }
    /// The sub-section key `mitigation.strengths` sets; `nil`: no strength knob.
    public var strengthKey: String? { technique.strengthKey }
    /// Whether scoring needs the sensitive attribute at prediction time.
    public var needsSensitiveAtInference: Bool { technique.needsSensitiveAtInference }
    /// Whether the method reads `key` (relative to `mitigation`).
    public func reads(_ key: String) -> Bool { technique.reads(key) }
}
