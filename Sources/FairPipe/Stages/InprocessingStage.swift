import Foundation

/// In-processing in the stage: train the constrained model on the encoded training split
/// and score validation and test with it.
enum InprocessingStage {
    static func fit(_ method: MitigationMethod, settings: MitigationConfig, context: MitigationContext) throws -> MitigationOutcome {
        let splits = try context.splits()
        let fitted = try Inprocessing.fit(
            config: settings, model: context.config.model, seed: context.run.seed(for: "\(method.rawValue)-fit"),
            externalStore: context.externalStore, try splits.train.features.matrix(), labels: splits.train.labels, groups: splits.train.groups,
            groupNames: splits.groupNames, featureNames: splits.train.features.names)
        var rng = context.run.generator("\(method.rawValue)-apply")
        func predictions(_ split: EncodedSplit) throws -> Predictions {
            let X = try split.features.matrix()
            let scores = try fitted.scores(X, groups: split.groups)
            let decisions = try fitted.decisions(X, groups: split.groups, threshold: context.config.model.threshold, rng: &rng)
            return split.predictions.with(decisions: decisions, scores: .some(scores))
        }
        let validation = try predictions(splits.validation)
        let test = try predictions(splits.test)
        return MitigationOutcome(artefact: try CanonicalJSON.data(fitted), validation: validation, test: test)
    }
}
