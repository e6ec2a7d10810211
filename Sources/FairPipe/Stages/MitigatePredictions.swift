import Foundation

/// `mitigate --preds`: post-processing of any model's predictions, without the pipeline.
/// Fits on a validation predictions CSV, writes the fitted post-processor, mitigated test
/// predictions in evaluate's format, the trade-off curve and a manifest. `--apply` reuses a
/// fitted post-processor on new predictions, as a deployment would.
extension MitigateStage {
    /// The predictions CSVs of `mitigate --preds`, read with evaluate's column flags.
    public struct PredictionsInput {
        public var test: String
        public var validation: String
        public var columns: PredictionColumns

        public init(test: String, validation: String, columns: PredictionColumns) {
            self.test = test
            self.validation = validation
            self.columns = columns
        }
    }

    /// Refuses a method that needs training data and a learner, in one line.
    static func requirePostprocessing(_ method: MitigationMethod) throws {
        guard method.kind == .postprocessing else {
            let post = MitigationMethod.allCases.filter { $0.kind == .postprocessing }.map(\.rawValue)
            throw ConfigError.inconsistent(
                key: "mitigation.method",
                message:
                    "\(method.rawValue) is \(method.kind.rawValue): it needs the training data and a learner, which predictions CSVs do not carry; with --preds use \(post.joined(separator: ", ")), or train your model in the pipeline with model.type: external (README: Use your own model)"
            )
        }
    }

    /// Fits the configured post-processing method on `input.validation` and applies it to
    /// `input.test`.
    public static func run(
        _ config: PipelineConfig, predictions input: PredictionsInput, run: StageRun, log: ProgressLog
    ) throws {
        let method = config.mitigation.method
        try requirePostprocessing(method)
        try ThreadSetting.check()
        let threads = ParallelMap.threadCount
        let validation = try Predictions.read(
            try run.readInput(input.validation), path: input.validation, columns: input.columns)
        let test = try Predictions.read(try run.readInput(input.test), path: input.test, columns: input.columns)
        log.info(
            "\(method.rawValue) fitted on \(validation.count) validation predictions, applied to \(test.count) (target \(config.mitigation.target.rawValue))"
        )
        let context = try MitigationContext(
            config: config, run: run, validation: validation, test: test, testSource: input.test)
        let outcome = try fit(config.mitigation, context: context)
        if let pooling = context.poolingSummary { log.warning(pooling) }
        try run.write(outcome.artefact, to: "\(method.rawValue).json")
        try run.write(try outcome.test.csvData(), to: predictionsFile)
        try run.write(try outcome.validation.csvData(), to: validationPredictionsFile)
        let curve = try tradeoffCurve(context: context, configured: outcome, threads: threads, log: log)
        try run.write(try curve.jsonData(), to: tradeoffFile)
    }

    /// `mitigate --apply FITTED --preds new.csv`: the post-processor `fitted` holds (the
    /// method named in its manifest), applied to new predictions with this run's seed.
    /// Same seed and rows give the same decisions. Groups the post-processor was not fitted
    /// on are a one-line error. Unlabelled rows (`columns.labelOptional` and no label
    /// column) are decided the same way and written without a label column.
    public static func apply(
        _ config: PipelineConfig, fitted folder: String, predictions path: String, columns: PredictionColumns,
        run: StageRun, log: ProgressLog
    ) throws {
        let manifestPath = URL(fileURLWithPath: folder).appendingPathComponent(Manifest.fileName).path
        run.recordInput(manifestPath)
        let manifest = try readManifest(at: manifestPath)
        guard manifest.stage == .mitigate,
            case .object(let sections) = manifest.config, case .object(let mitigation)? = sections["mitigation"],
            case .string(let name)? = mitigation["method"], let method = MitigationMethod(rawValue: name)
        else {
            throw FileError.malformed(
                path: manifestPath, reason: "not the manifest of a mitigate run (no mitigation.method)")
        }
        try requirePostprocessing(method)
        let artefactPath = URL(fileURLWithPath: folder).appendingPathComponent("\(method.rawValue).json").path
        let artefact = try run.readInput(artefactPath)
        let predictions = try Predictions.read(try run.readInput(path), path: path, columns: columns)
        guard let scores = predictions.scores else {
            throw PredictionsError.noScores(path: path)
        }
        var rng = run.generator("\(method.rawValue)-apply")
        let decided = try FittedPostprocessorFile.decide(
            method, artefact: artefact, path: artefactPath, predictions: predictions, scores: scores, source: path,
            rng: &rng)
        log.info("applied \(method.rawValue) from \(folder) to \(predictions.count) predictions")
        if !predictions.labelled {
            log.info(
                "\(path) has no label column `\(columns.label)`: unlabelled rows, so predictions.csv has no label column (monitor reads it as not labelled yet; evaluate needs labels)"
            )
        }
        try run.write(
            try predictions.with(decisions: decided.decisions, scores: .some(decided.scores)).csvData(),
            to: predictionsFile)
    }
}

/// Reads a fitted post-processor back from its artefact and decides rows with it; each
/// post-processing method says how (``PostprocessingTechnique/decide(artefact:with:rng:)``).
struct FittedPostprocessorFile {
    var method: MitigationMethod
    var artefact: Data
    var path: String
    var predictions: Predictions
    var scores: [Double]
    var source: String

    static func decide<G: RandomNumberGenerator>(
        _ method: MitigationMethod, artefact: Data, path: String, predictions: Predictions, scores: [Double],
        source: String, rng: inout G
    ) throws -> (scores: [Double], decisions: [UInt8]) {
        guard let technique = method.technique as? any PostprocessingTechnique.Type else {
            try MitigateStage.requirePostprocessing(method)
            return (scores, [])
        }
        let file = FittedPostprocessorFile(
            method: method, artefact: artefact, path: path, predictions: predictions, scores: scores, source: source)
        return try technique.decide(file, rng: &rng)
    }

    func decode<F: FittedPostprocessor>(_ type: F.Type) throws -> F {
        do {
            return try CanonicalJSON.decoder().decode(F.self, from: artefact)
        } catch {
            throw FileError.malformed(path: path, reason: "not a fitted \(method.rawValue) (\(error))")
        }
    }

    /// The rows' group codes in the order the post-processor was fitted with.
    func groups(_ names: [String]) throws -> [Int32] {
        try MitigationContext.recode(predictions, names: names, split: source, fittedOn: "the validation predictions")
    }

    /// Decides with a fitted post-processor that thresholds the scores as they are.
    func apply<F: FittedPostprocessor, G: RandomNumberGenerator>(
        _ type: F.Type, groupNames: (F) -> [String], rng: inout G
    ) throws -> (scores: [Double], decisions: [UInt8]) {
        let fitted = try decode(F.self)
        return (scores, try fitted.apply(scores: scores, groups: try groups(groupNames(fitted)), rng: &rng))
    }
}

/// A post-processing method: besides fitting, it can re-read its fitted artefact and decide
/// new predictions with it (`mitigate --apply`).
protocol PostprocessingTechnique: MitigationTechnique {
    static func decide<G: RandomNumberGenerator>(
        _ file: FittedPostprocessorFile, rng: inout G
    ) throws -> (scores: [Double], decisions: [UInt8])
}
