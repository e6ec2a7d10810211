import Foundation

/// Measures fairness of binary decisions (and scores, when given) across every sensitive
/// attribute and, with `config.intersectional`, every combination of attributes.
///
/// Point estimates are exact functions of per-group counts (AUC exactly from ranks). Intervals:
/// a percentile bootstrap over counts (see docs/metrics.md, "Bootstrap"), seeded from `seed`,
/// and Jeffreys intervals for proportions. Gates from `config.thresholds` are evaluated into
/// `gates` / `passed`.
///
/// Cost: one O(N) pass to build counts and score histograms, O(N log N + C·N) for exact AUC
/// (C = observed cells of all attributes), then O(B × (atoms + groups × bins)) for the bootstrap.
public func evaluateFairness(_ set: PredictionSet, config: FairnessConfig, seed: UInt64) throws -> MetricsReport {
    try set.validate()
    return try evaluateFairness(set, engine: FairnessEngine(set, config: config), config: config, seed: seed)
}

func evaluateFairness(
    _ set: PredictionSet, engine: FairnessEngine, config: FairnessConfig, seed: UInt64
) throws -> MetricsReport {
    var report = measuredReport(engine, rows: set.labels.count, config: config, seed: seed)
    if let features = set.features {
        if set.labels.count <= config.consistencyMaxRows {
            let value = Consistency.score(
                features: features, predictions: set.decisions, neighbors: config.consistencyNeighbors)
            report.overall[IndividualMetric.consistency.rawValue] = MetricValue(value: value.isFinite ? value : nil)
        } else {
            report.notes.append(
                "consistency not computed: \(set.labels.count) rows exceed fairness.consistency_max_rows = \(config.consistencyMaxRows) (brute-force kNN is O(N²))"
            )
        }
    }
    return gated(report, config: config)
}

/// metrics.json of merged statistics (no features, so no consistency score).
func evaluateFairness(
    _ audit: AuditStatistics, engine: FairnessEngine, config: FairnessConfig, seed: UInt64
)
    -> MetricsReport
{
    gated(measuredReport(engine, rows: audit.rows, config: config, seed: seed), config: config)
}

/// The report with its gates evaluated.
private func gated(_ report: MetricsReport, config: FairnessConfig) -> MetricsReport {
    var report = report
    report.gates = evaluateGates(report, thresholds: config.thresholds, fourFifths: config.fourFifthsRule)
    report.passed = report.gates.allSatisfy(\.passed)
    return report
}

/// Point estimates and bootstrap intervals of the engine's atoms, before gates.
private func measuredReport(
    _ engine: FairnessEngine, rows: Int, config: FairnessConfig, seed: UInt64
)
    -> MetricsReport
{
    let point = engine.measure(engine.pointCounts, exactAUC: true)
    let pointFlat = point.flattened()
    var lower: Measures?, upper: Measures?, bias: Measures?
    let samples = config.bootstrap.samples
    if samples > 0 {
        let replicates = engine.bootstrapReplicates(
            seed: seed, samples: samples, stratified: config.bootstrap.stratified)
        var lo = [Double](repeating: .nan, count: pointFlat.count), hi = lo, shift = lo
        var column = [Double](repeating: 0, count: samples)
        let domains = point.disparityDomains()
        for q in pointFlat.indices where pointFlat[q].isFinite {
            for b in 0..<samples { column[b] = replicates[b][q] }
            if let domain = domains[q] {
                // Between-group disparities: re-centred so the interval contains the estimate.
                if let interval = Intervals.medianBiasCorrected(
                    column, estimate: pointFlat[q], confidence: config.bootstrap.confidence, domain: domain)
                {
                    lo[q] = interval.lower; hi[q] = interval.upper; shift[q] = interval.bias
                }
            } else if let interval = Intervals.percentile(column, confidence: config.bootstrap.confidence) {
                lo[q] = interval.lower; hi[q] = interval.upper
            }
        }
        lower = point.reshaped(lo); upper = point.reshaped(hi); bias = point.reshaped(shift)
    }
    let builder = ReportBuilder(engine: engine, point: point, lower: lower, upper: upper, bias: bias, config: config)
    return builder.build(n: rows)
}

/// Turns measures into the metrics.json structure.
struct ReportBuilder {
    var engine: FairnessEngine
    var point: Measures
    var lower: Measures?
    var upper: Measures?
    /// Median bias of each between-group disparity's bootstrap (NaN elsewhere).
    var bias: Measures?
    var config: FairnessConfig

