import Foundation
import Testing
@testable import FairPipe

@Suite struct MitigationConfigTests {
    @Test func defaultsAreValid() throws {
        let config = MitigationConfig()
        #expect(config.method == .groupThresholds)
        #expect(config.target == .demographicParity)
        #expect(config.tolerance == 0.02)
        try config.validate()
    }

    @Test func rawValuesAreSnakeCase() {
        #expect(MitigationMethod.allCases.map(\.rawValue) == [
            "group_thresholds", "threshold_optimizer", "reject_option_classification", "calibrated_equalized_odds",
            "reweighing", "disparate_impact_remover", "correlation_remover", "exponentiated_gradient", "grid_search",
            "fair_logistic_regression", "prejudice_remover", "adversarial_debiasing",
        ])
        #expect(FairnessTarget.allCases.map(\.rawValue) == [
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
        config.costConstraint = .fpr
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
        config.tolerance = tolerance
        #expect(throws: ConfigError.invalidValue(key: "tolerance", expected: "a number in (0, 1)", found: "\(tolerance)")) {
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
        config.repairLevel = 1.5
        #expect(throws: ConfigError.self) { try config.validate() }
        config = MitigationConfig()
        config.alpha = -1
        #expect(throws: ConfigError.self) { try config.validate() }
        config = MitigationConfig()
        config.gridSize = 0
        #expect(throws: ConfigError.self) { try config.validate() }
        config = MitigationConfig()
        config.strengths = []
        #expect(throws: ConfigError.self) { try config.validate() }
    }

    @Test func decodesFromSnakeCaseKeysWithDefaults() throws {
        let json = #"{"method": "threshold_optimizer", "target": "equalized_odds", "grid_size": 200, "sensitive_at_inference": true}"#
        // The lead's loader fills missing keys from init(); emulate it by merging with the defaults.
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var merged = try JSONSerialization.jsonObject(with: encoder.encode(MitigationConfig())) as? [String: Any] ?? [:]
        for (key, value) in try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:] { merged[key] = value }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let config = try decoder.decode(MitigationConfig.self, from: JSONSerialization.data(withJSONObject: merged))
        #expect(config.method == .thresholdOptimizer)
        #expect(config.target == .equalizedOdds)
        #expect(config.gridSize == 200)
        try config.validate()
    }
}
