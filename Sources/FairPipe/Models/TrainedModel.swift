import Foundation

/// The fitted model `train` writes to `model.json`, and the only type that reads it back:
/// a `type` discriminator (a ``ModelType`` name) and the fitted model under a key of the
/// same name.
///
/// ```json
/// { "type": "logistic_regression", "logistic_regression": { "coefficients": […], … } }
/// ```
///
/// evaluate, mitigate, report and explain load every model type through this one type, then
/// score rows through ``ProbabilisticClassifier``.
public enum TrainedModel: ProbabilisticClassifier, Codable, Equatable, Sendable {
    case logisticRegression(LogisticModel)
    case gradientBoosting(GradientBoostingModel)
    /// An outside model run through the external-command contract; scoring needs its
    /// folder located (``ExternalTraining/locate(_:modelFolder:run:)``).
    case external(ExternalModel)

    /// The model type, as named in `model.type`.
    public var type: ModelType {
        switch self {
        case .logisticRegression: return .logisticRegression
        case .gradientBoosting: return .gradientBoosting
        case .external: return .external
        }
    }

    public var featureNames: [String] {
        switch self {
        case .logisticRegression(let m): return m.featureNames
        case .gradientBoosting(let m): return m.featureNames
        case .external(let m): return m.featureNames
        }
    }

    /// `P(y = 1 | x)` for every row.
    public func predictProbability(_ X: Matrix) throws -> [Double] {
        switch self {
        case .logisticRegression(let m): return try m.predictProbability(X)
        case .gradientBoosting(let m): return try m.predictProbability(X)
        case .external(let m): return try m.predictProbability(X)
        }
    }

    /// The raw score (log-odds of class 1) for every row; `> 0` is scikit-learn's `predict`.
    public func decisionFunction(_ X: Matrix) throws -> [Double] {
        switch self {
        case .logisticRegression(let m): return try m.decisionFunction(X)
        case .gradientBoosting(let m): return try m.decisionFunction(X)
        case .external(let m):
            // The contract yields probabilities only: their log-odds.
            return try m.predictProbability(X).map { p in log(p) - log1p(-p) }
        }
    }

    /// Throws ``ModelError/featureMismatch(expected:found:)`` unless `names` are this model's
    /// features in the same order. Stages call this before scoring a split.
    public func checkFeatures(named names: [String]) throws {
        guard names == featureNames else {
            throw ModelError.featureMismatch(expected: featureNames, found: names)
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    // Keys are camelCase here: CanonicalJSON converts them to `logistic_regression` on the
    // wire and back.
    private static func key(_ type: ModelType) -> Key {
        Key(
            type.rawValue.split(separator: "_").enumerated()
                .map {
                    $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst()
                }
                .joined())
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let name = try container.decode(String.self, forKey: Key("type"))
        guard let type = ModelType(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                forKey: Key("type"), in: container,
                debugDescription: "unknown model type `\(name)`; expected one of "
                    + ModelType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        switch type {
        case .logisticRegression:
            self = .logisticRegression(try container.decode(LogisticModel.self, forKey: Self.key(type)))
        case .gradientBoosting:
            self = .gradientBoosting(try container.decode(GradientBoostingModel.self, forKey: Self.key(type)))
        case .external:
            self = .external(try container.decode(ExternalModel.self, forKey: Self.key(type)))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(type.rawValue, forKey: Key("type"))
        switch self {
        case .logisticRegression(let m): try container.encode(m, forKey: Self.key(type))
        case .gradientBoosting(let m): try container.encode(m, forKey: Self.key(type))
        case .external(let m): try container.encode(m, forKey: Self.key(type))
        }
    }
}

/// Trains whichever model `model.type` selects, on weighted rows: the one seam through which
/// `train`, pre-processing (retraining) and the reductions' cost-sensitive oracle
/// (exponentiated gradient, grid search) fit a model.
public struct ModelTrainer: WeightedClassifierTrainer, Sendable {
    public typealias Model = TrainedModel

    public var config: ModelConfig
    /// Where fits of an external model keep their model folders (a stage's output); each
    /// fit is one run of `model.external.fit` with the rows' weights.
    public var externalStore: ExternalModelStore?
    /// The dataset's fitted encoding: gradient boosting splits its categorical columns'
    /// one-hot groups as categories (`categorical_features: from_dataset`).
    public var encoding: FeatureEncoding?
    /// Held-out rows for gradient boosting's early stopping (the pipeline's validation split).
    public var validation: ValidationRows?
    /// Histogram-building threads for gradient boosting (the model does not depend on it).
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    public init(
        config: ModelConfig, encoding: FeatureEncoding? = nil, validation: ValidationRows? = nil,
        externalStore: ExternalModelStore? = nil
    ) {
        self.config = config
        self.encoding = encoding
        self.validation = validation
        self.externalStore = externalStore
    }

    /// Fits the configured model type. `warmStart` is used when it is a model of the same
    /// type that supports warm starts (logistic regression); otherwise ignored.
    public func fit(
        _ X: Matrix, labels: [UInt8], weights: [Double]?, featureNames: [String], warmStart: TrainedModel?
    ) throws -> TrainedModel {
        switch config.type {
        case .logisticRegression:
            var warm: LogisticModel? = nil
            if case .logisticRegression(let m)? = warmStart { warm = m }
            return .logisticRegression(
                try LogisticRegression(config: config.logisticRegression).fit(
                    X, labels: labels, weights: weights, featureNames: featureNames, warmStart: warm))
        case .gradientBoosting:
            let settings = config.gradientBoosting
            let groups =
                settings.categoricalFeatures == .fromDataset
                ? encoding.map { CategoricalColumns.groups(in: $0, featureNames: featureNames) } ?? [] : []
            return .gradientBoosting(
                try GradientBoosting(
                    config: settings, categorical: groups, validation: validation, threads: threads
                ).fit(X, labels: labels, weights: weights, featureNames: featureNames))
        case .external:
            guard let externalStore else {
                throw ExternalModelError.unsupported(
                    reason:
                        "an external model is fitted by the train stage's command contract, not retrained inside this step"
                )
            }
            guard config.external.features == .encoded else {
                throw ExternalModelError.unsupported(
                    reason:
                        "this step refits the model on the encoded feature matrix; set model.external.features: encoded"
                )
            }
            let table = try ExternalRunner.table(X, names: featureNames)
            return .external(
                try externalStore.trainer(config.external).fit(
                    train: table, labels: labels, weights: weights, validation: nil, root: externalStore.root))
        }
    }
}
