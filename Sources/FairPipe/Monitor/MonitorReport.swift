import Foundation

/// One window of monitor.json: its measures from the fairness engine, flags and drift tests.
public struct MonitorWindowReport: Codable, Equatable, Sendable {
    public var id: String
    /// RFC 3339 UTC; `end` is exclusive for calendar windows, the last row's time for `rows:N`.
    public var start: String
    public var end: String
    public var rows: Int
    public var labelledRows: Int
    /// Part of the reference (its drift tests are then in-sample, and not alerted on).
    public var reference: Bool
    /// `attribute/group (n = k)` of the groups below fairness.min_group_size: shown, not alerted on.
    public var smallGroups: [String]
    /// SHA-256 of the window's rows (canonical text), the key of the incremental cache.
    public var contentHash: String
    public var metrics: MetricsReport
    public var drift: [DriftTestResult]

    enum CodingKeys: String, CodingKey {
        case id, start, end, rows, reference, metrics, drift
        case labelledRows = "labelled_rows"
        case smallGroups = "small_groups"
        case contentHash = "content_hash"
    }
}

/// A value of one period in a comparison.
public struct PeriodValue: Codable, Equatable, Sendable {
    public var value: Double?
    public var ci: [Double]?
    public var reason: String?
}

/// One watched metric in a comparison of two periods.
public struct ComparisonRow: Codable, Equatable, Sendable {
    public var metric: String
    public var attribute: String
    public var group: String?
    public var current: PeriodValue
    public var baseline: PeriodValue
    /// current − baseline.
    public var delta: Double?
    /// The two intervals do not overlap.
    public var beyondIntervals: Bool

    enum CodingKeys: String, CodingKey {
        case metric, attribute, group, current, baseline, delta
        case beyondIntervals = "beyond_intervals"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metric, forKey: .metric)
        try c.encode(attribute, forKey: .attribute)
        try c.encode(group, forKey: .group)
        try c.encode(current, forKey: .current)
        try c.encode(baseline, forKey: .baseline)
        try c.encode(delta, forKey: .delta)
        try c.encode(beyondIntervals, forKey: .beyondIntervals)
    }
}

/// "last 7 days vs previous 7", "last 30 days vs reference".
public struct PeriodComparison: Codable, Equatable, Sendable {
    public var name: String
    public var current: String
    public var baseline: String
    public var currentRows: Int
    public var baselineRows: Int
    public var rows: [ComparisonRow]
    /// Why the comparison is empty, when it is.
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case name, current, baseline, rows, reason
        case currentRows = "current_rows"
        case baselineRows = "baseline_rows"
    }
}

/// monitor.json (schema_version 1).
public struct MonitorReport: Codable, Equatable, Sendable {
    public var schemaVersion: Int = 1
    public var log: String
    public var window: String
    /// How the reference was chosen, and its windows.
    public var reference: String
    public var referenceWindows: [String]
    public var windows: [MonitorWindowReport]
    public var comparisons: [PeriodComparison]
    public var alerts: Int
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case log, window, reference, windows, comparisons, alerts, notes
        case schemaVersion = "schema_version"
        case referenceWindows = "reference_windows"
    }
}

public enum AlertSeverity: String, Codable, Sendable, CaseIterable, Comparable {
    case critical, warning
    public static func < (a: AlertSeverity, b: AlertSeverity) -> Bool { a == .critical && b == .warning }
}

/// One alert: a rule that fired in a window.
public struct MonitorAlert: Codable, Equatable, Sendable {
    /// `gate`, `change`, `control_limits` or `drift`.
    public var rule: String
    public var window: String
    public var metric: String
    public var attribute: String?
    public var group: String?
    public var value: Double?
    /// The bound crossed (a gate's limit, the previous window's interval end, the control
    /// limit, the PSI threshold or α).
    public var bound: Double?
    public var severity: AlertSeverity
    public var message: String
    public var remediation: String

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule, forKey: .rule)
        try c.encode(window, forKey: .window)
        try c.encode(metric, forKey: .metric)
        try c.encode(attribute, forKey: .attribute)
        try c.encode(group, forKey: .group)
        try c.encode(value, forKey: .value)
        try c.encode(bound, forKey: .bound)
        try c.encode(severity, forKey: .severity)
        try c.encode(message, forKey: .message)
        try c.encode(remediation, forKey: .remediation)
    }
}

/// alerts.json (schema_version 1).
public struct AlertsFile: Codable, Equatable, Sendable {
    public var schemaVersion: Int = 1
    public var alerts: [MonitorAlert]

    enum CodingKeys: String, CodingKey {
        case alerts
        case schemaVersion = "schema_version"
    }
}
