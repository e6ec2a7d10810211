/// `mitigation.correlation_remover`: fairlearn's `CorrelationRemover` (``CorrelationRemover``).
public struct CorrelationRemoverSettings: ConfigSection {
    /// 0 = features unchanged, 1 = fully decorrelated; the strength knob.
    public var alpha: Double = 1.0

    public init() {}

    public func validate() throws { try ConfigCheck.unit(alpha, "alpha") }
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

    static func fit(_ settings: CorrelationRemoverSettings, config: MitigationConfig, context: MitigationContext) throws -> MitigationOutcome {
        let splits = try context.splits()
        let sensitive = { (split: EncodedSplit) in Preprocessing.oneHot(split.predictions.attributes) }
        let trainSensitive = sensitive(splits.train)
        var train = splits.train.features, validation = splits.validation.features, test = splits.test.features
        let remover = try CorrelationRemover(alpha: settings.alpha).fit(
            features: train.values, rows: train.rows, columns: train.cols,
            sensitive: trainSensitive.values, sensitiveColumns: trainSensitive.columns)
        train.values = try remover.transform(features: train.values, rows: train.rows, sensitive: trainSensitive.values)
        validation.values = try remover.transform(
            features: validation.values, rows: validation.rows, sensitive: sensitive(splits.validation).values)
        test.values = try remover.transform(features: test.values, rows: test.rows, sensitive: sensitive(splits.test).values)
        let transformed = Preprocessing.Transformed(
            train: train, validation: validation, test: test, artefact: try CanonicalJSON.data(remover))
        return try Preprocessing.retrain(transformed, splits: splits, context: context)
    }
}