    static func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }

    func ci(_ get: (Measures) -> Double) -> [Double]? {
        guard let lower, let upper else { return nil }
        let lo = get(lower), hi = get(upper)
        return lo.isFinite && hi.isFinite ? [lo, hi] : nil
    }

    func groupMetrics(_ stats: GroupStatistics, values: [Double], path: (Measures) -> [Double]) -> [String: MetricValue]
    {
        var out: [String: MetricValue] = [:]
        for (m, metric) in GroupMetric.allCases.enumerated() {
            if metric.needsScores && !engine.stats.hasScores { continue }
            let v = values[m]
            var jeffreys: [Double]?
            if let (x, n) = metric.proportion(stats.counts),
                let j = Intervals.jeffreys(successes: x, trials: n, confidence: config.bootstrap.confidence)
            {
                jeffreys = [j.lower, j.upper]
            }
            out[metric.rawValue] = MetricValue(
                value: Self.finite(v), ci: Self.finite(v) == nil ? nil : ci { path($0)[m] }, jeffreysCI: jeffreys,
                reason: v.isFinite
                    ? nil : (metric.undefinedReason(stats.counts, hasScores: engine.stats.hasScores) ?? "undefined"))
        }
        return out
    }

    func build(n: Int) -> MetricsReport {
        let cells = engine.cellStatistics(engine.pointCounts)
        var attributes = engine.levels.indices.map { attributeReport($0, cells: cells) }
        adjustPValues(&attributes)
        var report = MetricsReport(
            n: n, overall: overallMetrics(cells: cells), attributes: attributes, gates: [], passed: true,
            bootstrap: bootstrapInfo, significance: config.significance, notes: notes,
            fourFifths: config.fourFifthsRule)
        if !engine.skippedIntersections.isEmpty { report.skippedIntersections = engine.skippedIntersections }
        return report
    }

    /// Overall group metrics and the between-individual indices.
    func overallMetrics(cells: [GroupStatistics]) -> [String: MetricValue] {
        let overallStats = engine.groupStatistics(engine.overallLevel, cells: cells, exactAUC: true)[0]
        var overall = groupMetrics(overallStats, values: point.overall, path: { $0.overall })
        for (i, metric) in [IndividualMetric.theilIndex, .generalizedEntropyIndex].enumerated() {
            let v = point.individual[i]
            overall[metric.rawValue] = MetricValue(
                value: Self.finite(v), ci: v.isFinite ? ci { $0.individual[i] } : nil,
                reason: v.isFinite ? nil : "undefined (mean benefit 0 or a zero benefit with α = 0)")
        }
        return overall
    }

    /// One attribute (or intersection): its groups, and with two or more non-empty groups its
    /// disparities, reference comparisons and significance tests (p-values not yet adjusted).
    func attributeReport(_ l: Int, cells: [GroupStatistics]) -> AttributeReport {
        let level = engine.levels[l]
        let stats = engine.groupStatistics(level, cells: cells, exactAUC: true)
        let groups = level.groupNames.indices.map { groupReport(l, group: $0, stats: stats[$0]) }
        let reference = engine.references[l].map { level.groupNames[$0] }
        guard stats.filter({ $0.counts.n > 0 }).count >= 2 else {
            return AttributeReport(
                name: level.name, reference: reference, groups: groups, disparities: [:],
                vsReference: [], tests: [], warnings: ["single_group"])
        }
        return AttributeReport(
            name: level.name, reference: reference, groups: groups,
            disparities: disparities(l, stats: stats), vsReference: referenceComparisons(l, stats: stats),
            tests: significanceTests(l, stats: stats), warnings: [])
    }

    func groupReport(_ l: Int, group g: Int, stats: GroupStatistics) -> GroupReport {
        let c = stats.counts
        var warnings: [String] = []
        if c.n == 0 { warnings.append("empty_group") }
        if c.n < config.minGroupSize { warnings.append("small_group") }
        if c.positives == 0 { warnings.append("no_positives") }
        if c.negatives == 0 { warnings.append("no_negatives") }
        return GroupReport(
            group: engine.levels[l].groupNames[g], n: c.n, positives: c.positives, negatives: c.negatives, counts: c,
            metrics: groupMetrics(stats, values: point.levels[l].groups[g], path: { $0.levels[l].groups[g] }),
            warnings: warnings)
    }

    /// Between-group disparities, in `Disparity.allKeys` order (the layout of `Measures`).
    func disparities(_ l: Int, stats: [GroupStatistics]) -> [String: DisparityValue] {
        var out: [String: DisparityValue] = [:]
        var k = 0
        for disparity in Disparity.allCases {
            for key in disparity.keys {
                defer { k += 1 }
                if disparity.needsScores && !engine.stats.hasScores { continue }
                let v = point.levels[l].disparities[k]
                let index = k
                var reason: String?
                if !v.isFinite {
                    let names = disparity.metrics.map(\.rawValue).joined(separator: " and ")
                    if key.hasSuffix("to_overall") {
                        reason = "overall \(names) undefined (or 0 for a ratio), or no group has it defined"
                    } else if key.hasSuffix("ratio") {
                        reason = "fewer than two groups with a defined \(names), or its maximum is 0"
                    } else {
                        reason = "fewer than two groups with a defined \(names)"
                    }
                }
                var value = DisparityValue(
                    value: Self.finite(v), ci: v.isFinite ? ci { $0.levels[l].disparities[index] } : nil,
                    excludedGroups: excludedGroups(
                        level: engine.levels[l], levelIndex: l, stats: stats, metrics: disparity.metrics),
                    reason: reason)
                if value.ci != nil {
                    value.bootstrapBias = bias.flatMap { Self.finite($0.levels[l].disparities[index]) }
                }
                out[key] = value
            }
        }
        return out
    }

    /// Each non-reference group against the reference (AIF360's metrics), with its
    /// four-fifths verdict under ``FairnessConfig/fourFifthsRule``.
    func referenceComparisons(_ l: Int, stats: [GroupStatistics]) -> [ReferenceComparison] {
        guard let r = engine.references[l] else { return [] }
        let level = engine.levels[l]
        return level.groupNames.indices.filter { $0 != r }.map { g in
            var metrics: [String: MetricValue] = [:]
            for (m, metric) in ReferenceMetric.allCases.enumerated() {
                let v = point.levels[l].vsReference[g][m]
                metrics[metric.rawValue] = MetricValue(
                    value: Self.finite(v), ci: v.isFinite ? ci { $0.levels[l].vsReference[g][m] } : nil,
                    reason: v.isFinite
                        ? nil : referenceReason(metric, group: stats[g].counts, reference: stats[r].counts))
            }
            let impact = metrics[ReferenceMetric.disparateImpact.rawValue]?.value
            return ReferenceComparison(
                group: level.groupNames[g], metrics: metrics, fourFifthsPass: config.fourFifthsRule.passes(impact))
        }
    }

    /// Tests of equal selection rates and equal error rates across the groups disparities use.
    func significanceTests(_ l: Int, stats: [GroupStatistics]) -> [SignificanceTest] {
        let included = stats.indices.filter { !engine.excludedByConfig[l][$0] && stats[$0].counts.n > 0 }
        let selection = included.map { [stats[$0].counts.selected, stats[$0].counts.n - stats[$0].counts.selected] }
        let errors = included.map {
            [stats[$0].counts.fp + stats[$0].counts.fn, stats[$0].counts.tp + stats[$0].counts.tn]
        }
        return [("selection_rate", selection), ("error_rate", errors)].map { rate, table in
            let result = HypothesisTests.proportionsTest(table)
            return SignificanceTest(
                rate: rate, test: result?.test, statistic: result?.statistic, pValue: result?.pValue, pAdjusted: nil,
                reason: result == nil
                    ? "nothing to test: fewer than two non-empty groups or no variation in the outcome" : nil)
        }
    }

    /// Adjusts all p-values of the run together (attribute order, then test order), then
    /// copies each test's p-values onto the disparities it tests.
    func adjustPValues(_ attributes: inout [AttributeReport]) {
        let tested = attributes.indices.flatMap { a in
            attributes[a].tests.indices.compactMap { t in attributes[a].tests[t].pValue.map { (a, t, $0) } }
        }
        let adjusted = config.significance.correction.adjust(tested.map(\.2))
        for (i, (a, t, _)) in tested.enumerated() { attributes[a].tests[t].pAdjusted = adjusted[i] }
        for a in attributes.indices {
            for test in attributes[a].tests {
                let keys =
                    test.rate == "selection_rate"
                    ? Disparity.demographicParity.keys : Disparity.errorRate.keys + Disparity.accuracy.keys
                for key in keys where attributes[a].disparities[key] != nil {
                    attributes[a].disparities[key]?.hasTest = true
                    attributes[a].disparities[key]?.pValue = test.pValue
                    attributes[a].disparities[key]?.pAdjusted = test.pAdjusted
                    attributes[a].disparities[key]?.test = test.test
                }
            }
        }
    }

    var notes: [String] {
        var notes: [String] = engine.notes
        if config.excludeSmallGroups {
            notes.append(
                "groups with n < \(config.minGroupSize) are left out of between-group disparities and tests (fairness.exclude_small_groups)"
            )
        }
        if engine.stats.hasScores && config.bootstrap.samples > 0 {
            notes.append(
                "bootstrap intervals of auc use \(engine.stats.fineBins) score bins (ties within a bin count half); point estimates are exact"
            )
        }
        return notes
    }

    var bootstrapInfo: BootstrapInfo {
        let resampling =
            config.bootstrap.stratified
            ? "multinomial resampling of counts within each intersectional cell"
            : "multinomial resampling of counts over the whole sample"
        let method =
            "percentile bootstrap, \(resampling); between-group disparities: the percentile interval shifted by the bootstrap median bias (bootstrap_bias), clipped to the disparity's range, so it contains the estimate"
        return BootstrapInfo(
            samples: config.bootstrap.samples, confidence: config.bootstrap.confidence,
            stratified: config.bootstrap.stratified,
            method: method, scoreBins: engine.stats.hasScores ? engine.stats.fineBins : 0)
    }

    func excludedGroups(
        level: Level, levelIndex l: Int, stats: [GroupStatistics], metrics: [GroupMetric]
    ) -> [ExcludedGroup] {
        var out: [ExcludedGroup] = []
        for g in level.groupNames.indices {
            let c = stats[g].counts
            if engine.excludedByConfig[l][g] {
                out.append(
                    ExcludedGroup(
                        group: level.groupNames[g],
                        reason: "small_group: n = \(c.n) < \(config.minGroupSize) (fairness.exclude_small_groups)"))
                continue
            }
            let reasons = metrics.compactMap { m -> String? in
                let v = m.needsScores ? point.levels[l].groups[g][FairnessEngine.metricIndex[m] ?? 0] : m.value(c)
                return v.isNaN
                    ? "\(m.rawValue): \(m.undefinedReason(c, hasScores: engine.stats.hasScores) ?? "undefined")" : nil
            }
            if !reasons.isEmpty {
                out.append(ExcludedGroup(group: level.groupNames[g], reason: reasons.joined(separator: "; ")))
            }
        }
        return out
    }

    func referenceReason(_ metric: ReferenceMetric, group: ConfusionCounts, reference: ConfusionCounts) -> String {
        if metric == .disparateImpact && reference.n > 0 && reference.selected == 0 {
            return "reference selection rate is 0"
        }
        for input in metric.inputs {
            if let r = input.undefinedReason(group, hasScores: false) {
                return "\(input.rawValue) of the group undefined: \(r)"
            }
            if let r = input.undefinedReason(reference, hasScores: false) {
                return "\(input.rawValue) of the reference undefined: \(r)"
            }
        }
        return "undefined"
    }
}

