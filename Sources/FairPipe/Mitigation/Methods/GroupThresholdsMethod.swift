/// `mitigation.group_thresholds`: exact per-group thresholds (``GroupThresholds``).
public struct GroupThresholdsSettings: ConfigSection {
    /// Largest allowed between-group difference of the target rate(s); the strength knob.
    public var tolerance: Double = 0.02

    public init() {}

    public func validate() throws { try ConfigCheck.openUnit(tolerance, "tolerance") }
}

enum GroupThresholdsMethod: PostprocessingTechnique {
    static let method = MitigationMethod.groupThresholds
    static let kind = MitigationKind.postprocessing
    static let targets: [FairnessTarget] = [
        .demographicParity, .equalOpportunity, .truePositiveRateParity, .falsePositiveRateParity, .equalizedOdds,
    ]
    static let models = ModelSupport.anyModel
    static var strength: StrengthKnob<GroupThresholdsSettings>? {
        StrengthKnob(key: "tolerance", path: \.tolerance, defaultSweep: [0.01, 0.02, 0.05, 0.1, 0.2])
    }
    static var settingsPath: WritableKeyPath<MitigationConfig, GroupThresholdsSettings> { \.groupThresholds }

    static func fit(
        _ settings: GroupThresholdsSettings, config: MitigationConfig, context: MitigationContext
    ) throws -> MitigationOutcome {
        try Postprocessing.run(
            GroupThresholds(target: config.target, tolerance: settings.tolerance), method: method, context: context)
    }

    static func decide<G: RandomNumberGenerator>(
        _ file: FittedPostprocessorFile, rng: inout G
    ) throws -> (scores: [Double], decisions: [UInt8]) {
        try file.apply(GroupThresholdsModel.self, groupNames: \.groupNames, rng: &rng)
    }
}
