import Foundation

/// What post-processing methods share: fitted on the validation split's scores, applied to
/// validation and test. Randomized methods draw from the stage's seeded stream.
enum Postprocessing {
    /// The baseline scores of validation and test; post-processing needs a score column.
    static func scores(
        _ method: MitigationMethod, context: MitigationContext
    ) throws -> (validation: [Double], test: [Double]) {
        guard let validation = context.validation.scores, let test = context.test.scores else {
            throw MitigationError.invalidParameter(
                method: method.rawValue, name: "scores", expected: "predictions with a score column",
                found: "decisions only")
        }
        return (validation, test)
    }

    /// Fits `processor` on validation and decides validation and test with it.
    static func run<P: Postprocessor>(
        _ processor: P, method: MitigationMethod, context: MitigationContext
    ) throws -> MitigationOutcome {
        let scores = try scores(method, context: context)
        let validation = context.validation, test = context.test
        let fitted = try processor.fit(
            scores: scores.validation, labels: validation.labels, groups: context.validationGroups,
            groupNames: context.groupNames)
        var rng = context.run.generator("\(method.rawValue)-apply")
        let validationDecisions = try fitted.apply(
            scores: scores.validation, groups: context.validationGroups, rng: &rng)
        let testDecisions = try fitted.apply(scores: scores.test, groups: context.testGroups, rng: &rng)
        return MitigationOutcome(
            artefact: try CanonicalJSON.data(fitted),
            validation: validation.with(decisions: validationDecisions),
            test: test.with(decisions: testDecisions))
    }
}
