import Foundation
import Testing

@testable import FairPipe

/// An in-memory MLflow tracking server behind ``TestHTTPServer``: the REST endpoints
/// FairPipe calls, MLflow's per-request limits, its error bodies, and the
/// `mlflow-artifacts` proxy. Enough to test request building, idempotence, the race
/// protocol and error handling without Python.
final class FakeMLflow: @unchecked Sendable {
    struct Run {
        var id: String
        var experimentId: String
        var status = "RUNNING"
        var deleted = false
        var params: [String: String] = [:]
        var metrics: [String: Double] = [:]
        var metricRows = 0
        var tags: [String: String] = [:]
    }

    private let lock = NSLock()
    private(set) var experiments: [String: (id: String, deleted: Bool)] = [:]
    private(set) var runs: [String: Run] = [:]
    private(set) var artifacts: [String: Data] = [:]
    private(set) var batches: [(params: Int, metrics: Int, tags: Int)] = []
    private var counter = 0
    /// Ids count down, so a later run has a smaller id (the race's worst case).
    var descendingIds = false
    /// `experiments/create` answers RESOURCE_ALREADY_EXISTS after creating it (another
    /// process won the race).
    var experimentCreationRace = false

    var server: TestHTTPServer!

    init() throws {
        server = try TestHTTPServer(routes: [:]) { [unowned self] request in self.handle(request) }
    }

    var settings: MLflowSettings { MLflowSettings(uri: server.baseURL, experiment: "fairpipe-tests") }

    func snapshot() -> (runs: [String: Run], artifacts: [String: Data]) {
        lock.lock()
        defer { lock.unlock() }
        return (runs, artifacts)
    }

    func active() -> [Run] { snapshot().runs.values.filter { !$0.deleted }.sorted { $0.id < $1.id } }

    func insert(_ run: Run) {
        lock.lock()
        runs[run.id] = run
        lock.unlock()
    }

    func requests(_ endpoint: String) -> Int { server.receivedRequests.filter { $0.path.hasSuffix(endpoint) }.count }

    private func error(_ status: Int, _ code: String, _ message: String) -> TestHTTPServer.Response {
        .json(status, try! JSONSerialization.data(withJSONObject: ["error_code": code, "message": message]))
    }

    private func ok(_ object: [String: Any] = [:]) -> TestHTTPServer.Response {
        .json(200, try! JSONSerialization.data(withJSONObject: object))
    }

    private func runJSON(_ run: Run) -> [String: Any] {
        [
            "info": [
                "run_id": run.id, "experiment_id": run.experimentId, "status": run.status,
                "artifact_uri": "mlflow-artifacts:/\(run.experimentId)/\(run.id)/artifacts",
            ],
            "data": ["tags": run.tags.keys.sorted().map { ["key": $0, "value": run.tags[$0]!] }],
        ]
    }

