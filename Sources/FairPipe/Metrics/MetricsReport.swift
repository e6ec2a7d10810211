import Foundation

/// One number of metrics.json: `{"value": v|null, "ci": [lo, hi]|null}`, plus
/// `jeffreys_ci` for proportions and `reason` when the value is undefined (0/0).
public struct MetricValue: Codable, Equatable, Sendable {
    public var value: Double?
    public var ci: [Double]?
    public var jeffreysCI: [Double]?
    public var reason: String?

    public init(value: Double?, ci: [Double]? = nil, jeffreysCI: [Double]? = nil, reason: String? = nil) {
        self.value = value; self.ci = ci; self.jeffreysCI = jeffreysCI; self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case value, ci, reason
        case jeffreysCI = "jeffreys_ci"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value, forKey: .value)  // explicit null when undefined
        try c.encode(ci, forKey: .ci)
        try c.encodeIfPresent(jeffreysCI, forKey: .jeffreysCI)
        try c.encodeIfPresent(reason, forKey: .reason)
    }
}

/// A group left out of a disparity, and why.
public struct ExcludedGroup: Codable, Equatable, Sendable {
    public var group: String
    public var reason: String
}

/// One between-groups disparity of an attribute.
public struct DisparityValue: Codable, Equatable, Sendable {
    public var value: Double?
    public var ci: [Double]?
    /// Present on selection-rate and error-rate disparities (null when untestable).
    public var pValue: Double?
    public var pAdjusted: Double?
    public var test: String?
    public var excludedGroups: [ExcludedGroup]
    public var reason: String?
    /// median(θ*) − θ̂ of the bootstrap, by which `ci` was shifted so that it contains the
    /// estimate (docs/metrics.md, "Intervals"); absent without an interval and in files of
    /// schema_version < 3, whose `ci` is the plain percentile interval.
    public var bootstrapBias: Double?
    var hasTest: Bool = false

    enum CodingKeys: String, CodingKey {
        case value, ci, test, reason
        case pValue = "p_value"
        case pAdjusted = "p_adjusted"
        case excludedGroups = "excluded_groups"
        case bootstrapBias = "bootstrap_bias"
    }

    public init(value: Double?, ci: [Double]?, excludedGroups: [ExcludedGroup], reason: String?) {
        self.value = value; self.ci = ci; self.excludedGroups = excludedGroups; self.reason = reason
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        value = try c.decodeIfPresent(Double.self, forKey: .value)
        ci = try c.decodeIfPresent([Double].self, forKey: .ci)
        hasTest = c.contains(.pValue)
        pValue = try c.decodeIfPresent(Double.self, forKey: .pValue)
        pAdjusted = try c.decodeIfPresent(Double.self, forKey: .pAdjusted)
        test = try c.decodeIfPresent(String.self, forKey: .test)
        excludedGroups = try c.decodeIfPresent([ExcludedGroup].self, forKey: .excludedGroups) ?? []
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        bootstrapBias = try c.decodeIfPresent(Double.self, forKey: .bootstrapBias)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value, forKey: .value)
        try c.encode(ci, forKey: .ci)
        try c.encodeIfPresent(bootstrapBias, forKey: .bootstrapBias)
        if hasTest {
            try c.encode(pValue, forKey: .pValue)
            try c.encode(pAdjusted, forKey: .pAdjusted)
            try c.encode(test, forKey: .test)
        }
        try c.encode(excludedGroups, forKey: .excludedGroups)
        try c.encodeIfPresent(reason, forKey: .reason)
    }
}

/// One group of one attribute.
public struct GroupReport: Codable, Equatable, Sendable {
    public var group: String
    public var n: Int
    public var positives: Int
    public var negatives: Int
    public var counts: ConfusionCounts
    public var metrics: [String: MetricValue]
    /// `small_group`, `empty_group`, `no_positives`, `no_negatives`.
    public var warnings: [String]
}

