import Foundation

/// The seam between the `mitigate` stage and the in-processing methods: fit on the training
/// split (features, 0/1 labels, group codes indexing `groupNames`), get one Codable artefact,
/// then score or decide validation and test rows with it.
public enum Inprocessing {
    /// Fits the in-processing method named by `config.method`, with the method's parameters
    /// from `config`, the oracle / starting model's settings from `model` (C, tol, max_iter),
    /// and `seed` for the methods that draw random numbers (adversarial debiasing; the stage
    /// passes its derived seed). Throws ``MitigationError/invalidParameter(method:name:expected:found:)``
    /// for a method that is not in-processing.
    public static func fit(
        config: MitigationConfig, model: ModelConfig = ModelConfig(), seed: UInt64,
        externalStore: ExternalModelStore? = nil, _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> InprocessingModel {
        switch config.method {
        case .exponentiatedGradient:
            var method = ExponentiatedGradient(target: config.target)
            method.eps = config.eps
            method.maxIter = config.maxIter
            method.nu = config.nu
            method.eta0 = config.eta0
            method.differenceBound = config.differenceBound
            method.oracle = model
            method.externalStore = externalStore
            return .exponentiatedGradient(try method.fit(
                X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames))
        case .gridSearch:
            var method = GridSearch(target: config.target)
            method.gridSize = config.searchGridSize
            method.gridLimit = config.gridLimit
            method.constraintWeight = config.constraintWeight
            method.differenceBound = config.differenceBound
            method.oracle = model
            method.externalStore = externalStore
            return .gridSearch(try method.fit(
                X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames))
        case .fairLogisticRegression:
            var method = FairLogisticRegression(target: config.target, lambda: config.lambda)
            method.model = model
            return .fairLogisticRegression(try method.fit(
                X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames))
        case .prejudiceRemover:
            // kamfadm's C is an L2 *strength* (½C‖w‖²); the pipeline's C is scikit-learn's
            // inverse strength, so the default 1 means the same in both.
            var method = PrejudiceRemover(eta: config.eta)
            method.C = 1 / model.logisticRegression.C
            return .prejudiceRemover(try method.fit(
                X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames))
        case .adversarialDebiasing:
            var method = AdversarialDebiasing(target: config.target, seed: seed)
            method.adversaryLossWeight = config.adversaryLossWeight
            method.epochs = config.epochs
            method.batchSize = config.batchSize
            method.hiddenUnits = config.hiddenUnits
            method.learningRate = config.learningRate
            return .adversarialDebiasing(try method.fit(
                X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames))
        default:
            throw MitigationError.invalidParameter(
                method: config.method.rawValue, name: "method", expected: "an in-processing method",
                found: config.method.kind.rawValue)
        }
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
                    method: PrejudiceRemover.name, name: "groups", expected: "group codes at prediction time", found: "none")
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
        switch self {
        case .exponentiatedGradient(let m): return try m.predict(X, rng: &rng)
        case .gridSearch(let m): return try m.predict(X)
        default: return try scores(X, groups: groups).map { $0 >= threshold ? 1 : 0 }
        }
    }
}
