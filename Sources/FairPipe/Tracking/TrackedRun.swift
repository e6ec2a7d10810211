import Foundation

/// Everything one MLflow run holds, read from a finished run folder: its manifests (params,
/// tags, the run key), its metrics files (metrics) and the files to upload (artifacts).
///
/// Reading only: building a `TrackedRun` never writes into the run folder.
public struct TrackedRun: Sendable, Equatable {
    /// A file to upload: its path in the MLflow run's artifacts and on disk.
    public struct Artifact: Sendable, Equatable {
        public var path: String
        public var file: String
    }

    /// `mlflow.runName`.
    public var name: String
    /// `fairpipe.run_key`: SHA-256 over what the run's manifests say it is (see ``contentKey(_:)``).
    public var key: String
    public var params: [MLflowPair]
    public var metrics: [MLflowMetric]
    public var tags: [MLflowPair]
    public var artifacts: [Artifact]
    /// Milliseconds since 1970: the earliest stage start and the latest stage finish.
    public var startTime: Int64
    public var endTime: Int64

    public static let keyTag = "fairpipe.run_key"
    static let parentTag = "mlflow.parentRunId"

    /// The stage folders of a run, in pipeline order; mitigation and its evaluation are
    /// optional (a run without mitigation), and so is explain (a sweep's runs have none);
    /// `report` must be there, last: a run is logged after its report.
    static let folders: [(folder: String, required: Bool)] = [
        (ReportStage.Folder.dataset.rawValue, true), (ReportStage.Folder.model.rawValue, true),
        (ReportStage.Folder.evaluation.rawValue, true), (ReportStage.Folder.mitigation.rawValue, false),
        (ReportStage.Folder.mitigatedEvaluation.rawValue, false), (ReportStage.Folder.explain.rawValue, false),
        ("report", true),
    ]

    /// Reads the run in `runFolder`. `name` defaults to `experiment.name` (and the
    /// mitigation method); `parentKey` makes the key that of a sweep's child run.
    public static func load(runFolder: String, name: String? = nil, parentKey: String? = nil) throws -> TrackedRun {
        var manifests: [(folder: String, manifest: Manifest)] = []
        for (folder, required) in folders {
            let file = path(runFolder, folder, Manifest.fileName)
            guard FileManager.default.fileExists(atPath: file) else {
                if required {
                    throw TrackingError.incompleteRun(folder: runFolder, missing: "no \(folder)/\(Manifest.fileName)")
                }
                continue
            }
            manifests.append((folder, try readManifest(at: file)))
        }
        let config = manifests.reduce(JSONValue.object([:])) { merged($0, $1.manifest.config) }
        var key = try contentKey(manifests.map(\.manifest))
        if let parentKey { key = sha256Hex(Data("\(parentKey)\n\(key)".utf8)) }

        var metrics: [MLflowMetric] = []
        var artifacts: [Artifact] = []
        for (folder, manifest) in manifests {
            // Every output is checked against its manifest: what is logged is what was made.
            for output in manifest.outputs {
                let name = URL(fileURLWithPath: output.path).lastPathComponent
                let file = path(runFolder, folder, name)
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw TrackingError.incompleteRun(
                        folder: runFolder, missing: "\(folder)/\(name) is listed in its manifest but missing")
                }
                guard sha256Hex(data) == output.sha256 else {
                    throw TrackingError.incompleteRun(
                        folder: runFolder, missing: "\(folder)/\(name) changed after its stage wrote it")
                }
                if uploaded(name, stage: manifest.stage) {
                    artifacts.append(Artifact(path: "\(folder)/\(name)", file: file))
                }
            }
            artifacts.append(
                Artifact(path: "\(folder)/\(Manifest.fileName)", file: path(runFolder, folder, Manifest.fileName)))
            if manifest.stage == .evaluate {
                let prefix = folder == ReportStage.Folder.evaluation.rawValue ? "before" : "after"
                metrics += MetricsFlattening.metrics(
                    try readMetrics(path(runFolder, folder, EvaluateStage.metricsFile)), prefix: prefix)
            }
        }

