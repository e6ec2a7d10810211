/// The `fairness:` section of pipeline.yml: what `evaluate` measures and how it judges it.
/// See docs/metrics.md for every key.
public struct FairnessConfig: ConfigSection {
    /// Groups smaller than this are flagged `small_group` (and left out of disparities when
    /// `excludeSmallGroups`).
    public var minGroupSize: Int = 30
    /// Also evaluate every combination of two or more attributes (`sex&race`).
    public var intersectional: Bool = true
    /// Leave groups with n < `minGroupSize` out of between-group disparities.
    public var excludeSmallGroups: Bool = false
    /// Reference group per attribute (`race: Caucasian`, `sex&race: Male&Caucasian`) for the
    /// AIF360-style metrics; default the largest group (ties: first by name).
    public var reference: [String: String] = [:]
    /// Equal-width bins on [0, 1] for the expected calibration error and reliability curve.
    public var calibrationBins: Int = 10
    public var bootstrap: BootstrapConfig = BootstrapConfig()
    public var significance: SignificanceConfig = SignificanceConfig()
    /// Gates: `metric` or `metric@attribute` → bound. See ``GateSpec``.
    public var thresholds: [String: GateSpec] = [:]
    public var curves: CurvesConfig = CurvesConfig()
    /// α of the generalized entropy index (AIF360's default 2).
    public var generalizedEntropyAlpha: Double = 2
    /// k of AIF360's consistency score (the point itself counts as one of the k).
    public var consistencyNeighbors: Int = 5
    /// Consistency is O(N²·d) by brute force; it is skipped (with a note) above this many rows.
    public var consistencyMaxRows: Int = 20_000
    /// An attribute with more groups than this is an error (likely an ID column); an
    /// intersection with more combinations is skipped with a note (the report, and the
    /// bootstrap's memory, grow with the number of groups).
    public var maxGroups: Int = 1_000
    /// The four-fifths rule's lower bound b: disparate impact passes when b ≤ DI ≤ 1/b
    /// (0.8 and 1.25 by default, as aequitas does). See ``FourFifthsRule``.
    public var fourFifths: Double = 0.8

    /// The one four-fifths band of this configuration.
    public var fourFifthsRule: FourFifthsRule { FourFifthsRule(bound: fourFifths) }

    public init() {}

    public func validate() throws {
        try validateSettings()
        for (key, reference) in reference.sorted(by: { $0.key < $1.key }) where key.isEmpty || reference.isEmpty {
            throw ConfigError.invalidValue(
                key: "reference.\(key)", expected: "an attribute name mapped to a group name",
                found: "`\(key)`: `\(reference)`")
        }
        for (key, gate) in thresholds.sorted(by: { $0.key < $1.key }) {
            try Self.validateGate(gate, key: key)
        }
    }

