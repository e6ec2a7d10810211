import Foundation

/// train: fit the configured model on the encoded training split and save it as JSON.
public enum TrainStage {
    public static let modelFile = "model.json"

    public static func run(_ config: PipelineConfig, dataset: DatasetFolder, run: StageRun, log: ProgressLog) throws {
        let schema = try dataset.schema(recordingIn: run)
        let encoding = try dataset.encoding(recordingIn: run)
        let train = try dataset.table(.train, schema: schema, recordingIn: run)
        let labels = try train.binaryColumn(schema.label, path: dataset.file(SplitName.train.fileName))
        let features = try encoding.apply(to: train)
        let model = try ModelTrainer(config: config.model)
            .fit(try features.matrix(), labels: labels, weights: nil, featureNames: features.names)
        switch model {
        case .logisticRegression(let model):
            log.info("fitted logistic regression on \(features.rows) × \(features.cols): \(model.solver.iterations) Newton steps, converged: \(model.solver.converged)")
            if !model.solver.converged {
                log.warning("the solver stopped before converging (\(model.solver.stopReason.rawValue)); consider raising model.logistic_regression.max_iter")
            }
        }
        try run.writeJSON(model, to: modelFile)
    }

    /// Reads a model written by this stage, whatever its type.
    public static func readModel(from folder: String, run: StageRun) throws -> TrainedModel {
        try decodeJSON(TrainedModel.self, at: URL(fileURLWithPath: folder).appendingPathComponent(modelFile).path, run: run)
    }
}
