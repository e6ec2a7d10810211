import Foundation

/// What the commands call: log a finished run (`report --track`, the Makefile's `track`
/// step) or a finished sweep (`fairpipe-sweep log`) to the configured MLflow server.
///
/// A failure is one line on stderr; it fails the command (exit 69, or 64 when nothing is
/// configured) only with `tracking.required: true`. Logging reads the run and writes
/// nothing locally, so the study's artefacts are the same whatever happens.
public enum Tracking {
    /// Logs the run in `runFolder`. Returns the MLflow run id, or nil when tracking is off
    /// or failed without being required.
    @discardableResult
    public static func logRun(
        _ config: PipelineConfig, runFolder: String, log: ProgressLog,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport = URLSessionTransport()
    ) throws -> String? {
        try guarded(config, log: log, environment: environment) { settings in
            let run = try TrackedRun.load(runFolder: runFolder)
            let tracker = try MLflowTracker(client: MLflowClient(settings: settings, transport: transport), log: log)
            let logged = try tracker.track(run)
            log.info(
                "tracking: \(logged.outcome.rawValue) MLflow run \(logged.runId) in experiment `\(settings.experiment)` "
                    + "(\(run.params.count) params, \(run.metrics.count) metrics, \(run.artifacts.count) artifacts): \(tracker.link(logged.runId))"
            )
            return logged.runId
        }
    }

    /// Logs a finished sweep: a parent run and one child run per grid point. Returns the
    /// parent's id, or nil when tracking is off or failed without being required.
    @discardableResult
    public static func logSweep(
        _ plan: SweepPlan, config: PipelineConfig, log: ProgressLog,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport = URLSessionTransport()
    ) throws -> String? {
        try guarded(config, log: log, environment: environment) { settings in
            let runs = try plan.runs.map { try TrackedRun.load(runFolder: $0.folder, name: $0.label) }
            let parent = try TrackedRun.sweepParent(plan, children: runs)
            let tracker = try MLflowTracker(client: MLflowClient(settings: settings, transport: transport), log: log)
            let logged = try tracker.trackSweep(parent: parent, children: runs.map { $0.child(of: parent.key) })
            let created = logged.children.filter { $0.outcome != .alreadyLogged }.count
            log.info(
                "tracking: \(logged.parent.outcome.rawValue) sweep `\(plan.name)` as MLflow run \(logged.parent.runId) "
                    + "with \(plan.runs.count) child runs (\(created) logged now) in experiment `\(settings.experiment)`: \(tracker.link(logged.parent.runId))"
            )
            return logged.parent.runId
        }
    }

    private static func guarded(
        _ config: PipelineConfig, log: ProgressLog, environment: [String: String],
        _ body: (MLflowSettings) throws -> String
    ) throws -> String? {
        guard let settings = try MLflowSettings.resolve(config, environment: environment) else {
            if config.tracking.required { throw TrackingError.notConfigured }
            log.info("tracking: off (no tracking.mlflow.uri or MLFLOW_TRACKING_URI)")
            return nil
        }
        do {
            return try body(settings)
        } catch let error as FairPipeError where !config.tracking.required {
            log.warning("\(error.description) (not required: the run's artefacts are unaffected)")
            return nil
        } catch let error as FairPipeError {
            throw error
        } catch  where !config.tracking.required {
            log.warning(
                "tracking: MLflow server \(settings): \(error) (not required: the run's artefacts are unaffected)")
            return nil
        }
    }
}

extension TrackedRun {
    /// The same run as a child of a sweep: its key is derived from the parent's too, so the
    /// sweep's copy of a run is its own MLflow run.
    public func child(of parentKey: String) -> TrackedRun {
        var run = self
        run.key = sha256Hex(Data("\(parentKey)\n\(key)".utf8))
        run.tags = tags.map { $0.key == TrackedRun.keyTag ? MLflowPair(TrackedRun.keyTag, run.key) : $0 }
        return run
    }

    /// The parent run of a sweep: the plan as params, its files as artifacts; its key
    /// covers the sweep's name and every child's key, so a changed sweep is a new parent.
    public static func sweepParent(_ plan: SweepPlan, children: [TrackedRun]) throws -> TrackedRun {
        let key = sha256Hex(Data((["sweep \(plan.name)"] + children.map(\.key)).joined(separator: "\n").utf8))
        func list(_ items: [String]) -> String { scalarText(.array(items.map(JSONValue.string))) }
        let params = [
            MLflowPair("sweep.name", plan.name), MLflowPair("sweep.spec", plan.spec),
            MLflowPair("sweep.config_file", plan.configFile ?? ""),
            MLflowPair("sweep.fixed_overrides", list(plan.fixedOverrides)),
            MLflowPair("sweep.swept_keys", list(plan.sweptKeys)), MLflowPair("sweep.runs", String(plan.runs.count)),
        ]
        let first = children.first
        var tags = [
            MLflowPair("mlflow.runName", "sweep \(plan.name)"), MLflowPair(keyTag, key),
            MLflowPair("fairpipe.sweep", plan.name),
            MLflowPair("fairpipe.version", Manifest.toolVersion),
            MLflowPair("fairpipe.git_dirty", String(children.contains { $0.tag("fairpipe.git_dirty") == "true" })),
            MLflowPair("fairpipe.config_sha256", try configHash(JSONValue(encoding: plan))),
            MLflowPair("mlflow.source.name", "fairpipe-sweep"), MLflowPair("mlflow.source.type", "LOCAL"),
        ]
        let commits = Set(children.compactMap { $0.tag("mlflow.source.git.commit") })
        if commits.count == 1, let commit = commits.first {
            tags.append(MLflowPair("mlflow.source.git.commit", commit))
        }
        let artifacts = [SweepPlan.fileName, "experiments.csv", "experiments.json"].compactMap { name -> Artifact? in
            let file = path(plan.folder, name)
            return FileManager.default.fileExists(atPath: file) ? Artifact(path: name, file: file) : nil
        }
        return TrackedRun(
            name: "sweep \(plan.name)", key: key, params: params, metrics: [], tags: tags, artifacts: artifacts,
            startTime: children.map(\.startTime).min() ?? first?.startTime ?? 0,
            endTime: children.map(\.endTime).max() ?? first?.endTime ?? 0)
    }

    func tag(_ key: String) -> String? { tags.first { $0.key == key }?.value }
}
