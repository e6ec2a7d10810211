/// `mitigation.correlation_remover`: fairlearn's `CorrelationRemover` (``CorrelationRemover``).
public struct CorrelationRemoverSettings: ConfigSection {
    /// 0 = features unchanged, 1 = fully decorrelated; the strength knob.
    public var alpha: Double = 1.0
    /// Raw features (`data.features` entries) whose encoded columns are decorrelated — a
    /// categorical's one-hot columns together; every other column is left bit-identical.
    /// Empty (the default): every feature column, as fairlearn. This selects the *features*
    /// that are transformed; fairlearn's `remove_columns` names the sensitive columns, which
    /// here are always the one-hot sensitive attributes and never model features. Each column's
    /// least-squares projection depends only on that column, so a selected column gets exactly
    /// the values the full transform would give it.
    public var features: [String] = []

    public init() {}

    public func validate() throws {
        try ConfigCheck.unit(alpha, "alpha")
        try FeatureSelection.validate(features)
    }
}

enum CorrelationRemoverMethod: MitigationTechnique {
    static let method = MitigationMethod.correlationRemover
    static let kind = MitigationKind.preprocessing
    /// Features decorrelated from the group: aims at independence.
    static let targets: [FairnessTarget] = [.demographicParity]
    static let models = ModelSupport.retrainable
    static var strength: StrengthKnob<CorrelationRemoverSettings>? {
        StrengthKnob(key: "alpha", path: \.alpha, defaultSweep: [0, 0.25, 0.5, 0.75, 1])
    }
    static var settingsPath: WritableKeyPath<MitigationConfig, CorrelationRemoverSettings> { \.correlationRemover }

    static func fit(
        _ settings: CorrelationRemoverSettings, config: MitigationConfig, context: MitigationContext
    ) throws -> MitigationOutcome {
        let splits = try context.splits()
        let sensitive = { (split: EncodedSplit) in Preprocessing.oneHot(split.predictions.attributes) }
        let trainSensitive = sensitive(splits.train)
        let selection = try FeatureSelection.columns(
            settings.features, method: method, in: splits.encoding, numericOnly: false)
        let columns = selection?.indices ?? Array(0..<splits.train.features.cols)
        let train = splits.train.features
        var remover = try CorrelationRemover(alpha: settings.alpha).fit(
            features: Preprocessing.select(columns, of: train), rows: train.rows, columns: columns.count,
            sensitive: trainSensitive.values, sensitiveColumns: trainSensitive.columns)
        remover.columnNames = selection?.names
        func decorrelated(_ split: EncodedSplit, _ sensitive: [Double]) throws -> EncodedFeatures {
            let features = split.features
            let values = try remover.transform(
                features: Preprocessing.select(columns, of: features), rows: features.rows, sensitive: sensitive)
            return try Preprocessing.replace(columns, in: features, with: values)
        }
        let transformed = Preprocessing.Transformed(
            train: try decorrelated(splits.train, trainSensitive.values),
            validation: try decorrelated(splits.validation, sensitive(splits.validation).values),
            test: try decorrelated(splits.test, sensitive(splits.test).values),
            artefact: try CanonicalJSON.data(remover))
        return try Preprocessing.retrain(transformed, splits: splits, context: context)
    }
}
