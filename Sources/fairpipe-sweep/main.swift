import ArgumentParser
import FairPipe
import FairPipeCLI
import Foundation

/// `fairpipe-sweep`: plans a parameter sweep as a Makefile fragment and builds its
/// experiment log. make runs the stages (`make sweep SWEEP=sweeps/NAME.yml -j N`).
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fairpipe-sweep",
        abstract: "Plan parameter sweeps for make, and build their experiment log.",
        discussion: """
            Usually driven by the Makefile:  make sweep SWEEP=sweeps/tolerance.yml -j 4
            By hand:  make -f $(fairpipe-sweep plan sweeps/tolerance.yml) -j 4
            """,
        version: Manifest.toolVersion,
        subcommands: [Plan.self, Log.self])
}

/// Runs a body with the stages' error contract: one line on stderr, a documented exit status.
func guarded(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as FairPipeError {
        FileHandle.standardError.write(Data("fairpipe-sweep: error: \(error.description)\n".utf8))
        throw ExitCode(error.exitStatus.rawValue)
    }
}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate every run's configuration and write plan.json and sweep.mk; print the sweep.mk path.")

    @Argument(help: ArgumentHelp("The sweep file.", valueName: "spec.yml"))
    var spec: String

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a key for every run (before the run's own overrides; repeatable).", valueName: "section.key=value"
        ))
    var overrides: [String] = []

    @Option(help: ArgumentHelp("Folder holding the sweeps.", valueName: "dir"))
    var root = "outputs/sweeps"

    @Option(
        help: ArgumentHelp("Default binary folder written into sweep.mk (make's BIN overrides it).", valueName: "dir"))
    var bin = ".build/release"

    @Flag(help: "Give every run its own dataset, model and baseline evaluation (to measure what sharing saves).")
    var noShare = false

    func run() throws {
        try guarded {
            let plan = try SweepPlan.make(
                spec: SweepSpec.load(path: spec), fixedOverrides: overrides, root: root, share: !noShare)
            let fragment = try SweepFiles.write(plan, bin: bin)
            let counts = plan.sharedStageSavings
            FileHandle.standardError.write(
                Data(
                    "fairpipe-sweep: \(plan.name): \(plan.runs.count) runs, \(counts.withSharing) stage executions (\(counts.withoutSharing) without sharing)\n"
                        .utf8))
            print(fragment)
        }
    }
}

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Build experiments.csv and experiments.json from the runs' manifests and metrics; log the sweep to MLflow when tracking is configured."
    )

    @Argument(help: ArgumentHelp("The sweep file, or its plan.json.", valueName: "spec.yml|plan.json"))
    var spec: String

    @Option(help: ArgumentHelp("Folder holding the sweeps.", valueName: "dir"))
    var root = "outputs/sweeps"

    @Flag(help: "Fail (exit 66) when some runs have not finished.")
    var complete = false

    @Flag(help: "Do not log the sweep to MLflow even when tracking is configured.")
    var noTrack = false

    @Flag(help: "No progress output (warnings and errors are still printed).")
    var quiet = false

    func run() throws {
        try guarded {
            let planPath =
                spec.hasSuffix(".json")
                ? spec : SweepPlan.path(name: try SweepSpec.load(path: spec).name, root: root)
            let plan = try SweepPlan.read(path: planPath)
            let (records, pending) = try ExperimentLog.write(plan)
            var message = "fairpipe-sweep: wrote \(plan.folder)/experiments.csv (\(records.count) runs"
            message += pending.isEmpty ? ")\n" : "; \(pending.count) not finished: \(pending.joined(separator: " ")))\n"
            if !quiet { FileHandle.standardError.write(Data(message.utf8)) }
            if complete && !pending.isEmpty { throw ExitCode(ExitStatus.noInput.rawValue) }
            if !noTrack {
                let log = ProgressLog(stage: "fairpipe-sweep", quiet: quiet)
                let config = try PipelineConfig.load(path: plan.configFile, overrides: plan.fixedOverrides).value
                if pending.isEmpty {
                    try Tracking.logSweep(plan, config: config, log: log)
                } else if try MLflowSettings.resolve(config) != nil {
                    log.warning("tracking: not logging sweep `\(plan.name)` to MLflow until all its runs have finished")
                }
            }
        }
    }
}

StageMain.main(Sweep.self)
