import Foundation

/// Post-processing methods: fitted on the validation split's scores, applied to
/// validation and test. Randomized methods draw from the stage's seeded stream.
enum Postprocessing {
    static func fit(_ method: MitigationMethod, settings: MitigationConfig, context: MitigationContext) throws -> MitigationOutcome {
        let validation = context.validation, test = context.test
        guard let validationScores = validation.scores, let testScores = test.scores else {
            throw MitigationError.invalidParameter(
                method: method.rawValue, name: "scores", expected: "predictions with a score column",
                found: "decisions only")
        }
        let names = context.groupNames
        func outcome<P: Postprocessor>(_ processor: P) throws -> MitigationOutcome {
            let fitted = try processor.fit(
                scores: validationScores, labels: validation.labels, groups: context.validationGroups, groupNames: names)
            var rng = context.run.generator("\(method.rawValue)-apply")
            let validationDecisions = try fitted.apply(scores: validationScores, groups: context.validationGroups, rng: &rng)
            let testDecisions = try fitted.apply(scores: testScores, groups: context.testGroups, rng: &rng)
            return MitigationOutcome(
                artefact: try CanonicalJSON.data(fitted),
                validation: validation.with(decisions: validationDecisions),
                test: test.with(decisions: testDecisions))
        }
        switch method {
        case .groupThresholds:
            return try outcome(GroupThresholds(target: settings.target, tolerance: settings.tolerance))
        case .thresholdOptimizer:
            return try outcome(ThresholdOptimizer(
                constraint: settings.target, objective: settings.objective, gridSize: settings.gridSize, flip: settings.flip))
        case .rejectOptionClassification:
            guard let metric = RejectOptionMetric(target: settings.target) else {
                throw ConfigError.inconsistent(
                    key: "mitigation.target", message: "reject_option_classification supports demographic_parity, equal_opportunity or equalized_odds")
            }
            return try outcome(RejectOptionClassification(
                metric: metric, privileged: try context.privilegedGroups().combined,
                lowThreshold: settings.rocLowThreshold, highThreshold: settings.rocHighThreshold,
                thresholdCount: settings.rocThresholdCount, marginCount: settings.rocMarginCount,
                metricLower: -settings.rocBound, metricUpper: settings.rocBound))
        case .calibratedEqualizedOdds:
            let processor = CalibratedEqualizedOdds(
                costConstraint: settings.costConstraint, privileged: try context.privilegedGroups().combined,
                decisionThreshold: settings.decisionThreshold)
            let fitted = try processor.fit(
                scores: validationScores, labels: validation.labels, groups: context.validationGroups, groupNames: names)
            var rng = context.run.generator("\(method.rawValue)-apply")
            // The mixed scores are the mitigated scores; decisions threshold them.
            let mixedValidation = try fitted.mixedScores(scores: validationScores, groups: context.validationGroups, rng: &rng)
            let mixedTest = try fitted.mixedScores(scores: testScores, groups: context.testGroups, rng: &rng)
            let threshold = settings.decisionThreshold
            return MitigationOutcome(
                artefact: try CanonicalJSON.data(fitted),
                validation: validation.with(decisions: mixedValidation.map { $0 >= threshold ? 1 : 0 }, scores: .some(mixedValidation)),
                test: test.with(decisions: mixedTest.map { $0 >= threshold ? 1 : 0 }, scores: .some(mixedTest)))
        default:
            throw MitigationError.invalidParameter(
                method: method.rawValue, name: "method", expected: "a post-processing method", found: method.kind.rawValue)
        }
    }
}
