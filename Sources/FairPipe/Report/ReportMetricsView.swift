/// Tolerant read-only views of `metrics.json`, `manifest.json` and the mitigation files.
///
/// These mirror the file contracts, not the Metrics/Mitigation Swift types, so the report
/// builds against the files alone. Every field is optional; a field of an unexpected type
/// reads as absent; unknown keys are ignored. Each view is `Decodable` through
/// ``ReportJSON`` and can also be built from an already parsed value.

/// One metric value with its intervals: `{"value": 0.41, "ci": [..], "jeffreys": [..]}`,
/// or `{"value": null, "reason": "no positives"}`, or a bare number.
public struct ReportMetricValue: Sendable, Equatable, Decodable {
    public var value: Double?
    public var ci: ReportInterval?
    public var jeffreys: ReportInterval?
    public var reason: String?
    public var pValue: Double?
    public var pAdjusted: Double?
    public var excludedGroups: [String]
    /// `disparate_impact` only: whether the four-fifths rule holds.
    public var fourFifths: Bool?

    public init(value: Double? = nil, ci: ReportInterval? = nil, jeffreys: ReportInterval? = nil, reason: String? = nil,
                pValue: Double? = nil, pAdjusted: Double? = nil, excludedGroups: [String] = [], fourFifths: Bool? = nil) {
        self.value = value
        self.ci = ci
        self.jeffreys = jeffreys
        self.reason = reason
        self.pValue = pValue
        self.pAdjusted = pAdjusted
        self.excludedGroups = excludedGroups
        self.fourFifths = fourFifths
    }

    public init(json: ReportJSON) {
        if let bare = json.double {
            self.init(value: bare)
            return
        }
        self.init(
            value: json["value"]?.double, ci: json["ci"]?.interval, jeffreys: json["jeffreys"]?.interval,
            reason: json["reason"]?.string, pValue: json["p_value"]?.double, pAdjusted: json["p_adjusted"]?.double,
            excludedGroups: json["excluded_groups"]?.array?.compactMap(\.string) ?? [],
            fourFifths: json["four_fifths"]?.bool)
    }

    public init(from decoder: Decoder) throws { self.init(json: try ReportJSON(from: decoder)) }

    /// The p-value to show: the multiplicity-adjusted one when present.
    public var bestPValue: Double? { pAdjusted ?? pValue }
}

/// A named metric, in display order.
public struct NamedMetric: Sendable, Equatable {
    public var name: String
    public var metric: ReportMetricValue
    public init(name: String, metric: ReportMetricValue) {
        self.name = name
        self.metric = metric
    }
}

func namedMetrics(_ json: ReportJSON?, canonical: [String] = MetricNames.groupMetricOrder) -> [NamedMetric] {
    guard let members = json?.object else { return [] }
    return MetricNames.ordered(members.keys, canonical: canonical).compactMap { key in
        members[key].map { NamedMetric(name: key, metric: ReportMetricValue(json: $0)) }
    }
}

/// One group of one attribute.
public struct GroupView: Sendable, Equatable, Decodable {
    public var group: String
    public var n: Int?
    public var positives: Int?
    public var negatives: Int?
    public var metrics: [NamedMetric]
    public var warnings: [String]

    public init(json: ReportJSON) {
        group = json["group"]?.string ?? "(unnamed)"
        n = json["n"]?.int
        positives = json["positives"]?.int
        negatives = json["negatives"]?.int
        metrics = namedMetrics(json["metrics"])
        warnings = json["warnings"]?.array?.compactMap(\.string) ?? []
    }

    public init(from decoder: Decoder) throws { self.init(json: try ReportJSON(from: decoder)) }

    public func metric(_ name: String) -> ReportMetricValue? { metrics.first { $0.name == name }?.metric }

    /// The base rate from the metrics, else positives / n.
    public var baseRate: Double? {
        if let value = metric("base_rate")?.value { return value }
        guard let positives, let n, n > 0 else { return nil }
        return Double(positives) / Double(n)
    }
}

/// AIF360-style comparisons of one group against the reference group.
public struct VersusReferenceView: Sendable, Equatable {
    public var group: String
    public var measures: [NamedMetric]

    static let order = [
        "statistical_parity_difference", "disparate_impact", "equal_opportunity_difference", "average_odds_difference",
    ]

    public init(json: ReportJSON) {
        group = json["group"]?.string ?? "(unnamed)"
        var members = json.object ?? [:]
        members["group"] = nil
        measures = namedMetrics(.object(members.filter { $0.value.object != nil || $0.value.double != nil }),
                                canonical: Self.order)
    }

