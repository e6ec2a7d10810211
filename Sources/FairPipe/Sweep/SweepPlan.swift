import Foundation

/// The config-slice hash of each stage for one run (``StageConfigSlice``), as recorded in
/// that stage's manifest (`config_sha256`).
public struct StageHashes: Codable, Equatable, Sendable {
    public var makeDataset: String
    public var train: String
    public var evaluate: String
    public var mitigate: String
    public var report: String

    public init(_ config: PipelineConfig) throws {
        func hash(_ stage: StageName) throws -> String {
            try configHash(StageConfigSlice.slice(for: stage, of: config))
        }
        makeDataset = try hash(.makeDataset)
        train = try hash(.train)
        evaluate = try hash(.evaluate)
        mitigate = try hash(.mitigate)
        report = try hash(.report)
    }

    public subscript(stage: StageName) -> String {
        switch stage {
        case .makeDataset: return makeDataset
        case .train: return train
        case .evaluate: return evaluate
        case .mitigate: return mitigate
        case .report: return report
        // A sweep runs no monitor; its runs have no monitor slice to compare.
        case .monitor: return ""
        // Nor explain: a sweep compares runs by their metrics.
        case .explain: return ""
        }
    }
}

/// The upstream stage folders a run shares with every run whose upstream configuration is
/// the same. Each name carries a key chained through its inputs: the dataset's from the
/// make-dataset slice, the model's from the dataset key and the train slice, the baseline
/// evaluation's from the model key and the evaluate slice. Runs that differ only in
/// `mitigation.*` therefore share all three.
public struct SharedFolders: Codable, Equatable, Hashable, Sendable {
    public var dataset: String
    public var model: String
    public var evaluation: String
}

/// One planned run of a sweep.
public struct SweepRun: Codable, Equatable, Sendable {
    /// First 10 hex digits of the SHA-256 of the run's overrides, sorted by key, one
    /// `key=value` per line: stable across re-plans and grid extensions.
    public var id: String
    /// `method=reweighing tolerance=0.05 seed=2`.
    public var label: String
    /// The swept settings, in spec order.
    public var overrides: [SweepOverride]
    /// `outputs/sweeps/<name>/<id>`.
    public var folder: String
    public var shared: SharedFolders
    public var stageHashes: StageHashes
    /// SHA-256 of the run's whole resolved configuration (canonical JSON).
    public var configHash: String

    /// The value of a swept key in this run, if it sets it.
    public func value(of key: String) -> String? { overrides.first { $0.key == key }?.value }

    /// Deterministic run id from overrides (order-independent).
    public static func id(for overrides: [SweepOverride]) -> String {
        let canonical = overrides.sorted { $0.key < $1.key }.map(\.argument).joined(separator: "\n")
        return String(sha256Hex(Data(canonical.utf8)).prefix(10))
    }

    /// A readable label: each swept key by its last component (the full key where two
    /// swept keys share a last component), in spec order.
    public static func label(for overrides: [SweepOverride], sweptKeys: [String]) -> String {
        let short = sweptKeys.map { key in String(key.split(separator: ".").last ?? Substring(key)) }
        let parts = overrides.map { override -> String in
            let name = String(override.key.split(separator: ".").last ?? Substring(override.key))
            let ambiguous = short.filter { $0 == name }.count > 1
            return "\(ambiguous ? override.key : name)=\(override.value)"
        }
        return parts.isEmpty ? "base" : parts.joined(separator: " ")
    }
}

/// A sweep resolved against its base configuration: every run's configuration loaded and
/// validated, its id, label, folder and the shared upstream folders it uses.
///
/// Planning loads each run's whole configuration exactly as the stages will (same file,
/// same `--set` strings, same environment), so an invalid key or value anywhere fails
/// here, naming the run and the key, before anything runs.
public struct SweepPlan: Codable, Equatable, Sendable {
    public static let fileName = "plan.json"

    public var name: String
    /// The sweep file planned from.
    public var spec: String
    /// The configuration file every run reads (nil: built-in defaults).
    public var configFile: String?
    /// `--set` overrides applied to every run, before its own (`make sweep SET=...`).
    public var fixedOverrides: [String]
    public var sweptKeys: [String]
    /// `outputs/sweeps/<name>`.
    public var folder: String
    public var runs: [SweepRun]

