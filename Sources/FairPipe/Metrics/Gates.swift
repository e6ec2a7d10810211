import Foundation

/// Evaluates `fairness.thresholds` against a report, in sorted key order.
///
/// A key names a metric, optionally `@attribute`. Where it applies:
/// - a between-group disparity (`equalized_odds_difference`): each attribute and intersection
///   that has it (or the named one);
/// - a reference-group metric (`disparate_impact`, `statistical_parity_difference`,
///   `average_odds_difference`, or any of them prefixed `vs_reference.` — needed for
///   `vs_reference.equal_opportunity_difference` and `vs_reference.equalized_odds_difference`,
///   whose bare names mean the between-group disparities): every non-empty non-reference group;
/// - a group metric (`accuracy`) or individual index (`theil_index`): the overall value, or with
///   `@attribute` every non-empty group of that attribute.
/// An undefined value, a missing interval under `judge_by: ci_bound`, or an attribute not in
/// the data fails the gate: a gate never passes on a number that was not measured.
/// A `four_fifths: true` gate is judged against `fourFifths`, the band of metrics.json.
public func evaluateGates(
    _ report: MetricsReport, thresholds: [String: GateSpec], fourFifths: FourFifthsRule = FourFifthsRule()
) -> [GateResult] {
    var results: [GateResult] = []
    for key in thresholds.keys.sorted() {
        guard let spec = thresholds[key]?.resolved(fourFifths) else { continue }
        var metric = GateSpec.metricName(of: key)
        let attribute = GateSpec.attribute(of: key)
        var referenceFamily = false
        if metric.hasPrefix("vs_reference.") {
            metric = String(metric.dropFirst("vs_reference.".count)); referenceFamily = true
        } else if ReferenceMetric(rawValue: metric) != nil && !Disparity.allKeys.contains(metric) {
            referenceFamily = true
        }
        // Without `@attribute`, attributes with a single non-empty group have nothing to compare
        // and are skipped; naming one explicitly fails the gate, with that reason.
        let targets =
            attribute.map { name in report.attributes.filter { $0.name == name } }
            ?? report.attributes.filter { !$0.warnings.contains("single_group") }
        func judge(_ value: Double?, ci: [Double]?, attribute: String?, group: String?, missing: String? = nil) {
            results.append(
                judgeGate(
                    key: key, metric: metric, spec: spec, value: value, ci: ci, attribute: attribute, group: group,
                    missing: missing))
        }
        if let attribute, targets.isEmpty {
            judge(
                nil, ci: nil, attribute: attribute, group: nil,
                missing:
                    "attribute `\(attribute)` is not in the data (attributes: \(report.attributes.map(\.name).joined(separator: ", ")))"
            )
            continue
        }
        if referenceFamily {
            for a in targets {
                if a.vsReference.isEmpty {
                    judge(
                        nil, ci: nil, attribute: a.name, group: nil,
                        missing: "no groups to compare with a reference (\(a.warnings.joined(separator: ", ")))")
                }
                let empty = Set(a.groups.filter { $0.n == 0 }.map(\.group))
                // An empty combination (n = 0) is not a group of the data: nothing to judge.
                for comparison in a.vsReference where !empty.contains(comparison.group) {
                    let v = comparison.metrics[metric]
                    judge(v?.value, ci: v?.ci, attribute: a.name, group: comparison.group, missing: v?.reason)
                }
            }
        } else if Disparity.allKeys.contains(metric) {
            for a in targets {
                let v = a.disparities[metric]
                judge(
                    v?.value, ci: v?.ci, attribute: a.name, group: nil,
                    missing: v == nil
                        ? "no disparities (\(a.warnings.isEmpty ? "metric needs scores" : a.warnings.joined(separator: ", ")))"
                        : v?.reason)
            }
        } else if let attribute {
            for a in targets {
                for g in a.groups where g.n > 0 {
                    let v = g.metrics[metric]
                    judge(
                        v?.value, ci: v?.ci, attribute: attribute, group: g.group, missing: v?.reason ?? "not measured")
                }
            }
        } else {
            let v = report.overall[metric]
            judge(v?.value, ci: v?.ci, attribute: nil, group: nil, missing: v?.reason ?? "not measured")
        }
    }
    return results
}

func judgeGate(
    key: String, metric: String, spec: GateSpec, value: Double?, ci: [Double]?, attribute: String?, group: String?,
    missing: String?
) -> GateResult {
    let place = [attribute, group].compactMap { $0 }.joined(separator: " / ")
    let label = place.isEmpty ? metric : "\(metric) [\(place)]"
    var result = GateResult(
        gate: key, metric: metric, attribute: attribute, group: group, value: value, ci: ci, judged: nil,
        max: spec.max, min: spec.min, judgeBy: spec.judgeBy, passed: false, message: "")
    guard let value else {
        result.message = "\(label): undefined (\(missing ?? "not measured")); a gate cannot pass on an unmeasured value"
        return result
    }
    let ciText = ci.map { String(format: ", %@ CI [%.4f, %.4f]", "bootstrap", $0[0], $0[1]) } ?? ""
    var failures: [String] = []
    var judged: [Double] = []
    if let max = spec.max {
        let x = spec.judgeBy == .ciBound ? ci?[1] : value
        if let x {
            judged.append(x); if x > max { failures.append("\(fmt(x)) > max \(fmt(max))") }
        } else {
            failures.append("no CI to judge against max \(fmt(max))")
        }
    }
    if let min = spec.min {
        let x = spec.judgeBy == .ciBound ? ci?[0] : value
        if let x {
            judged.append(x); if x < min { failures.append("\(fmt(x)) < min \(fmt(min))") }
        } else {
            failures.append("no CI to judge against min \(fmt(min))")
        }
    }
    result.judged = judged.first
    result.passed = failures.isEmpty
    let bounds = [spec.min.map { "min \(fmt($0))" }, spec.max.map { "max \(fmt($0))" }].compactMap { $0 }.joined(
        separator: ", ")
    let by = (spec.fourFifths ? " (four-fifths band)" : "") + (spec.judgeBy == .ciBound ? " (judged by CI bound)" : "")
    result.message =
        failures.isEmpty
        ? "\(label) = \(fmt(value))\(ciText) within \(bounds)\(by)"
        : "\(label) = \(fmt(value))\(ciText) violates \(bounds)\(by): \(failures.joined(separator: "; "))"
    return result
}

func fmt(_ x: Double) -> String { String(format: "%.4f", x) }