    public func measure(_ name: String) -> ReportMetricValue? { measures.first { $0.name == name }?.metric }
}

/// One sensitive attribute (or intersection such as `sex&race`).
public struct AttributeView: Sendable, Equatable, Decodable {
    public var name: String
    public var reference: String?
    public var groups: [GroupView]
    public var disparities: [NamedMetric]
    public var versusReference: [VersusReferenceView]

    static let disparityOrder = [
        "demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference",
        "equalized_odds_ratio", "equal_opportunity_difference", "equal_opportunity_ratio",
    ]

    public init(json: ReportJSON) {
        name = json["name"]?.string ?? "(unnamed)"
        reference = json["reference"]?.string
        groups = json["groups"]?.array?.map(GroupView.init(json:)) ?? []
        disparities = namedMetrics(json["disparities"], canonical: Self.disparityOrder)
        versusReference = json["vs_reference"]?.array?.map(VersusReferenceView.init(json:)) ?? []
    }

    public init(from decoder: Decoder) throws { self.init(json: try ReportJSON(from: decoder)) }

    public func disparity(_ name: String) -> ReportMetricValue? { disparities.first { $0.name == name }?.metric }

    public var isIntersection: Bool { name.contains("&") }
    public var totalN: Int { groups.compactMap(\.n).reduce(0, +) }
}

/// A fairness gate from `fairness.thresholds` and its outcome.
public struct GateView: Sendable, Equatable, Decodable {
    public var metric: String
    public var attribute: String?
    public var group: String?
    public var minimum: Double?
    public var maximum: Double?
    public var value: Double?
    public var ci: ReportInterval?
    public var passed: Bool
    public var message: String?

    public init(json: ReportJSON) {
        metric = json["metric"]?.string ?? "(unnamed gate)"
        attribute = json["attribute"]?.string
        group = json["group"]?.string
        let bound = json["bound"]
        minimum = bound?["min"]?.double ?? json["min"]?.double
        maximum = bound?["max"]?.double ?? json["max"]?.double
        value = json["value"]?.double
        ci = json["ci"]?.interval
        passed = json["passed"]?.bool ?? false
        message = json["message"]?.string
    }

    public init(from decoder: Decoder) throws { self.init(json: try ReportJSON(from: decoder)) }

    /// `disparate_impact · race · African-American`.
    public var subject: String {
        [metric, attribute, group].compactMap { $0 }.joined(separator: " · ")
    }

    /// `≥ 0.800`, `≤ 0.100`, `in [0.800, 1.250]`.
    public func boundText(_ digits: Int = 3) -> String {
        switch (minimum, maximum) {
        case (let low?, let high?): return "in [\(ReportNumber.fixed(low, digits)), \(ReportNumber.fixed(high, digits))]"
        case (let low?, nil): return "≥ \(ReportNumber.fixed(low, digits))"
        case (nil, let high?): return "≤ \(ReportNumber.fixed(high, digits))"
        case (nil, nil): return "(no bound)"
        }
    }
}

/// A whole `metrics.json`.
public struct MetricsView: Sendable, Equatable, Decodable {
    public var schemaVersion: Int?
    public var n: Int?
    public var overall: [NamedMetric]
    public var attributes: [AttributeView]
    public var individual: [NamedMetric]
    public var gates: [GateView]
    public var passed: Bool?

    public init(json: ReportJSON) {
        schemaVersion = json["schema_version"]?.int
        n = json["n"]?.int
        overall = namedMetrics(json["overall"])
        attributes = json["attributes"]?.array?.map(AttributeView.init(json:)) ?? []
        individual = namedMetrics(json["individual"])
        gates = json["gates"]?.array?.map(GateView.init(json:)) ?? []
        passed = json["passed"]?.bool
    }

    public init(from decoder: Decoder) throws { self.init(json: try ReportJSON(from: decoder)) }

    public func overall(_ name: String) -> Double? { overall.first { $0.name == name }?.metric.value }

    public func attribute(_ name: String) -> AttributeView? { attributes.first { $0.name == name } }

    /// Whether every gate passed: the file's own verdict, else the gates', nil without gates.
    public var gatesPassed: Bool? {
        if let passed { return passed }
        return gates.isEmpty ? nil : gates.allSatisfy(\.passed)
    }
}

