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
public func evaluateGates(_ report: MetricsReport, thresholds: [String: GateSpec]) -> [GateResult] {
    var results: [GateResult] = []
    for key in thresholds.keys.sorted() {
        guard let spec = thresholds[key] else { continue }
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
        let targets = attribute.map { name in report.attributes.filter { $0.name == name } }
            ?? report.attributes.filter { !$0.warnings.contains("single_group") }
        func judge(_ value: Double?, ci: [Double]?, attribute: String?, group: String?, missing: String? = nil) {
            results.append(judgeGate(key: key, metric: metric, spec: spec, value: value, ci: ci, attribute: attribute, group: group, missing: missing))
        }
        if let attribute, targets.isEmpty {
            judge(nil, ci: nil, attribute: attribute, group: nil, missing: "attribute `\(attribute)` is not in the data (attributes: \(report.attributes.map(\.name).joined(separator: ", ")))")
            continue
        }
        if referenceFamily {
            for a in targets {
                if a.vsReference.isEmpty { judge(nil, ci: nil, attribute: a.name, group: nil, missing: "no groups to compare with a reference (\(a.warnings.joined(separator: ", ")))") }
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
                judge(v?.value, ci: v?.ci, attribute: a.name, group: nil,
                      missing: v == nil ? "no disparities (\(a.warnings.isEmpty ? "metric needs scores" : a.warnings.joined(separator: ", ")))" : v?.reason)
            }
        } else if let attribute {
            for a in targets {
                for g in a.groups where g.n > 0 {
                    let v = g.metrics[metric]
                    judge(v?.value, ci: v?.ci, attribute: attribute, group: g.group, missing: v?.reason ?? "not measured")
                }
            }
        } else {
            let v = report.overall[metric]
            judge(v?.value, ci: v?.ci, attribute: nil, group: nil, missing: v?.reason ?? "not measured")
        }
    }
    return results
}

func judgeGate(key: String, metric: String, spec: GateSpec, value: Double?, ci: [Double]?, attribute: String?, group: String?, missing: String?) -> GateResult {
    let place = [attribute, group].compactMap { $0 }.joined(separator: " / ")
    let label = place.isEmpty ? metric : "\(metric) [\(place)]"
    var result = GateResult(gate: key, metric: metric, attribute: attribute, group: group, value: value, ci: ci, judged: nil,
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
        if let x { judged.append(x); if x > max { failures.append("\(fmt(x)) > max \(fmt(max))") } } else { failures.append("no CI to judge against max \(fmt(max))") }
    }
    if let min = spec.min {
        let x = spec.judgeBy == .ciBound ? ci?[0] : value
        if let x { judged.append(x); if x < min { failures.append("\(fmt(x)) < min \(fmt(min))") } } else { failures.append("no CI to judge against min \(fmt(min))") }
    }
    result.judged = judged.first
    result.passed = failures.isEmpty
    let bounds = [spec.min.map { "min \(fmt($0))" }, spec.max.map { "max \(fmt($0))" }].compactMap { $0 }.joined(separator: ", ")
    let by = spec.judgeBy == .ciBound ? " (judged by CI bound)" : ""
    result.message = failures.isEmpty
        ? "\(label) = \(fmt(value))\(ciText) within \(bounds)\(by)"
        : "\(label) = \(fmt(value))\(ciText) violates \(bounds)\(by): \(failures.joined(separator: "; "))"
    return result
}

func fmt(_ x: Double) -> String { String(format: "%.4f", x) }

func xmlEscape(_ s: String) -> String {
    var out = ""
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default: out.append(ch)
        }
    }
    return out
}

/// JUnit XML for CI: one `<testcase>` per gate, a `<failure>` with value, bound and CI when it fails.
public func renderJUnit(gates: [GateResult], suiteName: String = "fairpipe.fairness") -> String {
    let failures = gates.filter { !$0.passed }.count
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuites name=\"\(xmlEscape(suiteName))\" tests=\"\(gates.count)\" failures=\"\(failures)\">\n"
    xml += "  <testsuite name=\"\(xmlEscape(suiteName))\" tests=\"\(gates.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">\n"
    for gate in gates {
        let place = [gate.attribute, gate.group].compactMap { $0 }.joined(separator: ".")
        let classname = place.isEmpty ? "fairness.overall" : "fairness.\(place)"
        xml += "    <testcase classname=\"\(xmlEscape(classname))\" name=\"\(xmlEscape(gate.gate))\">\n"
        if !gate.passed {
            xml += "      <failure message=\"\(xmlEscape(gate.message))\" type=\"FairnessGate\">\(xmlEscape(gate.message))</failure>\n"
        } else {
            xml += "      <system-out>\(xmlEscape(gate.message))</system-out>\n"
        }
        xml += "    </testcase>\n"
    }
    xml += "  </testsuite>\n</testsuites>\n"
    return xml
}

