/// `mitigation.calibrated_equalized_odds`: Pleiss et al. (2017), as AIF360
/// (``CalibratedEqualizedOdds``).
public struct CalibratedEqualizedOddsSettings: ConfigSection {
    /// Which error rate to equalise.
    public var costConstraint: CostConstraint = .weighted
    /// Mixed scores ≥ this become favourable decisions.
    public var decisionThreshold: Double = 0.5

    public init() {}

    public func validate() throws { try ConfigCheck.unit(decisionThreshold, "decision_threshold") }
}

enum CalibratedEqualizedOddsMethod: PostprocessingTechnique {
    static let method = MitigationMethod.calibratedEqualizedOdds
    static let kind = MitigationKind.postprocessing
    static let targets: [FairnessTarget] = [
        .equalizedOdds, .equalOpportunity, .truePositiveRateParity, .falsePositiveRateParity,
    ]
    static let models = ModelSupport.anyModel
    static var strength: StrengthKnob<CalibratedEqualizedOddsSettings>? { nil }
    static var settingsPath: WritableKeyPath<MitigationConfig, CalibratedEqualizedOddsSettings> {
        \.calibratedEqualizedOdds
    }
    static let sharedKeys = ["privileged_group"]

    static func validate(_ settings: CalibratedEqualizedOddsSettings, in config: MitigationConfig) throws {
        switch (settings.costConstraint, config.target) {
        case (.fnr, .equalOpportunity), (.fnr, .truePositiveRateParity), (.fpr, .falsePositiveRateParity),
            (.weighted, .equalizedOdds):
            return
        case (.fnr, _), (.fpr, _), (.weighted, _):
            throw ConfigError.inconsistent(
                key: "calibrated_equalized_odds.cost_constraint",
                message:
                    "calibrated_equalized_odds with cost_constraint \(settings.costConstraint.rawValue) does not aim at \(config.target.rawValue); pair fnr with equal_opportunity, fpr with false_positive_rate_parity, weighted with equalized_odds"
            )
        }
    }

    static func fit(
        _ settings: CalibratedEqualizedOddsSettings, config: MitigationConfig, context: MitigationContext
    ) throws -> MitigationOutcome {
        let scores = try Postprocessing.scores(method, context: context)
        let validation = context.validation, test = context.test
        let processor = CalibratedEqualizedOdds(
            costConstraint: settings.costConstraint, privileged: try context.privilegedGroups().combined,
            decisionThreshold: settings.decisionThreshold)
        let fitted = try processor.fit(
            scores: scores.validation, labels: validation.labels, groups: context.validationGroups,
            groupNames: context.groupNames)
        var rng = context.run.generator("\(method.rawValue)-apply")
        // The mixed scores are the mitigated scores; decisions threshold them.
        let mixedValidation = try fitted.mixedScores(
            scores: scores.validation, groups: context.validationGroups, rng: &rng)
        let mixedTest = try fitted.mixedScores(scores: scores.test, groups: context.testGroups, rng: &rng)
        let threshold = settings.decisionThreshold
        return MitigationOutcome(
            artefact: try CanonicalJSON.data(fitted),
            validation: validation.with(
                decisions: mixedValidation.map { $0 >= threshold ? 1 : 0 }, scores: .some(mixedValidation)),
            test: test.with(decisions: mixedTest.map { $0 >= threshold ? 1 : 0 }, scores: .some(mixedTest)))
    }

    /// The mixed scores are the mitigated scores; decisions threshold them.
    static func decide<G: RandomNumberGenerator>(
        _ file: FittedPostprocessorFile, rng: inout G
    ) throws -> (scores: [Double], decisions: [UInt8]) {
        let fitted = try file.decode(CalibratedEqualizedOddsModel.self)
        let mixed = try fitted.mixedScores(scores: file.scores, groups: try file.groups(fitted.groupNames), rng: &rng)
        return (mixed, mixed.map { $0 >= fitted.decisionThreshold ? 1 : 0 })
    }
}
