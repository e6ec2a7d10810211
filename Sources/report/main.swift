import ArgumentParser
import FairPipe
import FairPipeCLI
import Foundation

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a run's artefacts as a self-contained HTML report, Markdown and JUnit XML.",
        discussion: """
            One run:    report --run outputs --out outputs/report
            Many runs:  report --runs outputs/sweeps/tolerance/* --out outputs/sweeps/tolerance/report
            Two runs:   report --diff outputs/runs/a outputs/runs/b --out outputs/diff
            Over time:  report --monitor outputs/monitor --out outputs/monitor-report
            An audit:   report --audit audit --out audit/report   (after evaluate --preds p.csv --out audit)
            Log to MLflow (tracking.mlflow.uri or MLFLOW_TRACKING_URI):
                        report --run outputs --out outputs/report --track
                        report --run outputs --track-only   (a finished run, nothing rendered)
            """,
        version: Manifest.toolVersion)

    @OptionGroup var options: CommonOptions

    @Option(
        name: .customLong("run"),
        help: ArgumentHelp("The run folder holding dataset/, evaluation/, mitigation/ …", valueName: "dir"))
    var runFolder = "outputs"

    @Option(
        help: ArgumentHelp("Render a standalone audit: the folder `evaluate --preds … --out` wrote.", valueName: "dir"))
    var audit: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Compare these run folders on one page.", valueName: "dir"))
    var runs: [String] = []

    @Option(
        parsing: .upToNextOption, help: ArgumentHelp("Print the differences between two run folders.", valueName: "dir")
    )
    var diff: [String] = []

    @Flag(help: "After rendering, log the run to the configured MLflow server.")
    var track = false

    @Flag(help: "Only log the finished run in --run to the configured MLflow server; render and write nothing.")
    var trackOnly = false

    @Option(help: ArgumentHelp("Render a monitor run's \"Fairness over time\" page (monitor.html).", valueName: "dir"))
    var monitor: String?

    func validate() throws {
        if (track || trackOnly) && (!diff.isEmpty || !runs.isEmpty || audit != nil) {
            throw ValidationError("--track and --track-only log one run: use them with --run")
        }
        if track && trackOnly { throw ValidationError("use --track or --track-only, not both") }
        if track, let out = options.out,
            URL(fileURLWithPath: out).standardizedFileURL
                != URL(fileURLWithPath: runFolder).appendingPathComponent("report").standardizedFileURL
        {
            throw ValidationError("--track logs the run's own report: use --out \(runFolder)/report")
        }
        if !diff.isEmpty && diff.count != 2 { throw ValidationError("--diff takes exactly two run folders") }
        if !diff.isEmpty && !runs.isEmpty { throw ValidationError("use --runs or --diff, not both") }
    }

    func run() throws {
        if !trackOnly {
            try render()
        }
        if track || trackOnly {
            try StageMain.runWithoutArtefacts(.report, options: options) { config, log in
                try Tracking.logRun(config, runFolder: runFolder, log: log)
                // `make all` ends with this step: end it with where the report is and its verdict.
                if trackOnly, let line = try? ReportStage.verdictLine(config, runFolder: runFolder) { log.info(line) }
            }
        }
    }

    func render() throws {
        var last: String?
        defer { if let last { ProgressLog(stage: "report", quiet: options.quiet).info(last) } }
        try StageMain.run(.report, options: options, defaultOut: "outputs/report") { config, stageRun, log in
            if let monitor {
                try MonitorOverTimePage.write(config, monitorFolder: monitor, run: stageRun, log: log)
            } else if diff.count == 2 {
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

StageMain.main(Report.self)
