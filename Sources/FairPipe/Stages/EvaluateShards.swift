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

    /// The statistics of a predictions CSV read in record-aligned chunks of `chunkBytes`, each
    /// folded into the total and dropped: memory is one chunk plus the statistics, whatever the
    /// file size. Errors name the file and line as a whole-file read does; label classes are
    /// checked over the whole file.
    static func streamedStatistics(
        path: String, columns: PredictionColumns, config: PipelineConfig, chunkBytes: Int = 32 << 20
    ) throws -> AuditStatistics {
        var options = Predictions.readOptions(columns)
        options.columns = try usedColumns(path: path, columns: columns)
        var reader = try CSVChunkReader(path: path, options: options, chunkBytes: chunkBytes)
        var total: AuditStatistics?
        while let table = try reader.next() {
            let chunk = try chunkStatistics(
                table, firstLine: reader.firstLine, path: path, columns: columns, config: config)
            guard let sofar = total else {
                total = chunk
                continue
            }
            let parts = [(path: path, statistics: sofar), (path: path, statistics: chunk)]
            try checkLabelClasses(parts, column: columns.label, positive: columns.positive)
            total = AuditStatistics.merged([sofar, chunk])
        }
        guard let total else { throw MetricsError.noRows }
        return total
    }

    /// The columns an audit reads (others are tokenised, not converted), in header order; nil
    /// (all) when a required one is missing, so that error lists every column as it always has.
    static func usedColumns(path: String, columns spec: PredictionColumns) throws -> [String]? {
        let header = try CSVChunkReader(path: path, options: CSVReadOptions(), chunkBytes: 1 << 16).header
        let required = [spec.label] + spec.sensitive + [spec.score, spec.decision].compactMap { $0 }
        guard required.allSatisfy(header.contains) else { return nil }
        var used = Set(required + ["score", "decision"])
        return header.filter { used.remove($0) != nil }
    }

    /// One chunk's statistics; errors carry file lines (the chunk's rows start at `firstLine`).
    static func chunkStatistics(
        _ table: Table, firstLine: Int, path: String, columns: PredictionColumns, config: PipelineConfig
    ) throws -> AuditStatistics {
        do {
            let predictions = try Predictions.read(table: table, path: path, columns: columns)
            try predictions.predictionSet().validate()
            return statistics(predictions, columns: columns, config: config)
        } catch let error as PredictionsError {
            throw error.shifted(lines: firstLine - 2)
        }
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
            let statistics = try AuditStatistics.decode(try run.readInput(path), path: path)
            try statistics.validate(path: path)
            return (path: path, statistics: statistics)
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
