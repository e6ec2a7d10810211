import ArgumentParser
import FairPipe
import FairPipeCLI

struct Mitigate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mitigate",
        abstract: "Fit the configured mitigation method and write its mitigated predictions.",
        discussion: """
            Pipeline:  mitigate --data outputs/dataset --evaluation outputs/evaluation \\
                       --set mitigation.method=threshold_optimizer --out outputs/mitigation
            Any model: mitigate --preds test.csv --validation-preds validation.csv --label y --score p \\
                       --sensitive sex --positive 1 --set mitigation.method=threshold_optimizer --out fitted
            Deploy:    mitigate --apply fitted --preds new.csv --score p --sensitive sex --out applied
                       (rows need no label: without a `label` column and --label, predictions.csv has none)
            Then audit the result: evaluate --preds outputs/mitigation/predictions.csv --out outputs/evaluation-mitigated
            With --preds, a config file is read only when --config names it.
            """,
        version: Manifest.toolVersion)

    @OptionGroup var options: CommonOptions

    @Option(help: ArgumentHelp("make-dataset's output folder.", valueName: "dir"))
    var data = "outputs/dataset"

    @Option(help: ArgumentHelp("train's output folder (its model.json is recorded as an input).", valueName: "dir"))
    var model = "outputs/model"

    @Option(help: ArgumentHelp("evaluate's output folder (baseline predictions and metrics).", valueName: "dir"))
    var evaluation = "outputs/evaluation"

    @Option(
        help: ArgumentHelp(
            "Post-process this predictions CSV from any model (the rows to mitigate).", valueName: "file"))
    var preds: String?

    @Option(help: ArgumentHelp("With --preds: the predictions CSV to fit the post-processor on.", valueName: "file"))
    var validationPreds: String?

    @Option(
        help: ArgumentHelp(
            "With --preds: apply the post-processor fitted by an earlier `mitigate --preds` in this folder.",
            valueName: "dir"))
    var apply: String?

    @OptionGroup var columns: PredictionColumnOptions

    func validate() throws {
        if preds == nil && (validationPreds != nil || apply != nil) {
            throw ValidationError("--validation-preds and --apply need --preds (the predictions to mitigate)")
        }
        if let preds, validationPreds == nil && apply == nil {
            throw ValidationError(
                "--preds \(preds) needs --validation-preds (to fit on) or --apply DIR (a fitted post-processor)")
        }
        if validationPreds != nil && apply != nil {
            throw ValidationError("--validation-preds fits a post-processor and --apply reuses one: give one of them")
        }
    }

    func run() throws {
        guard let preds else {
            try StageMain.run(.mitigate, options: options, defaultOut: "outputs/mitigation") { config, run, log in
                try MitigateStage.run(
                    config, dataset: DatasetFolder(path: data), modelFolder: model, evaluationFolder: evaluation,
                    run: run, log: log)
                return .success
            }
            return
        }
        try StageMain.run(
            .mitigate, options: options, defaultOut: apply == nil ? "outputs/mitigation" : "outputs/mitigation-applied",
            auditing: columns.sensitiveList, readsDefaultFile: options.config != nil
        ) { config, run, log in
            if let apply {
                // Deployment rows may have no labels yet: only a label column named by --label is required.
                var read = columns.columns(config)
                read.labelOptional = columns.label == nil
                try MitigateStage.apply(config, fitted: apply, predictions: preds, columns: read, run: run, log: log)
            } else if let validationPreds {
                try MitigateStage.run(
                    config,
                    predictions: MitigateStage.PredictionsInput(
                        test: preds, validation: validationPreds, columns: columns.columns(config)),
                    run: run, log: log)
            }
            return .success
        }
    }
}

StageMain.main(Mitigate.self)