/// One group against the attribute's reference group: `{"group": g, <metric>: {value, ci}, …,
/// "four_fifths_pass": bool|null}`.
public struct ReferenceComparison: Codable, Equatable, Sendable {
    public var group: String
    public var metrics: [String: MetricValue]
    /// Whether disparate_impact lies in the file's four-fifths band (``FourFifthsRule``,
    /// two-sided); null when it is undefined.
    public var fourFifthsPass: Bool?

    public init(group: String, metrics: [String: MetricValue], fourFifthsPass: Bool?) {
        self.group = group; self.metrics = metrics; self.fourFifthsPass = fourFifthsPass
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        group = try c.decode(String.self, forKey: Key("group"))
        fourFifthsPass = try c.decodeIfPresent(Bool.self, forKey: Key("four_fifths_pass"))
        var metrics: [String: MetricValue] = [:]
        for key in c.allKeys where key.stringValue != "group" && key.stringValue != "four_fifths_pass" {
            metrics[key.stringValue] = try c.decode(MetricValue.self, forKey: key)
        }
        self.metrics = metrics
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(group, forKey: Key("group"))
        try c.encode(fourFifthsPass, forKey: Key("four_fifths_pass"))
        for key in metrics.keys.sorted() { try c.encode(metrics[key], forKey: Key(key)) }
    }
}

/// A test of equal rates across an attribute's groups.
public struct SignificanceTest: Codable, Equatable, Sendable {
    /// `selection_rate` or `error_rate`.
    public var rate: String
    public var test: String?
    public var statistic: Double?
    public var pValue: Double?
    public var pAdjusted: Double?
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case rate, test, statistic, reason
        case pValue = "p_value"
        case pAdjusted = "p_adjusted"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rate, forKey: .rate)
        try c.encode(test, forKey: .test)
        try c.encode(statistic, forKey: .statistic)
        try c.encode(pValue, forKey: .pValue)
        try c.encode(pAdjusted, forKey: .pAdjusted)
        try c.encodeIfPresent(reason, forKey: .reason)
    }
}

/// One sensitive attribute, or an intersection (`sex&race`).
public struct AttributeReport: Codable, Equatable, Sendable {
    public var name: String
    /// The reference group of the AIF360-style metrics; null when no group is non-empty.
    public var reference: String?
    public var groups: [GroupReport]
    public var disparities: [String: DisparityValue]
    public var vsReference: [ReferenceComparison]
    public var tests: [SignificanceTest]
    /// `single_group` when fewer than two groups are non-empty (no disparities then).
    public var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case name, reference, groups, disparities, tests, warnings
        case vsReference = "vs_reference"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(reference, forKey: .reference)
        try c.encode(groups, forKey: .groups)
        try c.encode(disparities, forKey: .disparities)
        try c.encode(vsReference, forKey: .vsReference)
        try c.encode(tests, forKey: .tests)
        try c.encode(warnings, forKey: .warnings)
    }
}

/// An intersection of sensitive attributes left out of metrics.json because its number of
/// combinations exceeds `fairness.max_groups`.
public struct SkippedIntersection: Codable, Equatable, Sendable {
    /// `sex&young&zip`.
    public var name: String
    public var combinations: Int
    public var maxGroups: Int

    enum CodingKeys: String, CodingKey {
        case name, combinations
        case maxGroups = "max_groups"
    }

    /// The note evaluate has always written, and the line it prints.
    public var message: String {
        "intersection \(name) skipped: \(combinations) combinations exceed fairness.max_groups = \(maxGroups)"
    }
}

/// How the intervals were computed, recorded in metrics.json.
public struct BootstrapInfo: Codable, Equatable, Sendable {
    public var samples: Int
    public var confidence: Double
    public var stratified: Bool
    public var method: String
    public var scoreBins: Int

    enum CodingKeys: String, CodingKey {
        case samples, confidence, stratified, method
        case scoreBins = "score_bins"
    }
}

