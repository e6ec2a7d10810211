/// The Markdown summary (for a CI job page) and the JUnit XML of the fairness gates: the one
/// renderer of each, used by `evaluate` (its own metrics) and by `report` (the whole run).

/// A short Markdown summary: verdict, gates, concerns, headline disparities, the
/// mitigation's effect and the evaluation's notes. GitHub-flavoured tables; no HTML, no links.
public func renderMarkdown(_ inputs: ReportInputs, config: ReportConfig = ReportConfig()) -> String {
    let summary = MarkdownSummary(inputs: inputs, config: config)
    return summary.verdict() + summary.facts() + summary.gates() + summary.concerns() + summary.disparities()
        + summary.groups() + summary.mitigation() + summary.notes()
}

/// The sections of ``renderMarkdown(_:config:)``, each ending with a blank line when present.
private struct MarkdownSummary {
    let inputs: ReportInputs
    let config: ReportConfig
    let judged: ShippedVerdict
    var digits: Int { config.decimals }
    var level: String { inputs.metrics?.confidenceLabel ?? "95%" }
    /// Everything after the verdict describes the model that ships (the baseline sits under Mitigation).
    var shippedNote: String { inputs.shipsMitigated ? " (shipped model)" : "" }

    init(inputs: ReportInputs, config: ReportConfig) {
        self.inputs = inputs
        self.config = config
        judged = ShippedVerdict(inputs, config: config)
    }

    func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    func value(_ metric: (any Measured)?) -> String {
        guard let metric, let v = metric.value else { return "—" }
        return ReportNumber.fixed(v, digits) + (metric.interval.map { " " + ReportNumber.interval($0, digits) } ?? "")
    }

    func verdict() -> String {
        let icon = ["pass": "🟢", "warn": "🟡", "fail": "🔴", "unknown": "⚪"][judged.shipped.status.rawValue] ?? ""
        var out = "# \(cell(config.title))\n\n**\(icon) \(judged.headline)**\n\n"
        if let line = judged.baselineLine { out += "\(line)\n\n" }
        let effects = judged.changeSentences + (judged.accuracyText.map { ["Mitigation changed \($0)."] } ?? [])
        if !effects.isEmpty { out += effects.map { "- \(cell($0))\n" }.joined() + "\n" }
        if let next = nextStep(inputs) { out += "\(cell(next))\n\n" }
        return out
    }

    func facts() -> String {
        guard let metrics = inputs.shipped else { return "" }
        var facts = ["n = \(metrics.n)"]
        if let accuracy = metrics.overallValue("accuracy") {
            facts.append("accuracy \(ReportNumber.fixed(accuracy, digits))")
        }
        if let commit = inputs.orderedManifests.first?.git.commit { facts.append("commit `\(commit.prefix(12))`") }
        facts.append(
            metrics.bootstrap.samples > 0
                ? "\(level) bootstrap intervals (\(metrics.bootstrap.samples) resamples)" : "no bootstrap intervals")
        facts.append("p-values adjusted by \(metrics.significance.correction.rawValue)")
        return facts.joined(separator: " · ") + "\n\n"
    }

    func gates() -> String {
        let gates = judged.shipped.gates
        guard !gates.isEmpty else { return "" }
        var out = "## Gates\n\n| | Gate | Value | \(level) CI | Bound |\n|---|---|---:|---|---|\n"
        for gate in gates {
            out +=
                "| \(gate.passed ? "✅" : "❌") | \(cell(gate.subject)) | \(ReportNumber.fixed(gate.value, digits)) | \(ReportNumber.interval(gate.interval, digits)) | \(cell(gate.boundText(digits))) |\n"
        }
        return out + "\n"
    }

    func concerns() -> String {
        let concerns = judged.shipped.concerns
        guard !concerns.isEmpty else { return "" }
        var out = "## Top concerns\n\n"
        for (i, concern) in concerns.enumerated() { out += "\(i + 1). \(cell(concern.text))\n" }
        return out + "\n"
    }

    func disparities() -> String {
        guard let metrics = inputs.shipped, !metrics.attributes.isEmpty else { return "" }
        var out =
            "## Disparities\(shippedNote)\n\n| Attribute | DP difference | EO difference | Adjusted p (DP) | Worst disparate impact |\n|---|---|---|---|---|\n"
        for attribute in metrics.attributes {
            let dp = attribute.disparity("demographic_parity_difference")
            out +=
                "| \(cell(attribute.name)) | \(value(dp)) | \(value(attribute.disparity("equalized_odds_difference"))) | \(ReportNumber.pValue(dp?.bestPValue)) | \(worstImpact(attribute, band: metrics.fourFifthsBand)) |\n"
        }
        return out + "\n"
    }

    /// The group with the least fair disparate impact against the reference, with the four-fifths verdict.
    func worstImpact(_ attribute: AttributeReport, band: FourFifthsRule) -> String {
        let worst = attribute.vsReference.compactMap { v in v.disparateImpact?.value.map { (v, $0) } }
            .min {
                MetricNames.unfairness("disparate_impact", $0.1) > MetricNames.unfairness("disparate_impact", $1.1)
            }
        return worst.map { comparison, impact in
            let rule =
                comparison.fourFifthsPass.map {
                    $0
                        ? " (within four-fifths)"
                        : " (outside \(ReportNumber.fixed(band.min, 2))–\(ReportNumber.fixed(band.max, 2)))"
                } ?? ""
            return "\(cell(comparison.group)): \(ReportNumber.fixed(impact, digits))\(rule)"
        } ?? "—"
    }

