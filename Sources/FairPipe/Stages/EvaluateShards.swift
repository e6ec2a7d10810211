import Foundation

/// Sharded audits: `evaluate --preds shard.csv --stats-only` writes a shard's mergeable
/// statistics; `evaluate --merge S1 S2 …` merges them and writes the metrics a single run over
/// the concatenated shards would write, byte for byte.
extension EvaluateStage {
    public static let statisticsFile = "statistics.json"

    /// The statistics of predictions read from a CSV, with the settings shards must share.
    static func statistics(
        _ predictions: Predictions, columns: PredictionColumns, config: PipelineConfig
    ) -> AuditStatistics {
        var audit = AuditStatistics(
            predictions.predictionSet(), calibrationBins: config.fairness.calibrationBins)
        audit.labelValues = predictions.labelLevels
        audit.settings.labelColumn = columns.label
        audit.settings.scoreColumn = predictions.scores == nil ? nil : (columns.score ?? "score")
        audit.settings.decisionColumn = predictions.decisionColumn
        audit.settings.positive = columns.positive
        audit.settings.threshold = predictions.decisionColumn == nil ? columns.threshold : nil
        return audit
    }

    /// Reads shard statistics (recording each file, so the manifest lists it with its SHA-256)
    /// and merges them, refusing shards made with other settings than the first, sensitive
    /// columns or calibration bins other than this run's, and labels with more than two
    /// classes across shards (a shard alone may hold one class).
    static func mergeShards(
        _ paths: [String], columns: PredictionColumns, config: PipelineConfig, run: StageRun
    )
        throws -> AuditStatistics
    {
        let shards = try paths.map { path in
            (path: path, statistics: try AuditStatistics.decode(try run.readInput(path), path: path))
        }
        guard let first = shards.first else { throw StatisticsMergeError.noShards }
        var expected = first.statistics.settings
        expected.calibrationBins = config.fairness.calibrationBins
        expected.attributes = columns.sensitive
        if first.statistics.hasScores {
            expected.fineBins =
                expected.calibrationBins
                * AuditStatistics.refinement(
                    calibrationBins: expected.calibrationBins)
        }
        try checkLabelClasses(shards, column: expected.labelColumn ?? columns.label, positive: expected.positive)
        return try AuditStatistics.merging(shards, expected: expected)
    }

    /// The union of the shards' label values holds the positive label and at most one other.
    static func checkLabelClasses(
        _ shards: [(path: String, statistics: AuditStatistics)], column: String, positive: String?
    ) throws {
        guard let positive else { return }
        var seen: Set<String> = []
        for shard in shards {
            seen.formUnion(shard.statistics.labelValues)
            let levels = seen.sorted()
            let resolved = Predictions.positiveLabel(positive, levels: levels)
            if levels.filter({ $0 != resolved }).count > 1 {
                throw PredictionsError.labelClasses(path: shard.path, column: column, positive: resolved, found: levels)
            }
        }
    }
}
