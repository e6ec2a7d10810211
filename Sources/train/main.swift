import ArgumentParser
import FairPipe
import FairPipeCLI

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit the configured model on the training split.",
        discussion: "Example: train --data outputs/dataset --set model.C=0.5 --out outputs/model",
        version: Manifest.toolVersion)

    @OptionGroup var options: CommonOptions

    @Option(help: ArgumentHelp("make-dataset's output folder.", valueName: "dir"))
    var data = "outputs/dataset"

    func run() throws {
        try StageMain.run(.train, options: options, defaultOut: "outputs/model") { config, run, log in
            try TrainStage.run(config, dataset: DatasetFolder(path: data), run: run, log: log)
            return .success
        }
    }
}

StageMain.main(Train.self)
