/// `mitigation.fair_logistic_regression`: Zafar et al. (2017) covariance-penalised logistic
/// regression (``FairLogisticRegression``).
public struct FairLogisticRegressionSettings: ConfigSection {
    /// Strength λ of the squared-covariance penalty; the strength knob.
    public var lambda: Double = 1.0

    public init() {}

    public func validate() throws { try ConfigCheck.nonNegative(lambda, "lambda") }
}

enum FairLogisticRegressionMethod: InprocessingTechnique {
    static let method = MitigationMethod.fairLogisticRegression
    static let kind = MitigationKind.inprocessing
    static let targets: [FairnessTarget] = [
        .demographicParity, .equalOpportunity, .truePositiveRateParity, .equalizedOdds,
    ]
    /// Replaces the logistic-regression objective itself.
    static let models = ModelSupport.only([.logisticRegression])
    static var strength: StrengthKnob<FairLogisticRegressionSettings>? {
        StrengthKnob(key: "lambda", path: \.lambda, defaultSweep: [0, 0.1, 1, 10, 100])
    }
    static var settingsPath: WritableKeyPath<MitigationConfig, FairLogisticRegressionSettings> {
        \.fairLogisticRegression
    }

    static func train(
        _ settings: FairLogisticRegressionSettings, target: FairnessTarget, model: ModelConfig, seed: UInt64,
        externalStore: ExternalModelStore?, encoding: FeatureEncoding?,
        _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> InprocessingModel {
        var method = FairLogisticRegression(target: target, lambda: settings.lambda)
        method.model = model
        return .fairLogisticRegression(
            try method.fit(
                X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames))
    }
}
