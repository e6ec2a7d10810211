import Foundation

/// One finished run as the experiment log records it.
public struct ExperimentRecord: Equatable, Sendable {
    public var run: SweepRun
    /// Commit of the run's last stage (the mitigated evaluation).
    public var gitSHA: String
    /// Whether any of the run's stages (shared ones included) ran on a dirty tree.
    public var dirty: Bool
    /// SHA-256 over the `config_sha256` of every stage the run used, in pipeline order:
    /// equal hashes mean every stage ran with the same configuration.
    public var configHash: String
    /// Headline metrics of the mitigated evaluation, as on the runs page.
    public var metrics: [String: RunMetric]
    public var gatesPassed: Bool?
    /// Earliest start and latest finish over the run's stages (shared ones included).
    public var started: String
    public var finished: String
}

/// The experiment log of a sweep: `experiments.csv` and `experiments.json`, built after
/// all runs from their manifests and metrics — never appended to by the runs themselves,
/// so parallel runs cannot tear or duplicate a row.
public enum ExperimentLog {
    /// Metric columns, each with its CI bounds. Disparities are the worst over attributes
    /// (intersections included), as on the runs page.
    public static let metricColumns = [
        "accuracy", "demographic_parity_difference", "equalized_odds_difference", "equal_opportunity_difference",
        "disparate_impact",
    ]

    /// Reads every run of `plan`. Returns the finished runs in plan order and the ids of
    /// runs not finished yet. A run whose manifests record another configuration than the
    /// plan's is an error (its artefacts are stale).
    public static func collect(_ plan: SweepPlan) throws -> (records: [ExperimentRecord], pending: [String]) {
        var records: [ExperimentRecord] = []
        var pending: [String] = []
        for run in plan.runs {
            let stages: [(StageName, String)] = [
                (.makeDataset, run.shared.dataset), (.train, run.shared.model), (.evaluate, run.shared.evaluation),
                (.mitigate, path(run.folder, "mitigation")), (.evaluate, path(run.folder, "evaluation-mitigated")),
            ]
            var manifests: [Manifest] = []
            for (stage, folder) in stages {
                let file = path(folder, Manifest.fileName)
                guard FileManager.default.fileExists(atPath: file) else { break }
                let manifest = try readManifest(at: file)
                guard manifest.configSha256 == run.stageHashes[stage] else {
                    throw SweepError.staleRun(run: run.id, stage: stage.rawValue, folder: folder)
                }
                manifests.append(manifest)
            }
            let metricsFile = path(path(run.folder, "evaluation-mitigated"), EvaluateStage.metricsFile)
            guard manifests.count == stages.count, let data = FileManager.default.contents(atPath: metricsFile) else {
                pending.append(run.id)
                continue
            }
            let evaluation = try MetricsReport.decode(data, path: metricsFile)
            let summary = RunSummary(id: run.id, evaluation: evaluation)
            let last = manifests[manifests.count - 1]
            let hashes = zip(stages, manifests).map { "\($0.0.rawValue)=\($1.configSha256)" }.joined(separator: "\n")
            records.append(
                ExperimentRecord(
                    run: run, gitSHA: last.git.commit, dirty: manifests.contains { $0.git.dirty },
                    configHash: sha256Hex(Data(hashes.utf8)), metrics: summary.metrics, gatesPassed: summary.passed,
                    started: manifests.map(\.started).min() ?? "", finished: manifests.map(\.finished).max() ?? ""))
        }
        return (records, pending)
    }

