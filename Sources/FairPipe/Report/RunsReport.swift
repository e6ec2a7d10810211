import Foundation

/// A headline metric of one run: a value and, when known, its 95% confidence interval.
public struct RunMetric: Sendable, Equatable {
    public var value: Double?
    public var ci: ReportInterval?

    public init(value: Double?, ci: ReportInterval? = nil) {
        self.value = value
        self.ci = ci
    }

    init(_ metric: any Measured) {
        self.init(value: metric.value, ci: metric.interval)
    }
}

extension RunMetric: Measured {
    var interval: ReportInterval? { ci }
    var reason: String? { nil }
}

/// One run of a sweep, as the multi-run page and `renderDiff` see it.
public struct RunSummary: Sendable, Equatable {
    /// Stable identifier (the run's folder name).
    public var id: String
    /// Human label; defaults to the id.
    public var label: String
    /// Swept parameters, dotted keys (`mitigation.strength`, `experiment.seed`).
    public var parameters: [String: String]
    /// Headline metrics by name: `accuracy`, a disparity such as `demographic_parity_difference`
    /// (the worst over attributes), or an attribute-qualified one (`race.demographic_parity_difference`).
    public var metrics: [String: RunMetric]
    /// Whether all of the run's gates passed; nil when it had none.
    public var passed: Bool?
    /// The four-fifths band the run's evaluation used.
    public var fourFifths = FourFifthsRule()

    public init(
        id: String, label: String? = nil, parameters: [String: String] = [:],
        metrics: [String: RunMetric] = [:], passed: Bool? = nil
    ) {
        self.id = id
        self.label = label ?? id
        self.parameters = parameters
        self.metrics = metrics
        self.passed = passed
    }

    /// A run summarised from its evaluation: overall metrics, every attribute's
    /// between-group disparities (qualified and, unqualified, the worst over attributes)
    /// and the worst `disparate_impact` against the reference group.
    public init(id: String, label: String? = nil, parameters: [String: String] = [:], evaluation: MetricsReport) {
        var metrics: [String: RunMetric] = [:]
        for (name, metric) in evaluation.overall where metric.value != nil {
            metrics[name] = RunMetric(metric)
        }
        func keepWorst(_ key: String, _ metric: any Measured) {
            guard let value = metric.value else { return }
            if let current = metrics[key]?.value,
                MetricNames.unfairness(key, current) >= MetricNames.unfairness(key, value)
            {
                return
            }
            metrics[key] = RunMetric(metric)
        }
        for attribute in evaluation.attributes {
            for item in attribute.orderedDisparities where item.value.value != nil {
                metrics["\(attribute.name).\(item.name)"] = RunMetric(item.value)
                keepWorst(item.name, item.value)
            }
            for versus in attribute.vsReference {
                if let impact = versus.disparateImpact { keepWorst("disparate_impact", impact) }
            }
        }
        self.init(id: id, label: label, parameters: parameters, metrics: metrics, passed: evaluation.passed)
        fourFifths = evaluation.fourFifthsBand
    }

    func value(_ key: String) -> Double? { metrics[key]?.value }
}

/// Pareto analysis of accuracy (higher is better) against one disparity (nearer parity is better).
struct ParetoAnalysis {
    /// Indices of runs on the front, by increasing unfairness.
    var front: [Int]
    /// Whether each run is on the front (false for runs lacking either value).
    var onFront: [Bool]
    var plotted: [Bool]

