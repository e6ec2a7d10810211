import ArgumentParser
import FairPipe
import FairPipeCLI

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract:
            "Explain which features drive accuracy and each disparity (permutation importance, PDP/ICE by group, exact gap attributions).",
        discussion:
            "Example: explain --data outputs/dataset --model outputs/model --out outputs/explain --set explain.n_repeats=10",
        version: Manifest.toolVersion)

    @OptionGroup var options: CommonOptions

    @Option(help: ArgumentHelp("make-dataset's output folder.", valueName: "dir"))
    var data = "outputs/dataset"

    @Option(help: ArgumentHelp("train's output folder.", valueName: "dir"))
    var model = "outputs/model"

    func run() throws {
        try StageMain.run(.explain, options: options, defaultOut: "outputs/explain") { config, run, log in
            try ExplainStage.run(config, dataset: DatasetFolder(path: data), modelFolder: model, run: run, log: log)
            return .success
        }
    }
}

Explain.main()
