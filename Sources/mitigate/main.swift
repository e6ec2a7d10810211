import ArgumentParser
import FairPipe
import FairPipeCLI

struct Mitigate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mitigate",
        abstract: "Fit the configured mitigation method and write its mitigated predictions.",
        discussion: """
            Example: mitigate --data outputs/dataset --evaluation outputs/evaluation \\
                     --set mitigation.method=threshold_optimizer --out outputs/mitigation
            Then audit the result: evaluate --preds outputs/mitigation/predictions.csv --out outputs/evaluation-mitigated
            """,
        version: Manifest.toolVersion)

    @OptionGroup var options: CommonOptions

    @Option(help: ArgumentHelp("make-dataset's output folder.", valueName: "dir"))
    var data = "outputs/dataset"

    @Option(help: ArgumentHelp("train's output folder (its model.json is recorded as an input).", valueName: "dir"))
    var model = "outputs/model"

    @Option(help: ArgumentHelp("evaluate's output folder (baseline predictions and metrics).", valueName: "dir"))
    var evaluation = "outputs/evaluation"

    func run() throws {
        try StageMain.run(.mitigate, options: options, defaultOut: "outputs/mitigation") { config, run, log in
            try MitigateStage.run(config, dataset: DatasetFolder(path: data), modelFolder: model, evaluationFolder: evaluation, run: run, log: log)
            return .success
        }
    }
}

StageMain.main(Mitigate.self)
