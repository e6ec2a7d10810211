/// `mitigation.disparate_impact_remover`: Feldman et al. (2015), fitted on train and applied
/// to validation and test (``DisparateImpactRemover``).
public struct DisparateImpactRemoverSettings: ConfigSection {
    /// 0 = no repair, 1 = full repair; the strength knob.
    public var repairLevel: Double = 1.0
    /// Raw numeric features (`data.features` entries) to repair; every other column is left
    /// bit-identical. Empty (the default): every numeric feature. A categorical is refused:
    /// quantile repair of 0/1 indicators leaves them unchanged (use `correlation_remover`).
    /// The repair is per column, so a selected column gets exactly the values the full
    /// repair would give it.
    public var features: [String] = []

    public init() {}

    public func validate() throws {
        try ConfigCheck.unit(repairLevel, "repair_level")
        try FeatureSelection.validate(features)
    }
}

enum DisparateImpactRemoverMethod: MitigationTechnique {
    static let method = MitigationMethod.disparateImpactRemover
    static let kind = MitigationKind.preprocessing
    /// Repaired features carry no information about the group: aims at independence.
    static let targets: [FairnessTarget] = [.demographicParity]
    static let models = ModelSupport.retrainable
    static var strength: StrengthKnob<DisparateImpactRemoverSettings>? {
        StrengthKnob(key: "repair_level", path: \.repairLevel, defaultSweep: [0, 0.25, 0.5, 0.75, 1])
    }
    static var settingsPath: WritableKeyPath<MitigationConfig, DisparateImpactRemoverSettings> {
        \.disparateImpactRemover
    }

    static func fit(
        _ settings: DisparateImpactRemoverSettings, config: MitigationConfig, context: MitigationContext
    ) throws -> MitigationOutcome {
        let splits = try context.splits()
        // Only standardised numeric columns are repaired: quantile repair of one-hot
        // indicators would turn them into fractions with no meaning.
        let selection = try FeatureSelection.columns(
            settings.features, method: method, in: splits.encoding, numericOnly: true)
        let columns = selection?.indices ?? splits.numericFeatureIndices
        let train = splits.train.features
        var repair = try DisparateImpactRemover(repairLevel: settings.repairLevel).fit(
            features: Preprocessing.select(columns, of: train), rows: train.rows, columns: columns.count,
            groups: splits.train.groups, groupNames: splits.groupNames)
        repair.columnNames = selection?.names
        func repaired(_ split: EncodedSplit) throws -> EncodedFeatures {
            let features = split.features
            let values = try repair.transform(
                features: Preprocessing.select(columns, of: features), rows: features.rows, groups: split.groups)
            return try Preprocessing.replace(columns, in: features, with: values)
        }
        let transformed = Preprocessing.Transformed(
            train: try repaired(splits.train), validation: try repaired(splits.validation),
            test: try repaired(splits.test),
            artefact: try CanonicalJSON.data(repair))
        return try Preprocessing.retrain(transformed, splits: splits, context: context)
    }
}
