/// metrics.json as MLflow metrics: one key per number, read through ``MetricsReport``.
///
/// `<prefix>/` is `before/` (the baseline evaluation) or `after/` (the mitigated one), so
/// MLflow's chart view groups them. Under it:
/// - `overall.<metric>`, `group.<attribute>.<group>.<metric>`, `disparity.<attribute>.<name>`
///   and `vs_reference.<attribute>.<group>.<metric>`, each with `.ci_low` and `.ci_high`
///   when it has an interval; `group.<attribute>.<group>.n` is the group size;
/// - `gate.<gate>` is 1 when the gate passed and 0 when it failed, `gates_passed` the same
///   for all gates together, and `n` the number of rows evaluated.
/// Undefined values (null in metrics.json) are left out: MLflow has no null.
public enum MetricsFlattening {
    public static func metrics(_ report: MetricsReport, prefix: String) -> [MLflowMetric] {
        var out: [MLflowMetric] = []
        func add(_ name: String, _ value: Double?, ci: [Double]? = nil) {
            guard let value, value.isFinite else { return }
            out.append(MLflowMetric("\(prefix)/\(name)", value))
            if let ci, ci.count == 2, ci[0].isFinite, ci[1].isFinite {
                out.append(MLflowMetric("\(prefix)/\(name).ci_low", ci[0]))
                out.append(MLflowMetric("\(prefix)/\(name).ci_high", ci[1]))
            }
        }
        add("n", Double(report.n))
        for name in report.overall.keys.sorted() {
            let metric = report.overall[name]
            add("overall.\(name)", metric?.value, ci: metric?.ci)
        }
        for attribute in report.attributes {
            for group in attribute.groups {
                let base = "group.\(attribute.name).\(group.group)"
                add("\(base).n", Double(group.n))
                for name in group.metrics.keys.sorted() {
                    let metric = group.metrics[name]
                    add("\(base).\(name)", metric?.value, ci: metric?.ci)
                }
            }
            for name in attribute.disparities.keys.sorted() {
                let disparity = attribute.disparities[name]
                add("disparity.\(attribute.name).\(name)", disparity?.value, ci: disparity?.ci)
            }
            for comparison in attribute.vsReference {
                for name in comparison.metrics.keys.sorted() {
                    let metric = comparison.metrics[name]
                    add("vs_reference.\(attribute.name).\(comparison.group).\(name)", metric?.value, ci: metric?.ci)
                }
            }
        }
        for gate in report.gates { add("gate.\(gate.gate)", gate.passed ? 1 : 0) }
        add("gates_passed", report.passed ? 1 : 0)
        return out
    }
}
