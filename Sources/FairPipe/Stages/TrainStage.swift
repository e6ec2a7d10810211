import Foundation

/// train: fit the configured model on the encoded training split and save it as JSON.
public enum TrainStage {
    public static let modelFile = "model.json"

    public static func run(_ config: PipelineConfig, dataset: DatasetFolder, run: StageRun, log: ProgressLog) throws {
        if config.model.type == .external {
            try run.writeJSON(
                TrainedModel.external(try ExternalTraining.fit(config, dataset: dataset, run: run, log: log)),
                to: modelFile)
            return
        }
        let schema = try dataset.schema(recordingIn: run)
        let encoding = try dataset.encoding(recordingIn: run)
        let train = try dataset.table(.train, schema: schema, recordingIn: run)
        let labels = try train.binaryColumn(schema.label, path: dataset.file(SplitName.train.fileName))
        let features = try encoding.apply(to: train)
        var trainer = ModelTrainer(config: config.model, encoding: encoding)
        if config.model.type == .gradientBoosting {
            // Early stopping watches the pipeline's validation split.
            let table = try dataset.table(.validation, schema: schema, recordingIn: run)
            trainer.validation = ValidationRows(
                X: try encoding.apply(to: table).matrix(),
                labels: try table.binaryColumn(schema.label, path: dataset.file(SplitName.validation.fileName)))
        }
        let X = try features.matrix()
        let started = DispatchTime.now().uptimeNanoseconds
        let model = try trainer.fit(X, labels: labels, weights: nil, featureNames: features.names)
        // The fit's wall time goes to the log only (artefacts stay byte-identical).
        let seconds = String(format: "%.3f s", Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        switch model {
        case .logisticRegression(let model):
            log.info(
                "fitted logistic regression on \(features.rows) × \(features.cols) in \(seconds): \(model.solver.iterations) Newton steps, converged: \(model.solver.converged)"
            )
            if !model.solver.converged {
                log.warning(
                    "the solver stopped before converging (\(model.solver.stopReason.rawValue)); consider raising model.logistic_regression.max_iter"
                )
            }
        case .gradientBoosting(let model):
            let curve = model.trainingCurve
            let validation = curve.validation?.last.map { String(format: ", validation log-loss %.5f", $0) } ?? ""
            log.info(
                "fitted gradient boosting on \(features.rows) × \(features.cols) (\(model.features.count) features, \(model.features.filter { $0.kind == .categorical }.count) categorical): \(model.trees.count) trees\(model.stoppedEarly ? " (stopped early)" : "") in \(seconds), train log-loss \(String(format: "%.5f", curve.train.last ?? .nan))\(validation)"
            )
        case .external:
            break
        }
        try run.writeJSON(model, to: modelFile)
    }

    /// Reads a model written by this stage, whatever its type (an external model with its
    /// folder located and verified).
    public static func readModel(from folder: String, run: StageRun) throws -> TrainedModel {
        let model = try decodeJSON(
            TrainedModel.self, at: URL(fileURLWithPath: folder).appendingPathComponent(modelFile).path, run: run)
        if case .external(let external) = model {
            return .external(try ExternalTraining.locate(external, modelFolder: folder, run: run))
        }
        return model
    }
}
