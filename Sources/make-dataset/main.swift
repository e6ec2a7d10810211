import ArgumentParser
import FairPipe
import FairPipeCLI
import Foundation

struct MakeDataset: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-dataset",
        abstract: "Load or generate the data, split it, fit the feature encoding.",
        discussion: "Example: make-dataset --config pipeline.yml --set data.synthetic.rows=5000 --out outputs/dataset",
        version: Manifest.toolVersion)

    @OptionGroup var options: CommonOptions

    @Flag(help: "Only download and verify a benchmark dataset's files into the cache (data/raw/); write nothing else.")
    var fetchOnly = false

    func run() throws {
        if fetchOnly {
            try StageMain.runWithoutArtefacts(.makeDataset, options: options) { config, log in
                let files = try MakeDatasetStage.fetchOnly(
                    config, root: FileManager.default.currentDirectoryPath, log: log)
                log.info(
                    files.isEmpty
                        ? "nothing to fetch for data.source: \(config.data.source.rawValue)"
                        : "cached \(files.joined(separator: ", "))")
            }
            return
        }
        try StageMain.run(.makeDataset, options: options, defaultOut: "outputs/dataset") { config, run, log in
            try MakeDatasetStage.run(config, run: run, log: log)
            return .success
        }
    }
}

StageMain.main(MakeDataset.self)
