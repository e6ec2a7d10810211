import Foundation

/// What an external model's commands see as features.
public enum ExternalFeatures: String, Codable, Equatable, Sendable, CaseIterable {
    /// The encoded matrix every built-in model sees (standardised numerics, one-hot levels),
    /// one column per encoded feature.
    case encoded
    /// The split's feature columns as make-dataset wrote them (text levels, raw numbers):
    /// for models with their own preprocessing (a scikit-learn Pipeline, CatBoost).
    case raw
}

/// `model.external`: the command contract of a model trained and run by another program.
///
/// ```yaml
/// model:
///   type: external
///   external:
///     fit: [python3, examples/sklearn_model.py, fit, "{train}", "{validation}", "{weights}", "{model_dir}"]
///     predict: [python3, examples/sklearn_model.py, predict, "{model_dir}", "{input}", "{output}"]
///     features: encoded     # encoded | raw
///     timeout: 600          # seconds per command
/// ```
///
/// `fit` reads `{train}` (and `{validation}`, for early stopping): CSV files of the feature
/// columns and `label` (0/1); `{weights}`: a CSV with one column `weight`, one row per
/// training row (all 1 unless a mitigation supplies weights); it writes whatever it needs
/// into `{model_dir}`, a folder it owns. `predict` reads `{model_dir}` and `{input}` (the
/// feature columns, no label) and writes `{output}`: one probability of class 1 per input
/// row, one per line, optionally under one header line.
public struct ExternalModelConfig: Codable, Equatable, Sendable {
    public var fit: [String] = []
    public var predict: [String] = []
    public var features: ExternalFeatures = .encoded
    /// Seconds each command may run before it is stopped.
    public var timeout: Double = 600

    public init() {}

    public var fitCommand: ExternalCommand { ExternalCommand(role: "fit", argv: fit, timeout: timeout) }
    public var predictCommand: ExternalCommand { ExternalCommand(role: "predict", argv: predict, timeout: timeout) }

    /// `prefix` is this struct's key path within its section (`external`).
    public func validate(prefix: String = "external") throws {
        guard timeout > 0, timeout.isFinite else {
            throw ConfigError.invalidValue(
                key: "\(prefix).timeout", expected: "a number of seconds > 0", found: NumberFormat.string(timeout))
        }
        try fitCommand.validate(key: "\(prefix).fit")
        try predictCommand.validate(key: "\(prefix).predict")
    }

    /// SHA-256 of every repository file the commands name, by path relative to `root`.
    public func commandFileDigests(root: String = FileManager.default.currentDirectoryPath) -> [String: String] {
        var digests: [String: String] = [:]
        for file in repositoryFiles(root: root) {
            let path = URL(fileURLWithPath: root).appendingPathComponent(file).path
            if let data = FileManager.default.contents(atPath: path) { digests[file] = sha256Hex(data) }
        }
        return digests
    }

    /// Every repository file either command names.
    public func repositoryFiles(root: String = FileManager.default.currentDirectoryPath) -> [String] {
        var files = fitCommand.repositoryFiles(root: root)
        for file in predictCommand.repositoryFiles(root: root) where !files.contains(file) { files.append(file) }
        return files
    }
}

/// A model fitted by `model.external.fit`: its commands, what it was fed, and the files its
/// folder held (SHA-256 each, checked before every use). Scoring runs `predict`.
public struct ExternalModel: Codable, Equatable, Sendable, ProbabilisticClassifier {
    /// The columns fed to the commands, in order.
    public var featureNames: [String]
    public var features: ExternalFeatures
    public var fit: [String]
    public var predict: [String]
    public var timeout: Double
    /// The model folder, relative to the folder of the `model.json` that holds this record.
    public var folder: String
    /// Every file the fit wrote into its folder (relative path → SHA-256 hex).
    public var files: [String: String]
    /// The SHA-256 of each repository file the commands name, when fitted.
    public var commandFiles: [String: String]
    /// The model folder on disk (set when written or read; not part of the record).
    public var directory: URL?

