/// Ranked mitigation methods for the gates the baseline failed (`recommendations.json`).
public struct Recommendations: Artefact, Equatable {
    public static let currentSchemaVersion = 1

    public struct Item: Codable, Equatable, Sendable {
        public var rank: Int
        public var method: String
        public var target: String
        public var reason: String
    }

    /// Absent in files written before versioning (read as 1).
    public var schemaVersion: Int? = Recommendations.currentSchemaVersion
    /// Why the list is what it is (no gate failed, no gate configured, …).
    public var note: String
    public var failedGates: [String]
    public var recommendations: [Item]

    /// Ranks methods for the baseline's failed gates.
    ///
    /// Rules: a gate's metric names the target it needs (demographic parity, equal
    /// opportunity, equalized odds, FPR or error-rate parity). Methods that support that
    /// target are kept if their needs are met: post-processing needs the sensitive
    /// attribute at decision time (`mitigation.sensitive_at_inference`), pre- and
    /// in-processing need retraining (`mitigation.retrain_allowed`). Order: methods that
    /// optimise the constraint directly and exactly first (post-processing, then the
    /// reductions), then penalised training, then data repair.
    static func rank(failedGates metrics: MetricsReport, mitigation: MitigationConfig) -> Recommendations {
        let gates = metrics.gates
        var failures: [(metric: String, text: String, target: FairnessTarget)] = []
        for gate in gates where !gate.passed {
            guard let target = target(for: gate.metric) else { continue }
            var text = gate.metric
            if let attribute = gate.attribute { text += " on \(attribute)" }
            if let value = gate.value {
                text += " = \(ReportNumber.significant(value))"
                // Name the bound the estimate breaks (a gate judged by its CI may break none).
                if let bound = gate.max, value > bound { text += " > max \(NumberFormat.string(bound))" }
                if let bound = gate.min, value < bound { text += " < min \(NumberFormat.string(bound))" }
            }
            failures.append((gate.metric, text, target))
        }
        guard !failures.isEmpty else {
            let note =
                gates.isEmpty ? "no gates configured (fairness.thresholds); nothing to recommend" : "every gate passed"
            return Recommendations(note: note, failedGates: [], recommendations: [])
        }
        var items: [Item] = []
        var seen: Set<String> = []
        for failure in failures {
            for method in preference where !seen.contains(method.rawValue) {
                guard method.supportedTargets.contains(failure.target) else { continue }
                var needs: String
                switch method.kind {
                case .postprocessing:
                    guard mitigation.sensitiveAtInference else { continue }
                    needs =
                        "adjusts decisions after training, needs the sensitive attribute at decision time (available)"
                case .inprocessing:
                    guard mitigation.retrainAllowed,
                        !method.needsSensitiveAtInference || mitigation.sensitiveAtInference
                    else { continue }
                    needs = "trains a new model under the constraint (retraining allowed)"
                case .preprocessing:
                    guard mitigation.retrainAllowed else { continue }
                    needs = "repairs the training data and retrains; no sensitive attribute needed at decision time"
                }
                seen.insert(method.rawValue)
                items.append(
                    Item(
                        rank: items.count + 1, method: method.rawValue, target: failure.target.rawValue,
                        reason: "\(failure.text): \(method.rawValue) targets \(failure.target.rawValue); \(needs)"))
            }
        }
        let note =
            items.isEmpty
            ? "gates failed, but no method fits the constraints (sensitive_at_inference / retrain_allowed)"
            : "ranked for the failed gates"
        return Recommendations(note: note, failedGates: failures.map(\.text), recommendations: items)
    }

    static let preference: [MitigationMethod] = [
        .thresholdOptimizer, .groupThresholds, .exponentiatedGradient, .gridSearch, .rejectOptionClassification,
        .calibratedEqualizedOdds, .fairLogisticRegression, .adversarialDebiasing, .prejudiceRemover,
        .reweighing, .disparateImpactRemover, .correlationRemover,
    ]

    static func target(for metric: String) -> FairnessTarget? {
        if metric.hasPrefix("demographic_parity") || metric == "statistical_parity_difference"
            || metric == "disparate_impact"
        {
            return .demographicParity
        }
        if metric.hasPrefix("equal_opportunity") || metric.hasPrefix("false_negative_rate") { return .equalOpportunity }
        if metric.hasPrefix("equalized_odds") || metric == "average_odds_difference" { return .equalizedOdds }
        if metric.hasPrefix("false_positive_rate") { return .falsePositiveRateParity }
        if metric.hasPrefix("error_rate") || metric.hasPrefix("accuracy") { return .errorRateParity }
        return nil
    }
}
