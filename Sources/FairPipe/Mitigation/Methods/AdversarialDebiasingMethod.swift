/// `mitigation.adversarial_debiasing`: Zhang, Lemoine & Mitchell (2018) (``AdversarialDebiasing``).
public struct AdversarialDebiasingSettings: ConfigSection {
    /// Weight α of the adversary's gradient; the strength knob.
    public var adversaryLossWeight: Double = 0.1
    /// Passes over the training rows.
    public var epochs: Int = 50
    /// Rows per minibatch.
    public var batchSize: Int = 128
    /// Hidden ReLU units of the predictor (0: logistic predictor).
    public var hiddenUnits: Int = 100
    /// Adam's starting learning rate (decayed 0.96× per 1000 steps).
    public var learningRate: Double = 0.001

    public init() {}

    public func validate() throws {
        try ConfigCheck.nonNegative(adversaryLossWeight, "adversary_loss_weight")
        try ConfigCheck.atLeast(epochs, 1, "epochs")
        try ConfigCheck.atLeast(batchSize, 1, "batch_size")
        try ConfigCheck.atLeast(hiddenUnits, 0, "hidden_units")
        try ConfigCheck.positive(learningRate, "learning_rate")
    }
}

enum AdversarialDebiasingMethod: InprocessingTechnique {
    static let method = MitigationMethod.adversarialDebiasing
    static let kind = MitigationKind.inprocessing
    static let targets: [FairnessTarget] = [
        .demographicParity, .equalOpportunity, .truePositiveRateParity, .equalizedOdds,
    ]
    /// Trains its own logistic (or one-hidden-layer) predictor.
    static let models = ModelSupport.only([.logisticRegression])
    static var strength: StrengthKnob<AdversarialDebiasingSettings>? {
        StrengthKnob(key: "adversary_loss_weight", path: \.adversaryLossWeight, defaultSweep: [0, 0.05, 0.1, 0.5, 1])
    }
    static var settingsPath: WritableKeyPath<MitigationConfig, AdversarialDebiasingSettings> { \.adversarialDebiasing }

    static func train(
        _ settings: AdversarialDebiasingSettings, target: FairnessTarget, model: ModelConfig, seed: UInt64,
        externalStore: ExternalModelStore?, encoding: FeatureEncoding?,
        _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> InprocessingModel {
        var method = AdversarialDebiasing(target: target, seed: seed)
        method.adversaryLossWeight = settings.adversaryLossWeight
        method.epochs = settings.epochs
        method.batchSize = settings.batchSize
        method.hiddenUnits = settings.hiddenUnits
        method.learningRate = settings.learningRate
        return .adversarialDebiasing(
            try method.fit(
                X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames))
    }
}