    enum CodingKeys: String, CodingKey {
        case featureNames, features, fit, predict, timeout, folder, files, commandFiles
    }

    var config: ExternalModelConfig {
        var config = ExternalModelConfig()
        config.fit = fit
        config.predict = predict
        config.features = features
        config.timeout = timeout
        return config
    }

    /// `P(y = 1)` for every row of `features` (the columns ``featureNames``, in order).
    public func predictProbability(features table: Table) throws -> [Double] {
        guard let directory else {
            throw ExternalModelError.modelChanged(path: folder, reason: "the model folder was not located")
        }
        return try ExternalRunner.predict(config.predictCommand, modelFolder: directory, features: table)
    }

    /// Encoded features only: the matrix's columns are ``featureNames``.
    public func predictProbability(_ X: Matrix) throws -> [Double] {
        guard features == .encoded else {
            throw ExternalModelError.unsupported(
                reason:
                    "this external model reads raw features (model.external.features: raw); this step has only the encoded matrix"
            )
        }
        guard X.cols == featureNames.count else {
            throw ModelError.shapeMismatch(expected: "\(featureNames.count) feature columns", found: "\(X.cols)")
        }
        return try predictProbability(features: try ExternalRunner.table(X, names: featureNames))
    }

    /// Checks the folder's files against the recorded SHA-256 and returns them (absolute
    /// paths), so a stage can record them as inputs.
    public func verifiedFiles() throws -> [String] {
        guard let directory else { return [] }
        var paths: [String] = []
        for (name, digest) in files.sorted(by: { $0.key < $1.key }) {
            let path = directory.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ExternalModelError.modelChanged(path: path, reason: "a file of the external model is missing")
            }
            guard sha256Hex(data) == digest else {
                throw ExternalModelError.modelChanged(
                    path: path, reason: "the file changed since train fitted the model")
            }
            paths.append(path)
        }
        return paths
    }
}

/// Fits external models: writes the inputs the contract promises into a scratch folder,
/// runs `fit` with a fresh model folder, hands that folder to `keep` (which copies it
/// where it belongs and returns its new place), and removes the scratch folder whatever
/// happens, so a failed fit leaves nothing behind.
public struct ExternalTrainer {
    public var config: ExternalModelConfig
    /// Persists a fitted model folder (its files by relative path → SHA-256) and returns
    /// where it now is, and that place relative to the folder of the record that will name
    /// it. The train stage writes it beside `model.json`; an oracle fit into the
    /// mitigation's folder.
    public var keep: (_ folder: URL, _ files: [String: String]) throws -> (url: URL, relative: String)

    public init(
        config: ExternalModelConfig,
        keep: @escaping (_ folder: URL, _ files: [String: String]) throws -> (url: URL, relative: String)
    ) {
        self.config = config
        self.keep = keep
    }

    /// Fits to `train` (the feature columns, in order) with 0/1 `labels`, optional per-row
    /// `weights` (nil: all 1) and optional validation rows.
    public func fit(
        train: Table, labels: [UInt8], weights: [Double]?, validation: (Table, [UInt8])?,
        root: String = FileManager.default.currentDirectoryPath
    ) throws -> ExternalModel {
        let work = try ExternalRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let folder = work.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var values = ["model_dir": folder.path]
        values["train"] = try ExternalRunner.writeCSV(
            train, labels: labels, to: work.appendingPathComponent("train.csv"))
        if let (table, validationLabels) = validation {
            values["validation"] = try ExternalRunner.writeCSV(
                table, labels: validationLabels, to: work.appendingPathComponent("validation.csv"))
        } else {
            // A refit inside a mitigation (an oracle call) has only its weighted training
            // rows: they stand in for {validation}, so one command serves every fit.
            values["validation"] = values["train"]
        }
        let rowWeights = weights ?? [Double](repeating: 1, count: labels.count)
        let weightsURL = work.appendingPathComponent("weights.csv")
        try AtomicFile.write(
            Data(CSVWriter.data(try Table(columns: [Column(name: "weight", numbers: rowWeights)]))), to: weightsURL.path
        )
        values["weights"] = weightsURL.path
        let command = config.fitCommand
        let stderr = try command.run(values, workFolder: work)
        let files = try ExternalRunner.digests(of: folder)
        guard !files.isEmpty else {
            throw ExternalModelError.badOutput(
                role: command.role, command: command.display, problem: "wrote no file into {model_dir}", stderr: stderr)
        }
        let commandFiles = config.commandFileDigests(root: root)
        let kept = try keep(folder, files)
        return ExternalModel(
            featureNames: train.columnNames, features: config.features, fit: config.fit, predict: config.predict,
            timeout: config.timeout, folder: kept.relative, files: files, commandFiles: commandFiles,
            directory: kept.url)
    }
}

