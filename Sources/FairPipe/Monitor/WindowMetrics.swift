import Foundation

/// The fairness measures of a set of log rows, from the existing engine (``evaluateFairness``),
/// when some rows have no label yet: label-free measures (selection rates, demographic
/// parity, statistical parity and disparate impact) use every row, label-dependent ones the
/// labelled rows only, and are null with a reason when there are none.
enum WindowMetrics {
    static let labelFreeGroupMetrics: Set<String> = [GroupMetric.selectionRate.rawValue]
    static let labelFreeDisparities = Set(Disparity.demographicParity.keys)
    static let labelFreeReference: Set<String> = [
        ReferenceMetric.statisticalParityDifference.rawValue, ReferenceMetric.disparateImpact.rawValue,
    ]

    static func measure(_ log: PredictionLog, rows: [Int], config: FairnessConfig, seed: UInt64) throws -> MetricsReport
    {
        let labelledRows = rows.filter { log.labelled[$0] }
        let all = try evaluateFairness(log.predictionSet(rows), config: config, seed: seed)
        if labelledRows.count == rows.count { return all }
        if labelledRows.isEmpty {
            return withoutLabels(all, reason: "no labelled rows in this window (labels not arrived yet)")
        }
        var merged = try evaluateFairness(log.predictionSet(labelledRows), config: config, seed: seed)
        overlayLabelFree(&merged, from: all)
        merged.notes.append(
            "label-dependent measures use the \(labelledRows.count) labelled rows of \(rows.count); selection rates and demographic parity use all rows"
        )
        return merged
    }

    /// `base` (from labelled rows) with every label-free measure taken from `all` (every row).
    static func overlayLabelFree(_ base: inout MetricsReport, from all: MetricsReport) {
        base.n = all.n
        for key in labelFreeGroupMetrics { base.overall[key] = all.overall[key] }
        for a in base.attributes.indices {
            guard let source = all.attribute(base.attributes[a].name) else { continue }
            for g in base.attributes[a].groups.indices {
                guard let s = source.groups.first(where: { $0.group == base.attributes[a].groups[g].group }) else {
                    continue
                }
                base.attributes[a].groups[g].n = s.n
                for key in labelFreeGroupMetrics { base.attributes[a].groups[g].metrics[key] = s.metrics[key] }
                let sizeWarnings: Set<String> = ["small_group", "empty_group"]
                base.attributes[a].groups[g].warnings =
                    s.warnings.filter(sizeWarnings.contains)
                    + base.attributes[a].groups[g].warnings.filter { !sizeWarnings.contains($0) }
            }
            for key in labelFreeDisparities.sorted() { base.attributes[a].disparities[key] = source.disparities[key] }
            for c in base.attributes[a].vsReference.indices {
                guard let s = source.vsReference.first(where: { $0.group == base.attributes[a].vsReference[c].group })
                else { continue }
                for key in labelFreeReference { base.attributes[a].vsReference[c].metrics[key] = s.metrics[key] }
                base.attributes[a].vsReference[c].fourFifthsPass = s.fourFifthsPass
            }
            if let i = base.attributes[a].tests.firstIndex(where: { $0.rate == "selection_rate" }),
                let s = source.tests.first(where: { $0.rate == "selection_rate" })
            {
                base.attributes[a].tests[i] = s
            }
        }
    }

    /// A report of rows none of which is labelled: every label-dependent measure null.
    static func withoutLabels(_ report: MetricsReport, reason: String) -> MetricsReport {
        var r = report
        func clear(_ metrics: inout [String: MetricValue], keep: Set<String>) {
            for key in metrics.keys.sorted() where !keep.contains(key) {
                metrics[key] = MetricValue(value: nil, reason: reason)
            }
        }
        clear(&r.overall, keep: labelFreeGroupMetrics)
        for a in r.attributes.indices {
            for g in r.attributes[a].groups.indices {
                clear(&r.attributes[a].groups[g].metrics, keep: labelFreeGroupMetrics)
                r.attributes[a].groups[g].positives = 0
                r.attributes[a].groups[g].negatives = 0
                r.attributes[a].groups[g].counts = ConfusionCounts()
                r.attributes[a].groups[g].warnings =
                    r.attributes[a].groups[g].warnings.filter { $0 != "no_positives" && $0 != "no_negatives" } + [
                        "unlabelled"
                    ]
            }
            for key in r.attributes[a].disparities.keys.sorted() where !labelFreeDisparities.contains(key) {
                r.attributes[a].disparities[key] = DisparityValue(
                    value: nil, ci: nil, excludedGroups: [], reason: reason)
            }
            for c in r.attributes[a].vsReference.indices {
                clear(&r.attributes[a].vsReference[c].metrics, keep: labelFreeReference)
            }
            for t in r.attributes[a].tests.indices where r.attributes[a].tests[t].rate != "selection_rate" {
                r.attributes[a].tests[t] = SignificanceTest(
                    rate: r.attributes[a].tests[t].rate, test: nil, statistic: nil, pValue: nil, pAdjusted: nil,
                    reason: reason)
            }
        }
        r.notes.append("no labelled rows: label-dependent measures are null")
        return r
    }

    /// One watched metric of a report: a disparity per attribute, or a group metric per group.
    struct Series: Hashable, Comparable {
        var metric: String
        var attribute: String
        var group: String?
        static func < (a: Series, b: Series) -> Bool {
            (a.metric, a.attribute, a.group ?? "") < (b.metric, b.attribute, b.group ?? "")
        }
    }

    /// The value, interval and whether the group is small, of every watched series in `report`;
    /// `metric@attribute` watches one attribute only.
    static func watched(
        _ report: MetricsReport, metrics: [String]
    ) -> [(series: Series, value: MetricValue, small: Bool)] {
        var out: [(Series, MetricValue, Bool)] = []
        for key in metrics {
            let metric = GateSpec.metricName(of: key), only = GateSpec.attribute(of: key)
            for a in report.attributes where only == nil || a.name == only {
                if let d = a.disparities[metric] {
                    out.append(
                        (
                            Series(metric: metric, attribute: a.name, group: nil),
                            MetricValue(value: d.value, ci: d.ci, reason: d.reason), false
                        ))
                } else if GroupMetric(rawValue: metric) != nil {
                    for g in a.groups where g.n > 0 {
                        if let v = g.metrics[metric] {
                            out.append(
                                (
                                    Series(metric: metric, attribute: a.name, group: g.group), v,
                                    g.warnings.contains("small_group")
                                ))
                        }
                    }
                }
            }
        }
        return out
    }
}
