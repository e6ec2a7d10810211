import Foundation

/// What the report needs to show of the artefact types, written once here as extensions of
/// those types (display order, intervals, labels): the report reads every file through the
/// type its writer uses, never through a description of its own.

/// A closed interval `[lower, upper]`, for display and overlap tests.
public struct ReportInterval: Sendable, Equatable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = min(lower, upper)
        self.upper = max(lower, upper)
    }

    /// The artefacts' `[lower, upper]` arrays; nil unless two finite ends.
    public init?(_ bounds: [Double]?) {
        guard let bounds, bounds.count == 2, bounds[0].isFinite, bounds[1].isFinite else { return nil }
        self.init(lower: bounds[0], upper: bounds[1])
    }

    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }
    public func overlaps(_ other: ReportInterval) -> Bool { lower <= other.upper && other.lower <= upper }
}

/// A measured number as a report cell shows it: value, interval and, when undefined, why.
protocol Measured {
    var value: Double? { get }
    var interval: ReportInterval? { get }
    var reason: String? { get }
}

extension MetricValue: Measured {
    var interval: ReportInterval? { ReportInterval(ci) }
}

extension DisparityValue: Measured {
    var interval: ReportInterval? { ReportInterval(ci) }
    /// The p-value to show: the multiplicity-adjusted one when present.
    var bestPValue: Double? { pAdjusted ?? pValue }
}

extension TradeoffCurve.Estimate: Measured {
    var interval: ReportInterval? { ReportInterval(ci) }
    var reason: String? { nil }
}

extension MetricsReport {
    /// Overall group metrics in display order (the between-individual indices apart).
    var overallMetrics: [(name: String, value: MetricValue)] {
        let individual = Set(IndividualMetric.allCases.map(\.rawValue))
        return MetricNames.ordered(overall.keys.filter { !individual.contains($0) }).compactMap { name in
            overall[name].map { (name, $0) }
        }
    }

    /// Theil index, generalized entropy index and consistency, those present.
    var individualMetrics: [(name: String, value: MetricValue)] {
        IndividualMetric.allCases.compactMap { metric in overall[metric.rawValue].map { (metric.rawValue, $0) } }
    }

    func overallValue(_ name: String) -> Double? { overall[name]?.value }

    /// The interval level as readers see it: `95%`, `90%`, `97.5%`.
    var confidenceLabel: String { ReportNumber.percentLabel(bootstrap.confidence) }

    /// The band the four-fifths verdicts in this file used (older files: the default band).
    var fourFifthsBand: FourFifthsRule { fourFifths ?? FourFifthsRule() }
}

extension AttributeReport {
    static let disparityOrder = [
        "demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference",
        "equalized_odds_ratio", "equal_opportunity_difference", "equal_opportunity_ratio",
    ]

    var isIntersection: Bool { name.contains("&") }
    var totalN: Int { groups.map(\.n).reduce(0, +) }

    /// Between-group disparities: the headline ones first, then the rest by name.
    var orderedDisparities: [(name: String, value: DisparityValue)] {
        MetricNames.ordered(disparities.keys, canonical: Self.disparityOrder).compactMap { name in
            disparities[name].map { (name, $0) }
        }
    }

    func disparity(_ name: String) -> DisparityValue? { disparities[name] }
}

extension GroupReport {
    func metric(_ name: String) -> MetricValue? { metrics[name] }

    /// The base rate from the metrics, else positives / n.
    var baseRate: Double? {
        if let value = metrics["base_rate"]?.value { return value }
        return n > 0 ? Double(positives) / Double(n) : nil
    }
}

extension ReferenceComparison {
    static let order = ReferenceMetric.allCases.map(\.rawValue)

    func measure(_ name: String) -> MetricValue? { metrics[name] }

    var disparateImpact: MetricValue? { metrics[ReferenceMetric.disparateImpact.rawValue] }
}

extension GateResult {
    /// `disparate_impact · race · African-American`.
    var subject: String { [metric, attribute, group].compactMap { $0 }.joined(separator: " · ") }

