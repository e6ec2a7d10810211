import Foundation

/// `model.type: external` in the pipeline: the feature tables the commands see, the train
/// stage's fit, and loading the fitted model back for scoring.
public enum ExternalTraining {
    /// The folder, beside `model.json`, that holds the external model's own files.
    public static let modelFolder = "external"

    /// The columns an external model sees for `table`: the encoded features, or the
    /// split's own feature columns (`features: raw`).
    static func features(
        _ table: Table, encoded: EncodedFeatures, schema: DatasetSchema, mode: ExternalFeatures
    ) throws -> Table {
        switch mode {
        case .encoded: return try ExternalRunner.table(try encoded.matrix(), names: encoded.names)
        case .raw: return try table.selectingColumns(schema.features)
        }
    }

    /// A trainer that keeps the fitted folder under `name` in the run's output folder, each
    /// file written atomically and recorded as an output of the stage.
    static func trainer(_ config: ExternalModelConfig, run: StageRun, folder name: String) -> ExternalTrainer {
        ExternalTrainer(config: config) { folder, files in
            for file in files.keys.sorted() {
                let path = folder.appendingPathComponent(file).path
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw FileError.unreadable(path: path, reason: "a file the external fit wrote vanished")
                }
                try run.write(data, to: "\(name)/\(file)")
            }
            return (URL(fileURLWithPath: run.path(name)), name)
        }
    }

    /// train: fits the external model on the training split (the validation split is
    /// offered for early stopping), with unit weights. Records the repository files the
    /// commands name as inputs.
    static func fit(
        _ config: PipelineConfig, dataset: DatasetFolder, run: StageRun, log: ProgressLog
    ) throws -> ExternalModel {
        let external = config.model.external
        let schema = try dataset.schema(recordingIn: run)
        let encoding = try dataset.encoding(recordingIn: run)
        func split(_ name: SplitName) throws -> (Table, [UInt8]) {
            let table = try dataset.table(name, schema: schema, recordingIn: run)
            let labels = try table.binaryColumn(schema.label, path: dataset.file(name.fileName))
            return (
                try features(table, encoded: try encoding.apply(to: table), schema: schema, mode: external.features),
                labels
            )
        }
        let (train, labels) = try split(.train)
        let validation = try split(.validation)
        for file in external.repositoryFiles(root: run.root) {
            run.recordInput(URL(fileURLWithPath: run.root).appendingPathComponent(file).path)
        }
        log.info(
            "fitting the external model on \(train.rowCount) × \(train.columns.count) (\(external.features.rawValue) features): \(external.fitCommand.display)"
        )
        let model = try trainer(external, run: run, folder: modelFolder)
            .fit(train: train, labels: labels, weights: nil, validation: validation, root: run.root)
        log.info("the fit wrote \(model.files.count) file\(model.files.count == 1 ? "" : "s") into \(modelFolder)/")
        return model
    }

    /// Reads an external model record and locates its folder beside `model.json`, checking
    /// every file against the SHA-256 train recorded and recording it as an input.
    public static func locate(_ model: ExternalModel, modelFolder: String, run: StageRun) throws -> ExternalModel {
        var located = model
        located.directory = URL(fileURLWithPath: modelFolder).appendingPathComponent(model.folder)
        for path in try located.verifiedFiles() { run.recordInput(path) }
        for file in model.commandFiles.keys.sorted() {
            run.recordInput(URL(fileURLWithPath: run.root).appendingPathComponent(file).path)
        }
        return located
    }

    /// Scores a split with a located external model.
    static func score(
        _ model: ExternalModel, table: Table, encoded: EncodedFeatures, schema: DatasetSchema
    ) throws -> [Double] {
        try model.predictProbability(
            features: try features(table, encoded: encoded, schema: schema, mode: model.features))
    }
}

/// Keeps the model folders of repeated external fits (a mitigation's oracle calls) in the
/// stage's output folder, numbered in call order (`oracle/fit-0001`, …), each file written
/// atomically and recorded as an output. A class: every fit of one stage run appends to it;
/// the lock makes that safe if fits ever run concurrently (numbers then follow call order).
public final class ExternalModelStore: @unchecked Sendable {
    private let run: StageRun
    private let prefix: String
    private let lock = NSLock()
    private var count = 0

    public init(run: StageRun, prefix: String = "oracle") {
        self.run = run
        self.prefix = prefix
    }

    /// The repository root of the stage run (commands name files relative to it).
    public var root: String { run.root }

    /// Copies `folder` (its `files`) to the next numbered folder; returns where it now is and
    /// its path relative to the output folder.
    func keep(_ folder: URL, files: [String: String]) throws -> (url: URL, relative: String) {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        let name = "\(prefix)/fit-\(String(format: "%04d", count))"
        for file in files.keys.sorted() {
            let path = folder.appendingPathComponent(file).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw FileError.unreadable(path: path, reason: "a file the external fit wrote vanished")
            }
            try run.write(data, to: "\(name)/\(file)")
        }
        return (URL(fileURLWithPath: run.path(name)), name)
    }

    /// A trainer whose fits land in this store.
    func trainer(_ config: ExternalModelConfig) -> ExternalTrainer {
        ExternalTrainer(config: config) { [self] folder, files in try keep(folder, files: files) }
    }
}
