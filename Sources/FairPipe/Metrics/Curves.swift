import Foundation

/// curves.json: per-group ROC and reliability curves and a threshold sweep, for plots.
public struct CurvesReport: Artefact, Equatable {
    public static let currentSchemaVersion = 1
    public static var keysAreVerbatim: Bool { true }

    public var schemaVersion: Int = 1
    /// The decision thresholds of every ROC point and of the sweep: 0, step, …, 1.
    public var thresholds: [Double]
    public var overall: GroupCurves
    public var attributes: [AttributeCurves]

    enum CodingKeys: String, CodingKey {
        case thresholds, overall, attributes
        case schemaVersion = "schema_version"
    }
}

/// Curves of one group.
public struct GroupCurves: Codable, Equatable, Sendable {
    public var group: String
    public var n: Int
    /// ROC points at each threshold t (decision = score ≥ t): FPR(t), TPR(t); null when the
    /// group has no negatives / no positives. Exact at those thresholds.
    public var fpr: [Double?]
    public var tpr: [Double?]
    /// The exact AUC (all thresholds, ties counted half), as in metrics.json.
    public var auc: Double?
    public var reliability: [ReliabilityBin]
}

/// One equal-width calibration bin [lower, upper) (the last one closed).
public struct ReliabilityBin: Codable, Equatable, Sendable {
    public var lower: Double
    public var upper: Double
    public var count: Int
    public var meanScore: Double?
    public var fractionPositive: Double?

    enum CodingKeys: String, CodingKey {
        case lower, upper, count
        case meanScore = "mean_score"
        case fractionPositive = "fraction_positive"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lower, forKey: .lower); try c.encode(upper, forKey: .upper); try c.encode(count, forKey: .count)
        try c.encode(meanScore, forKey: .meanScore); try c.encode(fractionPositive, forKey: .fractionPositive)
    }
}

/// An attribute's groups and its threshold sweep.
public struct AttributeCurves: Codable, Equatable, Sendable {
    public var name: String
    public var groups: [GroupCurves]
    /// Overall accuracy at each threshold.
    public var accuracy: [Double?]
    /// Each decision-based between-group disparity at each threshold (null where undefined).
    public var disparities: [String: [Double?]]
}

/// The thresholds 0, step, 2·step, …, 1.
func sweepThresholds(step: Double) -> [Double] {
    let k = Int((1 / step).rounded(.up))
    var out: [Double] = []
    for i in 0...k {
        let t = min(1, Double(i) * step)
        if out.last != t { out.append(t) }
    }
    return out
}

/// Measures and curves together, sharing the one pass over the rows. Curves are nil without scores.
public func evaluateFairnessAndCurves(
    _ set: PredictionSet, config: FairnessConfig, seed: UInt64
) throws -> (metrics: MetricsReport, curves: CurvesReport?) {
    try set.validate()
    let engine = try FairnessEngine(set, config: config)
    let metrics = try evaluateFairness(set, engine: engine, config: config, seed: seed)
    return (metrics, engine.stats.hasScores ? curves(engine) : nil)
}

/// Measures and curves of merged (or streamed) statistics: the same bytes as
/// ``evaluateFairnessAndCurves(_:config:seed:)`` on the rows they were made from.
public func evaluateFairnessAndCurves(
    _ audit: AuditStatistics, config: FairnessConfig, seed: UInt64
) throws -> (metrics: MetricsReport, curves: CurvesReport?) {
    guard audit.rows > 0 else { throw MetricsError.noRows }
    let engine = try FairnessEngine(audit, config: config)
    let metrics = evaluateFairness(audit, engine: engine, config: config, seed: seed)
    return (metrics, engine.stats.hasScores ? curves(engine) : nil)
}

/// Curves alone (nil without scores).
public func fairnessCurves(_ set: PredictionSet, config: FairnessConfig) throws -> CurvesReport? {
    try set.validate()
    let engine = try FairnessEngine(set, config: config)
    return engine.stats.hasScores ? curves(engine) : nil
}

func curves(_ engine: FairnessEngine) -> CurvesReport {
    let stats = engine.stats
    let thresholds = sweepThresholds(step: engine.config.curves.thresholdStep)
    let cells = engine.cellStatistics(engine.pointCounts)
    // counts[t][cell] at each threshold, from the sorted scores.
    let atThreshold: [[ConfusionCounts]] = thresholds.map { t in
        (0..<stats.cellCount).map { c in
            let pos = stats.scoreRuns[c * 2 + 1], neg = stats.scoreRuns[c * 2]
            let tp = pos.countAtLeast(t), fp = neg.countAtLeast(t)
            return ConfusionCounts(tp: tp, fp: fp, tn: neg.total - fp, fn: pos.total - tp)
        }
    }
    let m = Double(stats.calibrationBins)
    func groupCurves(_ level: Level) -> [GroupCurves] {
        let groupStats = engine.groupStatistics(level, cells: cells, exactAUC: true)
        return level.groupNames.indices.map { g in
            let members = level.cellsOfGroup[g]
            var fpr: [Double?] = [], tpr: [Double?] = []
            for t in thresholds.indices {
                var c = ConfusionCounts()
                for cell in members { c += atThreshold[t][cell] }
                tpr.append(c.positives > 0 ? Double(c.tp) / Double(c.positives) : nil)
                fpr.append(c.negatives > 0 ? Double(c.fp) / Double(c.negatives) : nil)
            }
            let s = groupStats[g]
            let bins = (0..<stats.calibrationBins).map { b in
                let count = s.binCount[b]
                return ReliabilityBin(
                    lower: Double(b) / m, upper: Double(b + 1) / m, count: Int(count),
                    meanScore: count > 0 ? s.binScore[b] / count : nil,
                    fractionPositive: count > 0 ? s.binLabel[b] / count : nil)
            }
            return GroupCurves(
                group: level.groupNames[g], n: s.counts.n, fpr: fpr, tpr: tpr, auc: s.auc.isFinite ? s.auc : nil,
                reliability: bins)
        }
    }
    let decisionKeys = Disparity.allCases.filter { !$0.needsScores }.flatMap(\.keys)
    var attributes: [AttributeCurves] = []
    for (l, level) in engine.levels.enumerated() {
        var accuracy: [Double?] = []
        var series = [String: [Double?]]()
        for key in decisionKeys { series[key] = [] }
        for t in thresholds.indices {
            let groups = level.cellsOfGroup.map { members -> [Double] in
                var c = ConfusionCounts()
                for cell in members { c += atThreshold[t][cell] }
                return GroupMetric.allCases.map { $0.value(c) }
            }
            var all = ConfusionCounts()
            for c in atThreshold[t] { all += c }
            let overall = GroupMetric.allCases.map { $0.value(all) }
            accuracy.append(ReportBuilder.finite(GroupMetric.accuracy.value(all)))
            let values = FairnessEngine.disparities(
                groups: groups, overall: overall, excluded: engine.excludedByConfig[l], hasScores: false)
            for (k, key) in Disparity.allKeys.enumerated() where series[key] != nil {
                series[key]?.append(ReportBuilder.finite(values[k]))
            }
        }
        attributes.append(
            AttributeCurves(name: level.name, groups: groupCurves(level), accuracy: accuracy, disparities: series))
    }
    return CurvesReport(thresholds: thresholds, overall: groupCurves(engine.overallLevel)[0], attributes: attributes)
}
