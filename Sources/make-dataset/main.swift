import ArgumentParser
import FairPipe
import FairPipeCLI

struct MakeDataset: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-dataset",
        abstract: "Load or generate the data, split it, fit the feature encoding.",
        discussion: "Example: make-dataset --config pipeline.yml --set data.synthetic.rows=5000 --out outputs/dataset",
        version: Manifest.toolVersion)

    @OptionGroup var options: CommonOptions

    func run() throws {
        try StageMain.run(.makeDataset, options: options, defaultOut: "outputs/dataset") { config, run, log in
            try MakeDatasetStage.run(config, run: run, log: log)
            return .success
        }
    }
}

MakeDataset.main()
