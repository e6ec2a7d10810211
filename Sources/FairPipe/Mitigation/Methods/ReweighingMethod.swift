import Foundation

/// `mitigation.reweighing`: Kamiran & Calders (2012) (``Reweighing``). No parameters.
public struct ReweighingSettings: ConfigSection {
    public init() {}
}

enum ReweighingMethod: MitigationTechnique {
    static let method = MitigationMethod.reweighing
    static let kind = MitigationKind.preprocessing
    /// Weights make the label independent of the group in the training data.
    static let targets: [FairnessTarget] = [.demographicParity]
    static let models = ModelSupport.retrainable
    static var strength: StrengthKnob<ReweighingSettings>? { nil }
    static var settingsPath: WritableKeyPath<MitigationConfig, ReweighingSettings> { \.reweighing }

    static func fit(
        _ settings: ReweighingSettings, config: MitigationConfig, context: MitigationContext
    ) throws -> MitigationOutcome {
        let splits = try context.splits()
        let model = try Reweighing().fit(
            labels: splits.train.labels, groups: splits.train.groups, groupNames: splits.groupNames)
        let weights = try model.weights(labels: splits.train.labels, groups: splits.train.groups)
        let csv = try Preprocessing.weightsCSV(splits.train, weights: weights, groupNames: splits.groupNames)
        let transformed = Preprocessing.Transformed(
            train: splits.train.features, validation: splits.validation.features, test: splits.test.features,
            weights: weights, artefact: try CanonicalJSON.data(model), extraFiles: [("sample_weights.csv", csv)])
        return try Preprocessing.retrain(transformed, splits: splits, context: context)
    }
}
