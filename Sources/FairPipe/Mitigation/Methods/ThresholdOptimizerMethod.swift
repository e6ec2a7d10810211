/// `mitigation.threshold_optimizer`: fairlearn's `ThresholdOptimizer` (``ThresholdOptimizer``).
public struct ThresholdOptimizerSettings: ConfigSection {
    /// Points on the rate grid (fairlearn's default 1000).
    public var gridSize: Int = 1000
    /// The performance objective.
    public var objective: ThresholdObjective = .accuracyScore
    /// Also consider flipped thresholds (fairlearn's `flip`).
    public var flip: Bool = false

    public init() {}

    public func validate() throws { try ConfigCheck.atLeast(gridSize, 1, "grid_size") }
}

enum ThresholdOptimizerMethod: PostprocessingTechnique {
    static let method = MitigationMethod.thresholdOptimizer
    static let kind = MitigationKind.postprocessing
    static let targets: [FairnessTarget] = [
        .demographicParity, .equalOpportunity, .truePositiveRateParity, .falsePositiveRateParity, .equalizedOdds,
    ]
    static let models = ModelSupport.anyModel
    static var strength: StrengthKnob<ThresholdOptimizerSettings>? { nil }
    static var settingsPath: WritableKeyPath<MitigationConfig, ThresholdOptimizerSettings> { \.thresholdOptimizer }

    static func fit(
        _ settings: ThresholdOptimizerSettings, config: MitigationConfig, context: MitigationContext
    ) throws -> MitigationOutcome {
        let processor = ThresholdOptimizer(
            constraint: config.target, objective: settings.objective, gridSize: settings.gridSize, flip: settings.flip)
        return try Postprocessing.run(processor, method: method, context: context)
    }

    static func decide<G: RandomNumberGenerator>(
        _ file: FittedPostprocessorFile, rng: inout G
    ) throws -> (scores: [Double], decisions: [UInt8]) {
        try file.apply(ThresholdOptimizerModel.self, groupNames: \.groupNames, rng: &rng)
    }
}
