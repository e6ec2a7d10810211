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
        try ThreadSetting.check()
        let threads = ParallelMap.threadCount
        let context = try MitigationContext(
            config: config, run: run, dataset: dataset, evaluationFolder: evaluationFolder)
        let method = config.mitigation.method
        log.info("\(method.rawValue) (\(method.kind.rawValue)), target \(config.mitigation.target.rawValue)")

        let outcome = try fit(config.mitigation, context: context)
        if let pooling = context.poolingSummary { log.warning(pooling) }
        try run.write(outcome.artefact, to: "\(method.rawValue).json")
        for file in outcome.extraFiles { try run.write(file.data, to: file.name) }
        try run.write(try outcome.test.csvData(), to: predictionsFile)
        try run.write(try outcome.validation.csvData(), to: validationPredictionsFile)

        let curve = try tradeoffCurve(context: context, configured: outcome, threads: threads, log: log)
        try run.write(try curve.jsonData(), to: tradeoffFile)

        let baseline = URL(fileURLWithPath: evaluationFolder).appendingPathComponent(EvaluateStage.metricsFile).path
        let metrics = try MetricsReport.decode(try run.readInput(baseline), path: baseline)
        try run.write(
            try Recommendations.rank(failedGates: metrics, mitigation: config.mitigation).jsonData(),
            to: recommendationsFile)
    }

    /// Fits the configured method once with `settings` (the configuration, or one trade-off
    /// point's copy of it with the strength knob set).
    static func fit(_ settings: MitigationConfig, context: MitigationContext) throws -> MitigationOutcome {
        try settings.method.technique.fit(config: settings, context: context)
    }

    /// Accuracy against the target disparity on test, with bootstrap intervals, at each
    /// strength (`mitigation.strengths`, or the method's default sweep). A method without a
    /// strength knob gives one point, the configured fit (recorded at strength 0).
    /// A strength that gives exactly the configured settings reuses `configured` instead
    /// of fitting again (fits can be expensive: adversarial debiasing, reductions).
    ///
    /// The strengths are independent, so they are fitted on up to `threads` threads and
    /// combined in strength order; each point's seed depends on its index only, so the curve's
    /// bytes do not depend on `threads`. The configured fit has already filled the context's
    /// lazy caches (splits, external store), so the fits only read it. An external model stays
    /// on one thread: its store numbers the refits' folders in call order.
    static func tradeoffCurve(
        context: MitigationContext, configured: MitigationOutcome, threads: Int, log: ProgressLog
    ) throws -> TradeoffCurve {
        let settings = context.config.mitigation
        let technique = settings.method.technique
        let strengths = tradeoffStrengths(settings, log: log)
        let metric = MitigationStrength.disparityMetric(for: settings.target)
        let attributeName = context.validation.attributes.map(\.name).joined(separator: "&")
        let pointSettings = strengths.map { strength in
            var copy = settings
            technique.apply(strength: strength, to: &copy)
            return copy
        }
        // Only points that need a fit share the cores; one fit alone keeps every core for its
        // own parallel loops (gradient boosting's histograms, the oracle's Newton steps).
        let fits = pointSettings.filter { $0 != settings }.count
        let workers = context.config.model.type == .external ? 1 : min(threads, max(fits, 1))
        if fits > 0 { log.info("trade-off curve: \(fits) fit(s) on \(workers) thread(s)") }
        let points = try ParallelMap.map(strengths.count, threads: workers) { index in
            let outcome =
                pointSettings[index] == settings ? configured : try fit(pointSettings[index], context: context)
            return try tradeoffPoint(
                outcome, strength: strengths[index], metric: metric, attribute: attributeName, context: context,
                seed: context.run.seed(for: "tradeoff-\(index)"))
        }
        for (strength, point) in zip(strengths, points) {
            let accuracy = ReportNumber.significant(point.accuracy.value)
            let disparity = ReportNumber.significant(point.disparity.value)
            log.info(
                "trade-off \(technique.strengthKey ?? "strength")=\(NumberFormat.string(strength)): accuracy \(accuracy), \(metric) \(disparity)"
            )
        }
        return TradeoffCurve(
            method: settings.method.rawValue, target: settings.target.rawValue,
            parameter: technique.strengthKey, disparityMetric: metric, attribute: attributeName, points: points)
    }

    /// `mitigation.strengths`, or the method's default sweep; `[0]` (one point) for a method
    /// without a strength knob.
    static func tradeoffStrengths(_ settings: MitigationConfig, log: ProgressLog) -> [Double] {
        if let knob = settings.method.technique.defaultSweep { return settings.strengths ?? knob }
        if settings.strengths != nil {
            log.info(
                "\(settings.method.rawValue) has no strength knob: mitigation.strengths is not used, the trade-off curve is one point"
            )
        }
        return [0]
    }

    /// Accuracy and the target disparity of one fit on test, with bootstrap intervals.
    static func tradeoffPoint(
        _ outcome: MitigationOutcome, strength: Double, metric: String, attribute: String, context: MitigationContext,
        seed: UInt64
    ) throws -> TradeoffCurve.Point {
        let report = try evaluateFairness(outcome.test.predictionSet(), config: context.config.fairness, seed: seed)
        let measured = report.attributes.last { $0.name == attribute } ?? report.attributes.first
        let disparity = measured?.disparities[metric]
        return TradeoffCurve.Point(
            strength: strength,
            accuracy: TradeoffCurve.Estimate(
                value: report.overall["accuracy"]?.value, ci: report.overall["accuracy"]?.ci),
            disparity: TradeoffCurve.Estimate(value: disparity?.value, ci: disparity?.ci),
            gates: report.gates)
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
        /// The fit's `fairness.thresholds` gates on test, as evaluate judges them, so the
        /// report can pick the setting that the verdict's gates favour (absent in older files).
        public var gates: [GateResult]? = nil
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

    /// Verbatim wire names, so each point's gates keep ``GateResult``'s own keys (`judge_by`).
    public static var keysAreVerbatim: Bool { true }

    enum CodingKeys: String, CodingKey {
        case method, target, parameter, attribute, points
        case schemaVersion = "schema_version"
        case disparityMetric = "disparity_metric"
    }
}

/// The disparity each fairness target constrains, as the trade-off curve measures it.
enum MitigationStrength {
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