    private func handle(_ request: TestHTTPServer.Request) -> TestHTTPServer.Response {
        lock.lock()
        defer { lock.unlock() }
        let artifactPrefix = "/api/2.0/mlflow-artifacts/artifacts/"
        if request.method == "PUT", request.path.hasPrefix(artifactPrefix) {
            artifacts[String(request.path.dropFirst(artifactPrefix.count)).removingPercentEncoding ?? ""] = request.body
            return ok()
        }
        let body = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        let endpoint = request.path.replacingOccurrences(of: "/api/2.0/mlflow/", with: "")
        switch endpoint.split(separator: "?").first.map(String.init) ?? "" {
        case "experiments/get-by-name":
            let name =
                URLComponents(string: request.path)?.queryItems?.first { $0.name == "experiment_name" }?.value ?? ""
            guard let experiment = experiments[name] else {
                return error(404, "RESOURCE_DOES_NOT_EXIST", "no experiment \(name)")
            }
            return ok([
                "experiment": [
                    "experiment_id": experiment.id, "name": name,
                    "artifact_location": "mlflow-artifacts:/\(experiment.id)",
                    "lifecycle_stage": experiment.deleted ? "deleted" : "active",
                ]
            ])
        case "experiments/create":
            let name = body["name"] as? String ?? ""
            if experiments[name] != nil { return error(400, "RESOURCE_ALREADY_EXISTS", "exists") }
            experiments[name] = (String(experiments.count + 1), false)
            return experimentCreationRace
                ? error(400, "RESOURCE_ALREADY_EXISTS", "exists") : ok(["experiment_id": experiments[name]!.id])
        case "runs/create":
            counter += 1
            let id = String(format: "%032x", descendingIds ? 1_000_000 - counter : counter)
            var run = Run(id: id, experimentId: body["experiment_id"] as? String ?? "")
            for tag in body["tags"] as? [[String: String]] ?? [] { run.tags[tag["key"]!] = tag["value"]! }
            run.tags["mlflow.runName"] = body["run_name"] as? String
            runs[id] = run
            return ok(["run": runJSON(run)])
        case "runs/search":
            let filter = body["filter"] as? String ?? ""
            guard let match = filter.firstMatch(of: /tags\.`(.+)` = '(.+)'/) else {
                return error(400, "INVALID_PARAMETER_VALUE", "bad filter")
            }
            let found = runs.values.filter { !$0.deleted && $0.tags[String(match.1)] == String(match.2) }.sorted {
                $0.id < $1.id
            }
            return ok(["runs": found.map(runJSON)])
        case "runs/log-batch":
            guard let id = body["run_id"] as? String, var run = runs[id] else {
                return error(404, "RESOURCE_DOES_NOT_EXIST", "no run")
            }
            guard !run.deleted else {
                return error(400, "INVALID_PARAMETER_VALUE", "The run \(id) must be in the 'active' state")
            }
            let params = body["params"] as? [[String: String]] ?? []
            let metrics = body["metrics"] as? [[String: Any]] ?? []
            let tags = body["tags"] as? [[String: String]] ?? []
            batches.append((params.count, metrics.count, tags.count))
            if params.count > 100 || tags.count > 100 || metrics.count > 1000
                || params.count + metrics.count + tags.count > 1000
            {
                return error(
                    400, "INVALID_PARAMETER_VALUE", "A batch logging request can contain at most 1000 entities")
            }
            for param in params {
                if let old = run.params[param["key"]!], old != param["value"]! {
                    return error(400, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed")
                }
                run.params[param["key"]!] = param["value"]!
            }
            // JSONDecoder, not JSONSerialization: the latter rounds the last digit on Linux.
            struct Batch: Decodable {
                struct Metric: Decodable { var key: String; var value: Double }
                var metrics: [Metric]?
            }
            for metric in (try? JSONDecoder().decode(Batch.self, from: request.body))?.metrics ?? [] {
                if run.metrics[metric.key] == nil { run.metricRows += 1 }
                run.metrics[metric.key] = metric.value
            }
            for tag in tags { run.tags[tag["key"]!] = tag["value"]! }
            runs[id] = run
            return ok()
        case "runs/update":
            guard let id = body["run_id"] as? String, runs[id] != nil else {
                return error(404, "RESOURCE_DOES_NOT_EXIST", "no run")
            }
            runs[id]!.status = body["status"] as? String ?? "RUNNING"
            return ok()
        case "runs/set-tag":
            guard let id = body["run_id"] as? String, runs[id] != nil else {
                return error(404, "RESOURCE_DOES_NOT_EXIST", "no run")
            }
            runs[id]!.tags[body["key"] as! String] = body["value"] as? String
            return ok()
        case "runs/delete":
            guard let id = body["run_id"] as? String, let run = runs[id], !run.deleted else {
                return error(404, "RESOURCE_DOES_NOT_EXIST", "no run")
            }
            runs[id]!.deleted = true
            return ok()
        default:
            return error(404, "ENDPOINT_NOT_FOUND", "no endpoint \(endpoint)")
        }
    }
}

/// A finished tiny run, made once by the stage executables and shared (read-only) by the
/// tests; each test that changes files works on its own copy.
enum TrackingFixture {
    nonisolated(unsafe) private static var made: URL?
    private static let lock = NSLock()