    /// O(n log n): sort by unfairness ascending (ties: accuracy descending) and keep each run
    /// that beats the best accuracy seen so far (Kung, Luccio & Preparata, 1975, in 2-D).
    init(runs: [RunSummary], metric: String) {
        let points: [(index: Int, unfair: Double, accuracy: Double)] = runs.enumerated().compactMap { index, run in
            guard let accuracy = run.value("accuracy"), let disparity = run.value(metric) else { return nil }
            return (index, MetricNames.unfairness(metric, disparity), accuracy)
        }
        let sorted = points.sorted { a, b in
            a.unfair != b.unfair
                ? a.unfair < b.unfair : a.accuracy != b.accuracy ? a.accuracy > b.accuracy : a.index < b.index
        }
        var best = -Double.infinity
        var front: [Int] = []
        for point in sorted where point.accuracy > best {
            front.append(point.index)
            best = point.accuracy
        }
        self.front = front
        var onFront = Array(repeating: false, count: runs.count)
        for index in front { onFront[index] = true }
        self.onFront = onFront
        var plotted = Array(repeating: false, count: runs.count)
        for point in points { plotted[point.index] = true }
        self.plotted = plotted
    }
}

/// Runs that differ only by seed, with mean and sample standard deviation of their metrics.
struct SeedGroup {
    var parameters: [(String, String)]
    var members: [Int]

    static func isSeedKey(_ key: String) -> Bool {
        (key.split(separator: ".").last.map(String.init) ?? key).lowercased().hasSuffix("seed")
    }

    /// Groups of two or more runs sharing every non-seed parameter, in first-appearance order.
    static func groups(_ runs: [RunSummary]) -> [SeedGroup] {
        var order: [String] = []
        var byKey: [String: SeedGroup] = [:]
        for (index, run) in runs.enumerated() {
            guard run.parameters.keys.contains(where: isSeedKey) else { continue }
            let rest = run.parameters.filter { !isSeedKey($0.key) }.sorted { $0.key < $1.key }
            let key = rest.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = SeedGroup(parameters: rest.map { ($0.key, $0.value) }, members: [])
            }
            byKey[key]?.members.append(index)
        }
        return order.compactMap { byKey[$0] }.filter { $0.members.count >= 2 }
    }

    /// Mean and sample standard deviation (n − 1), summed in run order for determinism.
    static func meanSD(_ values: [Double]) -> (mean: Double, sd: Double)? {
        guard !values.isEmpty else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, variance.squareRoot())
    }
}

/// The multi-run page: a sortable table of runs, the Pareto front of accuracy against
/// `config.paretoMetric` with CIs (dominated runs grey, front runs highlighted) and
/// mean ± sd across seeds. Self-contained and deterministic like ``renderHTML(_:config:)``.
/// O(n log n + n × parameters) for n runs.
public func renderRunsHTML(runs: [RunSummary], config: ReportConfig) -> String {
    let e = ReportEscape.html
    let metricName = MetricNames.words(config.paretoMetric)
    let pareto = ParetoAnalysis(runs: runs, metric: config.paretoMetric)
    var out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    out += "<title>\(e(config.title)) — runs</title>\n<style>\n\(ReportStyle.css)\n"
    out +=
        "tr.dominated td{color:#9aa3b2}\ntr.front td:first-child{font-weight:650;border-left:3px solid var(--accent)}\n</style>\n</head>\n<body>\n"
    out += "<header class=\"top\"><h1>\(e(config.title)) — \(runs.count) run\(runs.count == 1 ? "" : "s")</h1>"
    out +=
        "<p class=\"sub\">Accuracy against \(e(metricName)); \(pareto.front.count) run\(pareto.front.count == 1 ? "" : "s") on the Pareto front.</p>"
    out +=
        "<nav class=\"toc\"><a href=\"#pareto\">Pareto front</a><a href=\"#runs\">Runs</a><a href=\"#seeds\">Across seeds</a></nav></header>\n<main>\n"
    out += RunsPage.paretoSection(runs, pareto: pareto, config: config)
    out += RunsPage.runTable(runs, pareto: pareto, config: config)
    out += RunsPage.seedsSection(runs, config: config)
    out += "</main>\n<script>\n\(ReportStyle.script)\n</script>\n</body>\n</html>\n"
    return out
}