        guard let report = manifests.last?.manifest else {
            throw TrackingError.incompleteRun(folder: runFolder, missing: "no manifests")
        }
        let method = config["mitigation"]?["method"].flatMap { value -> String? in
            if case .string(let text) = value { return text } else { return nil }
        }
        let experimentName: String? = {
            if case .string(let text)? = config["experiment"]?["name"] { return text } else { return nil }
        }()
        let runName =
            name
            ?? [experimentName ?? "fairpipe", manifests.contains { $0.folder == "mitigation" } ? method : nil]
            .compactMap { $0 }.joined(separator: " · ")
        var tags = [
            MLflowPair("mlflow.runName", runName),
            MLflowPair(keyTag, key),
            MLflowPair("fairpipe.git_dirty", String(manifests.contains { $0.manifest.git.dirty })),
            MLflowPair("fairpipe.seed", String(report.seed)),
            MLflowPair("fairpipe.config_sha256", try configHash(config)),
            MLflowPair("fairpipe.version", report.toolVersion),
            MLflowPair("mlflow.source.name", "fairpipe"),
            MLflowPair("mlflow.source.type", "LOCAL"),
        ]
        if report.git.commit != GitState.unknown.commit {
            tags.append(MLflowPair("mlflow.source.git.commit", report.git.commit))
        }
        let times = manifests.map(\.manifest)
        return TrackedRun(
            name: runName, key: key, params: flatten(config), metrics: metrics, tags: tags, artifacts: artifacts,
            startTime: milliseconds(times.map(\.started).min() ?? ""),
            endTime: milliseconds(times.map(\.finished).max() ?? ""))
    }

    /// SHA-256 over each stage's identity as its manifest records it: stage, tool version,
    /// commit and dirty flag, seed, config hash, and the SHA-256 of every output (the
    /// report's own outputs left out: re-rendering it must not make a new run). Paths and
    /// times are left out too, so the same study in another folder or rerun later is the
    /// same run, and any change of configuration, code or result is a new one.
    public static func contentKey(_ manifests: [Manifest]) throws -> String {
        let identity: [JSONValue] = manifests.map { manifest in
            var fields: [String: JSONValue] = [
                "stage": .string(manifest.stage.rawValue), "tool_version": .string(manifest.toolVersion),
                "commit": .string(manifest.git.commit), "dirty": .bool(manifest.git.dirty),
                "seed": .string(String(manifest.seed)), "config_sha256": .string(manifest.configSha256),
            ]
            if manifest.stage != .report {
                fields["outputs"] = .array(
                    manifest.outputs.map {
                        .string(URL(fileURLWithPath: $0.path).lastPathComponent + " " + $0.sha256)
                    }.sorted { "\($0)" < "\($1)" })
            }
            return .object(fields)
        }
        return try configHash(.array(identity))
    }

    /// The files worth uploading besides every manifest: the report page, the metrics, the
    /// model, the mitigator and the explanations (predictions and splits stay local: they
    /// are large and their hashes are in the manifests).
    static func uploaded(_ name: String, stage: StageName) -> Bool {
        switch stage {
        case .train: return name == TrainStage.modelFile
        case .evaluate: return name == EvaluateStage.metricsFile
        case .mitigate: return !name.hasSuffix(".csv") || name == "sample_weights.csv"
        case .explain: return name == ExplainStage.explanationsFile || name == ExplainStage.recommendationsFile
        case .report: return name == "report.html"
        default: return false  // make-dataset (splits), and stages that are not part of a run
        }
    }

    static func readMetrics(_ file: String) throws -> MetricsReport { try MetricsReport.read(at: file) }

    /// Deep merge: `b`'s keys over `a`'s, objects merged key by key.
    static func merged(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
        guard case .object(var left) = a, case .object(let right) = b else { return b }
        for (key, value) in right { left[key] = left[key].map { merged($0, value) } ?? value }
        return .object(left)
    }

    /// The resolved configuration as dotted keys (`fairness.bootstrap.samples` → `1000`),
    /// sorted; lists are compact JSON (`[0.02,0.1]`), strings as they are.
    static func flatten(_ value: JSONValue, prefix: String = "") -> [MLflowPair] {
        switch value {
        case .object(let object) where !object.isEmpty:
            return object.keys.sorted().flatMap { key in
                flatten(object[key] ?? .null, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")
            }
        default:
            return prefix.isEmpty ? [] : [MLflowPair(prefix, scalarText(value))]
        }
    }

    static func scalarText(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .null: return "null"
        case .bool(let flag): return String(flag)
        default:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
        }
    }

    static func path(_ folder: String, _ parts: String...) -> String {
        parts.reduce(URL(fileURLWithPath: folder)) { $0.appendingPathComponent($1) }.path
    }

    /// Milliseconds of an ISO 8601 manifest time (0 when unreadable).
    static func milliseconds(_ timestamp: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: timestamp) else { return 0 }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
