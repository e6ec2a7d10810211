import ArgumentParser
import FairPipe
import Foundation

/// Flags every stage takes.
public struct CommonOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Configuration file. Default: pipeline.yml if present, else built-in defaults.", valueName: "path"))
    public var config: String?

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a configuration key, e.g. --set mitigation.group_thresholds.tolerance=0.05 (repeatable; highest precedence).",
            valueName: "section.key=value"))
    public var overrides: [String] = []

    @Option(name: .long, help: ArgumentHelp("Folder for this stage's artefacts.", valueName: "dir"))
    public var out: String?

    @Flag(name: .long, help: "No progress output (warnings and errors are still printed).")
    public var quiet = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write this stage's resolved-config hash to the file (only if it changed) and exit. Used by the Makefile.",
            valueName: "file", visibility: .hidden))
    public var stamp: String?

    @Flag(
        name: .customLong("check-config"),
        help: ArgumentHelp(
            "Load and validate the whole configuration, then exit. Used by the Makefile before any stage runs.",
            visibility: .hidden))
    public var checkConfig = false

    public init() {}
}

/// Runs a stage body with the shared contract: load and validate the whole config, honour
/// `--stamp`, print one-line errors, exit with the documented status, leave no partial
/// artefacts.
public enum StageMain {
    /// `auditing` and `readsDefaultFile` are for an audit of a predictions CSV (see
    /// ``PipelineConfig/load(path:overrides:auditing:readsDefaultFile:environment:)``).
    public static func run(
        _ stage: StageName, options: CommonOptions, defaultOut: String,
        auditing: [String]? = nil, readsDefaultFile: Bool = true,
        body: (PipelineConfig, StageRun, ProgressLog) throws -> ExitStatus
    ) throws {
        let log = ProgressLog(stage: stage.rawValue, quiet: options.quiet)
        var stageRun: StageRun?
        let abandon: () -> Void = { stageRun?.abandon() }
        try reportingErrors(log, onFailure: abandon) {
            let loaded = try PipelineConfig.load(
                path: options.config, overrides: options.overrides, auditing: auditing,
                readsDefaultFile: readsDefaultFile)
            let slice = try StageConfigSlice.slice(for: stage, of: loaded.value)
            if options.checkConfig { return }
            if let stamp = options.stamp {
                try ConfigStamp.write(hash: try configHash(slice), to: stamp)
                return
            }
            let out = options.out ?? defaultOut
            let run = try StageRun(
                stage: stage, outputFolder: out, seed: loaded.value.experiment.seed, config: slice,
                configFile: loaded.file)
            stageRun = run
            let status = try body(loaded.value, run, log)
            // An audit says which configuration judged it (its gates, its references); after
            // the work, so an error stays the one line on stderr.
            if stage == .evaluate {
                log.info(
                    configLine(
                        file: loaded.file, readsDefaultFile: readsDefaultFile, overrides: options.overrides.count))
            }
            try run.finish()
            log.info("wrote \(out)/\(Manifest.fileName)")
            if status != .success { throw ExitCode(status.rawValue) }
        }
    }

    /// Which configuration a stage used, so an audit never silently runs on a file the user
    /// did not mean.
    static func configLine(file: String?, readsDefaultFile: Bool, overrides: Int) -> String {
        let sets = overrides == 0 ? "" : " with \(overrides) --set override\(overrides == 1 ? "" : "s")"
        if let file { return "config: \(file)\(sets)" }
        if !readsDefaultFile && FileManager.default.fileExists(atPath: ConfigLoader.defaultPath) {
            return
                "config: built-in defaults\(sets) (\(ConfigLoader.defaultPath) here is not read by a --preds audit; pass --config \(ConfigLoader.defaultPath) to use it)"
        }
        return "config: built-in defaults\(sets) (no \(ConfigLoader.defaultPath))"
    }

    /// Runs `body`, turning an error into one line on stderr and its documented exit
    /// status; `onFailure` removes partial artefacts first.
    static func reportingErrors(_ log: ProgressLog, onFailure: () -> Void = {}, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch let error as FairPipeError {
            onFailure()
            log.error(error.description)
            throw ExitCode(error.exitStatus.rawValue)
        } catch {
            onFailure()
            log.error("internal error: \(error)")
            throw ExitCode(ExitStatus.internalError.rawValue)
        }
    }
}

extension StageMain {
    /// A stage command that writes no artefacts (e.g. `make-dataset --fetch-only`): the
    /// same config loading, error lines and exit statuses, no manifest.
    public static func runWithoutArtefacts(
        _ stage: StageName, options: CommonOptions, body: (PipelineConfig, ProgressLog) throws -> Void
    ) throws {
        let log = ProgressLog(stage: stage.rawValue, quiet: options.quiet)
        try reportingErrors(log) {
            let loaded = try PipelineConfig.load(path: options.config, overrides: options.overrides)
            try body(loaded.value, log)
        }
    }
}

extension ProgressLog {
    func error(_ message: String) {
        ProgressLog.standardError("\(stage): error: \(message)")
    }
}

extension StageMain {
    /// Parses the command line and runs `Command`, printing ArgumentParser's own usage errors
    /// in the stages' format, `stage: error: <message>`, one line, with exit status 64. Help
    /// and `--version` go to stdout with status 0, as ArgumentParser prints them.
    public static func main<Command: ParsableCommand>(_ command: Command.Type) -> Never {
        let name = Command.configuration.commandName ?? "\(Command.self)"
        do {
            var parsed = try Command.parseAsRoot()
            try parsed.run()
            exit(0)
        } catch let status as ExitCode {
            exit(status.rawValue)
        } catch {
            let code = Command.exitCode(for: error)
            if code == .success {
                print(Command.fullMessage(for: error))
                exit(0)
            }
            let message = Command.message(for: error)
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            ProgressLog.standardError("\(name): error: \(message) (see `\(name) --help`)")
            exit(code.rawValue)
        }
    }
}