/// The sections of ``renderRunsHTML(runs:config:)``.
enum RunsPage {
    /// The parameters whose values differ between runs (a run without the key counts as
    /// unset), in key order with seeds last: what tells the runs of a sweep apart.
    static func varyingKeys(_ runs: [RunSummary]) -> [String] {
        let keys = Array(Set(runs.flatMap { $0.parameters.keys })).sorted().filter { key in
            Set(runs.map { $0.parameters[key] ?? "" }).count > 1
        }
        return keys.filter { !SeedGroup.isSeedKey($0) } + keys.filter(SeedGroup.isSeedKey)
    }

    /// A point's label: the run's own values of the varying parameters, by their last key
    /// component (`tolerance=0.05, seed=2`; the whole key where two share one); the run's
    /// label when nothing varies.
    static func pointLabel(_ run: RunSummary, varying: [String]) -> String {
        func short(_ key: String) -> String { key.split(separator: ".").last.map(String.init) ?? key }
        let text = varying.compactMap { key in
            run.parameters[key].map { value in
                "\(varying.filter { short($0) == short(key) }.count > 1 ? key : short(key))=\(value)"
            }
        }.joined(separator: ", ")
        return SVGChart.truncated(text.isEmpty ? run.label : text, 48)
    }

    static func paretoSection(_ runs: [RunSummary], pareto: ParetoAnalysis, config: ReportConfig) -> String {
        let e = ReportEscape.html
        let (digits, metric) = (config.decimals, config.paretoMetric)
        let metricName = MetricNames.words(metric)
        var out = "<section id=\"pareto\"><h2>Pareto front</h2>"
        guard !pareto.front.isEmpty else {
            return out
                + "<p class=\"note\">No run has both accuracy and \(e(metricName)); nothing to plot.</p></section>\n"
        }
        let varying = varyingKeys(runs)
        func point(_ index: Int) -> SVGChart.Point? {
            let run = runs[index]
            guard let x = run.value(metric), let y = run.value("accuracy") else { return nil }
            let tip =
                "\(run.label): accuracy \(ReportNumber.fixed(y, digits)) \(ReportNumber.interval(run.metrics["accuracy"]?.ci, digits)), \(metricName) \(ReportNumber.fixed(x, digits)) \(ReportNumber.interval(run.metrics[metric]?.ci, digits))"
            return SVGChart.Point(
                x: x, y: y, xCI: run.metrics[metric]?.ci, yCI: run.metrics["accuracy"]?.ci, tooltip: tip,
                label: pareto.onFront[index] && pareto.front.count <= 15 ? pointLabel(run, varying: varying) : nil)
        }
        let dominated = runs.indices.filter { pareto.plotted[$0] && !pareto.onFront[$0] }.compactMap(point)
        let front = pareto.front.compactMap(point).sorted { $0.x < $1.x }
        var series: [SVGChart.Series] = []
        if !dominated.isEmpty {
            series.append(
                .init(
                    name: "dominated runs", points: dominated, connect: false, color: "#9aa3b2", markClass: "dominated")
            )
        }
        series.append(
            .init(
                name: "Pareto front", points: front, connect: true, markers: true, color: SVGChart.color(0),
                markClass: "front", dash: ""))
        out += "<div class=\"grid wide\"><figure>"
        out += SVGChart.xy(
            id: "c-pareto", title: "Accuracy vs \(metricName)",
            subtitle: "95% CI whiskers on both axes; grey runs are dominated",
            series: series, xLabel: metricName + (MetricNames.isRatio(metric) ? " (1 = parity)" : " (0 = parity)"),
            yLabel: "accuracy", references: references(runs, metric: metric), width: 900, height: 460)
        out +=
            "<figcaption>A run is dominated when another is at least as accurate and at least as fair, and strictly better in one. \(MetricNames.isRatio(metric) ? "Fairness here is closeness of the ratio to 1." : "Fairness here is closeness of the difference to 0.")</figcaption></figure></div>"
        return out + "</section>\n"
    }

