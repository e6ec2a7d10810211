import Foundation

/// make-dataset: load or generate the data, split it stratified by label × group, fit
/// the feature encoding on train, write the splits, the encoding and the schema.
public enum MakeDatasetStage {
    public static func run(_ config: PipelineConfig, run: StageRun, log: ProgressLog) throws {
        let data = config.data
        if data.source == .csv, let path = data.path { run.recordInput(path) }
        let dataset = try DatasetLoader.load(data, seed: run.seed(for: "synthetic"))
        log.info("loaded \(dataset.table.rowCount) rows from \(dataset.source)"
            + (dataset.droppedRows > 0 ? " (\(dataset.droppedRows) dropped for missing values)" : ""))
        let splits = try dataset.split(data.split, seed: run.seed(for: "split"))
        let encoding = try FeatureEncoding.fit(train: splits.train, features: dataset.features, missing: data.missing)

        var types: [String: ColumnType] = [:]
        for column in dataset.table.columns where column.name != "row_id" && column.name != dataset.label {
            types[column.name] = column.type
        }
        let schema = DatasetSchema(
            label: dataset.label, positive: data.label.positive, sensitive: dataset.sensitive,
            features: dataset.features, types: types, source: dataset.source,
            rows: ["train": splits.train.rowCount, "validation": splits.validation.rowCount,
                   "test": splits.test.rowCount, "dropped": dataset.droppedRows])
        for (split, table) in [(SplitName.train, splits.train), (.validation, splits.validation), (.test, splits.test)] {
            try run.write(Data(CSVWriter.data(table)), to: split.fileName)
        }
        try run.writeJSON(encoding, to: DatasetFolder.encodingFile)
        try run.writeJSON(schema, to: DatasetFolder.schemaFile)
        log.info("split \(splits.train.rowCount) / \(splits.validation.rowCount) / \(splits.test.rowCount) rows; \(encoding.featureNames.count) encoded features")
    }
}