/// The result of one gate of `fairness.thresholds`.
public struct GateResult: Codable, Equatable, Sendable {
    /// The key in `fairness.thresholds`.
    public var gate: String
    public var metric: String
    public var attribute: String?
    public var group: String?
    public var value: Double?
    public var ci: [Double]?
    /// What was compared with the bounds: the estimate or a CI end.
    public var judged: Double?
    public var max: Double?
    public var min: Double?
    public var judgeBy: GateJudgement
    public var passed: Bool
    public var message: String

    enum CodingKeys: String, CodingKey {
        case gate, metric, attribute, group, value, ci, judged, max, min, passed, message
        case judgeBy = "judge_by"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(gate, forKey: .gate)
        try c.encode(metric, forKey: .metric)
        try c.encode(attribute, forKey: .attribute)
        try c.encode(group, forKey: .group)
        try c.encode(value, forKey: .value)
        try c.encode(ci, forKey: .ci)
        try c.encode(judged, forKey: .judged)
        try c.encode(max, forKey: .max)
        try c.encode(min, forKey: .min)
        try c.encode(judgeBy, forKey: .judgeBy)
        try c.encode(passed, forKey: .passed)
        try c.encode(message, forKey: .message)
    }
}

/// metrics.json. Encode with ``Artefact/jsonData()`` for the canonical bytes (sorted keys).
///
/// Schema versions: 2 added `four_fifths` (the band) and made `four_fifths_pass` two-sided
/// (see ``FourFifthsRule``); version 1 files still read, their band taken as the default.
/// 3 made the intervals of between-group disparities median-bias corrected (they contain
/// their estimate) with `bootstrap_bias` beside them, and added `skipped_intersections`.
public struct MetricsReport: Equatable, Sendable {
    public var schemaVersion: Int = MetricsReport.currentSchemaVersion
    public var n: Int
    public var overall: [String: MetricValue]
    public var attributes: [AttributeReport]
    public var gates: [GateResult]
    public var passed: Bool
    public var bootstrap: BootstrapInfo
    public var significance: SignificanceConfig
    /// Things the reader should know: skipped computations and why.
    public var notes: [String]
    /// The four-fifths band every `four_fifths_pass` in the file was judged by (absent in
    /// schema_version 1 files).
    public var fourFifths: FourFifthsRule? = nil
    /// Intersections left out because they exceed `fairness.max_groups` (absent when none
    /// was, so files without skipped intersections are unchanged); also listed in `notes`.
    public var skippedIntersections: [SkippedIntersection]? = nil

    enum CodingKeys: String, CodingKey {
        case n, overall, attributes, gates, passed, bootstrap, significance, notes
        case schemaVersion = "schema_version"
        case fourFifths = "four_fifths"
        case skippedIntersections = "skipped_intersections"
    }

    /// The attribute (or intersection) named `name`.
    public func attribute(_ name: String) -> AttributeReport? { attributes.first { $0.name == name } }
}

extension MetricsReport: Artefact {
    public static let currentSchemaVersion = 3
    public static var keysAreVerbatim: Bool { true }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decodeIfPresent(Int.self, forKey: .schemaVersion) ?? 1
        n = try c.decode(Int.self, forKey: .n)
        overall = try c.decode([String: MetricValue].self, forKey: .overall)
        attributes = try c.decode([AttributeReport].self, forKey: .attributes)
        gates = try c.decodeIfPresent([GateResult].self, forKey: .gates) ?? []
        passed = try c.decodeIfPresent(Bool.self, forKey: .passed) ?? gates.allSatisfy(\.passed)
        bootstrap = try c.decode(BootstrapInfo.self, forKey: .bootstrap)
        significance = try c.decodeIfPresent(SignificanceConfig.self, forKey: .significance) ?? SignificanceConfig()
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
        fourFifths = try c.decodeIfPresent(FourFifthsRule.self, forKey: .fourFifths)
        skippedIntersections = try c.decodeIfPresent([SkippedIntersection].self, forKey: .skippedIntersections)
    }
}