    /// The numeric settings are in range.
    private func validateSettings() throws {
        guard minGroupSize >= 1 else {
            throw ConfigError.invalidValue(key: "min_group_size", expected: "an integer ≥ 1", found: "\(minGroupSize)")
        }
        guard (2...1000).contains(calibrationBins) else {
            throw ConfigError.invalidValue(
                key: "calibration_bins", expected: "an integer in 2...1000", found: "\(calibrationBins)")
        }
        guard bootstrap.samples >= 0 else {
            throw ConfigError.invalidValue(
                key: "bootstrap.samples", expected: "an integer ≥ 0 (0 turns the bootstrap off)",
                found: "\(bootstrap.samples)")
        }
        guard bootstrap.confidence > 0, bootstrap.confidence < 1 else {
            throw ConfigError.invalidValue(
                key: "bootstrap.confidence", expected: "a number in (0, 1)", found: "\(bootstrap.confidence)")
        }
        guard significance.alpha > 0, significance.alpha < 1 else {
            throw ConfigError.invalidValue(
                key: "significance.alpha", expected: "a number in (0, 1)", found: "\(significance.alpha)")
        }
        guard curves.thresholdStep > 0, curves.thresholdStep <= 0.5 else {
            throw ConfigError.invalidValue(
                key: "curves.threshold_step", expected: "a number in (0, 0.5]", found: "\(curves.thresholdStep)")
        }
        guard generalizedEntropyAlpha.isFinite else {
            throw ConfigError.invalidValue(
                key: "generalized_entropy_alpha", expected: "a finite number", found: "\(generalizedEntropyAlpha)")
        }
        guard consistencyNeighbors >= 1 else {
            throw ConfigError.invalidValue(
                key: "consistency_neighbors", expected: "an integer ≥ 1", found: "\(consistencyNeighbors)")
        }
        guard consistencyMaxRows >= 0 else {
            throw ConfigError.invalidValue(
                key: "consistency_max_rows", expected: "an integer ≥ 0", found: "\(consistencyMaxRows)")
        }
        guard fourFifths > 0, fourFifths <= 1 else {
            throw ConfigError.invalidValue(
                key: "four_fifths", expected: "a ratio in (0, 1] (the band is [four_fifths, 1/four_fifths])",
                found: "\(fourFifths)")
        }
        guard maxGroups >= 2 else {
            throw ConfigError.invalidValue(key: "max_groups", expected: "an integer ≥ 2", found: "\(maxGroups)")
        }
    }

    /// A gate names a known metric (after `vs_reference.`, a reference metric), an attribute
    /// when it has `@`, and consistent finite bounds (`four_fifths` only on disparate impact).
    private static func validateGate(_ gate: GateSpec, key: String) throws {
        var metric = GateSpec.metricName(of: key)
        if metric.hasPrefix("vs_reference.") {
            metric = String(metric.dropFirst("vs_reference.".count))
            guard ReferenceMetric(rawValue: metric) != nil else {
                let names = ReferenceMetric.allCases.map(\.rawValue)
                throw GateSpec.unknownMetric(
                    metric, in: key, among: names, prefix: "vs_reference.",
                    expected: "a reference metric after `vs_reference.` (\(names.joined(separator: ", ")))")
            }
        }
        guard GateSpec.knownMetrics.contains(metric) else {
            throw GateSpec.unknownMetric(
                metric, in: key, among: GateSpec.knownMetrics.sorted(),
                expected: "a metric name (see docs/metrics.md)")
        }
        if let attribute = GateSpec.attribute(of: key), attribute.isEmpty {
            throw ConfigError.invalidValue(
                key: "thresholds.\(key)", expected: "`metric@attribute` with an attribute name", found: "`\(key)`")
        }
        if gate.fourFifths {
            guard metric == ReferenceMetric.disparateImpact.rawValue else {
                throw ConfigError.inconsistent(
                    key: "thresholds.\(key)", message: "`four_fifths: true` applies to disparate_impact only")
            }
            guard gate.max == nil && gate.min == nil else {
                throw ConfigError.inconsistent(
                    key: "thresholds.\(key)",
                    message: "`four_fifths: true` sets both bounds (fairness.four_fifths); remove `min` and `max`")
            }
        }
        guard gate.max != nil || gate.min != nil || gate.fourFifths else {
            throw ConfigError.inconsistent(
                key: "thresholds.\(key)",
                message: "a gate needs `max`, `min`, both, or (for disparate_impact) `four_fifths: true`")
        }
        if let lo = gate.min, let hi = gate.max, lo > hi {
            throw ConfigError.inconsistent(
                key: "thresholds.\(key)", message: "`min` (\(lo)) is above `max` (\(hi))")
        }
        for bound in [gate.min, gate.max].compactMap({ $0 }) where !bound.isFinite {
            throw ConfigError.invalidValue(key: "thresholds.\(key)", expected: "finite bounds", found: "\(bound)")
        }
    }
}