    var interval: ReportInterval? { ReportInterval(ci) }

    /// The same gate in another evaluation (before and after mitigation, a trade-off point).
    var identity: String { [gate, attribute ?? "", group ?? ""].joined(separator: "\u{1F}") }

    /// `≥ 0.800`, `≤ 0.100`, `in [0.800, 1.250]`.
    func boundText(_ digits: Int = 3) -> String {
        switch (min, max) {
        case (let low?, let high?):
            return "in [\(ReportNumber.fixed(low, digits)), \(ReportNumber.fixed(high, digits))]"
        case (let low?, nil): return "≥ \(ReportNumber.fixed(low, digits))"
        case (nil, let high?): return "≤ \(ReportNumber.fixed(high, digits))"
        case (nil, nil): return "(no bound)"
        }
    }
}

extension Manifest {
    static let stageOrder = StageName.allCases

    /// Pipeline order.
    var sortKey: Int { Manifest.stageOrder.firstIndex(of: stage) ?? Manifest.stageOrder.count }

    /// What this stage run was for: `evaluate` runs twice in a pipeline, once on the baseline
    /// model and once on the mitigated predictions (told apart by the folder they wrote).
    var role: String {
        switch stage {
        case .makeDataset: return "make-dataset — data splits and audit"
        case .train: return "train — baseline model"
        case .evaluate:
            let folders = outputs.map { ($0.path as NSString).deletingLastPathComponent }
            return folders.contains { $0.hasSuffix("evaluation-mitigated") }
                ? "evaluate — mitigated evaluation" : "evaluate — baseline evaluation"
        case .mitigate: return "mitigate — mitigation and trade-off"
        default: return stage.rawValue
        }
    }
}

extension CurvesReport {
    /// The curves of attribute `name`.
    func attribute(_ name: String) -> AttributeCurves? { attributes.first { $0.name == name } }
}

extension GroupCurves {
    /// ROC points (FPR, TPR) at each threshold where both are defined.
    var rocPoints: [(fpr: Double, tpr: Double)] {
        zip(fpr, tpr).compactMap { x, y in x.flatMap { x in y.map { (x, $0) } } }
    }
}

extension JSONValue {
    /// A stable pretty rendering with sorted keys, for showing configs.
    func pretty(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return ReportNumber.plain(value)
        case .string(let text): return CanonicalJSON.quoted(text)
        case .array(let items):
            if items.isEmpty { return "[]" }
            let isFlat = items.allSatisfy { !$0.isContainer }
            if isFlat { return "[" + items.map { $0.pretty() }.joined(separator: ", ") + "]" }
            return "[\n" + items.map { inner + $0.pretty(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{\n"
                + members.keys.sorted().map { key in
                    "\(inner)\(CanonicalJSON.quoted(key)): \(members[key]?.pretty(indent: inner) ?? "null")"
                }.joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    var isContainer: Bool {
        switch self {
        case .array, .object: return true
        default: return false
        }
    }

    /// A scalar as text (numbers in their shortest form); nil for containers and null.
    var scalarText: String? {
        switch self {
        case .string(let text): return text
        case .number(let value): return ReportNumber.plain(value)
        case .bool(let value): return value ? "true" : "false"
        default: return nil
        }
    }

    /// `key = value` pairs of the scalar leaves, flattened with dotted keys.
    func flattened(prefix: String = "") -> [(String, String)] {
        switch self {
        case .object(let members):
            return members.keys.sorted().flatMap { key in
                members[key]?.flattened(prefix: prefix.isEmpty ? key : "\(prefix).\(key)") ?? []
            }
        case .array(let items):
            let scalars = items.compactMap(\.scalarText)
            return scalars.count == items.count
                ? [(prefix, "[" + scalars.joined(separator: ", ") + "]")] : [(prefix, "[\(items.count) items]")]
        case .null:
            return [(prefix, "null")]
        default:
            return [(prefix, scalarText ?? "")]
        }
    }
}
