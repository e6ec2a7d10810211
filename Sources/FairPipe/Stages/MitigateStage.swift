import Foundation

/// What one fit of a mitigation method produced.
struct MitigationOutcome {
    /// The fitted mitigator as JSON (thresholds, mixing rates, repair, weights table, …).
    var artefact: Data
    /// Further files: `sample_weights.csv`, the retrained `model.json`.
    var extraFiles: [(name: String, data: Data)] = []
    var validation: Predictions
    var test: Predictions
}

/// mitigate: fit the configured method (post-processing on validation; pre- and
/// in-processing on train), apply it to validation and test, write the mitigator and its
/// predictions, a trade-off curve over strengths and ranked recommendations.
public enum MitigateStage {
    public static let predictionsFile = EvaluateStage.predictionsFile
    public static let validationPredictionsFile = EvaluateStage.validationPredictionsFile
    public static let tradeoffFile = "tradeoff.json"
    public static let recommendationsFile = "recommendations.json"

    public static func run(
        _ config: PipelineConfig, dataset: DatasetFolder, modelFolder: String, evaluationFolder: String,
        run: StageRun, log: ProgressLog
    ) throws {
        // The baseline model is part of what the mitigated result derives from.
        run.recordInput(URL(fileURLWithPath: modelFolder).appendingPathComponent(TrainStage.modelFile).path)
        let context = try MitigationContext(config: config, run: run, dataset: dataset, evaluationFolder: evaluationFolder)
        let method = config.mitigation.method
        log.info("\(method.rawValue) (\(method.kind.rawValue)), target \(config.mitigation.target.rawValue)")

        let outcome = try fit(method, strength: nil, context: context)
        try run.write(outcome.artefact, to: "\(method.rawValue).json")
        for file in outcome.extraFiles { try run.write(file.data, to: file.name) }
        try run.write(try outcome.test.csvData(), to: predictionsFile)
        try run.write(try outcome.validation.csvData(), to: validationPredictionsFile)

        let curve = try tradeoffCurve(method, context: context, configured: outcome, log: log)
        try run.write(try curve.jsonData(), to: tradeoffFile)

        let baseline = URL(fileURLWithPath: evaluationFolder).appendingPathComponent(EvaluateStage.metricsFile).path
        let metrics = try MetricsReport.decode(try run.readInput(baseline), path: baseline)
        try run.write(try Recommendations.rank(failedGates: metrics, mitigation: config.mitigation).jsonData(), to: recommendationsFile)
    }

    /// Fits `method` once. `strength` replaces the method's own strength parameter
    /// (see ``MitigationStrength``) for trade-off points; `nil` uses the configuration.
    static func fit(_ method: MitigationMethod, strength: Double?, context: MitigationContext) throws -> MitigationOutcome {
        var settings = context.config.mitigation
        if let strength { MitigationStrength.apply(strength, to: &settings) }
        switch method.kind {
        case .postprocessing:
            return try Postprocessing.fit(method, settings: settings, context: context)
        case .preprocessing:
            return try Preprocessing.fit(method, settings: settings, context: context)
        case .inprocessing:
            return try InprocessingStage.fit(method, settings: settings, context: context)
        }
    }

    /// Accuracy against the target disparity on test, with bootstrap intervals, at each
    /// strength (`mitigation.strengths`, or the method's default sweep).
    /// A strength that gives exactly the configured settings reuses `configured` instead
    /// of fitting again (fits can be expensive: adversarial debiasing, reductions).
    static func tradeoffCurve(
        _ method: MitigationMethod, context: MitigationContext, configured: MitigationOutcome, log: ProgressLog
    ) throws -> TradeoffCurve {
        let settings = context.config.mitigation
        let strengths = settings.strengths ?? MitigationStrength.defaultSweep(for: method)
        let metric = MitigationStrength.disparityMetric(for: settings.target)
        var points: [TradeoffCurve.Point] = []
        for (index, strength) in strengths.enumerated() {
            var pointSettings = settings
            MitigationStrength.apply(strength, to: &pointSettings)
            let outcome = pointSettings == settings ? configured : try fit(method, strength: strength, context: context)
            let report = try evaluateFairness(
                outcome.test.predictionSet(), config: context.config.fairness,
                seed: context.run.seed(for: "tradeoff-\(index)"))
            let attribute = report.attributes.last { $0.name == context.validation.attributes.map(\.name).joined(separator: "&") }
                ?? report.attributes.first
            let disparity = attribute?.disparities[metric]
            points.append(TradeoffCurve.Point(
                strength: strength,
                accuracy: TradeoffCurve.Estimate(value: report.overall["accuracy"]?.value, ci: report.overall["accuracy"]?.ci),
                disparity: TradeoffCurve.Estimate(value: disparity?.value, ci: disparity?.ci)))
            log.info("trade-off \(MitigationStrength.parameterName(for: method) ?? "strength")=\(NumberFormat.string(strength)): accuracy \(ReportNumber.significant(report.overall["accuracy"]?.value)), \(metric) \(ReportNumber.significant(disparity?.value))")
        }
        return TradeoffCurve(
            method: method.rawValue, target: settings.target.rawValue,
            parameter: MitigationStrength.parameterName(for: method), disparityMetric: metric,
            attribute: context.validation.attributes.map(\.name).joined(separator: "&"), points: points)
    }
}

