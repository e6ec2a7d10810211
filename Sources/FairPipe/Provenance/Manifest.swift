import Foundation

/// The five pipeline stages, by their executable names.
public enum StageName: String, Codable, Sendable, CaseIterable {
    case makeDataset = "make-dataset"
    case train
    case evaluate
    case mitigate
    case report
    case explain
    case monitor
}

/// `manifest.json`: what a stage read, what it wrote, with which configuration, seed and
/// commit. Written last, so its presence means the stage finished.
public struct Manifest: Artefact, Equatable {
    public static let fileName = "manifest.json"
    public static let currentSchemaVersion = 1
    /// The FairPipe release that wrote the artefacts.
    public static let toolVersion = "0.1.0"

    /// Absent in files written before versioning (read as 1).
    public var schemaVersion: Int? = Manifest.currentSchemaVersion
    public var stage: StageName
    public var toolVersion: String
    public var git: GitState
    /// The master seed (`experiment.seed`).
    public var seed: UInt64
    /// The seed of this stage's own random stream, derived from `seed`.
    public var streamSeed: UInt64
    /// The resolved configuration the stage used (the sections it reads).
    public var config: JSONValue
    /// SHA-256 of `config` in canonical JSON; the Makefile's stage stamps hold it too.
    public var configSha256: String
    /// The configuration file read (relative to the repository root), if any.
    public var configFile: String?
    public var inputs: [FileDigest]
    public var outputs: [FileDigest]
    public var started: String
    public var finished: String
    /// Wall time in seconds; omitted when `SOURCE_DATE_EPOCH` fixes the clock.
    public var durationSeconds: Double?
    /// Scheduler context when a stage ran as a cluster job (`SLURM_JOB_ID`, …).
    public var scheduler: [String: String]?
    /// The resolved versions of FairPipe's dependencies (absent in older manifests).
    public var dependencies: DependencyVersions? = nil

    /// The wire names, spelt out: `config` and `scheduler` hold user keys that no key
    /// conversion may touch, so manifests are read verbatim (``Artefact/keysAreVerbatim``).
    enum CodingKeys: String, CodingKey {
        case stage, git, seed, config, inputs, outputs, started, finished, scheduler, dependencies
        case schemaVersion = "schema_version"
        case toolVersion = "tool_version"
        case streamSeed = "stream_seed"
        case configSha256 = "config_sha256"
        case configFile = "config_file"
        case durationSeconds = "duration_seconds"
    }

    public static var keysAreVerbatim: Bool { true }
}

/// Reads a manifest written by an earlier stage.
public func readManifest(at path: String) throws -> Manifest {
    try Manifest.read(at: path)
}
