/// `mitigation.prejudice_remover`: Kamishima et al. (2012) (``PrejudiceRemover``).
public struct PrejudiceRemoverSettings: ConfigSection {
    /// Strength η of the prejudice remover regulariser; the strength knob.
    public var eta: Double = 1.0

    public init() {}

    public func validate() throws { try ConfigCheck.nonNegative(eta, "eta") }
}

enum PrejudiceRemoverMethod: InprocessingTechnique {
    static let method = MitigationMethod.prejudiceRemover
    static let kind = MitigationKind.inprocessing
    static let targets: [FairnessTarget] = [
        .demographicParity, .equalOpportunity, .truePositiveRateParity, .equalizedOdds,
    ]
    /// A logistic regression per group with the regulariser in its objective.
    static let models = ModelSupport.only([.logisticRegression])
    static var strength: StrengthKnob<PrejudiceRemoverSettings>? {
        StrengthKnob(key: "eta", path: \.eta, defaultSweep: [0, 1, 5, 25, 100])
    }
    static var settingsPath: WritableKeyPath<MitigationConfig, PrejudiceRemoverSettings> { \.prejudiceRemover }
    /// One model per group: scoring needs each row's group.
    static let needsSensitiveAtInference = true

    static func train(
        _ settings: PrejudiceRemoverSettings, target: FairnessTarget, model: ModelConfig, seed: UInt64,
        externalStore: ExternalModelStore?, encoding: FeatureEncoding?,
        _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> InprocessingModel {
        // kamfadm's C is an L2 *strength* (½C‖w‖²); the pipeline's C is scikit-learn's
        // inverse strength, so the default 1 means the same in both.
        var method = PrejudiceRemover(eta: settings.eta)
        method.C = 1 / model.logisticRegression.C
        return .prejudiceRemover(
            try method.fit(
                X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames))
    }
}
