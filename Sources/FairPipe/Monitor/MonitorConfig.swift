import Foundation

/// The `monitor:` section of pipeline.yml: fairness over time on a production prediction log.
/// Metrics and intervals come from the `fairness:` section, as for `evaluate`.
public struct MonitorConfig: ConfigSection {
    /// The timestamp column: RFC 3339 (`2026-03-02T10:15:00Z`, `…+02:00`) or `YYYY-MM-DD`;
    /// UTC unless an offset is given.
    public var time: String = "ts"
    /// `1d` (UTC days), `7d` (ISO weeks, Monday 00:00 UTC), `30d` (calendar months, UTC), or
    /// `rows:N` (consecutive blocks of N rows in time order).
    public var window: String = "7d"
    public var reference: MonitorReferenceConfig = MonitorReferenceConfig()
    /// Columns tested for drift. Unset: every column of the log that is not the time, label,
    /// score, decision, `row_id` or a sensitive attribute (sensitive attributes are always
    /// tested: the group mix is a distribution too).
    public var features: [String]? = nil
    public var alerts: MonitorAlertsConfig = MonitorAlertsConfig()

    public init() {}

    public func validate() throws {
        guard !time.isEmpty else {
            throw ConfigError.invalidValue(key: "time", expected: "a column name", found: "an empty name")
        }
        _ = try WindowSpec(parsing: window)
        try reference.validate()
        try alerts.validate()
    }
}

/// `monitor.reference`: what each window is compared with. One of a date range of the log
/// (`from`, `to`), the first N windows (`first_windows`), or — with `monitor --reference DIR`
/// — the pipeline's own test evaluation. Nothing set: the first 4 windows.
public struct MonitorReferenceConfig: Codable, Equatable, Sendable, ConfigDefaultable {
    /// First instant of the reference (a date means its 00:00 UTC).
    public var from: String? = nil
    /// End of the reference: a date includes that whole day; a timestamp is exclusive.
    public var to: String? = nil
    public var firstWindows: Int? = nil

    public init() {}

    func validate() throws {
        if let n = firstWindows {
            guard n >= 1 else {
                throw ConfigError.invalidValue(
                    key: "reference.first_windows", expected: "an integer ≥ 1", found: "\(n)")
            }
            guard from == nil && to == nil else {
                throw ConfigError.inconsistent(
                    key: "reference", message: "give either `first_windows` or `from`/`to`, not both")
            }
        }
        if (from == nil) != (to == nil) {
            throw ConfigError.inconsistent(key: "reference", message: "a date range needs both `from` and `to`")
        }
        for (key, text) in [("from", from), ("to", to)] {
            guard let text else { continue }
            guard Timestamp.parse(text) != nil else {
                throw ConfigError.invalidValue(
                    key: "reference.\(key)", expected: "RFC 3339 or YYYY-MM-DD", found: "`\(text)`")
            }
        }
        if let a = from.flatMap(Timestamp.parse), let b = to.flatMap(Timestamp.rangeEnd), b <= a {
            throw ConfigError.inconsistent(
                key: "reference", message: "`to` (\(to ?? "")) is not after `from` (\(from ?? ""))")
        }
    }
}

/// `monitor.alerts`: the rules that raise alerts. Groups below `fairness.min_group_size` in a
/// window are shown and flagged but never alerted on.
public struct MonitorAlertsConfig: Codable, Equatable, Sendable, ConfigDefaultable {
    /// Absolute gates, in the syntax of `fairness.thresholds` (severity `critical`).
    public var gates: [String: GateSpec] = [:]
    /// Metrics the change and control-limit rules watch: between-group disparity keys
    /// (`demographic_parity_difference`, per attribute) or group metrics (`selection_rate`,
    /// per group of each attribute); `metric@attribute` for one attribute only.
    public var metrics: [String] = ["demographic_parity_difference", "equalized_odds_difference", "selection_rate"]
    /// Alert when a metric moves from the previous window beyond both windows' intervals
    /// (the two bootstrap intervals do not overlap).
    public var change: Bool = true
    public var controlLimits: ControlLimitsConfig = ControlLimitsConfig()
    public var drift: DriftRuleConfig = DriftRuleConfig()

    public init() {}

    func validate() throws {
        var fairness = FairnessConfig()
        fairness.thresholds = gates
        do { try fairness.validate() } catch let ConfigError.invalidValue(key, expected, found, source) {
            throw ConfigError.invalidValue(
                key: "alerts.gates" + key.dropFirst("thresholds".count), expected: expected, found: found,
                source: source)
        } catch let ConfigError.inconsistent(key, message, source) {
            throw ConfigError.inconsistent(
                key: "alerts.gates" + key.dropFirst("thresholds".count), message: message, source: source)
        }
        for (i, key) in metrics.enumerated() {
            let metric = GateSpec.metricName(of: key)
            if Disparity.allKeys.contains(metric) || GroupMetric(rawValue: metric) != nil { continue }
            let known = Disparity.allKeys + GroupMetric.allCases.map(\.rawValue)
            let hint = closestMatch(to: metric, among: known).map { " (did you mean `\($0)`?)" } ?? ""
            throw ConfigError.invalidValue(
                key: "alerts.metrics[\(i)]", expected: "a disparity key or group metric\(hint)", found: "`\(metric)`")
        }
        try controlLimits.validate()
        try drift.validate()
    }
}

/// `monitor.alerts.control_limits`: alert when a metric leaves the reference windows'
/// mean ± `sigma`·σ (σ the sample standard deviation), as NannyML does.
public struct ControlLimitsConfig: Codable, Equatable, Sendable, ConfigDefaultable {
    public var enabled: Bool = false
    public var sigma: Double = 3
    /// Fewer reference windows than this is an error when the rule is enabled.
    public var minWindows: Int = 6
    public init() {}

    func validate() throws {
        guard sigma > 0, sigma.isFinite else {
            throw ConfigError.invalidValue(
                key: "alerts.control_limits.sigma", expected: "a number > 0", found: "\(sigma)")
        }
        guard minWindows >= 2 else {
            throw ConfigError.invalidValue(
                key: "alerts.control_limits.min_windows", expected: "an integer ≥ 2", found: "\(minWindows)")
        }
    }
}

/// `monitor.alerts.drift`: alert on a window's drift tests against the reference: PSI above
/// `psi`, or a Benjamini–Hochberg-corrected p-value below `alpha`.
public struct DriftRuleConfig: Codable, Equatable, Sendable, ConfigDefaultable {
    public var enabled: Bool = true
    public var psi: Double = 0.2
    /// 0 turns the p-value part off (PSI only).
    public var alpha: Double = 0.05
    public init() {}

    func validate() throws {
        guard psi > 0, psi.isFinite else {
            throw ConfigError.invalidValue(key: "alerts.drift.psi", expected: "a number > 0", found: "\(psi)")
        }
        guard alpha >= 0, alpha < 1 else {
            throw ConfigError.invalidValue(key: "alerts.drift.alpha", expected: "a number in [0, 1)", found: "\(alpha)")
        }
    }
}