    func groups() -> String {
        guard let metrics = inputs.shipped, !metrics.attributes.isEmpty else { return "" }
        var out =
            "## Groups\(shippedNote)\n\n| Attribute | Group | n | Selection rate | TPR | FPR | Accuracy | Warnings |\n|---|---|---:|---|---|---|---|---|\n"
        for attribute in metrics.attributes {
            for group in attribute.groups {
                let cells = ["selection_rate", "true_positive_rate", "false_positive_rate", "accuracy"].map {
                    value(group.metric($0))
                }
                out +=
                    "| \(cell(attribute.name)) | \(cell(group.group)) | \(group.n) | \(cells.joined(separator: " | ")) | \(cell(group.warnings.joined(separator: ", "))) |\n"
            }
        }
        return out + "\n"
    }

    func mitigation() -> String {
        guard let mitigation = inputs.mitigation, let before = inputs.baseline, let after = mitigation.after,
            !after.attributes.isEmpty
        else { return "" }
        var out =
            "## Mitigation\(mitigation.method.map { ": \(cell(MetricNames.words($0)))" } ?? "")\n\n| Measure | Before | After |\n|---|---|---|\n"
        for row in HTMLReport(inputs: inputs, config: config).comparisonRows(before: before, after: after) {
            out += "| \(cell(row.label)) | \(value(row.before)) | \(value(row.after)) |\n"
        }
        return out + "\n"
    }

    func notes() -> String {
        var out = ""
        if let notes = inputs.metrics?.notes, !notes.isEmpty {
            out += "## Notes\n\n" + notes.map { "- \(cell($0))\n" }.joined() + "\n"
        }
        if inputs.metrics == nil { out += "_No metrics.json was given._\n" }
        return out
    }
}

/// One `<testsuite>` of gate results; `level` names their intervals (`95%`).
public struct JUnitSuite: Sendable {
    public var name: String
    public var gates: [GateResult]
    public var level: String

    public init(name: String, gates: [GateResult], level: String = "95%") {
        self.name = name
        self.gates = gates
        self.level = level
    }
}

/// JUnit XML with one test case per fairness gate (per evaluation: the main one and, when
/// present, the mitigated one). A failed gate's message names value, bound and interval.
public func renderJUnit(_ inputs: ReportInputs, config: ReportConfig = ReportConfig()) -> String {
    var suites: [JUnitSuite] = []
    if let metrics = inputs.metrics {
        suites.append(JUnitSuite(name: "fairpipe.gates", gates: metrics.gates, level: metrics.confidenceLabel))
    }
    if let after = inputs.mitigation?.after, !after.gates.isEmpty {
        suites.append(JUnitSuite(name: "fairpipe.gates.mitigated", gates: after.gates, level: after.confidenceLabel))
    }
    return renderJUnit(suites: suites, title: config.title, digits: config.decimals)
}

/// JUnit XML of one suite of checks (the monitor's alert rules, for instance).
public func renderJUnit(gates: [GateResult], suiteName: String, config: ReportConfig = ReportConfig()) -> String {
    renderJUnit(suites: [JUnitSuite(name: suiteName, gates: gates)], title: suiteName, digits: config.decimals)
}

/// The one JUnit renderer. Every piece of text goes through ``ReportEscape/html(_:)``, so
/// any group name (control characters, `]]>`, quotes) still gives well-formed XML.
public func renderJUnit(suites: [JUnitSuite], title: String, digits: Int = 3) -> String {
    func x(_ text: String) -> String { ReportEscape.html(text) }
    let tests = suites.map(\.gates.count).reduce(0, +)
    let failures = suites.map { $0.gates.filter { !$0.passed }.count }.reduce(0, +)
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<testsuites name=\"\(x(title))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\">\n"
    for suite in suites {
        let failed = suite.gates.filter { !$0.passed }.count
        out +=
            "  <testsuite name=\"\(x(suite.name))\" tests=\"\(suite.gates.count)\" failures=\"\(failed)\" errors=\"0\" skipped=\"0\">\n"
        for gate in suite.gates {
            let classname = "\(suite.name).\(gate.attribute ?? "overall")"
            let name = "\(gate.metric)\(gate.group.map { "[\($0)]" } ?? "") \(gate.boundText(digits))"
            out += "    <testcase classname=\"\(x(classname))\" name=\"\(x(name))\" time=\"0\""
            if gate.passed {
                out += "/>\n"
            } else {
                let ci = gate.interval.map { ", \(suite.level) CI \(ReportNumber.interval($0, digits))" } ?? ""
                let message =
                    "\(gate.subject) = \(ReportNumber.fixed(gate.value, digits)), required \(gate.boundText(digits))\(ci)"
                out +=
                    ">\n      <failure message=\"\(x(message))\" type=\"FairnessGateFailed\">\(x(message + "\n" + gate.message))</failure>\n    </testcase>\n"
            }
        }
        out += "  </testsuite>\n"
    }
    return out + "</testsuites>\n"
}
