import Foundation

/// One execution of a stage: it records every input read and every output written,
/// writes outputs atomically, and writes `manifest.json` last.
///
/// If the stage fails, ``abandon()`` removes what this run wrote, so `make` never sees a
/// half-finished stage folder as done.
public final class StageRun {
    public let stage: StageName
    /// The folder outputs go to (`--out`).
    public let outputFolder: String
    /// The repository root; recorded paths are relative to it.
    public let root: String
    public let seed: UInt64
    public let config: JSONValue
    public let configFile: String?
    public let clock: RunClock
    private let started: Date
    private var inputs: [String] = []
    /// Digests computed while an input was read (a large log is hashed once, not twice).
    private var inputDigests: [String: FileDigest] = [:]
    private var outputs: [String] = []
    private let environment: [String: String]

    /// A class because a run is one identity that every writer shares and appends to.
    public init(
        stage: StageName, outputFolder: String, seed: UInt64, config: JSONValue, configFile: String?,
        root: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        self.stage = stage
        self.outputFolder = outputFolder
        self.root = root
        self.seed = seed
        self.config = config
        self.configFile = configFile
        self.environment = environment
        self.clock = try RunClock(environment: environment)
        self.started = clock.now()
        // A stale manifest would claim that outputs about to be replaced are finished.
        let manifest = path(Manifest.fileName)
        if FileManager.default.fileExists(atPath: manifest) {
            do {
                try FileManager.default.removeItem(atPath: manifest)
            } catch {
                throw FileError.unwritable(path: manifest, reason: "cannot remove the previous manifest")
            }
        }
    }

    /// This stage's random stream seed.
    public var streamSeed: UInt64 { Xoshiro256StarStar.derive(seed: seed, stream: stage.rawValue) }

    /// The seed of a named sub-stream of this stage's stream (for APIs that take a seed).
    public func seed(for purpose: String) -> UInt64 {
        Xoshiro256StarStar.derive(seed: streamSeed, stream: purpose)
    }

    /// A fresh generator on this stage's stream, or on a named sub-stream of it.
    public func generator(_ purpose: String = "") -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: streamSeed, stream: purpose)
    }

    /// The path of `name` inside the output folder.
    public func path(_ name: String) -> String {
        URL(fileURLWithPath: outputFolder).appendingPathComponent(name).path
    }

    /// Records a file this stage read.
    public func recordInput(_ path: String) {
        if !inputs.contains(path) { inputs.append(path) }
    }

    /// Records an input whose digest the reader already computed in its own pass over the
    /// bytes (the manifest then does not read the file again).
    public func recordInput(_ path: String, digest: FileDigest) {
        recordInput(path)
        inputDigests[path] = digest
    }

    /// Reads an input file, recording it.
    public func readInput(_ path: String) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else { throw FileError.notFound(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError.unreadable(path: path, reason: "permission denied or not a file")
        }
        recordInput(path)
        return data
    }

    /// Writes `data` to `name` in the output folder, atomically, and records it.
    @discardableResult
    public func write(_ data: Data, to name: String) throws -> String {
        let target = path(name)
        try AtomicFile.write(data, to: target)
        if !outputs.contains(target) { outputs.append(target) }
        return target
    }

    @discardableResult
    public func write(_ text: String, to name: String) throws -> String {
        try write(Data(text.utf8), to: name)
    }

    /// Writes a value as canonical JSON.
    @discardableResult
    public func writeJSON<T: Encodable>(_ value: T, to name: String) throws -> String {
        try write(CanonicalJSON.data(value), to: name)
    }

    /// Writes the manifest, last. Returns it.
    @discardableResult
    public func finish() throws -> Manifest {
        let finished = clock.now()
        let scheduler = environment.filter { $0.key.hasPrefix("SLURM_JOB_ID") || $0.key == "SLURM_JOB_NAME" }
        let manifest = Manifest(
            stage: stage,
            toolVersion: Manifest.toolVersion,
            git: GitState.current(in: root),
            seed: seed,
            streamSeed: streamSeed,
            config: config,
            configSha256: try configHash(config),
            configFile: configFile.map { RepositoryPaths.relative($0, to: root) },
            inputs: try inputs.sorted().map { try inputDigests[$0] ?? FileDigest(path: $0, relativeTo: root) },
            outputs: try outputs.sorted().map { try FileDigest(path: $0, relativeTo: root) },
            started: RunClock.timestamp(started),
            finished: RunClock.timestamp(finished),
            durationSeconds: clock.isFixed ? nil : (finished.timeIntervalSince(started) * 1000).rounded() / 1000,
            scheduler: scheduler.isEmpty ? nil : scheduler,
            dependencies: DependencyVersions.current(root: root)
        )
        try AtomicFile.write(manifest.jsonData(), to: path(Manifest.fileName))
        return manifest
    }

    /// Removes every output this run wrote (after a failure).
    public func abandon() {
        for output in outputs {
            try? FileManager.default.removeItem(atPath: output)
        }
        outputs.removeAll()
    }
}

/// SHA-256 of a resolved configuration in canonical JSON.
public func configHash(_ config: JSONValue) throws -> String {
    sha256Hex(try CanonicalJSON.data(config))
}