    static let config = """
        experiment: {name: tracking-test, seed: 5}
        data:
          synthetic: {rows: 1000}
        fairness:
          bootstrap: {samples: 40}
          reference: {group: A}
          thresholds:
            demographic_parity_difference@group: {max: 0.05}
        mitigation:
          method: group_thresholds
          strengths: [0.05]
        explain: {n_repeats: 2, bootstrap: 20}
        """

    static func run() throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let folder = try Fixtures.temporaryFolder("trackingfixture")
        let configFile = folder.appendingPathComponent("tiny.yml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("run")
        let p = { (stage: String) in out.appendingPathComponent(stage).path }
        let steps: [(String, [String])] = [
            ("make-dataset", ["--out", p("dataset")]),
            ("train", ["--data", p("dataset"), "--out", p("model")]),
            ("evaluate", ["--data", p("dataset"), "--model", p("model"), "--out", p("evaluation")]),
            (
                "mitigate",
                [
                    "--data", p("dataset"), "--model", p("model"), "--evaluation", p("evaluation"), "--out",
                    p("mitigation"),
                ]
            ),
            (
                "evaluate",
                [
                    "--preds", p("mitigation") + "/predictions.csv", "--data", p("dataset"), "--out",
                    p("evaluation-mitigated"),
                ]
            ),
            ("explain", ["--data", p("dataset"), "--model", p("model"), "--out", p("explain")]),
            ("report", ["--run", out.path, "--out", p("report")]),
        ]
        for (stage, arguments) in steps {
            let result = try StageProcess.run(stage, ["--config", configFile.path, "--quiet"] + arguments)
            guard result.status == 0 else { throw FileError.malformed(path: stage, reason: result.stderr) }
        }
        made = out
        return out
    }

    static var configFile: String {
        (try? run())?.deletingLastPathComponent().appendingPathComponent("tiny.yml").path ?? ""
    }

    /// A copy of the run (symlinks resolved) to change.
    static func copy(_ name: String = #function) throws -> URL {
        let target = try Fixtures.temporaryFolder(name).appendingPathComponent("run")
        try FileManager.default.copyItem(at: try run(), to: target)
        return target
    }
}

@Suite(.serialized) struct TrackingTests {
    let quiet = ProgressLog.silent

    func config(_ settings: MLflowSettings, required: Bool = false) -> PipelineConfig {
        var config = PipelineConfig()
        config.tracking.mlflow.uri = settings.uri
        config.tracking.mlflow.experiment = settings.experiment
        config.tracking.required = required
        return config
    }

    // MARK: Configuration

    @Test func configWinsOverMLflowVariablesAndCredentialsComeOnlyFromTheEnvironment() throws {
        var config = PipelineConfig()
        config.experiment.name = "study"
        let environment = ["MLFLOW_TRACKING_URI": "http://tracking.example:5000/", "MLFLOW_TRACKING_TOKEN": "s3cret"]
        let fromEnvironment = try #require(try MLflowSettings.resolve(config, environment: environment))
        #expect(fromEnvironment.uri == "http://tracking.example:5000")
        #expect(fromEnvironment.experiment == "study")
        #expect(fromEnvironment.authorization == "Bearer s3cret")
        #expect(!fromEnvironment.description.contains("s3cret"))

        config.tracking.mlflow = .init()
        config.tracking.mlflow.uri = "https://mlflow.internal"
        config.tracking.mlflow.experiment = "fairness"
        let basic = try #require(
            try MLflowSettings.resolve(
                config,
                environment: [
                    "MLFLOW_TRACKING_URI": "http://ignored:1", "MLFLOW_EXPERIMENT_NAME": "ignored",
                    "MLFLOW_TRACKING_USERNAME": "ana", "MLFLOW_TRACKING_PASSWORD": "pw",
                ]))
        #expect(basic.uri == "https://mlflow.internal")
        #expect(basic.experiment == "fairness")
        #expect(basic.authorization == "Basic " + Data("ana:pw".utf8).base64EncodedString())
        #expect(try MLflowSettings.resolve(PipelineConfig(), environment: [:]) == nil)
        #expect(try MLflowSettings.resolve(PipelineConfig(), environment: ["MLFLOW_EXPERIMENT_NAME": "x"]) == nil)
    }

