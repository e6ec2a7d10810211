import Foundation

/// report: render a run's artefacts (or many runs) into HTML, Markdown and JUnit XML.
public enum ReportStage {
    /// Stage folders of a run, by their Makefile names.
    public enum Folder: String, CaseIterable {
        case dataset, model, evaluation, mitigation
        case mitigatedEvaluation = "evaluation-mitigated"
        case explain
    }

    /// One run folder (`outputs`, or `outputs/sweeps/NAME/RUN`): renders what it holds.
    /// Returns the line to end the terminal output with: where the report is, and its verdict.
    @discardableResult
    public static func single(
        _ config: PipelineConfig, runFolder: String, run: StageRun, log: ProgressLog
    ) throws -> String {
        let inputs = try loadRun(runFolder, run: run)
        var written: [String] = []
        for file in ReportWriter.render(inputs, config: config.report) {
            written.append(RepositoryPaths.relative(try run.write(file.text, to: file.name), to: run.root))
        }
        log.info("rendered \(config.report.formats.map(\.rawValue).joined(separator: ", ")) for \(runFolder)")
        let verdict = ShippedVerdict(inputs, config: config.report).headline
        return "\(written.first ?? runFolder): \(verdict)"
    }

    /// A standalone audit: the folder `evaluate --preds … --out DIR` wrote (metrics.json,
    /// curves.json, manifest.json), rendered as the same page without dataset, model or
    /// mitigation inputs. Returns the closing terminal line, as ``single(_:runFolder:run:log:)``.
    @discardableResult
    public static func audit(_ config: PipelineConfig, folder: String, run: StageRun, log: ProgressLog) throws -> String
    {
        func existing(_ file: String) -> String? {
            let candidate = URL(fileURLWithPath: folder).appendingPathComponent(file).path
            guard FileManager.default.fileExists(atPath: candidate) else { return nil }
            run.recordInput(candidate)
            return candidate
        }
        guard let metrics = existing(EvaluateStage.metricsFile) else {
            throw FileError.notFound(
                path: URL(fileURLWithPath: folder).appendingPathComponent(EvaluateStage.metricsFile).path)
        }
        var inputs = try ReportInputs.load(
            ReportPaths(
                metrics: metrics, curves: existing(EvaluateStage.curvesFile),
                manifests: [existing(Manifest.fileName)].compactMap { $0 }))
        inputs.standalone = true
        var written: [String] = []
        for file in ReportWriter.render(inputs, config: config.report) {
            written.append(RepositoryPaths.relative(try run.write(file.text, to: file.name), to: run.root))
        }
        log.info("rendered the audit of \(folder)")
        return "\(written.first ?? folder): \(ShippedVerdict(inputs, config: config.report).headline)"
    }

    /// Many runs: a comparison page (`runs.html`), and the same Markdown table.
    public static func many(_ config: PipelineConfig, runFolders: [String], run: StageRun, log: ProgressLog) throws {
        let summaries = try runFolders.sorted().map { try summary(of: $0, run: run) }
        try run.write(renderRunsHTML(runs: summaries, config: config.report), to: "runs.html")
        log.info("compared \(summaries.count) runs")
    }

    /// Two runs: changed parameters and metric deltas, as text (returned, for stdout)
    /// and Markdown (`diff.md`).
    public static func diff(_ config: PipelineConfig, runA: String, runB: String, run: StageRun) throws -> String {
        let result = renderDiff(try summary(of: runA, run: run), try summary(of: runB, run: run), config: config.report)
        try run.write(result.markdown, to: "diff.md")
        return result.text
    }

    static func path(_ runFolder: String, _ folder: Folder, _ file: String) -> String {
        URL(fileURLWithPath: runFolder).appendingPathComponent(folder.rawValue).appendingPathComponent(file).path
    }

