import ArgumentParser
import FairPipe
import FairPipeCLI

struct Monitor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Fairness over time on a production prediction log: windows, drift, alerts, Prometheus.",
        version: Manifest.toolVersion,
        subcommands: [Run.self, DemoLog.self],
        defaultSubcommand: Run.self)
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Fairness over time on a production prediction log: windows, drift, alerts, Prometheus.",
        discussion: """
            monitor --log predictions-log.csv --time ts --sensitive group,sex --out outputs/monitor
            monitor --log log.csv --reference outputs/evaluation --fail-on-alert --push http://127.0.0.1:9091
            Windows, reference and alert rules come from the monitor: section (--set monitor.window=1d).
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: ArgumentHelp("The prediction log CSV.", valueName: "file"))
    var log: String

    @Option(help: ArgumentHelp("The timestamp column (default monitor.time).", valueName: "column"))
    var time: String?

    /// Evaluate's column flags; an empty label cell is a row not labelled yet.
    @OptionGroup var columns: PredictionColumnOptions

    @Option(
        help: ArgumentHelp(
            "Compare with the pipeline's test evaluation in this folder instead of monitor.reference.", valueName: "dir"
        ))
    var reference: String?

    @Flag(help: "Recompute every window instead of reusing unchanged windows from OUT/.cache.")
    var noCache = false

    @Flag(help: "Exit with status 3 when any alert fires.")
    var failOnAlert = false

    @Option(help: ArgumentHelp("Also send fairpipe.prom to this Prometheus Pushgateway.", valueName: "url"))
    var push: String?

    @Option(help: ArgumentHelp("Pushgateway job label.", valueName: "name"))
    var job = "fairpipe"

    @Option(help: ArgumentHelp("Pushgateway instance label.", valueName: "name"))
    var instance = "monitor"

    func run() throws {
        try StageMain.run(.monitor, options: options, defaultOut: "outputs/monitor") { config, run, progress in
            var stage = MonitorStage.Options(logPath: log, columns: columns.columns(config))
            stage.time = time
            stage.referenceFolder = reference
            stage.failOnAlert = failOnAlert
            stage.pushURL = push
            stage.job = job
            stage.instance = instance
            stage.cacheFolder = noCache ? nil : run.path(".cache")
            return try MonitorStage.run(config, options: stage, run: run, log: progress)
        }
    }
}

struct DemoLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-log",
        abstract: "Write a synthetic prediction log (data.synthetic, with its drift schedule) to try the monitor on.",
        discussion: "monitor demo-log --config configs/monitor-demo.yml --days 90 --file outputs/monitor-demo/log.csv")

    @OptionGroup var options: CommonOptions

    @Option(help: ArgumentHelp("Where to write the log CSV.", valueName: "file"))
    var file: String

    @Option(help: "Days of log.")
    var days = 90

    @Option(help: "Rows per day.")
    var rowsPerDay = 2_000

    @Option(help: ArgumentHelp("First day.", valueName: "YYYY-MM-DD"))
    var start = "2026-01-01"

    @Option(help: "The last this many days have no labels yet.")
    var unlabelledDays = 7

    func run() throws {
        try StageMain.runWithoutArtefacts(.monitor, options: options) { config, log in
            var plan = MonitorDemo.Plan()
            plan.days = days
            plan.rowsPerDay = rowsPerDay
            plan.start = start
            plan.unlabelledDays = unlabelledDays
            try MonitorDemo.writeLog(
                config.data.synthetic, plan: plan, threshold: config.model.threshold, seed: config.experiment.seed,
                to: file)
            log.info("wrote \(days * rowsPerDay) rows to \(file)")
        }
    }
}

Monitor.main()