    /// Plans `spec`: O(runs) config loads (milliseconds each). `share: false` gives every
    /// run its own upstream folders (to measure what sharing saves).
    public static func make(
        spec: SweepSpec, fixedOverrides: [String] = [], root: String = "outputs/sweeps", share: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SweepPlan {
        let loader = ConfigLoader(environment: environment)
        let folder = (root as NSString).appendingPathComponent(spec.name)
        // The fixed overrides alone first, so their mistakes are not blamed on run 1.
        let baseLoaded = try loader.load(PipelineConfig.self, path: spec.base, overrides: fixedOverrides)
        var runs: [SweepRun] = []
        var seen: [String: String] = [:]
        var configs: [String: String] = [:]  // full config hash → label of the first run with it
        for (index, overrides) in spec.runs.enumerated() {
            let label = SweepRun.label(for: overrides, sweptKeys: spec.sweptKeys)
            let id = SweepRun.id(for: overrides)
            let canonical = overrides.sorted { $0.key < $1.key }.map(\.argument)
            if let previous = seen[id] {
                if previous == canonical.joined(separator: "\n") {
                    throw SweepError.duplicateRun(spec: spec.origin, label: label)
                }
                throw SweepError.invalidSpec(
                    path: spec.origin, line: 0, message: "two runs share the id \(id); change a value")
            }
            seen[id] = canonical.joined(separator: "\n")
            let config: PipelineConfig
            do {
                config = try loader.load(
                    PipelineConfig.self, path: spec.base, overrides: fixedOverrides + overrides.map(\.argument)
                ).value
            } catch let error as FairPipeError {
                throw SweepError.invalidRun(spec: spec.origin, run: index + 1, label: label, message: error.description)
            }
            // A swept key the run's method never reads would only give duplicate runs.
            for override in overrides where override.key.hasPrefix("mitigation.") {
                let key = String(override.key.dropFirst("mitigation.".count))
                let method = config.mitigation.method
                guard method.reads(key) else {
                    throw SweepError.invalidRun(
                        spec: spec.origin, run: index + 1, label: label,
                        message:
                            "`\(override.key)` is not read by mitigation.method \(method.rawValue), so this run would repeat another; sweep it only in runs of a method that reads it (a `runs:` list)"
                    )
                }
            }
            // Different text, same configuration (`0.05` and `5e-2`): one folder would do.
            let fullHash = try configHash(JSONValue(encoding: config))
            if let first = configs[fullHash] {
                throw SweepError.invalidSpec(
                    path: spec.origin, line: 0,
                    message: "runs `\(first)` and `\(label)` resolve to the same configuration")
            }
            configs[fullHash] = label
            let hashes = try StageHashes(config)
            func key(_ parts: String...) -> String {
                String(sha256Hex(Data(parts.joined(separator: " ").utf8)).prefix(10))
            }
            let datasetKey =
                share ? key("make-dataset", hashes.makeDataset) : key("make-dataset", hashes.makeDataset, id)
            let modelKey = key("train", datasetKey, hashes.train)
            let evaluationKey = key("evaluate", modelKey, hashes.evaluate)
            let shared = (folder as NSString).appendingPathComponent("shared")
            runs.append(
                SweepRun(
                    id: id, label: label, overrides: overrides,
                    folder: (folder as NSString).appendingPathComponent(id),
                    shared: SharedFolders(
                        dataset: (shared as NSString).appendingPathComponent("dataset-\(datasetKey)"),
                        model: (shared as NSString).appendingPathComponent("model-\(modelKey)"),
                        evaluation: (shared as NSString).appendingPathComponent("evaluation-\(evaluationKey)")),
                    stageHashes: hashes,
                    configHash: fullHash))
        }
        return SweepPlan(
            name: spec.name, spec: spec.origin, configFile: baseLoaded.file, fixedOverrides: fixedOverrides,
            sweptKeys: spec.sweptKeys, folder: folder, runs: runs)
    }

    /// Where `plan.json` of the sweep `name` lives.
    public static func path(name: String, root: String = "outputs/sweeps") -> String {
        ((root as NSString).appendingPathComponent(name) as NSString).appendingPathComponent(fileName)
    }

    /// Reads a plan written by ``SweepFiles/write(_:bin:)``.
    public static func read(path: String) throws -> SweepPlan {
        guard let data = FileManager.default.contents(atPath: path) else { throw SweepError.notPlanned(path: path) }
        do {
            return try CanonicalJSON.decoder().decode(SweepPlan.self, from: data)
        } catch {
            throw FileError.malformed(path: path, reason: "not a FairPipe sweep plan (\(error))")
        }
    }

    /// How many stage executions sharing saves: per run, dataset + model + evaluation,
    /// minus the distinct shared folders actually built.
    public var sharedStageSavings: (withSharing: Int, withoutSharing: Int) {
        let perRun = 6  // make-dataset, train, evaluate, mitigate, evaluate (mitigated), report
        let distinct =
            Set(runs.map(\.shared.dataset)).count + Set(runs.map(\.shared.model)).count
            + Set(runs.map(\.shared.evaluation)).count
        return (distinct + runs.count * (perRun - 3), runs.count * perRun)
    }
}
