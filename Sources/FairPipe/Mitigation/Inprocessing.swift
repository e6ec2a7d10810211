import Foundation

/// The seam between the `mitigate` stage and the in-processing methods: fit on the training
/// split (features, 0/1 labels, group codes indexing `groupNames`), get one Codable artefact,
/// then score or decide validation and test rows with it.
public enum Inprocessing {
    /// Fits the in-processing method named by `config.method`, with its sub-section of
    /// `config`, the oracle / starting model's settings from `model` (C, tol, max_iter),
    /// and `seed` for the methods that draw random numbers (adversarial debiasing; the stage
    /// passes its derived seed). Throws ``MitigationError/invalidParameter(method:name:expected:found:)``
    /// for a method that is not in-processing.
    public static func fit(
        config: MitigationConfig, model: ModelConfig = ModelConfig(), seed: UInt64,
        externalStore: ExternalModelStore? = nil, encoding: FeatureEncoding? = nil, _ X: Matrix, labels: [UInt8],
        groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> InprocessingModel {
        guard let technique = config.method.technique as? any InprocessingTechnique.Type else {
            throw MitigationError.invalidParameter(
                method: config.method.rawValue, name: "method", expected: "an in-processing method",
                found: config.method.kind.rawValue)
        }
        return try technique.train(
            config: config, model: model, seed: seed, externalStore: externalStore, encoding: encoding, X,
            labels: labels, groups: groups,
            groupNames: groupNames, featureNames: featureNames)
    }
}

/// An in-processing method: trains a constrained model on the training split.
protocol InprocessingTechnique: MitigationTechnique {
    static func train(
        _ settings: Settings, target: FairnessTarget, model: ModelConfig, seed: UInt64,
        externalStore: ExternalModelStore?, encoding: FeatureEncoding?,
        _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> InprocessingModel
}

extension InprocessingTechnique {
    static func train(
        config: MitigationConfig, model: ModelConfig, seed: UInt64, externalStore: ExternalModelStore?,
        encoding: FeatureEncoding?,
        _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> InprocessingModel {
        try train(
            config[keyPath: settingsPath], target: config.target, model: model, seed: seed,
            externalStore: externalStore, encoding: encoding,
            X, labels: labels,
            groups: groups, groupNames: groupNames, featureNames: featureNames)
    }
}

/// A fitted in-processing model, written by the stage as JSON (`{"exponentiated_gradient": {…}}`).
public enum InprocessingModel: Codable, Equatable, Sendable {
    case exponentiatedGradient(ExponentiatedGradientModel)
    case gridSearch(GridSearchModel)
    case fairLogisticRegression(FairLogisticRegressionModel)
    case prejudiceRemover(PrejudiceRemoverModel)
    case adversarialDebiasing(AdversarialDebiasingModel)

    /// Whether scoring needs each row's group (prejudice remover keeps one model per group).
    public var needsGroupsAtInference: Bool {
        if case .prejudiceRemover = self { return true }
        return false
    }

    /// Scores in [0, 1] for every row: P(decision = 1 | x) of the randomized classifier for
    /// exponentiated gradient (a mixture of hard decisions), P(y = 1 | x) otherwise. `groups`
    /// is required when ``needsGroupsAtInference``.
    public func scores(_ X: Matrix, groups: [Int32]?) throws -> [Double] {
        switch self {
        case .exponentiatedGradient(let m): return try m.positiveProbability(X)
        case .gridSearch(let m): return try m.predictProbability(X)
        case .fairLogisticRegression(let m): return try m.predictProbability(X)
        case .prejudiceRemover(let m):
            guard let groups else {
                throw MitigationError.invalidParameter(
                    method: PrejudiceRemover.name, name: "groups", expected: "group codes at prediction time",
                    found: "none")
            }
            return try m.predictProbability(X, groups: groups)
        case .adversarialDebiasing(let m): return try m.predictProbability(X)
        }
    }

    /// 0/1 decisions: exponentiated gradient draws one uniform per row from `rng`, in row
    /// order (fairlearn's randomized `predict`); grid search uses its model's `predict`
    /// (x·w + b > 0); the others threshold their probability at `threshold`.
    public func decisions<G: RandomNumberGenerator>(
        _ X: Matrix, groups: [Int32]?, threshold: Double = 0.5, rng: inout G
    ) throws -> [UInt8] {
        try scoresAndDecisions(X, groups: groups, threshold: threshold, rng: &rng).decisions
    }

    /// ``scores(_:groups:)`` and ``decisions(_:groups:threshold:rng:)`` from one pass over
    /// the model, the same values and the same draws from `rng`: each predictor scores the
    /// rows once (an external model's `predict` runs once, not twice).
    public func scoresAndDecisions<G: RandomNumberGenerator>(
        _ X: Matrix, groups: [Int32]?, threshold: Double = 0.5, rng: inout G
    ) throws -> (scores: [Double], decisions: [UInt8]) {
        switch self {
        case .exponentiatedGradient(let m):
            let p = try m.positiveProbability(X)
            return (p, ExponentiatedGradientModel.draw(p, rng: &rng))
        case .gridSearch(let m):
            let scored = try m.probabilitiesAndDecisions(X)
            return (scored.probabilities, scored.decisions)
        default:
            let p = try scores(X, groups: groups)
            return (p, p.map { $0 >= threshold ? 1 : 0 })
        }
    }
}
