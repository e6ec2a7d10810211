import Foundation
import Testing

@testable import FairPipe

@Suite struct MitigationConfigTests {
    @Test func defaultsAreValid() throws {
        let config = MitigationConfig()
        #expect(config.method == .groupThresholds)
        #expect(config.target == .demographicParity)
        #expect(config.groupThresholds.tolerance == 0.02)
        try config.validate()
    }

    @Test func rawValuesAreSnakeCase() {
        #expect(
            MitigationMethod.allCases.map(\.rawValue) == [
                "group_thresholds", "threshold_optimizer", "reject_option_classification", "calibrated_equalized_odds",
                "reweighing", "disparate_impact_remover", "correlation_remover", "exponentiated_gradient",
                "grid_search",
                "fair_logistic_regression", "prejudice_remover", "adversarial_debiasing",
            ])
        #expect(
            FairnessTarget.allCases.map(\.rawValue) == [
                "demographic_parity", "equal_opportunity", "equalized_odds", "true_positive_rate_parity",
                "false_positive_rate_parity", "error_rate_parity",
            ])
    }

    @Test func calibratedEqualizedOddsRejectsDemographicParity() {
        var config = MitigationConfig()
        config.method = .calibratedEqualizedOdds
        #expect {
            try config.validate()
        } throws: { error in
            guard case ConfigError.inconsistent(let key, let message, _) = error else { return false }
            return key == "target" && message.contains("equalized_odds")
        }
        config.target = .equalizedOdds
        #expect(throws: Never.self) { try config.validate() }
        config.calibratedEqualizedOdds.costConstraint = .fpr
        #expect(throws: ConfigError.self) { try config.validate() }
        config.target = .falsePositiveRateParity
        #expect(throws: Never.self) { try config.validate() }
    }

    @Test func unsupportedConstraintIsRejected() {
        var config = MitigationConfig()
        config.method = .thresholdOptimizer
        config.target = .errorRateParity
        #expect(throws: ConfigError.self) { try config.validate() }
    }

    @Test(arguments: [0.0, 1.0, -0.1, 2])
    func toleranceOutsideOpenUnitIntervalIsRejected(tolerance: Double) {
        var config = MitigationConfig()
        config.groupThresholds.tolerance = tolerance
        #expect(
            throws: ConfigError.invalidValue(
                key: "group_thresholds.tolerance", expected: "a number in (0, 1)", found: "\(tolerance)")
        ) {
            try config.validate()
        }
    }

    @Test func methodsNeedWhatTheyUse() {
        var post = MitigationConfig()
        post.sensitiveAtInference = false
        #expect(throws: ConfigError.self) { try post.validate() }
        post.method = .reweighing
        #expect(throws: Never.self) { try post.validate() }
        post.retrainAllowed = false
        #expect(throws: ConfigError.self) { try post.validate() }
    }

    @Test func rangesAreChecked() {
        var config = MitigationConfig()
        config.disparateImpactRemover.repairLevel = 1.5
        #expect(throws: ConfigError.self) { try config.validate() }
        config = MitigationConfig()
        config.correlationRemover.alpha = -1
        #expect(throws: ConfigError.self) { try config.validate() }
        config = MitigationConfig()
        config.thresholdOptimizer.gridSize = 0
        #expect(throws: ConfigError.self) { try config.validate() }
        config = MitigationConfig()
        config.strengths = []
        #expect(throws: ConfigError.self) { try config.validate() }
    }

    static func load(_ yaml: String, _ overrides: [String] = []) throws -> PipelineConfig {
        try ConfigLoader(environment: [:]).load(PipelineConfig.self, yaml: yaml, origin: "t.yml", overrides: overrides)
            .value
    }

    @Test func eachMethodReadsItsOwnSubSection() throws {
        let config = try Self.load(
            """
            mitigation:
              method: threshold_optimizer
              target: equalized_odds
              threshold_optimizer: {grid_size: 200}
              grid_search: {grid_size: 7}
            """)
        #expect(config.mitigation.method == .thresholdOptimizer)
        #expect(config.mitigation.thresholdOptimizer.gridSize == 200)
        #expect(config.mitigation.thresholdOptimizer.objective == .accuracyScore)
        #expect(config.mitigation.gridSearch.gridSize == 7)
    }

    @Test(arguments: [
        ("tolerance", "mitigation.group_thresholds.tolerance"),
        ("grid_size", "mitigation.threshold_optimizer.grid_size"),
        ("search_grid_size", "mitigation.grid_search.grid_size"),
        ("roc_bound", "mitigation.reject_option_classification.bound"),
        (
            "difference_bound",
            "mitigation.exponentiated_gradient.difference_bound` or `mitigation.grid_search.difference_bound"
        ),
    ])
    func oldFlatKeyPointsAtItsNewPath(old: String, new: String) {
        #expect {
            try Self.load("mitigation: {\(old): 0.05}")
        } throws: { error in
            guard case ConfigError.unknownKey(let key, _, let suggestion) = error else { return false }
            return key == "mitigation.\(old)" && suggestion == new
        }
    }

    @Test func reweighingCannotAimAtEqualizedOdds() {
        #expect {
            try Self.load("mitigation: {method: reweighing, target: equalized_odds}")
        } throws: { error in
            guard case ConfigError.inconsistent(let key, let message, _) = error else { return false }
            return key == "mitigation.target" && message.contains("demographic_parity")
        }
    }

    @Test func badValueInAnotherMethodsSubSectionNamesItsPath() {
        #expect {
            try Self.load("mitigation: {method: group_thresholds, disparate_impact_remover: {repair_level: 2}}")
        } throws: { error in
            guard case ConfigError.invalidValue(let key, _, _, let source) = error else { return false }
            return key == "mitigation.disparate_impact_remover.repair_level" && source != .defaults
        }
    }

    @Test(arguments: MitigationMethod.allCases)
    func everyMethodDeclaresWhatItIs(method: MitigationMethod) throws {
        let technique = method.technique
        #expect(technique.method == method)
        #expect((technique is any PostprocessingTechnique.Type) == (method.kind == .postprocessing))
        #expect((technique is any InprocessingTechnique.Type) == (method.kind == .inprocessing))
        #expect(!method.supportedTargets.isEmpty)
        #expect(method.supportedModels.supports(.logisticRegression))
        if let key = method.strengthKey {
            #expect(technique.settingsKeys.contains(key), "\(method): strength key \(key) is not in its sub-section")
            #expect(technique.defaultSweep?.isEmpty == false)
            var config = MitigationConfig()
            config.method = method
            technique.apply(strength: 0.123, to: &config)
            #expect(config != MitigationConfig() || method == .groupThresholds)
        }
        #expect(method.reads("method") && method.reads("\(method.rawValue).anything"))
        #expect(method.reads("strengths") == (method.strengthKey != nil))
        for other in MitigationMethod.allCases where other != method {
            #expect(!method.reads("\(other.rawValue).x"))
        }
    }

    @Test func methodsThatReplaceTheModelObjectiveAreLogisticRegressionOnly() {
        for method in [MitigationMethod.fairLogisticRegression, .prejudiceRemover, .adversarialDebiasing] {
            #expect(method.supportedModels == .only([.logisticRegression]))
        }
        for method in MitigationMethod.allCases where method.kind == .postprocessing {
            #expect(method.supportedModels == .anyModel)
        }
        for method in MitigationMethod.allCases where method.kind == .preprocessing {
            #expect(method.supportedModels == .retrainable)
        }
        #expect(MitigationMethod.exponentiatedGradient.supportedModels == .retrainable)
        #expect(MitigationMethod.gridSearch.supportedModels == .retrainable)
    }

    @Test func aLogisticRegressionOnlyMethodIsRefusedForAnotherModel() {
        #expect {
            try Self.load(
                "model: {type: external, external: {fit: [sh, fit.sh, \"{train}\", \"{model_dir}\"], predict: [sh, p.sh, \"{model_dir}\", \"{input}\", \"{output}\"]}}\nmitigation: {method: fair_logistic_regression}"
            )
        } throws: { error in
            guard case ConfigError.inconsistent(let key, let message, _) = error else { return false }
            return key == "mitigation.method" && message.contains("group_thresholds") && message.contains("reweighing")
        }
    }
}
