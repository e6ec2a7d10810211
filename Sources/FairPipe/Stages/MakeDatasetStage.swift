import Foundation

/// make-dataset: load or generate the data, split it stratified by label × group, fit
/// the feature encoding on train, audit the data, write the splits, the encoding, the
/// schema and `audit.json`.
public enum MakeDatasetStage {
    /// The data audit's file name.
    public static let auditFile = "audit.json"

    public static func run(
        _ config: PipelineConfig, run: StageRun, log: ProgressLog, downloader: Downloader? = nil
    ) throws {
        // A benchmark's defaults fill the label, sensitive attributes and features left unset.
        let data = config.data.resolved
        if data.source == .csv, let path = data.path { run.recordInput(path) }
        let dataset = try DatasetLoader.load(
            data, seed: run.seed(for: "synthetic"), root: run.root, downloader: downloader ?? Downloader(log: log))
        if data.source.benchmark != nil { dataset.inputFiles.forEach(run.recordInput) }
        log.info(
            "loaded \(dataset.table.rowCount) rows from \(dataset.source)"
                + (dataset.droppedRows > 0 ? " (\(dataset.droppedRows) dropped for missing values)" : ""))
        let splits = try dataset.split(data.split, seed: run.seed(for: "split"))
        if splits.indices.pooledStrata > 0 {
            let keys = ([dataset.label] + dataset.sensitive).joined(separator: " × ")
            log.warning(
                "split: \(splits.indices.pooledStrata) of \(splits.indices.strata) strata (\(keys)) are too small to split "
                    + "\(percentages(data.split)); their \(splits.indices.pooledRows) rows are split as one pool per label so the splits keep those fractions"
            )
        }
        let encoding = try FeatureEncoding.fit(train: splits.train, features: dataset.features, missing: data.missing)

        var types: [String: ColumnType] = [:]
        for column in dataset.table.columns where column.name != "row_id" && column.name != dataset.label {
            types[column.name] = column.type
        }
        let schema = DatasetSchema(
            label: dataset.label, positive: data.label.positive, sensitive: dataset.sensitive,
            features: dataset.features, types: types, source: dataset.source,
            rows: [
                "train": splits.train.rowCount, "validation": splits.validation.rowCount,
                "test": splits.test.rowCount, "dropped": dataset.droppedRows,
            ])
        // The audit runs before anything is written: a failing audit leaves no outputs.
        var audit: AuditReport?
        if data.audit.enabled {
            let report = try DataAudit.run(
                dataset: dataset, train: splits.train, test: splits.test, config: data.audit,
                minGroupSize: config.fairness.minGroupSize)
            for line in report.warningLines(file: auditFile) { log.warning(line) }
            let failures = report.failures(data.audit.failOn)
            if !failures.isEmpty { throw AuditError.failed(findings: failures) }
            audit = report
        }
        for (split, table) in [(SplitName.train, splits.train), (.validation, splits.validation), (.test, splits.test)]
        {
            try run.write(Data(CSVWriter.data(table)), to: split.fileName)
        }
        try run.writeJSON(encoding, to: DatasetFolder.encodingFile)
        try run.writeJSON(schema, to: DatasetFolder.schemaFile)
        if let audit { try run.writeJSON(audit, to: auditFile) }
        log.info(
            "split \(splits.train.rowCount) / \(splits.validation.rowCount) / \(splits.test.rowCount) rows; \(encoding.featureNames.count) encoded features"
        )
    }

    /// `60/20/20`.
    static func percentages(_ split: SplitConfig) -> String {
        [split.train, split.validation, split.test].map { NumberFormat.string(($0 * 100 * 1e6).rounded() / 1e6) }
            .joined(separator: "/")
    }

    /// `make data`'s prefetch (`make-dataset --fetch-only`): downloads and verifies the
    /// files of the configured benchmark source into `data.cache` under `root`, without
    /// parsing, splitting or writing any stage output. Returns the cached paths; `[]` for
    /// `synthetic` and `csv`, which have nothing to fetch.
    @discardableResult
    public static func fetchOnly(
        _ config: PipelineConfig, root: String, log: ProgressLog, downloader: Downloader? = nil
    ) throws -> [String] {
        guard config.data.source.benchmark != nil else {
            log.info("data.source `\(config.data.source.rawValue)` has nothing to download")
            return []
        }
        let paths = try BenchmarkDatasets.fetch(
            config.data.source, config: config.data, root: root, downloader: downloader ?? Downloader(log: log))
        log.info(
            "\(config.data.source.rawValue): \(paths.count) file\(paths.count == 1 ? "" : "s") ready in \(BenchmarkDatasets.cacheFolder(config.data.source, config: config.data, root: root).shown)"
        )
        return paths
    }
}
