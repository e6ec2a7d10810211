import Foundation

/// In-processing in the stage: train the constrained model on the encoded training split
/// and score validation and test with it.
extension InprocessingTechnique {
    static func fit(
        _ settings: Settings, config: MitigationConfig, context: MitigationContext
    ) throws -> MitigationOutcome {
        let splits = try context.splits()
        let fitted = try train(
            settings, target: config.target, model: context.config.model,
            seed: context.run.seed(for: "\(method.rawValue)-fit"), externalStore: context.externalStore,
            encoding: splits.encoding,
            try splits.train.features.matrix(), labels: splits.train.labels, groups: splits.train.groups,
            groupNames: splits.groupNames, featureNames: splits.train.features.names)
        var rng = context.run.generator("\(method.rawValue)-apply")
        func predictions(_ split: EncodedSplit) throws -> Predictions {
            let X = try split.features.matrix()
            let scored = try fitted.scoresAndDecisions(
                X, groups: split.groups, threshold: context.config.model.threshold, rng: &rng)
            return split.predictions.with(decisions: scored.decisions, scores: .some(scored.scores))
        }
        let validation = try predictions(splits.validation)
        let test = try predictions(splits.test)
        return MitigationOutcome(artefact: try CanonicalJSON.data(fitted), validation: validation, test: test)
    }
}