    /// Parity and the four-fifths band, for a ratio on the x axis.
    static func references(_ runs: [RunSummary], metric: String) -> [SVGChart.Reference] {
        guard MetricNames.isRatio(metric) else { return [] }
        var references: [SVGChart.Reference] = [.init(axis: .x, value: 1, label: "parity", color: "#555555")]
        if metric == "disparate_impact" || metric.hasSuffix("_ratio") {
            let band = runs.first?.fourFifths ?? FourFifthsRule()
            references.append(.init(axis: .x, value: band.min, label: "four-fifths"))
            if metric == "disparate_impact" {
                references.append(.init(axis: .x, value: band.max, label: "four-fifths"))
            }
        }
        return references
    }

    static func runTable(_ runs: [RunSummary], pareto: ParetoAnalysis, config: ReportConfig) -> String {
        let e = ReportEscape.html
        let metric = config.paretoMetric
        let parameterKeys = Array(Set(runs.flatMap { $0.parameters.keys })).sorted()
        var out =
            "<section id=\"runs\"><h2>Runs</h2><p>Click a column to sort. Highlighted rows are on the Pareto front; grey rows are dominated.</p>"
        let headers = ["Run"] + parameterKeys + ["Accuracy", MetricNames.words(metric), "Gates", "Pareto"]
        var rows = ""
        for (index, run) in runs.enumerated() {
            let status = pareto.onFront[index] ? "front" : pareto.plotted[index] ? "dominated" : "unplotted"
            rows += "<tr class=\"\(status)\"><td class=\"text\" data-sort=\"\(e(run.label))\">\(e(run.label))"
            if run.label != run.id { rows += " <span class=\"ci\">\(e(run.id))</span>" }
            rows += "</td>"
            for key in parameterKeys {
                let value = run.parameters[key] ?? ""
                rows += "<td data-sort=\"\(e(value))\">\(e(value))</td>"
            }
            for key in ["accuracy", metric] {
                let cell = HTMLCell.metric(run.metrics[key], config.decimals)
                rows += "<td data-sort=\"\(e(cell.sort ?? ""))\">\(cell.html)</td>"
            }
            let gates =
                run.passed.map { $0 ? "<span class=\"dot pass\"></span>pass" : "<span class=\"dot fail\"></span>fail" }
                ?? "—"
            rows += "<td data-sort=\"\(run.passed.map { $0 ? "1" : "0" } ?? "")\">\(gates)</td>"
            rows +=
                "<td class=\"text\">\(status == "front" ? "★ front" : status == "dominated" ? "dominated" : "—")</td></tr>"
        }
        out += "<div class=\"scroll box\"><table class=\"sortable\"><thead><tr>"
        out += headers.map { "<th>\(e($0))</th>" }.joined()
        return out + "</tr></thead><tbody>\(rows)</tbody></table></div></section>\n"
    }

    static func seedsSection(_ runs: [RunSummary], config: ReportConfig) -> String {
        let e = ReportEscape.html
        let metric = config.paretoMetric
        var out = "<section id=\"seeds\"><h2>Across seeds</h2>"
        let groups = SeedGroup.groups(runs)
        guard !groups.isEmpty else { return out + "<p class=\"note\">No runs differ only by seed.</p></section>\n" }
        out +=
            "<p>Runs that share every parameter but the seed: mean ± sample standard deviation.</p><div class=\"scroll\"><table class=\"sortable\"><thead><tr><th class=\"text\">Parameters</th><th>Runs</th><th>Accuracy</th><th>\(e(MetricNames.words(metric)))</th></tr></thead><tbody>"
        for group in groups {
            let description =
                group.parameters.isEmpty
                ? "(no other parameters)" : group.parameters.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
            out +=
                "<tr><td class=\"text wrap\">\(e(description))</td><td data-sort=\"\(group.members.count)\">\(group.members.count)</td>"
            for key in ["accuracy", metric] {
                if let stats = SeedGroup.meanSD(group.members.compactMap { runs[$0].value(key) }) {
                    out +=
                        "<td data-sort=\"\(ReportNumber.plain(stats.mean))\">\(ReportNumber.fixed(stats.mean, config.decimals)) <span class=\"ci\">± \(ReportNumber.fixed(stats.sd, config.decimals))</span></td>"
                } else {
                    out += "<td data-sort=\"\"><span class=\"na\">—</span></td>"
                }
            }
            out += "</tr>"
        }
        return out + "</tbody></table></div></section>\n"
    }
}