    /// The CSV: one row per finished run, in plan order; RFC 4180 quoting.
    public static func csv(_ plan: SweepPlan, records: [ExperimentRecord]) -> String {
        var header = ["run_id", "label", "git_sha", "dirty", "config_hash"] + plan.sweptKeys
        for metric in metricColumns { header += [metric, "\(metric)_ci_low", "\(metric)_ci_high"] }
        header += ["gates_passed", "started", "finished"]
        var lines = [header.map(csvField).joined(separator: ",")]
        for record in records {
            var fields = [record.run.id, record.run.label, record.gitSHA, String(record.dirty), record.configHash]
            fields += plan.sweptKeys.map { record.run.value(of: $0) ?? "" }
            for metric in metricColumns {
                let value = record.metrics[metric]
                fields += [number(value?.value), number(value?.ci?.lower), number(value?.ci?.upper)]
            }
            fields += [record.gatesPassed.map(String.init) ?? "", record.started, record.finished]
            lines.append(fields.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same records as JSON (``ExperimentsFile``), with every run's parameters, shared
    /// folders and metrics.
    public static func json(_ plan: SweepPlan, records: [ExperimentRecord], pending: [String]) throws -> Data {
        try ExperimentsFile(plan, records: records, pending: pending).jsonData()
    }

    /// Writes `experiments.json` then `experiments.csv` (the make target, last) atomically.
    /// Returns the records and pending run ids.
    @discardableResult
    public static func write(_ plan: SweepPlan) throws -> (records: [ExperimentRecord], pending: [String]) {
        let (records, pending) = try collect(plan)
        try AtomicFile.write(
            try json(plan, records: records, pending: pending), to: path(plan.folder, "experiments.json"))
        try AtomicFile.write(csv(plan, records: records), to: path(plan.folder, "experiments.csv"))
        return (records, pending)
    }

    static func path(_ folder: String, _ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    /// Shortest round-trip decimal, empty when absent.
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return "\(value)"
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// `experiments.json`: the experiment log of a sweep, one entry per finished run.
public struct ExperimentsFile: Artefact, Equatable {
    public static let currentSchemaVersion = 1
    public static var keysAreVerbatim: Bool { true }

    public struct Metric: Codable, Equatable, Sendable {
        public var value: Double?
        public var ci: [Double]?

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(value, forKey: .value)  // explicit null when undefined
            try c.encodeIfPresent(ci, forKey: .ci)
        }
    }

    public struct Shared: Codable, Equatable, Sendable {
        public var dataset: String
        public var model: String
        public var evaluation: String
    }

    public struct Run: Codable, Equatable, Sendable {
        public var runID: String
        public var label: String
        public var folder: String
        /// The swept keys this run overrides, dotted (`mitigation.tolerance`), as strings.
        public var parameters: [String: String]
        public var gitSHA: String
        public var dirty: Bool
        public var configHash: String
        /// Headline metrics of the mitigated evaluation (see ``ExperimentLog/metricColumns``).
        public var metrics: [String: Metric]
        public var gatesPassed: Bool?
        public var started: String
        public var finished: String
        public var shared: Shared

        enum CodingKeys: String, CodingKey {
            case label, folder, parameters, dirty, metrics, started, finished, shared
            case runID = "run_id"
            case gitSHA = "git_sha"
            case configHash = "config_hash"
            case gatesPassed = "gates_passed"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(runID, forKey: .runID); try c.encode(label, forKey: .label);
            try c.encode(folder, forKey: .folder)
            try c.encode(parameters, forKey: .parameters); try c.encode(gitSHA, forKey: .gitSHA);
            try c.encode(dirty, forKey: .dirty)
            try c.encode(configHash, forKey: .configHash); try c.encode(metrics, forKey: .metrics)
            try c.encode(gatesPassed, forKey: .gatesPassed)  // explicit null without gates
            try c.encode(started, forKey: .started); try c.encode(finished, forKey: .finished);
            try c.encode(shared, forKey: .shared)
        }
    }

    /// Absent in files written before versioning (read as 1).
    public var schemaVersion: Int? = ExperimentsFile.currentSchemaVersion
    public var sweep: String
    public var spec: String
    public var sweptKeys: [String]
    public var runs: [Run]
    /// Runs of the plan not finished yet.
    public var pending: [String]

    enum CodingKeys: String, CodingKey {
        case sweep, spec, runs, pending
        case schemaVersion = "schema_version"
        case sweptKeys = "swept_keys"
    }
}

extension ExperimentsFile {
    init(_ plan: SweepPlan, records: [ExperimentRecord], pending: [String]) {
        sweep = plan.name
        spec = plan.spec
        sweptKeys = plan.sweptKeys
        self.pending = pending
        runs = records.map { record in
            var parameters: [String: String] = [:]
            for override in record.run.overrides { parameters[override.key] = override.value }
            return Run(
                runID: record.run.id, label: record.run.label, folder: record.run.folder, parameters: parameters,
                gitSHA: record.gitSHA, dirty: record.dirty, configHash: record.configHash,
                metrics: record.metrics.mapValues { Metric(value: $0.value, ci: $0.ci.map { [$0.lower, $0.upper] }) },
                gatesPassed: record.gatesPassed, started: record.started, finished: record.finished,
                shared: Shared(
                    dataset: record.run.shared.dataset, model: record.run.shared.model,
                    evaluation: record.run.shared.evaluation))
        }
    }
}
