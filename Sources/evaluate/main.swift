import ArgumentParser
import FairPipe
import FairPipeCLI

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure fairness of the trained model, or of any model's predictions CSV.",
        discussion: """
            Pipeline:  evaluate --data outputs/dataset --model outputs/model --out outputs/evaluation
            Any model: evaluate --preds preds.csv --label y --decision yhat --score p --sensitive sex,race \\
                       --positive 1 --out audit --fail-on-violation
            """,
        version: Manifest.toolVersion)

    @OptionGroup var options: CommonOptions

    @Option(help: ArgumentHelp("make-dataset's output folder.", valueName: "dir"))
    var data = "outputs/dataset"

    @Option(help: ArgumentHelp("train's output folder.", valueName: "dir"))
    var model = "outputs/model"

    @Option(help: ArgumentHelp("Audit this predictions CSV instead of the pipeline's model.", valueName: "file"))
    var preds: String?

    /// With --preds: which columns hold the label, decision, score and groups.
    @OptionGroup var columns: PredictionColumnOptions

    @Flag(help: "Exit with status 3 when a gate from fairness.thresholds fails.")
    var failOnViolation = false

    @Flag(help: "With --preds: write the shard's mergeable statistics (statistics.json), not metrics.")
    var statsOnly = false

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Merge shard statistics (from --stats-only) into the metrics of all their rows; pass the shards' column flags.",
            valueName: "statistics.json"))
    var merge: [String] = []

    func validate() throws {
        if statsOnly && preds == nil { throw ValidationError("--stats-only needs --preds FILE") }
        if !merge.isEmpty && preds != nil { throw ValidationError("--merge and --preds exclude each other") }
    }

    func run() throws {
        let audit = preds != nil || !merge.isEmpty
        let defaultOut = audit ? "outputs/audit" : "outputs/evaluation"
        let audited = columns.sensitiveList
        // An audit of a predictions CSV reads a config file only when --config names it: the
        // study's pipeline.yml in the working directory is about other data.
        try StageMain.run(
            .evaluate, options: options, defaultOut: defaultOut, auditing: audit ? audited : nil,
            readsDefaultFile: !audit || options.config != nil
        ) { config, run, log in
            let source: EvaluateStage.Source
            if let preds {
                source = .predictions(path: preds, columns: columns.columns(config))
            } else if !merge.isEmpty {
                source = .merge(paths: merge, columns: columns.columns(config))
            } else {
                source = .model(dataset: DatasetFolder(path: data), modelFolder: model)
            }
            return try EvaluateStage.run(
                config, source: source, failOnViolation: failOnViolation, statsOnly: statsOnly, run: run, log: log)
        }
    }
}

StageMain.main(Evaluate.self)