    /// The line `make all` ends with (`report --track-only` prints it after tracking): where
    /// the run's report is and the one-line verdict of the model that ships. Reads the run's
    /// evaluations only; records and writes nothing.
    public static func verdictLine(_ config: PipelineConfig, runFolder: String) throws -> String {
        let inputs = try ReportInputs.load(try runPaths(runFolder) { _ in })
        let page = URL(fileURLWithPath: runFolder).appendingPathComponent("report").appendingPathComponent(
            "report.html"
        ).path
        return
            "\(RepositoryPaths.relative(page, to: FileManager.default.currentDirectoryPath)): \(ShippedVerdict(inputs, config: config.report).headline)"
    }

    /// The report's input files in a run folder, each existing one passed to `record`.
    static func runPaths(_ runFolder: String, record: (String) -> Void) throws -> ReportPaths {
        func existing(_ folder: Folder, _ file: String) -> String? {
            existingFile(runFolder, folder, file, record: record)
        }
        guard
            let metrics = existing(.evaluation, EvaluateStage.metricsFile)
                ?? existing(.mitigatedEvaluation, EvaluateStage.metricsFile)
        else {
            throw FileError.notFound(path: path(runFolder, .evaluation, EvaluateStage.metricsFile))
        }
        let paths = ReportPaths(
            metrics: metrics,
            curves: existing(.evaluation, EvaluateStage.curvesFile),
            audit: existing(.dataset, "audit.json"),
            mitigatedMetrics: existing(.mitigatedEvaluation, EvaluateStage.metricsFile),
            baselineMetrics: existing(.evaluation, EvaluateStage.metricsFile),
            tradeoff: existing(.mitigation, MitigateStage.tradeoffFile),
            recommendations: existing(.mitigation, MitigateStage.recommendationsFile),
            manifests: Folder.allCases.compactMap { existing($0, Manifest.fileName) })
        var withExplanations = paths
        withExplanations.explanations = existing(.explain, ExplainStage.explanationsFile)
        if paths.mitigatedMetrics != nil {
            withExplanations.mitigatedCurves = existing(.mitigatedEvaluation, EvaluateStage.curvesFile)
        }
        return withExplanations
    }

    /// `runFolder/folder/file` when it exists (then passed to `record`), else nil.
    static func existingFile(_ runFolder: String, _ folder: Folder, _ file: String, record: (String) -> Void) -> String?
    {
        let candidate = path(runFolder, folder, file)
        guard FileManager.default.fileExists(atPath: candidate) else { return nil }
        record(candidate)
        return candidate
    }

    static func loadRun(_ runFolder: String, run: StageRun) throws -> ReportInputs {
        func existing(_ folder: Folder, _ file: String) -> String? {
            existingFile(runFolder, folder, file) { run.recordInput($0) }
        }
        var inputs = try ReportInputs.load(try runPaths(runFolder) { run.recordInput($0) })
        // explain's proxy recommendations follow mitigate's.
        if let extra = try existing(.explain, ExplainStage.recommendationsFile).map({ try Recommendations.read(at: $0) }
        ) {
            inputs.recommendations =
                (inputs.recommendations ?? Recommendations(note: extra.note, failedGates: [], recommendations: []))
                .appending(extra)
        }
        if let model = existing(.model, TrainStage.modelFile) {
            inputs.model = try decodeJSON(TrainedModel.self, at: model, run: run)
        }
        return inputs
    }

    /// A run's headline metrics (the mitigated evaluation when present) and its
    /// parameters (`parameters.json`, written by sweeps, when present).
    static func summary(of runFolder: String, run: StageRun) throws -> RunSummary {
        let inputs = try loadRun(runFolder, run: run)
        guard let evaluation = inputs.mitigation?.after ?? inputs.metrics else {
            throw FileError.notFound(path: path(runFolder, .evaluation, EvaluateStage.metricsFile))
        }
        var parameters: [String: String] = [:]
        let parametersFile = URL(fileURLWithPath: runFolder).appendingPathComponent("parameters.json").path
        if FileManager.default.fileExists(atPath: parametersFile) {
            parameters = try decodeJSON([String: String].self, at: parametersFile, run: run, decoder: JSONDecoder())
        }
        let id = URL(fileURLWithPath: runFolder).lastPathComponent
        return RunSummary(
            id: id, label: parameters["label"] ?? id, parameters: parameters.filter { $0.key != "label" },
            evaluation: evaluation)
    }
}