/// What changed between two runs, like `dvc metrics diff`: changed parameters, and each
/// metric's values, change and whether the change exceeds the confidence intervals.
///
/// "Beyond CI" is `yes` when neither run's value lies inside the other's 95% interval
/// (with one interval, when the other value lies outside it), `no` when one does, and
/// `n/a` without intervals. Overlapping intervals are a conservative screen, not a test.
public func renderDiff(
    _ runA: RunSummary, _ runB: RunSummary, config: ReportConfig = ReportConfig()
) -> (text: String, markdown: String) {
    let digits = config.decimals
    let parameterRows: [[String]] = Array(Set(runA.parameters.keys).union(runB.parameters.keys)).sorted().compactMap {
        key in
        let a = runA.parameters[key], b = runB.parameters[key]
        return a == b ? nil : [key, a ?? "—", b ?? "—"]
    }
    let metricRows: [[String]] = Array(Set(runA.metrics.keys).union(runB.metrics.keys)).sorted().map { key in
        let a = runA.metrics[key], b = runB.metrics[key]
        let delta = a?.value.flatMap { av in b?.value.map { $0 - av } }
        let deltaText = delta.map { ($0 > 0 ? "+" : "") + ReportNumber.fixed($0, digits) } ?? "—"
        func shown(_ m: RunMetric?) -> String {
            guard let m, let value = m.value else { return "—" }
            return ReportNumber.fixed(value, digits) + (m.ci.map { " " + ReportNumber.interval($0, digits) } ?? "")
        }
        return [key, shown(a), shown(b), deltaText, beyondCI(a, b)]
    }
    func table(_ headers: [String], _ rows: [[String]]) -> (text: String, markdown: String) {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func pad(_ row: [String]) -> String {
            row.enumerated().map { $0.element + String(repeating: " ", count: widths[$0.offset] - $0.element.count) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let text = ([pad(headers)] + rows.map(pad)).joined(separator: "\n")
        func md(_ row: [String]) -> String {
            "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        let markdown = ([md(headers), "|" + headers.map { _ in "---|" }.joined()] + rows.map(md)).joined(
            separator: "\n")
        return (text, markdown)
    }
    let title = "\(runA.label) → \(runB.label)"
    var text = "\(title)\n\n", markdown = "### \(title.replacingOccurrences(of: "|", with: "\\|"))\n\n"
    if parameterRows.isEmpty {
        text += "No parameter changed.\n\n"
        markdown += "_No parameter changed._\n\n"
    } else {
        let t = table(["Parameter", runA.label, runB.label], parameterRows)
        text += t.text + "\n\n"
        markdown += t.markdown + "\n\n"
    }
    if metricRows.isEmpty {
        text += "No metrics.\n"
        markdown += "_No metrics._\n"
    } else {
        let t = table(["Metric", runA.label, runB.label, "Change", "Beyond CI"], metricRows)
        text += t.text + "\n"
        markdown += t.markdown + "\n"
    }
    return (text, markdown)
}

func beyondCI(_ a: RunMetric?, _ b: RunMetric?) -> String {
    guard let av = a?.value, let bv = b?.value else { return "n/a" }
    switch (a?.ci, b?.ci) {
    case (let ca?, let cb?): return !ca.contains(bv) && !cb.contains(av) ? "yes" : "no"
    case (let ca?, nil): return ca.contains(bv) ? "no" : "yes"
    case (nil, let cb?): return cb.contains(av) ? "no" : "yes"
    case (nil, nil): return "n/a"
    }
}