/// The file side of the contract: CSVs in, one probability per line out.
enum ExternalRunner {
    /// A new, empty scratch folder under the system's temporary folder.
    static func scratchFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent(
                "fairpipe-external-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw FileError.unwritable(path: url.path, reason: error.localizedDescription)
        }
        return url
    }

    /// The matrix as a table of numeric columns named `names`.
    static func table(_ X: Matrix, names: [String]) throws -> Table {
        try Table(columns: names.indices.map { Column(name: names[$0], numbers: X.column($0)) })
    }

    /// Writes the feature columns (and `label` when given) as CSV; returns the path.
    static func writeCSV(_ features: Table, labels: [UInt8]?, to url: URL) throws -> String {
        var table = features
        if let labels { try table.setColumn(Column(name: "label", numbers: labels.map(Double.init))) }
        try AtomicFile.write(Data(CSVWriter.data(table)), to: url.path)
        return url.path
    }

    /// Runs `predict` on `features` and reads one probability per row.
    static func predict(_ command: ExternalCommand, modelFolder: URL, features: Table) throws -> [Double] {
        let work = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let input = try writeCSV(features, labels: nil, to: work.appendingPathComponent("input.csv"))
        let output = work.appendingPathComponent("output.csv")
        let stderr = try command.run(
            ["model_dir": modelFolder.path, "input": input, "output": output.path], workFolder: work)
        return try readScores(output, rows: features.rowCount, command: command, stderr: stderr)
    }

    /// Parses the output file: an optional header line, then exactly `rows` numbers in [0, 1].
    static func readScores(_ url: URL, rows: Int, command: ExternalCommand, stderr: String) throws -> [Double] {
        func bad(_ problem: String) -> ExternalModelError {
            .badOutput(role: command.role, command: command.display, problem: problem, stderr: stderr)
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw bad("wrote no {output} file")
        }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        if lines.last?.isEmpty == true { lines.removeLast() }
        var firstLine = 1
        if let header = lines.first, Double(header.trimmingCharacters(in: .whitespaces)) == nil,
            header.contains(where: \.isLetter)
        {
            lines.removeFirst()
            firstLine = 2
        }
        guard lines.count == rows else {
            throw bad("wrote \(lines.count) scores for \(rows) input rows")
        }
        var scores = [Double]()
        scores.reserveCapacity(rows)
        for (index, line) in lines.enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard let value = Double(text), value >= 0, value <= 1 else {
                throw bad("wrote `\(text)` on line \(index + firstLine) of {output}, expected a probability in [0, 1]")
            }
            scores.append(value)
        }
        return scores
    }

    /// SHA-256 of every regular file under `folder`, by relative path.
    static func digests(of folder: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        let base = folder.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        else {
            return result
        }
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(base + "/"), let data = FileManager.default.contents(atPath: path) else { continue }
            result[String(path.dropFirst(base.count + 1))] = sha256Hex(data)
        }
        return result
    }
}
