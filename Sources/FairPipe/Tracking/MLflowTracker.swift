import Foundation

/// MLflow's documented limits on what one run and one `runs/log-batch` request may hold.
public enum MLflowLimits {
    public static let paramsPerRequest = 100
    public static let metricsPerRequest = 1000
    public static let itemsPerRequest = 1000
    public static let keyLength = 250
    public static let paramValueLength = 6000
    public static let tagValueLength = 5000
}

/// Logs ``TrackedRun``s to one MLflow experiment, at most once each.
///
/// **Idempotence.** A run is found by its `fairpipe.run_key` tag. Unchanged artefacts give
/// the same key, so logging again finds the run and sends nothing more; a changed run has a
/// new key and becomes a new MLflow run.
///
/// **Races** (parallel sweep jobs, two `make` invocations). MLflow has no unique constraint
/// on tags, so two processes can both search, find nothing and both create. Every process
/// therefore searches again right after creating and keeps the *canonical* run, the one
/// with the smallest run id among all active runs with that key, deleting the others it
/// sees. The smallest id never deletes itself, so at least one run survives; and a run
/// that survived its own creator's search (because the smallest was created later) is seen
/// and deleted by the smallest one's creator, whose search comes after. So exactly one run
/// remains, whatever the interleaving. Filling a run is idempotent (params with equal
/// values, metrics with equal key, value, timestamp and step, artifacts overwritten), so
/// two processes may both fill the canonical run, and a process whose run was deleted
/// under it fills the canonical one instead. A run is marked FINISHED last: a run found
/// unfinished (its logger crashed) is filled again.
public struct MLflowTracker: Sendable {
    public let client: MLflowClient
    public let experiment: MLflowExperiment
    public let log: ProgressLog

    /// What logging one run did.
    public enum Outcome: String, Sendable, Equatable {
        /// A new MLflow run was created and filled.
        case created
        /// An unfinished run with the key existed and was completed.
        case completed
        /// A finished run with the key existed: nothing was sent.
        case alreadyLogged = "already logged"
    }

    public struct Logged: Sendable, Equatable {
        public var runId: String
        public var outcome: Outcome
    }

    /// Resolves (or creates) the experiment, and checks that the server proxies artifacts.
    public init(client: MLflowClient, log: ProgressLog) throws {
        self.client = client
        self.log = log
        self.experiment = try client.experiment(named: client.settings.experiment)
        if let location = experiment.artifactLocation { _ = try client.proxyPath(artifactURI: location) }
    }

    /// Logs `run` (as a child of `parentRunId` when given) unless it is already there.
    @discardableResult
    public func track(_ run: TrackedRun, parentRunId: String? = nil) throws -> Logged {
        var run = try prepared(run)
        if let parentRunId { run.tags.append(MLflowPair(TrackedRun.parentTag, parentRunId)) }
        var (canonical, created) = try findOrCreate(run)
        if canonical.info.status == "FINISHED" {
            try adopt(canonical, parentRunId: parentRunId)
            return Logged(runId: canonical.info.runId, outcome: created ? .created : .alreadyLogged)
        }
        for attempt in 0..<3 {
            do {
                try fill(run, into: canonical)
                try client.finishRun(runId: canonical.info.runId, endTime: run.endTime)
                break
            } catch let error as TrackingError {
                // The run was deleted under us by a racer that found a smaller id: fill that one.
                guard case .rejected = error, attempt < 2, let now = try canonicalRun(key: run.key),
                    now.info.runId != canonical.info.runId
                else { throw error }
                canonical = now
            }
        }
        return Logged(runId: canonical.info.runId, outcome: created ? .created : .completed)
    }

    /// Logs a sweep: the parent run, then every child under it, then marks the parent
    /// finished. A finished parent means the whole sweep is logged.
    public func trackSweep(parent: TrackedRun, children: [TrackedRun]) throws -> (parent: Logged, children: [Logged]) {
        let parentRun = try prepared(parent)
        let prepared = try children.map { try self.prepared($0) }
        var (canonical, created) = try findOrCreate(parentRun)
        if canonical.info.status == "FINISHED" {
            return (Logged(runId: canonical.info.runId, outcome: .alreadyLogged), [])
        }
        var logged: [Logged] = []
        for _ in 0..<3 {
            try fill(parentRun, into: canonical)
            logged = try prepared.map { try track($0, parentRunId: canonical.info.runId) }
            // A racer may have replaced the parent meanwhile; then its children point at a
            // deleted run: go round once more with the survivor (children are found, re-tagged).
            guard let now = try canonicalRun(key: parentRun.key), now.info.runId != canonical.info.runId else { break }
            canonical = now
            created = false
        }
        try client.finishRun(runId: canonical.info.runId, endTime: parentRun.endTime)
        return (Logged(runId: canonical.info.runId, outcome: created ? .created : .completed), logged)
    }

    /// The run's page in MLflow's UI.
    public func link(_ runId: String) -> String {
        "\(client.settings.uri)/#/experiments/\(experiment.experimentId)/runs/\(runId)"
    }

    // MARK: Steps

