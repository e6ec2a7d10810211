import Foundation

/// Before and after a mitigation, with its optional strength sweep.
public struct MitigationInputs: Sendable, Equatable {
    /// The baseline evaluation; when nil the report uses ``ReportInputs/metrics``.
    public var before: MetricsView?
    /// The evaluation of the mitigated predictor.
    public var after: MetricsView
    /// Name of the method applied (`reweighing`, `threshold_optimizer`, …).
    public var method: String?
    public var tradeoff: TradeoffView?

    public init(before: MetricsView? = nil, after: MetricsView, method: String? = nil, tradeoff: TradeoffView? = nil) {
        self.before = before
        self.after = after
        self.method = method
        self.tradeoff = tradeoff
    }
}

/// Everything one report is drawn from. Only ``metrics`` is central; every other piece is
/// optional, and a missing piece omits its section with a short note.
public struct ReportInputs: Sendable, Equatable {
    /// The evaluation being reported (`evaluate`'s `metrics.json`).
    public var metrics: MetricsView?
    /// `evaluate`'s `curves.json`.
    public var curves: CurvesView?
    /// `make-dataset`'s data audit (`audit.json`), read through `AuditView` when rendered.
    public var audit: ReportJSON?
    public var mitigation: MitigationInputs?
    /// Recommended mitigations (also read from `tradeoff.json` when given there).
    public var recommendations: [RecommendationView]
    /// One manifest per stage folder.
    public var manifests: [ManifestView]
    /// `explain`'s explanations.json, for the "Why the groups differ" section.
    public var explanations: Explanations?

    public init(metrics: MetricsView? = nil, curves: CurvesView? = nil, audit: ReportJSON? = nil,
                mitigation: MitigationInputs? = nil, recommendations: [RecommendationView] = [],
                manifests: [ManifestView] = []) {
        self.metrics = metrics
        self.curves = curves
        self.audit = audit
        self.mitigation = mitigation
        self.recommendations = recommendations
        self.manifests = manifests
    }

    /// Recommendations from both places, by rank then method name.
    public var allRecommendations: [RecommendationView] {
        let all = recommendations + (mitigation?.tradeoff?.recommendations ?? [])
        var seen = Set<String>()
        return all.sorted { ($0.rank ?? Int.max, $0.method) < ($1.rank ?? Int.max, $1.method) }
            .filter { seen.insert($0.method).inserted }
    }

    /// Manifests in pipeline order.
    public var orderedManifests: [ManifestView] {
        manifests.sorted { ManifestView.sortKey($0.stage) < ManifestView.sortKey($1.stage) }
    }

    public func manifest(_ stage: String) -> ManifestView? { manifests.first { $0.stage == stage } }

    /// The metrics a "before" view should use.
    var baseline: MetricsView? { mitigation?.before ?? metrics }
}

/// Paths of a report's input files; nil entries are simply not read.
public struct ReportPaths: Sendable, Equatable {
    public var metrics: String?
    public var curves: String?
    public var audit: String?
    public var mitigatedMetrics: String?
    public var baselineMetrics: String?
    public var tradeoff: String?
    public var recommendations: String?
    public var mitigationMethod: String?
    public var manifests: [String]
    public var explanations: String?

    public init(metrics: String? = nil, curves: String? = nil, audit: String? = nil, mitigatedMetrics: String? = nil,
                baselineMetrics: String? = nil, tradeoff: String? = nil, recommendations: String? = nil,
                mitigationMethod: String? = nil, manifests: [String] = []) {
        self.metrics = metrics
        self.curves = curves
        self.audit = audit
        self.mitigatedMetrics = mitigatedMetrics
        self.baselineMetrics = baselineMetrics
        self.tradeoff = tradeoff
        self.recommendations = recommendations
        self.mitigationMethod = mitigationMethod
        self.manifests = manifests
    }
}

extension ReportInputs {
    /// Reads the files named in `paths`. A named file that is missing or not JSON throws
    /// ``ReportError`` naming it; a file that parses but lacks fields just has less to show.
    public static func load(_ paths: ReportPaths) throws -> ReportInputs {
        func read(_ path: String?) throws -> ReportJSON? {
            guard let path else { return nil }
            guard FileManager.default.fileExists(atPath: path) else { throw ReportError.missing(path: path) }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ReportError.malformed(path: path, reason: "cannot read the file")
            }
            return try ReportJSON.parse(data, path: path)
        }
        var inputs = ReportInputs()
        inputs.metrics = try read(paths.metrics).map(MetricsView.init(json:))
        inputs.curves = try read(paths.curves).map(CurvesView.init(json:))
        inputs.audit = try read(paths.audit)
        let tradeoff = try read(paths.tradeoff).map(TradeoffView.init(json:))
        if let after = try read(paths.mitigatedMetrics).map(MetricsView.init(json:)) {
            let before = try read(paths.baselineMetrics).map(MetricsView.init(json:))
            inputs.mitigation = MitigationInputs(before: before, after: after,
                                                 method: paths.mitigationMethod ?? tradeoff?.method, tradeoff: tradeoff)
        } else if let tradeoff {
            // A sweep without a chosen mitigated evaluation still has a curve worth showing.
            inputs.mitigation = MitigationInputs(before: nil, after: MetricsView(json: .object([:])),
                                                 method: paths.mitigationMethod ?? tradeoff.method, tradeoff: tradeoff)
        }
        inputs.recommendations = try read(paths.recommendations).map(RecommendationView.list(json:)) ?? []
        if let path = paths.explanations {
            guard let data = FileManager.default.contents(atPath: path) else { throw ReportError.missing(path: path) }
            do {
                inputs.explanations = try CanonicalJSON.decoder().decode(Explanations.self, from: data)
            } catch {
                throw ReportError.malformed(path: path, reason: "not an explanations file: \(error)")
            }
        }
        inputs.manifests = try paths.manifests.sorted().compactMap { try read($0).map(ManifestView.init(json:)) }
        if inputs.mitigation?.method == nil, let stage = inputs.manifest("mitigate"),
           let method = stage.config?["method"]?.string {
            inputs.mitigation?.method = method
        }
        return inputs
    }
}
