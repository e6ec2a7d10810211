import Foundation

/// evaluate: score a split with the trained model (or read any model's predictions),
/// and measure fairness: `metrics.json`, `junit.xml`, `summary.md`, the predictions.
public enum EvaluateStage {
    public static let metricsFile = "metrics.json"
    public static let curvesFile = "curves.json"
    public static let predictionsFile = "predictions.csv"
    public static let validationPredictionsFile = "predictions_validation.csv"

    /// Where the predictions come from.
    public enum Source {
        /// The pipeline's own model on the dataset's validation and test splits.
        case model(dataset: DatasetFolder, modelFolder: String)
        /// A predictions CSV from any model (`--preds`).
        case predictions(path: String, columns: PredictionColumns)
        /// Shard statistics of `evaluate --stats-only` (`--merge`), read with the same column flags.
        case merge(paths: [String], columns: PredictionColumns)
    }

    /// Runs the stage. Returns `.gateFailed` when a gate fails and `failOnViolation`. With
    /// `statsOnly` (predictions only), writes the shard statistics ``statisticsFile`` instead of metrics.
    public static func run(
        _ config: PipelineConfig, source: Source, failOnViolation: Bool, statsOnly: Bool = false, run: StageRun,
        log: ProgressLog
    ) throws -> ExitStatus {
        switch source {
        case .model(let dataset, let modelFolder):
            let schema = try dataset.schema(recordingIn: run)
            let encoding = try dataset.encoding(recordingIn: run)
            let model = try TrainStage.readModel(from: modelFolder, run: run)
            var scored: [SplitName: (Predictions, EncodedFeatures)] = [:]
            for split in [SplitName.validation, .test] {
                let table = try dataset.table(split, schema: schema, recordingIn: run)
                let encoded = try encoding.apply(to: table)
                let predictions = try score(
                    table, encoded: encoded, model: model, schema: schema,
                    threshold: config.model.threshold, path: dataset.file(split.fileName))
                try run.write(
                    try predictions.csvData(), to: split == .test ? predictionsFile : validationPredictionsFile)
                scored[split] = (predictions, encoded)
            }
            guard let (test, encoded) = scored[.test] else { return .internalError }
            let features = FeatureMatrix(rows: encoded.rows, columns: encoded.cols, values: encoded.values)
            return try measure(
                test, features: features, config: config, failOnViolation: failOnViolation, run: run, log: log)
        case .predictions(let path, let columns):
            // Streamed: the rows are folded chunk by chunk into statistics, never held.
            let audit = try streamedStatistics(path: path, columns: columns, config: config)
            run.recordInput(path)
            log.info("read \(audit.rows) predictions from \(path)")
            if statsOnly {
                try run.write(try audit.jsonData(), to: statisticsFile)
                log.info("wrote the statistics of \(audit.rows) rows (\(audit.cells.count) cells)")
                return .success
            }
            return try measure(audit, config: config, failOnViolation: failOnViolation, run: run, log: log)
        case .merge(let paths, let columns):
            let audit = try mergeShards(paths, columns: columns, config: config, run: run)
            log.info("merged \(paths.count) shards: \(audit.rows) rows")
            return try measure(audit, config: config, failOnViolation: failOnViolation, run: run, log: log)
        }
    }

    /// The model's scores and thresholded decisions for one split.
    static func score(
        _ table: Table, encoded: EncodedFeatures, model: TrainedModel, schema: DatasetSchema, threshold: Double,
        path: String
    ) throws -> Predictions {
        let scores: [Double]
        if case .external(let external) = model {
            // Raw features (`model.external.features: raw`) come from the table itself.
            scores = try ExternalTraining.score(external, table: table, encoded: encoded, schema: schema)
        } else {
            scores = try model.predictProbability(try encoded.matrix())
        }
        let labels = try table.binaryColumn(schema.label, path: path)
        let attributes = try schema.sensitive.map { try table.sensitiveColumn($0, path: path) }
        guard case .numeric(let ids)? = table["row_id"]?.values else {
            throw DataError.badRowID(path: path, reason: "no numeric row_id column")
        }
        return Predictions(
            rowIDs: ids, attributes: attributes, labels: labels, scores: scores,
            decisions: scores.map { $0 >= threshold ? 1 : 0 })
    }

    static func measure(
        _ predictions: Predictions, features: FeatureMatrix?, config: PipelineConfig, failOnViolation: Bool,
        run: StageRun, log: ProgressLog
    ) throws -> ExitStatus {
        let evaluation = try evaluateFairnessAndCurves(
            predictions.predictionSet(features: features), config: config.fairness, seed: run.seed(for: "bootstrap"))
        return try publish(
            evaluation, rows: predictions.count, config: config, failOnViolation: failOnViolation, run: run, log: log)
    }

    /// The metrics of statistics (a predictions CSV, or merged shards).
    static func measure(
        _ audit: AuditStatistics, config: PipelineConfig, failOnViolation: Bool, run: StageRun, log: ProgressLog
    ) throws -> ExitStatus {
        let evaluation = try evaluateFairnessAndCurves(audit, config: config.fairness, seed: run.seed(for: "bootstrap"))
        return try publish(
            evaluation, rows: audit.rows, config: config, failOnViolation: failOnViolation, run: run, log: log)
    }

    /// Writes metrics.json, curves.json, JUnit and Markdown, and logs warnings and gates.
    static func publish(
        _ evaluation: (metrics: MetricsReport, curves: CurvesReport?), rows: Int, config: PipelineConfig,
        failOnViolation: Bool, run: StageRun, log: ProgressLog
    ) throws -> ExitStatus {
        // Reference and gate keys were checked against the audited attributes when the
        // config loaded (PipelineConfig.validateAcrossSections(auditing:)).
        let fairness = config.fairness
        let (report, curves) = evaluation
        try run.write(try report.jsonData(), to: metricsFile)
        if let curves { try run.write(try curves.jsonData(), to: curvesFile) }
        // The report stage's renderers, on this evaluation alone (the one JUnit and Markdown renderer).
        let summary = ReportInputs(metrics: report)
        let style = ReportConfig()
        try run.write(renderJUnit(summary, config: style), to: ReportWriter.fileName(.junit))
        try run.write(renderMarkdown(summary, config: style), to: ReportWriter.fileName(.markdown))
        for attribute in report.attributes {
            for warning in attribute.warnings { log.warning("\(attribute.name): \(warning)") }
        }
        if let skipped = report.skippedIntersections, !skipped.isEmpty {
            log.warning(
                skipped.count == 1
                    ? skipped[0].message
                    : "\(skipped.count) intersections skipped (\(skipped.map(\.name).joined(separator: ", "))): more combinations than fairness.max_groups = \(fairness.maxGroups)"
            )
        }
        if failOnViolation && report.gates.isEmpty {
            log.warning(
                "--fail-on-violation: no gate is configured (fairness.thresholds is empty), so nothing can fail")
        }
        let failed = report.gates.filter { !$0.passed }
        log.info("\(rows) rows; \(report.gates.count) gates, \(failed.count) failed")
        for gate in failed { log.warning("gate failed: \(gate.message)") }
        return failOnViolation && !report.passed ? .gateFailed : .success
    }
}
