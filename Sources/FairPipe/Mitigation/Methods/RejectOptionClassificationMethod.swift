/// `mitigation.reject_option_classification`: Kamiran, Karim & Zhang (2012), as AIF360
/// (``RejectOptionClassification``). The metric is derived from `mitigation.target`
/// (demographic_parity → statistical parity difference, equal_opportunity → equal
/// opportunity difference, equalized_odds → average odds difference) and must lie within
/// ±`bound`.
public struct RejectOptionClassificationSettings: ConfigSection {
    /// The allowed metric band ±bound; the strength knob.
    public var bound: Double = 0.05
    public var lowThreshold: Double = 0.01
    public var highThreshold: Double = 0.99
    public var thresholdCount: Int = 100
    public var marginCount: Int = 50

    public init() {}

    public func validate() throws {
        try ConfigCheck.openUnit(bound, "bound")
        guard lowThreshold >= 0 && highThreshold <= 1 && lowThreshold < highThreshold else {
            throw ConfigError.invalidValue(
                key: "low_threshold", expected: "0 ≤ low_threshold < high_threshold ≤ 1",
                found: "\(lowThreshold) and \(highThreshold)")
        }
        try ConfigCheck.atLeast(thresholdCount, 1, "threshold_count")
        try ConfigCheck.atLeast(marginCount, 1, "margin_count")
    }
}

enum RejectOptionClassificationMethod: PostprocessingTechnique {
    static let method = MitigationMethod.rejectOptionClassification
    static let kind = MitigationKind.postprocessing
    static let targets: [FairnessTarget] = [
        .demographicParity, .equalOpportunity, .truePositiveRateParity, .equalizedOdds,
    ]
    static let models = ModelSupport.anyModel
    static var strength: StrengthKnob<RejectOptionClassificationSettings>? {
        StrengthKnob(key: "bound", path: \.bound, defaultSweep: [0.01, 0.025, 0.05, 0.1, 0.2])
    }
    static var settingsPath: WritableKeyPath<MitigationConfig, RejectOptionClassificationSettings> {
        \.rejectOptionClassification
    }
    static let sharedKeys = ["privileged_group"]
    static let formerKeys = [
        "roc_bound": "bound", "roc_low_threshold": "low_threshold", "roc_high_threshold": "high_threshold",
        "roc_threshold_count": "threshold_count", "roc_margin_count": "margin_count",
    ]

    static func fit(
        _ settings: RejectOptionClassificationSettings, config: MitigationConfig, context: MitigationContext
    ) throws -> MitigationOutcome {
        guard let metric = RejectOptionMetric(target: config.target) else {
            let names = targets.map(\.rawValue).joined(separator: ", ")
            throw ConfigError.inconsistent(
                key: "mitigation.target", message: "reject_option_classification supports \(names)")
        }
        let processor = RejectOptionClassification(
            metric: metric, privileged: try context.privilegedGroups().combined,
            lowThreshold: settings.lowThreshold, highThreshold: settings.highThreshold,
            thresholdCount: settings.thresholdCount, marginCount: settings.marginCount,
            metricLower: -settings.bound, metricUpper: settings.bound)
        return try Postprocessing.run(processor, method: method, context: context)
    }

    static func decide<G: RandomNumberGenerator>(
        _ file: FittedPostprocessorFile, rng: inout G
    ) throws -> (scores: [Double], decisions: [UInt8]) {
        try file.apply(RejectOptionModel.self, groupNames: \.groupNames, rng: &rng)
    }
}
