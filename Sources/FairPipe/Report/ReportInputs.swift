import Foundation

/// Before and after a mitigation, with its strength sweep.
public struct MitigationInputs: Sendable, Equatable {
    /// The baseline evaluation; when nil the report uses ``ReportInputs/metrics``.
    public var before: MetricsReport?
    /// The evaluation of the mitigated predictor; nil when only a trade-off sweep was given.
    public var after: MetricsReport?
    /// Name of the method applied (`reweighing`, `threshold_optimizer`, …).
    public var method: String?
    public var tradeoff: TradeoffCurve?

    public init(
        before: MetricsReport? = nil, after: MetricsReport?, method: String? = nil, tradeoff: TradeoffCurve? = nil
    ) {
        self.before = before
        self.after = after
        self.method = method
        self.tradeoff = tradeoff
    }
}

/// Everything one report is drawn from, each file read through the one type its stage
/// writes it with. Only ``metrics`` is central; every other piece is optional, and a missing
/// piece omits its section with a short note.
public struct ReportInputs: Sendable, Equatable {
    /// The evaluation being reported (`evaluate`'s `metrics.json`).
    public var metrics: MetricsReport?
    /// `evaluate`'s `curves.json`.
    public var curves: CurvesReport?
    /// `make-dataset`'s data audit (`audit.json`).
    public var audit: AuditReport?
    public var mitigation: MitigationInputs?
    /// `mitigate`'s ranked recommendations (`recommendations.json`).
    public var recommendations: Recommendations?
    /// One manifest per stage folder.
    public var manifests: [Manifest]
    /// `explain`'s explanations.json, for the "Why the groups differ" section.
    public var explanations: Explanations?
    /// `train`'s `model.json` (for the training curve of gradient-boosted models).
    public var model: TrainedModel? = nil
    /// The mitigated evaluation's `curves.json`: the shipped model's ROC, calibration and sweep.
    public var mitigatedCurves: CurvesReport? = nil
    /// A standalone audit (`report --audit`): an `evaluate --preds` folder with no dataset,
    /// model or mitigation, so the page leaves those sections out instead of noting them missing.
    public var standalone = false

    public init(
        metrics: MetricsReport? = nil, curves: CurvesReport? = nil, audit: AuditReport? = nil,
        mitigation: MitigationInputs? = nil, recommendations: Recommendations? = nil,
        manifests: [Manifest] = []
    ) {
        self.metrics = metrics
        self.curves = curves
        self.audit = audit
        self.mitigation = mitigation
        self.recommendations = recommendations
        self.manifests = manifests
    }

    /// Recommended methods by rank.
    public var allRecommendations: [Recommendations.Item] {
        (recommendations?.recommendations ?? []).sorted { ($0.rank, $0.method) < ($1.rank, $1.method) }
    }

    /// Manifests in pipeline order (a stage that ran twice, evaluate, keeps folder order).
    public var orderedManifests: [Manifest] {
        manifests.enumerated().sorted { ($0.element.sortKey, $0.offset) < ($1.element.sortKey, $1.offset) }.map(
            \.element)
    }

    public func manifest(_ stage: StageName) -> Manifest? { manifests.first { $0.stage == stage } }

    /// The metrics a "before" view should use.
    var baseline: MetricsReport? { mitigation?.before ?? metrics }

    /// The evaluation of the model that ships: the mitigated one when there is one.
    var shipped: MetricsReport? { mitigation?.after ?? metrics }

    /// True when the shipped model is a mitigated one (so a baseline sits beside it).
    var shipsMitigated: Bool { mitigation?.after != nil }

    /// The curves of the shipped model, and which model they describe: the mitigated
    /// evaluation's when it wrote them, else the baseline's (then said so).
    var shippedCurves: (curves: CurvesReport, model: String?)? {
        if shipsMitigated, let mitigatedCurves { return (mitigatedCurves, nil) }
        return curves.map { ($0, shipsMitigated ? "baseline model" : nil) }
    }
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
    public var mitigatedCurves: String?

    public init(
        metrics: String? = nil, curves: String? = nil, audit: String? = nil, mitigatedMetrics: String? = nil,
        baselineMetrics: String? = nil, tradeoff: String? = nil, recommendations: String? = nil,
        mitigationMethod: String? = nil, manifests: [String] = []
    ) {
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
    /// Reads the files named in `paths`, each through its artefact type. A named file that
    /// is missing, not JSON, or not that artefact throws ``FileError`` naming it.
    public static func load(_ paths: ReportPaths) throws -> ReportInputs {
        func read<T: Artefact>(_ type: T.Type, _ path: String?) throws -> T? {
            try path.map { try T.read(at: $0) }
        }
        var inputs = ReportInputs()
        inputs.metrics = try read(MetricsReport.self, paths.metrics)
        inputs.curves = try read(CurvesReport.self, paths.curves)
        inputs.audit = try read(AuditReport.self, paths.audit)
        let tradeoff = try read(TradeoffCurve.self, paths.tradeoff)
        let after = try read(MetricsReport.self, paths.mitigatedMetrics)
        if after != nil || tradeoff != nil {
            inputs.mitigation = MitigationInputs(
                before: try read(MetricsReport.self, paths.baselineMetrics), after: after,
                method: paths.mitigationMethod ?? tradeoff?.method, tradeoff: tradeoff)
        }
        inputs.recommendations = try read(Recommendations.self, paths.recommendations)
        inputs.explanations = try read(Explanations.self, paths.explanations)
        inputs.mitigatedCurves = try read(CurvesReport.self, paths.mitigatedCurves)
        inputs.manifests = try paths.manifests.sorted().map { try Manifest.read(at: $0) }
        if inputs.mitigation?.method == nil, case .string(let method)? = inputs.manifest(.mitigate)?.config["method"] {
            inputs.mitigation?.method = method
        }
        return inputs
    }
}