/// One file recorded in a manifest.
public struct FileRecordView: Sendable, Equatable {
    public var path: String
    public var sha256: String?
    public var bytes: Int?

    public init(json: ReportJSON) {
        path = json["path"]?.string ?? "(unnamed)"
        sha256 = json["sha256"]?.string
        bytes = json["bytes"]?.int
    }
}

/// A stage's `manifest.json`.
public struct ManifestView: Sendable, Equatable, Decodable {
    public var stage: String
    public var toolVersion: String?
    public var commit: String?
    public var dirty: Bool?
    public var seed: String?
    public var config: ReportJSON?
    public var configSHA256: String?
    public var inputs: [FileRecordView]
    public var outputs: [FileRecordView]
    public var started: String?
    public var finished: String?
    public var durationSeconds: Double?

    public init(json: ReportJSON) {
        stage = json["stage"]?.string ?? "(unknown stage)"
        toolVersion = json["tool_version"]?.string
        commit = json["git"]?["commit"]?.string
        dirty = json["git"]?["dirty"]?.bool
        seed = json["seed"]?.string
        config = json["config"]
        configSHA256 = json["config_sha256"]?.string
        inputs = json["inputs"]?.array?.map(FileRecordView.init(json:)) ?? []
        outputs = json["outputs"]?.array?.map(FileRecordView.init(json:)) ?? []
        started = json["started"]?.string
        finished = json["finished"]?.string
        durationSeconds = json["duration_seconds"]?.double
    }

    public init(from decoder: Decoder) throws { self.init(json: try ReportJSON(from: decoder)) }

    static let stageOrder = ["make-dataset", "train", "evaluate", "mitigate", "report"]

    /// Pipeline order first, then any other stage alphabetically.
    static func sortKey(_ stage: String) -> (Int, String) {
        (stageOrder.firstIndex(of: stage) ?? stageOrder.count, stage)
    }
}

/// One point of a mitigation strength sweep.
public struct TradeoffPoint: Sendable, Equatable {
    public var strength: Double?
    public var accuracy: ReportMetricValue
    public var disparity: ReportMetricValue

    public init(strength: Double?, accuracy: ReportMetricValue, disparity: ReportMetricValue) {
        self.strength = strength
        self.accuracy = accuracy
        self.disparity = disparity
    }

    public init(json: ReportJSON) {
        strength = json["strength"]?.double
        accuracy = json["accuracy"].map(ReportMetricValue.init(json:)) ?? ReportMetricValue()
        disparity = json["disparity"].map(ReportMetricValue.init(json:)) ?? ReportMetricValue()
    }
}

/// A recommended mitigation method.
public struct RecommendationView: Sendable, Equatable {
    public var method: String
    public var reason: String?
    public var rank: Int?

    public init(method: String, reason: String? = nil, rank: Int? = nil) {
        self.method = method
        self.reason = reason
        self.rank = rank
    }

    public init(json: ReportJSON) {
        method = json["method"]?.string ?? "(unnamed)"
        reason = json["reason"]?.string
        rank = json["rank"]?.int
    }

    /// Reads `[{...}]` or `{"recommendations": [{...}]}`.
    public static func list(json: ReportJSON) -> [RecommendationView] {
        let items = json.array ?? json["recommendations"]?.array ?? []
        return items.map(RecommendationView.init(json:))
    }
}

/// `tradeoff.json`: accuracy and disparity across mitigation strengths.
public struct TradeoffView: Sendable, Equatable, Decodable {
    public var method: String?
    public var target: String?
    public var points: [TradeoffPoint]
    public var recommendations: [RecommendationView]

    public init(method: String? = nil, target: String? = nil, points: [TradeoffPoint] = [],
                recommendations: [RecommendationView] = []) {
        self.method = method
        self.target = target
        self.points = points
        self.recommendations = recommendations
    }

    public init(json: ReportJSON) {
        method = json["method"]?.string
        target = json["target"]?.string
        // Strength order, whatever order the file used; points without a strength keep theirs at the end.
        let points = json["points"]?.array?.map(TradeoffPoint.init(json:)) ?? []
        self.points = points.enumerated().sorted { a, b in
            switch (a.element.strength, b.element.strength) {
            case (let x?, let y?): return x != y ? x < y : a.offset < b.offset
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.element)
        recommendations = json["recommendations"].map(RecommendationView.list(json:)) ?? []
    }

    public init(from decoder: Decoder) throws { self.init(json: try ReportJSON(from: decoder)) }
}
