/// The Markdown summary (for a CI job page) and the JUnit XML of the fairness gates.

/// A short Markdown summary: verdict, gates, concerns, headline disparities and the
/// mitigation's effect. GitHub-flavoured tables; no HTML, no links.
public func renderMarkdown(_ inputs: ReportInputs, config: ReportConfig = ReportConfig()) -> String {
    let digits = config.decimals
    func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
    func value(_ metric: ReportMetricValue?) -> String {
        guard let metric, let v = metric.value else { return "—" }
        return ReportNumber.fixed(v, digits) + (metric.ci.map { " " + ReportNumber.interval($0, digits) } ?? "")
    }
    let verdict = ReportVerdict(metrics: inputs.metrics, config: config)
    let icon = ["pass": "🟢", "warn": "🟡", "fail": "🔴", "unknown": "⚪"][verdict.status.rawValue] ?? ""
    var out = "# \(cell(config.title))\n\n**\(icon) \(verdict.headline)**\n\n"
    if let metrics = inputs.metrics {
        var facts: [String] = []
        if let n = metrics.n { facts.append("n = \(n)") }
        if let accuracy = metrics.overall("accuracy") { facts.append("accuracy \(ReportNumber.fixed(accuracy, digits))") }
        if let commit = inputs.orderedManifests.compactMap(\.commit).first { facts.append("commit `\(commit.prefix(12))`") }
        if !facts.isEmpty { out += facts.joined(separator: " · ") + "\n\n" }
    }
    if !verdict.gates.isEmpty {
        out += "## Gates\n\n| | Gate | Value | 95% CI | Bound |\n|---|---|---:|---|---|\n"
        for gate in verdict.gates {
            out += "| \(gate.passed ? "✅" : "❌") | \(cell(gate.subject)) | \(ReportNumber.fixed(gate.value, digits)) | \(ReportNumber.interval(gate.ci, digits)) | \(cell(gate.boundText(digits))) |\n"
        }
        out += "\n"
    }
    if !verdict.concerns.isEmpty {
        out += "## Top concerns\n\n"
        for (i, concern) in verdict.concerns.enumerated() { out += "\(i + 1). \(cell(concern.text))\n" }
        out += "\n"
    }
    if let metrics = inputs.metrics, !metrics.attributes.isEmpty {
        out += "## Disparities\n\n| Attribute | DP difference | EO difference | Adjusted p (DP) | Worst disparate impact |\n|---|---|---|---|---|\n"
        for attribute in metrics.attributes {
            let dp = attribute.disparity("demographic_parity_difference")
            let worst = attribute.versusReference.compactMap { v in v.measure("disparate_impact").flatMap { m in m.value.map { (v.group, $0) } } }
                .min { MetricNames.unfairness("disparate_impact", $0.1) > MetricNames.unfairness("disparate_impact", $1.1) }
            out += "| \(cell(attribute.name)) | \(value(dp)) | \(value(attribute.disparity("equalized_odds_difference"))) | \(ReportNumber.pValue(dp?.pAdjusted ?? dp?.pValue)) | \(worst.map { "\(cell($0.0)): \(ReportNumber.fixed($0.1, digits))" } ?? "—") |\n"
        }
        out += "\n"
    }
    if let mitigation = inputs.mitigation, let before = inputs.baseline, !mitigation.after.attributes.isEmpty {
        out += "## Mitigation\(mitigation.method.map { ": \(cell(MetricNames.words($0)))" } ?? "")\n\n| Measure | Before | After |\n|---|---|---|\n"
        for row in HTMLReport(inputs: inputs, config: config).comparisonRows(before: before, after: mitigation.after) {
            out += "| \(cell(row.label)) | \(value(row.before)) | \(value(row.after)) |\n"
        }
        out += "\n"
    }
    if inputs.metrics == nil { out += "_No metrics.json was given._\n" }
    return out
}

/// JUnit XML with one test case per fairness gate (per evaluation: the main one and, when
/// present, the mitigated one). A failed gate's message names value, bound and interval.
public func renderJUnit(_ inputs: ReportInputs, config: ReportConfig = ReportConfig()) -> String {
    let digits = config.decimals
    func x(_ text: String) -> String { ReportEscape.html(text) }
    var suites: [(name: String, gates: [GateView])] = []
    if let metrics = inputs.metrics { suites.append(("fairpipe.gates", metrics.gates)) }
    if let after = inputs.mitigation?.after, !after.gates.isEmpty { suites.append(("fairpipe.gates.mitigated", after.gates)) }
    let tests = suites.map(\.gates.count).reduce(0, +)
    let failures = suites.map { $0.gates.filter { !$0.passed }.count }.reduce(0, +)
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<testsuites name=\"\(x(config.title))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\">\n"
    for suite in suites {
        let failed = suite.gates.filter { !$0.passed }.count
        out += "  <testsuite name=\"\(suite.name)\" tests=\"\(suite.gates.count)\" failures=\"\(failed)\" errors=\"0\" skipped=\"0\">\n"
        for gate in suite.gates {
            let classname = "\(suite.name).\(gate.attribute ?? "overall")"
            let name = "\(gate.metric)\(gate.group.map { "[\($0)]" } ?? "") \(gate.boundText(digits))"
            out += "    <testcase classname=\"\(x(classname))\" name=\"\(x(name))\" time=\"0\""
            if gate.passed {
                out += "/>\n"
            } else {
                let ci = gate.ci.map { ", 95% CI \(ReportNumber.interval($0, digits))" } ?? ""
                let message = "\(gate.subject) = \(ReportNumber.fixed(gate.value, digits)), required \(gate.boundText(digits))\(ci)"
                out += ">\n      <failure message=\"\(x(message))\" type=\"FairnessGateFailed\">\(x(message + (gate.message.map { "\n\($0)" } ?? "")))</failure>\n    </testcase>\n"
            }
        }
        out += "  </testsuite>\n"
    }
    return out + "</testsuites>\n"
}