/// `fairness.bootstrap`: percentile bootstrap intervals by resampling counts.
public struct BootstrapConfig: Codable, Equatable, Sendable {
    /// Replicates B; 0 turns the bootstrap off (intervals are then null).
    public var samples: Int = 1000
    public var confidence: Double = 0.95
    /// Resample within each (intersectional) group with its size fixed, instead of the whole sample.
    public var stratified: Bool = true
    public init() {}
}

/// `fairness.significance`: tests of equal selection and error rates across groups.
public struct SignificanceConfig: Codable, Equatable, Sendable {
    public var correction: PValueCorrection = .benjaminiHochberg
    /// Level at which a disparity is called significant in the summary.
    public var alpha: Double = 0.05
    public init() {}
}

/// `fairness.curves`: the threshold sweep written to curves.json.
public struct CurvesConfig: Codable, Equatable, Sendable {
    /// Decision thresholds 0, step, 2·step, …, 1 (the last clamped to 1).
    public var thresholdStep: Double = 0.01
    public init() {}
}

/// What a gate compares with its bounds.
public enum GateJudgement: String, Codable, Equatable, Sendable, CaseIterable {
    /// The point estimate.
    case estimate
    /// The conservative end of the bootstrap interval: its upper end against `max`, its lower
    /// end against `min`. A gate whose interval is null then fails.
    case ciBound = "ci_bound"
}

/// One gate of `fairness.thresholds`. The YAML key is the metric name, applying to every
/// attribute (and intersection) that has it, or `metric@attribute` for one attribute:
///
/// ```yaml
/// thresholds:
///   disparate_impact: {four_fifths: true}     # fairness.four_fifths ≤ DI ≤ 1/fairness.four_fifths
///   equalized_odds_difference@race: {max: 0.1, judge_by: ci_bound}
/// ```
public struct GateSpec: Codable, Equatable, Sendable {
    public var max: Double? = nil
    public var min: Double? = nil
    public var judgeBy: GateJudgement = .estimate
    /// disparate_impact only: judge by the four-fifths band (``FourFifthsRule``) instead of
    /// `min`/`max`, the same band metrics.json's `four_fifths_pass` uses.
    public var fourFifths: Bool = false
    public init() {}
    public init(max: Double? = nil, min: Double? = nil, judgeBy: GateJudgement = .estimate, fourFifths: Bool = false) {
        self.max = max; self.min = min; self.judgeBy = judgeBy; self.fourFifths = fourFifths
    }

    /// The bounds to judge by: `min`/`max`, or the four-fifths band when `fourFifths`.
    func resolved(_ rule: FourFifthsRule) -> GateSpec {
        guard fourFifths else { return self }
        return GateSpec(max: rule.max, min: rule.min, judgeBy: judgeBy, fourFifths: true)
    }

    /// Metrics a gate may name: overall metrics, between-group disparities, reference-group
    /// metrics and the between-individual indices.
    public static var knownMetrics: Set<String> {
        var names = Set(GroupMetric.allCases.map(\.rawValue))
        names.formUnion(Disparity.allKeys)
        names.formUnion(ReferenceMetric.allCases.map(\.rawValue))
        names.formUnion(IndividualMetric.allCases.map(\.rawValue))
        return names
    }

    /// The error for a gate `key` whose `metric` is none of `names`: one line with the closest
    /// name (the gate key as it should read), rather than a list of all sixty.
    static func unknownMetric(
        _ metric: String, in key: String, among names: [String], prefix: String = "", expected: String
    ) -> ConfigError {
        let attribute = attribute(of: key).map { "@\($0)" } ?? ""
        let hint = closestMatch(to: metric, among: names).map { " (did you mean `\(prefix)\($0)\(attribute)`?)" } ?? ""
        return .invalidValue(key: "thresholds.\(key)", expected: expected, found: "`\(metric)`\(hint)")
    }

    static func metricName(of key: String) -> String {
        key.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? key
    }

    static func attribute(of key: String) -> String? {
        let parts = key.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? String(parts[1]) : nil
    }
}
