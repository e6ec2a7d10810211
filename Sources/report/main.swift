import ArgumentParser
import FairPipe
import FairPipeCLI

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a run's artefacts as a self-contained HTML report, Markdown and JUnit XML.",
        discussion: """
            One run:    report --run outputs --out outputs/report
            Many runs:  report --runs outputs/sweeps/tolerance/* --out outputs/sweeps/tolerance/report
            Two runs:   report --diff outputs/runs/a outputs/runs/b --out outputs/diff
            An audit:   report --audit audit --out audit/report   (after evaluate --preds p.csv --out audit)
            """,
        version: Manifest.toolVersion)

    @OptionGroup var options: CommonOptions

    @Option(name: .customLong("run"), help: ArgumentHelp("The run folder holding dataset/, evaluation/, mitigation/ …", valueName: "dir"))
    var runFolder = "outputs"

    @Option(help: ArgumentHelp("Render a standalone audit: the folder `evaluate --preds … --out` wrote.", valueName: "dir"))
    var audit: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Compare these run folders on one page.", valueName: "dir"))
    var runs: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Print the differences between two run folders.", valueName: "dir"))
    var diff: [String] = []

    func validate() throws {
        if !diff.isEmpty && diff.count != 2 { throw ValidationError("--diff takes exactly two run folders") }
        if !diff.isEmpty && !runs.isEmpty { throw ValidationError("use --runs or --diff, not both") }
    }

    func run() throws {
        var last: String?
        defer { if let last { ProgressLog(stage: "report", quiet: options.quiet).info(last) } }
        try StageMain.run(.report, options: options, defaultOut: "outputs/report") { config, stageRun, log in
            if diff.count == 2 {
                print(try ReportStage.diff(config, runA: diff[0], runB: diff[1], run: stageRun), terminator: "")
            } else if let audit {
                last = try ReportStage.audit(config, folder: audit, run: stageRun, log: log)
            } else if !runs.isEmpty {
                try ReportStage.many(config, runFolders: runs, run: stageRun, log: log)
            } else {
                last = try ReportStage.single(config, runFolder: runFolder, run: stageRun, log: log)
            }
            return .success
        }
    }
}

Report.main()