    @Test(arguments: [
        ("tracking.mlflow.uri=ftp://host/x", "tracking.mlflow.uri"),
        ("tracking.mlflow.uri=http://user:hunter2@host:5000", "user info"),
        ("tracking.mlflow.url=http://host", "did you mean `tracking.mlflow.uri`"),
        ("tracking.requird=true", "did you mean `tracking.required`"),
    ])
    func badTrackingConfigurationNamesTheKeyAndHidesPasswords(override: String, mentions: String) throws {
        #expect {
            try ConfigLoader(environment: [:]).load(
                PipelineConfig.self, yaml: "", origin: "t.yml", overrides: [override])
        } throws: { error in
            let text = "\(error)"
            return text.contains(mentions) && !text.contains("hunter2")
        }
    }

    @Test func aPasswordInMLFLOW_TRACKING_URIIsRefusedWithoutEchoingIt() {
        #expect {
            try MLflowSettings.resolve(
                PipelineConfig(), environment: ["MLFLOW_TRACKING_URI": "https://bob:hunter2@mlflow"])
        } throws: { error in
            "\(error)".contains("MLFLOW_TRACKING_URI") && !"\(error)".contains("hunter2")
        }
    }

    // MARK: What a run holds

    @Test func aRunIsLoggedWithParamsMetricsTagsAndArtifactsThenFinished() throws {
        let folder = try TrackingFixture.run()
        let fake = try FakeMLflow()
        defer { fake.server.stop() }
        let runId = try #require(
            try Tracking.logRun(config(fake.settings), runFolder: folder.path, log: quiet, environment: [:]))
        let run = try #require(fake.snapshot().runs[runId])
        #expect(run.status == "FINISHED")
        #expect(fake.active().count == 1)

        // Params: the resolved config as dotted keys, from the manifests.
        #expect(run.params["model.logistic_regression.C"] == "1")
        #expect(run.params["experiment.seed"] == "5")
        #expect(run.params["mitigation.method"] == "group_thresholds")
        #expect(run.params["fairness.bootstrap.samples"] == "40")
        #expect(run.params["fairness.min_group_size"] == "30")
        #expect(run.params["fairness.thresholds.demographic_parity_difference_group.max"] == "0.05")
        #expect(!run.params.keys.contains { $0.hasPrefix("tracking.") })
        #expect(run.params["explain.n_repeats"] == "2")

        // Metrics: every number equals metrics.json, before and after mitigation.
        let before = try TrackedRun.readMetrics(folder.appendingPathComponent("evaluation/metrics.json").path)
        let after = try TrackedRun.readMetrics(folder.appendingPathComponent("evaluation-mitigated/metrics.json").path)
        #expect(run.metrics["before/overall.accuracy"] == before.overall["accuracy"]?.value)
        #expect(run.metrics["after/overall.accuracy.ci_low"] == after.overall["accuracy"]?.ci?[0])
        let dp = try #require(after.attribute("group")?.disparities["demographic_parity_difference"])
        #expect(run.metrics["after/disparity.group.demographic_parity_difference"] == dp.value)
        #expect(run.metrics["after/disparity.group.demographic_parity_difference.ci_high"] == dp.ci?[1])
        let groupB = try #require(before.attribute("group")?.groups.first { $0.group == "B" })
        #expect(run.metrics["before/group.group.B.selection_rate"] == groupB.metrics["selection_rate"]?.value)
        #expect(run.metrics["before/gate.demographic_parity_difference_group"] == (before.gates[0].passed ? 1 : 0))
        #expect(run.metrics["after/gates_passed"] == (after.passed ? 1 : 0))
        let expected =
            MetricsFlattening.metrics(before, prefix: "before") + MetricsFlattening.metrics(after, prefix: "after")
        #expect(run.metrics.count == expected.count)

        // Tags.
        let manifest = try readManifest(at: folder.appendingPathComponent("report/manifest.json").path)
        #expect(run.tags["fairpipe.seed"] == "5")
        #expect(run.tags["fairpipe.version"] == Manifest.toolVersion)
        #expect(run.tags["fairpipe.git_dirty"] == "true" || run.tags["fairpipe.git_dirty"] == "false")
        #expect(run.tags["mlflow.runName"] == "tracking-test · group_thresholds")
        #expect(run.tags[TrackedRun.keyTag]?.count == 64)
        if manifest.git.commit != "unknown" { #expect(run.tags["mlflow.source.git.commit"] == manifest.git.commit) }

        // Artifacts: byte-identical copies under the run's artifact root.
        let artifacts = fake.snapshot().artifacts
        let root = "\(run.experimentId)/\(runId)/artifacts/"
        for path in [
            "report/report.html", "evaluation/metrics.json", "evaluation-mitigated/metrics.json", "model/model.json",
            "mitigation/group_thresholds.json", "dataset/manifest.json", "report/manifest.json",
            "explain/explanations.json", "explain/recommendations.json", "explain/manifest.json",
        ] {
            let local = try Data(contentsOf: folder.appendingPathComponent(path))
            #expect(artifacts[root + path] == local, "\(path)")
        }
        #expect(artifacts[root + "mitigation/predictions.csv"] == nil)
    }

    @Test func loggingAgainAddsNothingAndAChangedRunIsANewRun() throws {
        let folder = try TrackingFixture.run()
        let fake = try FakeMLflow()
        defer { fake.server.stop() }
        let first = try Tracking.logRun(config(fake.settings), runFolder: folder.path, log: quiet, environment: [:])
        let sentBefore = fake.server.receivedRequests.count
        let second = try Tracking.logRun(config(fake.settings), runFolder: folder.path, log: quiet, environment: [:])
        #expect(first == second)
        #expect(fake.requests("runs/create") == 1)
        let again = fake.server.receivedRequests.dropFirst(sentBefore).map(\.path)
        #expect(again.allSatisfy { $0.contains("get-by-name") || $0.hasSuffix("runs/search") }, "\(again)")

        // Re-rendering the report with another title changes the report's configuration.
        let changed = try TrackingFixture.copy()
        let rerender = try StageProcess.run(
            "report",
            [
                "--config", TrackingFixture.configFile, "--quiet", "--set", "report.title=Other", "--run", changed.path,
                "--out", changed.appendingPathComponent("report").path,
            ])
        #expect(rerender.status == 0, "\(rerender.stderr)")
        let third = try Tracking.logRun(config(fake.settings), runFolder: changed.path, log: quiet, environment: [:])
        #expect(third != first)
        #expect(fake.active().count == 2)
    }

    /// explain's outputs are part of what a run is; a run without them (a sweep's) still loads.
    @Test func explainIsInTheRunKeyAndOptional() throws {
        let full = try TrackedRun.load(runFolder: try TrackingFixture.run().path)
        #expect(full.artifacts.contains { $0.path == "explain/explanations.json" })
        let without = try TrackingFixture.copy()
        try FileManager.default.removeItem(at: without.appendingPathComponent("explain"))
        let bare = try TrackedRun.load(runFolder: without.path)
        #expect(!bare.artifacts.contains { $0.path.hasPrefix("explain/") })
        #expect(bare.key != full.key)

        let changed = try TrackingFixture.copy("explainChanged")
        let config = TrackingFixture.configFile
        let rerun = try StageProcess.run(
            "explain",
            [
                "--config", config, "--quiet", "--set", "explain.top_k=1", "--data",
                changed.appendingPathComponent("dataset").path,
                "--model", changed.appendingPathComponent("model").path, "--out",
                changed.appendingPathComponent("explain").path,
            ])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try TrackedRun.load(runFolder: changed.path).key != full.key)
    }

    @Test func theRunKeyIgnoresTimesAndPathsButNotContent() throws {
        let manifest = try readManifest(
            at: try TrackingFixture.run().appendingPathComponent("model/manifest.json").path)
        var later = manifest
        later.started = "2030-01-01T00:00:00Z"
        later.outputs = later.outputs.map {
            var digest = $0; digest.path = "elsewhere/" + digest.path; return digest
        }
        #expect(try TrackedRun.contentKey([manifest]) == TrackedRun.contentKey([later]))
        var retrained = manifest
        retrained.outputs[0].sha256 = String(repeating: "0", count: 64)
        #expect(try TrackedRun.contentKey([manifest]) != TrackedRun.contentKey([retrained]))
        var otherCommit = manifest
        otherCommit.git.commit = String(repeating: "a", count: 40)
        #expect(try TrackedRun.contentKey([manifest]) != TrackedRun.contentKey([otherCommit]))
    }

    @Test func batchesStayWithinMLflowsLimits() throws {
        let fake = try FakeMLflow()
        defer { fake.server.stop() }
        let run = TrackedRun(
            name: "big", key: String(repeating: "b", count: 64),
            params: (0..<250).map { MLflowPair("p\($0)", "v") },
            metrics: (0..<2500).map { MLflowMetric("m\($0)", Double($0)) },
            tags: [MLflowPair(TrackedRun.keyTag, String(repeating: "b", count: 64))], artifacts: [], startTime: 1,
            endTime: 2)
        let tracker = try MLflowTracker(client: MLflowClient(settings: fake.settings), log: quiet)
        let logged = try tracker.track(run)
        let stored = try #require(fake.snapshot().runs[logged.runId])
        #expect(stored.params.count == 250)
        #expect(stored.metrics.count == 2500)
        #expect(fake.snapshot().runs[logged.runId]?.status == "FINISHED")
    }

    // MARK: Races

    @Test func duplicatesLeftByARaceCollapseToTheSmallestRunId() throws {
        let folder = try TrackingFixture.run()
        let fake = try FakeMLflow()
        defer { fake.server.stop() }
        let key = try TrackedRun.load(runFolder: folder.path).key
        _ = try MLflowTracker(client: MLflowClient(settings: fake.settings), log: quiet)  // creates the experiment
        fake.insert(.init(id: "b0000000000000000000000000000000", experimentId: "1", tags: [TrackedRun.keyTag: key]))
        fake.insert(.init(id: "a0000000000000000000000000000000", experimentId: "1", tags: [TrackedRun.keyTag: key]))
        let runId = try Tracking.logRun(config(fake.settings), runFolder: folder.path, log: quiet, environment: [:])
        #expect(runId == "a0000000000000000000000000000000")
        #expect(fake.active().map(\.id) == ["a0000000000000000000000000000000"])
        #expect(fake.active().first?.status == "FINISHED")
        #expect(fake.requests("runs/create") == 0)
    }

    @Test(arguments: [false, true])
    func parallelLoggersOfOneRunLeaveExactlyOne(descendingIds: Bool) throws {
        let folder = try TrackingFixture.run()
        let fake = try FakeMLflow()
        fake.descendingIds = descendingIds
        defer { fake.server.stop() }
        let configuration = config(fake.settings)
        let errors = NSLock()
        nonisolated(unsafe) var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                try Tracking.logRun(configuration, runFolder: folder.path, log: .silent, environment: [:])
            } catch {
                errors.lock(); failures.append("\(error)"); errors.unlock()
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        let survivors = fake.active()
        #expect(survivors.count == 1)
        #expect(survivors.first?.status == "FINISHED")
        #expect((survivors.first?.params.count ?? 0) > 20)
    }

    @Test func anExperimentCreatedByAnotherProcessMeanwhileIsUsed() throws {
        let fake = try FakeMLflow()
        fake.experimentCreationRace = true
        defer { fake.server.stop() }
        let tracker = try MLflowTracker(client: MLflowClient(settings: fake.settings), log: quiet)
        #expect(tracker.experiment.experimentId == "1")
    }

    // MARK: Sweeps

    @Test func aSweepIsAParentRunWithOneChildPerGridPoint() throws {
        let first = try TrackingFixture.copy("sweepfirst")
        let second = try TrackingFixture.copy("sweepsecond")
        let rerender = try StageProcess.run(
            "report",
            [
                "--config", TrackingFixture.configFile, "--quiet", "--set", "report.title=Second", "--run", second.path,
                "--out", second.appendingPathComponent("report").path,
            ])
        #expect(rerender.status == 0)
        let hashes = try StageHashes(PipelineConfig())
        let shared = SharedFolders(dataset: "d", model: "m", evaluation: "e")
        let runs = [("run-a", first), ("run-b", second)].map {
            SweepRun(
                id: $0.0, label: "title=\($0.0)", overrides: [], folder: $0.1.path, shared: shared, stageHashes: hashes,
                configHash: "h")
        }
        let plan = SweepPlan(
            name: "demo", spec: "sweeps/demo.yml", configFile: nil, fixedOverrides: [], sweptKeys: ["report.title"],
            folder: first.deletingLastPathComponent().path, runs: runs)
        let fake = try FakeMLflow()
        defer { fake.server.stop() }
        let parentId = try #require(
            try Tracking.logSweep(plan, config: config(fake.settings), log: quiet, environment: [:]))
        let stored = fake.snapshot().runs
        #expect(stored[parentId]?.status == "FINISHED")
        #expect(stored[parentId]?.params["sweep.swept_keys"] == "[\"report.title\"]")
        let children = stored.values.filter { $0.tags["mlflow.parentRunId"] == parentId }
        #expect(children.count == 2)
        #expect(Set(children.compactMap { $0.tags["mlflow.runName"] }) == ["title=run-a", "title=run-b"])
        #expect(children.allSatisfy { $0.status == "FINISHED" && !$0.metrics.isEmpty })

        let created = fake.requests("runs/create")
        #expect(try Tracking.logSweep(plan, config: config(fake.settings), log: quiet, environment: [:]) == parentId)
        #expect(fake.requests("runs/create") == created)
    }

    // MARK: Failures

    @Test func refusedCredentialsAreOneLineWithServerAndStatusAndNeverTheToken() throws {
        let fake = try FakeMLflow()
        let server = try TestHTTPServer(routes: [:]) { _ in
            .json(401, Data(#"{"error_code": "UNAUTHENTICATED", "message": "You are not authenticated."}"#.utf8))
        }
        defer { server.stop(); fake.server.stop() }
        let settings = MLflowSettings(uri: server.baseURL, experiment: "x", authorization: "Bearer s3cret")
        #expect {
            _ = try MLflowTracker(client: MLflowClient(settings: settings), log: quiet)
        } throws: { error in
            let text = "\(error)"
            return text.contains(server.baseURL) && text.contains("HTTP 401 UNAUTHENTICATED")
                && !text.contains("s3cret") && !text.contains("\n")
        }
        #expect(server.receivedRequests.first?.headers["authorization"] == "Bearer s3cret")
    }

    @Test func anOversizedValueFailsBeforeAnythingIsCreated() throws {
        let fake = try FakeMLflow()
        defer { fake.server.stop() }
        let tracker = try MLflowTracker(client: MLflowClient(settings: fake.settings), log: quiet)
        let run = TrackedRun(
            name: "x", key: "k", params: [MLflowPair("report.caveats", String(repeating: "x", count: 6001))],
            metrics: [], tags: [], artifacts: [], startTime: 0, endTime: 0)
        #expect(
            throws: TrackingError.valueTooLong(
                server: fake.settings.uri, kind: "param", key: "report.caveats", length: 6001, limit: 6000)
        ) {
            try tracker.track(run)
        }
        #expect(fake.requests("runs/create") == 0)
    }

    @Test func namesOutsideMLflowsAlphabetAreMappedAndClashesRefused() throws {
        #expect(
            MLflowTracker.mlflowName("before/group.group&sex.B&Female.tpr") == "before/group.group_sex.B_Female.tpr")
        #expect(MLflowTracker.mlflowName("after/group.x.a/../b") == "after/group.x.a/_/b")
        let fake = try FakeMLflow()
        defer { fake.server.stop() }
        let tracker = try MLflowTracker(client: MLflowClient(settings: fake.settings), log: quiet)
        let run = TrackedRun(
            name: "x", key: "k", params: [], metrics: [MLflowMetric("a&b", 1), MLflowMetric("a_b", 2)],
            tags: [], artifacts: [], startTime: 0, endTime: 0)
        #expect(throws: TrackingError.self) { try tracker.track(run) }
    }

    /// The command as the Makefile runs it: failures are one line, the artefacts untouched,
    /// and the exit status non-zero only with tracking.required.
    @Test func reportTrackOnlyFailsSoftUnlessRequiredAndLeavesArtefactsAlone() throws {
        let folder = try TrackingFixture.copy()
        let before = try StageProcess.snapshot(folder)
        let closed = try TestHTTPServer(routes: [:])
        let port = closed.port
        closed.stop()
        let base = ["--config", TrackingFixture.configFile, "--run", folder.path, "--track-only"]
        let environment = [
            "MLFLOW_TRACKING_URI": "http://127.0.0.1:\(port)", "MLFLOW_TRACKING_PASSWORD": "pw-s3cret",
            "MLFLOW_TRACKING_USERNAME": "ana",
        ]
        let soft = try StageProcess.run("report", base, environment: environment)
        #expect(soft.status == 0)
        let lines = soft.stderr.split(separator: "\n").filter { $0.contains("tracking") }
        #expect(lines.count == 1, "\(soft.stderr)")
        #expect(soft.stderr.contains("127.0.0.1:\(port)") && soft.stderr.contains("unreachable"))
        #expect(!soft.stderr.contains("pw-s3cret"))

        let hard = try StageProcess.run("report", base + ["--set", "tracking.required=true"], environment: environment)
        #expect(hard.status == ExitStatus.unavailable.rawValue)
        #expect(hard.stderr.split(separator: "\n").count == 1)

        let unauthorized = try TestHTTPServer(routes: [:]) { _ in
            .json(403, Data(#"{"error_code": "PERMISSION_DENIED", "message": "no"}"#.utf8))
        }
        defer { unauthorized.stop() }
        let forbidden = try StageProcess.run(
            "report",
            base + ["--set", "tracking.required=true", "--set", "tracking.mlflow.uri=\(unauthorized.baseURL)"],
            environment: environment)
        #expect(forbidden.status == ExitStatus.unavailable.rawValue)
        #expect(
            forbidden.stderr.contains("HTTP 403 PERMISSION_DENIED") && forbidden.stderr.contains(unauthorized.baseURL))

        let off = try StageProcess.run("report", base + ["--set", "tracking.required=true"], environment: [:])
        #expect(off.status == ExitStatus.usage.rawValue)
        #expect(try StageProcess.snapshot(folder) == before)
    }
}