/// A Markdown summary for a CI job summary: verdict, gates, then per attribute the groups and
/// the main disparities with intervals and adjusted p-values.
public func renderSummaryMarkdown(_ report: MetricsReport) -> String {
    func num(_ v: Double?) -> String { v.map(fmt) ?? "—" }
    func withCI(_ v: MetricValue?) -> String {
        guard let v, let value = v.value else { return "—" }
        guard let ci = v.ci else { return fmt(value) }
        return "\(fmt(value)) [\(fmt(ci[0])), \(fmt(ci[1]))]"
    }
    var md = "## Fairness evaluation: \(report.passed ? "✅ passed" : "❌ failed")\n\n"
    md += "\(report.n) predictions; intervals: \(Int((report.bootstrap.confidence * 100).rounded()))% \(report.bootstrap.samples > 0 ? "bootstrap (\(report.bootstrap.samples) resamples)" : "none"); p-values adjusted by \(report.significance.correction.rawValue).\n\n"
    if !report.gates.isEmpty {
        md += "### Gates\n\n| | gate | where | value | CI | bound |\n|---|---|---|---|---|---|\n"
        for g in report.gates {
            let place = [g.attribute, g.group].compactMap { $0 }.joined(separator: " / ")
            let ci = g.ci.map { "[\(fmt($0[0])), \(fmt($0[1]))]" } ?? "—"
            let bound = [g.min.map { "≥ \(fmt($0))" }, g.max.map { "≤ \(fmt($0))" }].compactMap { $0 }.joined(separator: ", ") + (g.judgeBy == .ciBound ? " (CI)" : "")
            md += "| \(g.passed ? "✅" : "❌") | `\(g.gate)` | \(place.isEmpty ? "overall" : place) | \(num(g.value)) | \(ci) | \(bound) |\n"
        }
        md += "\n"
    }
    md += "### Overall\n\n| metric | value [CI] |\n|---|---|\n"
    for key in ["accuracy", "balanced_accuracy", "selection_rate", "auc", "theil_index"] where report.overall[key] != nil {
        md += "| \(key) | \(withCI(report.overall[key])) |\n"
    }
    for a in report.attributes {
        md += "\n### \(a.name)\(a.reference.map { " (reference: \($0))" } ?? "")\n\n"
        md += "| group | n | selection rate | TPR | FPR | accuracy | warnings |\n|---|---|---|---|---|---|---|\n"
        for g in a.groups {
            md += "| \(g.group) | \(g.n) | \(withCI(g.metrics["selection_rate"])) | \(withCI(g.metrics["true_positive_rate"])) | \(withCI(g.metrics["false_positive_rate"])) | \(withCI(g.metrics["accuracy"])) | \(g.warnings.joined(separator: ", ")) |\n"
        }
        if a.disparities.isEmpty {
            md += "\nNo disparities: \(a.warnings.joined(separator: ", ")).\n"
            continue
        }
        md += "\n| disparity | value [CI] | p (adjusted) |\n|---|---|---|\n"
        for key in ["demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference", "equal_opportunity_difference", "error_rate_difference"] {
            guard let d = a.disparities[key] else { continue }
            let v = d.value.map { value in d.ci.map { "\(fmt(value)) [\(fmt($0[0])), \(fmt($0[1]))]" } ?? fmt(value) } ?? "— (\(d.reason ?? "undefined"))"
            md += "| \(key) | \(v) | \(d.pAdjusted.map { String(format: "%.4g", $0) } ?? "—") |\n"
        }
    }
    if !report.notes.isEmpty { md += "\n" + report.notes.map { "- \($0)" }.joined(separator: "\n") + "\n" }
    return md
}
