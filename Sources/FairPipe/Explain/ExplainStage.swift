import Foundation

/// explain: which features drive accuracy and each disparity — permutation importance, partial
/// dependence and ICE by group, exact gap attributions — written to `explanations.json`.
public enum ExplainStage {
    public static let explanationsFile = Explanations.fileName
    /// The proxy concerns as recommendations (the schema mitigate's recommendations.json uses).
    public static let recommendationsFile = "recommendations.json"

    public static func run(
        _ config: PipelineConfig, dataset: DatasetFolder, modelFolder: String, run: StageRun, log: ProgressLog
    ) throws {
        let schema = try dataset.schema(recordingIn: run)
        let encoding = try dataset.encoding(recordingIn: run)
        let split = config.explain.split.split
        let table = try dataset.table(split, schema: schema, recordingIn: run)
        let path = dataset.file(split.fileName)
        let X = try encoding.apply(to: table).matrix()
        let background = try encoding.apply(to: try dataset.table(.train, schema: schema, recordingIn: run)).matrix()
        let labels = try table.binaryColumn(schema.label, path: path)
        let attributes = try schema.sensitive.map { try table.sensitiveColumn($0, path: path) }
        let trained = try TrainStage.readModel(from: modelFolder, run: run)
        if case .external(let external) = trained, external.features == .raw {
            // Permutation and partial dependence move encoded columns; a model that reads the
            // raw split columns would need them moved in the raw table instead (not built yet).
            let note =
                "this external model reads raw features (model.external.features: raw); explain perturbs the encoded matrix and cannot drive it, so nothing was computed"
            log.warning(note)
            let empty = Explanations(
                model: trained.type.rawValue, split: split.rawValue, rows: table.rowCount,
                threshold: config.model.threshold,
                attributes: schema.sensitive, features: FeatureBlocks(encoding: encoding).features,
                permutation: PermutationImportanceReport(nRepeats: config.explain.nRepeats, baseline: [], features: []),
                partialDependence: [],
                attribution: GapAttributionReport(
                    method: nil, note: note, baseMargin: nil, bootstrap: config.explain.bootstrap,
                    confidence: config.explain.confidence, gaps: []),
                concerns: [], notes: [note])
            try run.write(try empty.jsonData(), to: explanationsFile)
            try run.write(try Recommendations.forProxies(empty).jsonData(), to: recommendationsFile)
            return
        }
        try trained.checkFeatures(named: encoding.featureNames)
        let model = try explained(trained)
        let auditPath = dataset.file(MakeDatasetStage.auditFile)
        let audit =
            FileManager.default.fileExists(atPath: auditPath)
            ? try decodeJSON(AuditReport.self, at: auditPath, run: run) : nil
        let explainer = Explainer(
            model: model, encoding: encoding, table: table, X: X, labels: labels, attributes: attributes,
            background: background, audit: audit, config: config.explain, fairness: config.fairness,
            threshold: config.model.threshold, split: split.rawValue)
        let explanations = try explainer.explain(
            seeds: .init(
                permutation: run.seed(for: "permutation"), ice: run.seed(for: "ice"),
                bootstrap: run.seed(for: "bootstrap")),
            progress: { log.info($0) })
        for concern in explanations.concerns { log.warning("proxy concern: \(concern.recommendation)") }
        try run.write(try explanations.jsonData(), to: explanationsFile)
        try run.write(try Recommendations.forProxies(explanations).jsonData(), to: recommendationsFile)
    }

    /// The trained model as something to explain: what each model type exposes decides what
    /// `explain` can compute for it.
    static func explained(_ model: TrainedModel) throws -> ExplainedModel {
        switch model {
        case .logisticRegression(let linear): return .linear(linear)
        case .gradientBoosting(let trees): return .trees(try trees.explainedTrees(), type: model.type.rawValue)
        case .external: return .scoresOnly(model, type: model.type.rawValue)
        }
    }
}
