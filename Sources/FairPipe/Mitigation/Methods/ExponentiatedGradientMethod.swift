/// `mitigation.exponentiated_gradient`: Agarwal et al. (2018) reductions, as fairlearn
/// (``ExponentiatedGradient``).
public struct ExponentiatedGradientSettings: ConfigSection {
    /// Allowed constraint violation ε (B = 1/ε), fairlearn's `eps`; the strength knob.
    public var eps: Double = 0.01
    /// Iterations of the saddle-point game (fairlearn's `max_iter`).
    public var maxIter: Int = 50
    /// Duality-gap threshold; absent = fairlearn's data-driven default.
    public var nu: Double? = nil
    /// Initial learning rate of the λ-player.
    public var eta0: Double = 2.0
    /// The moments' `difference_bound`.
    public var differenceBound: Double = 0.01

    public init() {}

    public func validate() throws {
        try ConfigCheck.positive(eps, "eps")
        try ConfigCheck.atLeast(maxIter, 1, "max_iter")
        if let nu { try ConfigCheck.nonNegative(nu, "nu") }
        try ConfigCheck.positive(eta0, "eta0")
        try ConfigCheck.nonNegative(differenceBound, "difference_bound")
    }
}

enum ExponentiatedGradientMethod: InprocessingTechnique {
    static let method = MitigationMethod.exponentiatedGradient
    static let kind = MitigationKind.inprocessing
    static let targets: [FairnessTarget] = [
        .demographicParity, .equalOpportunity, .truePositiveRateParity, .falsePositiveRateParity, .equalizedOdds,
        .errorRateParity,
    ]
    /// A reduction: retrains the configured model as a weighted cost-sensitive oracle.
    static let models = ModelSupport.retrainable
    static var strength: StrengthKnob<ExponentiatedGradientSettings>? {
        StrengthKnob(key: "eps", path: \.eps, defaultSweep: [0.005, 0.01, 0.02, 0.05, 0.1])
    }
    static var settingsPath: WritableKeyPath<MitigationConfig, ExponentiatedGradientSettings> {
        \.exponentiatedGradient
    }

    static func train(
        _ settings: ExponentiatedGradientSettings, target: FairnessTarget, model: ModelConfig, seed: UInt64,
        externalStore: ExternalModelStore?, encoding: FeatureEncoding?,
        _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> InprocessingModel {
        var method = ExponentiatedGradient(target: target)
        method.eps = settings.eps
        method.maxIter = settings.maxIter
        method.nu = settings.nu
        method.eta0 = settings.eta0
        method.differenceBound = settings.differenceBound
        method.oracle = model
        method.externalStore = externalStore
        method.oracleEncoding = encoding
        return .exponentiatedGradient(
            try method.fit(
                X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames))
    }
}