    private func findOrCreate(_ run: TrackedRun) throws -> (MLflowRun, created: Bool) {
        if let existing = try canonicalRun(key: run.key) { return (existing, false) }
        let mine = try client.createRun(
            experimentId: experiment.experimentId, name: run.name, startTime: run.startTime, tags: run.tags)
        guard let canonical = try canonicalRun(key: run.key) else {
            throw TrackingError.malformedResponse(
                server: client.settings.description, request: "runs/search",
                detail: "run \(mine.info.runId) not found right after it was created")
        }
        return (canonical, canonical.info.runId == mine.info.runId)
    }

    /// The run with the smallest id among the active runs tagged `key`; deletes the others.
    func canonicalRun(key: String) throws -> MLflowRun? {
        let runs = try client.searchRuns(
            experimentId: experiment.experimentId, filter: "tags.`\(TrackedRun.keyTag)` = '\(key)'")
        guard let keep = runs.min(by: { $0.info.runId < $1.info.runId }) else { return nil }
        for duplicate in runs where duplicate.info.runId != keep.info.runId {
            do {
                try client.deleteRun(runId: duplicate.info.runId)
                log.info("tracking: deleted duplicate run \(duplicate.info.runId) (kept \(keep.info.runId))")
            } catch TrackingError.rejected(_, _, _, "RESOURCE_DOES_NOT_EXIST", _) {
                // Another process deleted it first.
            }
        }
        return keep
    }

    /// A finished child found under another (deleted) parent is moved under this one.
    private func adopt(_ run: MLflowRun, parentRunId: String?) throws {
        guard let parentRunId, run.tag(TrackedRun.parentTag) != parentRunId else { return }
        try client.setTag(runId: run.info.runId, key: TrackedRun.parentTag, value: parentRunId)
    }

    private func fill(_ run: TrackedRun, into target: MLflowRun) throws {
        let runId = target.info.runId
        for chunk in chunks(run.params, MLflowLimits.paramsPerRequest) {
            try client.logBatch(runId: runId, params: chunk, metrics: [], tags: [], timestamp: run.startTime)
        }
        for chunk in chunks(run.metrics, min(MLflowLimits.metricsPerRequest, MLflowLimits.itemsPerRequest)) {
            try client.logBatch(runId: runId, params: [], metrics: chunk, tags: [], timestamp: run.startTime)
        }
        // Tags again: the parent tag of an adopted child, and tags of a run created by a crashed logger.
        for chunk in chunks(run.tags, MLflowLimits.paramsPerRequest) {
            try client.logBatch(runId: runId, params: [], metrics: [], tags: chunk, timestamp: run.startTime)
        }
        guard let artifactURI = target.info.artifactUri else {
            throw TrackingError.malformedResponse(
                server: client.settings.description, request: "runs/create", detail: "run \(runId) has no artifact_uri")
        }
        for artifact in run.artifacts {
            guard let data = FileManager.default.contents(atPath: artifact.file) else {
                throw FileError.notFound(path: artifact.file)
            }
            try client.uploadArtifact(artifactURI: artifactURI, path: artifact.path, data: data)
        }
    }

    private func chunks<T>(_ items: [T], _ size: Int) -> [[T]] {
        stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
    }

    // MARK: Names and limits

    /// The run with every param and metric name in MLflow's alphabet (letters, digits,
    /// `_ - . /` and space; anything else becomes `_`), and every value within MLflow's
    /// limits. Checked before anything is sent, so an oversized value logs nothing.
    func prepared(_ run: TrackedRun) throws -> TrackedRun {
        var run = run
        var seen: [String: String] = [:]
        let server = client.settings.description
        func name(_ original: String, kind: String) throws -> String {
            let cleaned = Self.mlflowName(original)
            if let first = seen[cleaned], first != original {
                throw TrackingError.nameClash(server: server, first: first, second: original, name: cleaned)
            }
            seen[cleaned] = original
            if cleaned.count > MLflowLimits.keyLength {
                throw TrackingError.valueTooLong(
                    server: server, kind: "\(kind) name", key: String(cleaned.prefix(60)) + "…",
                    length: cleaned.count, limit: MLflowLimits.keyLength)
            }
            return cleaned
        }
        run.params = try run.params.map { param in
            if param.value.count > MLflowLimits.paramValueLength {
                throw TrackingError.valueTooLong(
                    server: server, kind: "param", key: param.key,
                    length: param.value.count, limit: MLflowLimits.paramValueLength)
            }
            return MLflowPair(try name(param.key, kind: "param"), param.value)
        }
        seen = [:]
        run.metrics = try run.metrics.map { MLflowMetric(try name($0.key, kind: "metric"), $0.value) }
        for tag in run.tags where tag.value.count > MLflowLimits.tagValueLength {
            throw TrackingError.valueTooLong(
                server: server, kind: "tag", key: tag.key, length: tag.value.count, limit: MLflowLimits.tagValueLength)
        }
        return run
    }

    /// `text` in MLflow's name alphabet on every server (colons are refused on Windows), with
    /// no `/`-separated part that is empty, `.` or `..`: MLflow rejects names that a path
    /// normalisation would change.
    static func mlflowName(_ text: String) -> String {
        text.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            let cleaned = String(part.map { $0.isLetter || $0.isNumber || "_-. ".contains($0) ? $0 : "_" })
            return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? "_" : cleaned
        }.joined(separator: "/")
    }
}