/// AIF360's consistency score (Zemel et al., ICML 2013):
/// 1 − (1/n) Σ_i |ŷ_i − mean of ŷ over the k nearest neighbours of x_i|, Euclidean distance,
/// the point itself among its neighbours (as sklearn's `kneighbors` on the fitted data returns
/// it). Brute force, O(N²·d); ties in distance go to the lower row index.
public enum Consistency {
    public static func score(features: FeatureMatrix, predictions: [UInt8], neighbors k: Int) -> Double {
        let n = features.rows, d = features.columns
        guard n > 0 else { return .nan }
        let k = min(k, n)
        var total = 0.0
        var bestDist = [Double](repeating: .infinity, count: k), bestIndex = [Int](repeating: 0, count: k)
        features.values.withUnsafeBufferPointer { x in
            for i in 0..<n {
                for j in 0..<k { bestDist[j] = .infinity; bestIndex[j] = -1 }
                for j in 0..<n {
                    var dist = 0.0
                    for f in 0..<d { let t = x[i * d + f] - x[j * d + f]; dist += t * t }
                    if dist < bestDist[k - 1] {
                        var p = k - 1
                        while p > 0 && bestDist[p - 1] > dist {
                            bestDist[p] = bestDist[p - 1]; bestIndex[p] = bestIndex[p - 1]; p -= 1
                        }
                        bestDist[p] = dist; bestIndex[p] = j
                    }
                }
                var mean = 0.0
                for j in 0..<k { mean += Double(predictions[bestIndex[j]]) }
                total += abs(Double(predictions[i]) - mean / Double(k))
            }
        }
        return 1 - total / Double(n)
    }
}