/// `tradeoff.json`: accuracy against the target disparity across method strengths.
public struct TradeoffCurve: Artefact, Equatable {
    public static let currentSchemaVersion = 1

    public struct Estimate: Codable, Equatable, Sendable {
        public var value: Double?
        public var ci: [Double]?
    }

    public struct Point: Codable, Equatable, Sendable {
        public var strength: Double
        public var accuracy: Estimate
        public var disparity: Estimate
    }

    /// Absent in files written before versioning (read as 1).
    public var schemaVersion: Int? = TradeoffCurve.currentSchemaVersion
    public var method: String
    public var target: String
    /// The configuration key the strength sets (`tolerance`, `repair_level`, …); `nil`
    /// for methods without one (a single point).
    public var parameter: String?
    public var disparityMetric: String
    /// The attribute the disparity is measured on (all sensitive attributes combined).
    public var attribute: String
    public var points: [Point]
}

/// How `mitigation.strengths` maps onto each method's own parameter.
enum MitigationStrength {
    static func parameterName(for method: MitigationMethod) -> String? {
        switch method {
        case .groupThresholds: return "tolerance"
        case .rejectOptionClassification: return "roc_bound"
        case .disparateImpactRemover: return "repair_level"
        case .correlationRemover: return "alpha"
        case .exponentiatedGradient: return "eps"
        case .fairLogisticRegression: return "lambda"
        case .prejudiceRemover: return "eta"
        case .adversarialDebiasing: return "adversary_loss_weight"
        case .gridSearch: return "constraint_weight"
        case .thresholdOptimizer, .calibratedEqualizedOdds, .reweighing: return nil
        }
    }

    /// The default sweep when `mitigation.strengths` is unset: a method without a
    /// strength parameter gets the single configured point.
    static func defaultSweep(for method: MitigationMethod) -> [Double] {
        switch method {
        case .groupThresholds: return [0.01, 0.02, 0.05, 0.1, 0.2]
        case .rejectOptionClassification: return [0.01, 0.025, 0.05, 0.1, 0.2]
        case .disparateImpactRemover, .correlationRemover: return [0, 0.25, 0.5, 0.75, 1]
        case .exponentiatedGradient: return [0.005, 0.01, 0.02, 0.05, 0.1]
        case .fairLogisticRegression: return [0, 0.1, 1, 10, 100]
        case .prejudiceRemover: return [0, 1, 5, 25, 100]
        case .adversarialDebiasing: return [0, 0.05, 0.1, 0.5, 1]
        case .gridSearch: return [0, 0.25, 0.5, 0.75, 1]
        case .thresholdOptimizer, .calibratedEqualizedOdds, .reweighing: return [0]
        }
    }

    /// Sets the parameter ``parameterName(for:)`` names; methods without one are unchanged.
    static func apply(_ strength: Double, to settings: inout MitigationConfig) {
        switch settings.method {
        case .groupThresholds: settings.tolerance = strength
        case .rejectOptionClassification: settings.rocBound = strength
        case .disparateImpactRemover: settings.repairLevel = strength
        case .correlationRemover: settings.alpha = strength
        case .exponentiatedGradient: settings.eps = strength
        case .gridSearch: settings.constraintWeight = strength
        case .fairLogisticRegression: settings.lambda = strength
        case .prejudiceRemover: settings.eta = strength
        case .adversarialDebiasing: settings.adversaryLossWeight = strength
        case .thresholdOptimizer, .calibratedEqualizedOdds, .reweighing: break
        }
    }

    /// The between-groups disparity a target constrains.
    static func disparityMetric(for target: FairnessTarget) -> String {
        switch target {
        case .demographicParity: return "demographic_parity_difference"
        case .equalOpportunity, .truePositiveRateParity: return "equal_opportunity_difference"
        case .equalizedOdds: return "equalized_odds_difference"
        case .falsePositiveRateParity: return "false_positive_rate_difference"
        case .errorRateParity: return "error_rate_difference"
        }
    }
}
