import Foundation

/// "Fairness over time": the HTML page of a monitor run (`report --monitor DIR`). Each
/// watched disparity and each group's selection rate as a time series with its interval band
/// and alert markers, a drift heatmap (feature × window, PSI), and the week-over-week table.
/// Self-contained, drawn with the report's chart pieces and stylesheet.
public enum MonitorOverTimePage {
    public static let fileName = "monitor.html"

    /// Reads monitor.json and alerts.json from `monitorFolder` (through their schema types),
    /// writes monitor.html into the run's folder.
    public static func write(_ config: PipelineConfig, monitorFolder: String, run: StageRun, log: ProgressLog) throws {
        func read<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
            let path = URL(fileURLWithPath: monitorFolder).appendingPathComponent(name).path
            do { return try JSONDecoder().decode(T.self, from: try run.readInput(path)) } catch let error
                as FairPipeError
            { throw error } catch {
                throw FileError.malformed(path: path, reason: "not a \(name) of this version: \(error)")
            }
        }
        let report = try read(MonitorReport.self, MonitorStage.reportFile)
        let alerts = try read(AlertsFile.self, MonitorStage.alertsFile).alerts
        try run.write(
            html(report, alerts: alerts, title: config.report.title, digits: config.report.decimals), to: fileName)
        log.info("fairness over time: \(report.windows.count) windows, \(alerts.count) alerts")
    }

    public static func html(_ report: MonitorReport, alerts: [MonitorAlert], title: String, digits: Int = 3) -> String {
        let e = ReportEscape.html
        var out =
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(e(title)) — fairness over time</title>\n<style>\n\(ReportStyle.css)\n"
        out +=
            ".band{opacity:.18;stroke:none}\n.mark.alert{stroke:#B2182B;stroke-width:2;fill:#fff}\n.heat text{font-size:10px}\n</style>\n</head>\n<body>\n"
        out += "<header class=\"top\"><h1>\(e(title)) — fairness over time</h1>"
        out +=
            "<p class=\"sub\">\(e(report.log)): \(report.windows.count) windows of \(e(report.window)); reference: \(e(report.reference)); \(alerts.count) alert\(alerts.count == 1 ? "" : "s").</p>"
        out +=
            "<nav class=\"toc\"><a href=\"#over-time\">Over time</a><a href=\"#drift\">Drift</a><a href=\"#week-over-week\">Week over week</a><a href=\"#alerts\">Alerts</a></nav></header>\n<main>\n"

        out +=
            "<section id=\"over-time\"><h2>Fairness over time</h2><p>Shaded: the 95% bootstrap interval of each window. Open circles: windows with an alert on that series. Reference windows: \(e(report.referenceWindows.joined(separator: ", ")))</p><div class=\"grid wide\">"
        for (k, chart) in charts(report, alerts: alerts).enumerated() {
            out +=
                "<figure>"
                + timeSeries(
                    id: "c-time-\(k)", title: chart.title, windows: report.windows.map(\.id), series: chart.series,
                    digits: digits) + "</figure>"
        }
        out += "</div></section>\n"

        out +=
            "<section id=\"drift\"><h2>Drift against the reference</h2><p>PSI of each feature (rows) in each window (columns); darker is larger, outlined cells have a Benjamini–Hochberg-adjusted p &lt; 0.05.</p>"
        out += heatmap(report, digits: digits) + "</section>\n"

        out += "<section id=\"week-over-week\"><h2>Week over week</h2>"
        for comparison in report.comparisons {
            out += "<h3>\(e(comparison.baseline)) → \(e(comparison.current))</h3>"
            if let reason = comparison.reason { out += "<p class=\"note\">Not compared: \(e(reason)).</p>"; continue }
            let rows = comparison.rows.map { r -> [HTMLCell] in
                [
                    .text(r.metric), .text(r.attribute), .text(r.group ?? ""),
                    .metric(r.baseline, digits), .metric(r.current, digits),
                    .number(r.delta, digits), .text(r.beyondIntervals ? "yes" : "no"),
                ]
            }
            out += HTMLTable.render(
                headers: ["Metric", "Attribute", "Group", "Before", "Now", "Change", "Intervals apart"], rows: rows,
                textColumns: [0, 1, 2, 6])
        }
        out += "</section>\n"

        out += "<section id=\"alerts\"><h2>Alerts</h2>"
        if alerts.isEmpty {
            out += "<p>No alerts.</p>"
        } else {
            let rows = alerts.map { a -> [HTMLCell] in
                [
                    .text(a.window), .text(a.severity.rawValue), .text(a.rule), .text(a.metric),
                    .text([a.attribute, a.group].compactMap { $0 }.joined(separator: " / ")),
                    .number(a.value, digits), .number(a.bound, digits), .text(a.remediation),
                ]
            }
            out += HTMLTable.render(
                headers: ["Window", "Severity", "Rule", "Metric", "Where", "Value", "Bound", "Remediation"], rows: rows,
                textColumns: [0, 1, 2, 3, 4, 7])
        }
        out += "</section>\n</main>\n<script>\n\(ReportStyle.script)\n</script>\n</body>\n</html>\n"
        return out
    }

    struct Line {
        var name: String
        /// Per window: value and interval (nil where undefined) and whether an alert marks it.
        var values: [(value: Double?, ci: [Double]?, alert: Bool)]
    }

    /// One chart per watched disparity (its attributes as lines), and per attribute the
    /// groups' selection rates.
    static func charts(_ report: MonitorReport, alerts: [MonitorAlert]) -> [(title: String, series: [Line])] {
        let alerted = Set(alerts.map { "\($0.window)|\($0.metric)|\($0.attribute ?? "")|\($0.group ?? "")" })
        var disparityKeys: [String] = []
        var attributes: [String] = []
        for w in report.windows {
            for a in w.metrics.attributes where !a.name.contains("&") {
                if !attributes.contains(a.name) { attributes.append(a.name) }
            }
        }
        for key in ["demographic_parity_difference", "equalized_odds_difference"] where !disparityKeys.contains(key) {
            disparityKeys.append(key)
        }
        var out: [(String, [Line])] = []
        for key in disparityKeys {
            let lines = attributes.map { name in
                Line(
                    name: name,
                    values: report.windows.map { w in
                        let d = w.metrics.attribute(name)?.disparities[key]
                        return (d?.value, d?.ci, alerted.contains("\(w.id)|\(key)|\(name)|"))
                    })
            }
            out.append((MetricNames.words(key), lines))
        }
        for name in attributes {
            let groups = report.windows.last?.metrics.attribute(name)?.groups.map(\.group) ?? []
            let lines = groups.map { g in
                Line(
                    name: g,
                    values: report.windows.map { w in
                        let v = w.metrics.attribute(name)?.groups.first { $0.group == g }?.metrics[
                            GroupMetric.selectionRate.rawValue]
                        return (v?.value, v?.ci, alerted.contains("\(w.id)|selection_rate|\(name)|\(g)"))
                    })
            }
            out.append(("selection rate by \(name)", lines))
        }
        return out
    }

    /// Lines over window index with interval bands and alert markers.
    static func timeSeries(
        id: String, title: String, windows: [String], series: [Line], digits: Int, width: Double = 640,
        height: Double = 320
    ) -> String {
        let f = SVGChart.f, e = SVGChart.e
        let items = series.enumerated().map { (name: $1.name, color: SVGChart.color($0), dash: "", marker: false) }
        let (legend, legendHeight) = SVGChart.legend(items, x: 70, y: 40, width: width - 90)
        let top = 40 + legendHeight + 8, left = 70.0, right = width - 20, bottom = height - 46
        let ys = series.flatMap { $0.values.flatMap { [$0.value, $0.ci?[0], $0.ci?[1]].compactMap { $0 } } }
        let yd = SVGChart.Scale.niceDomain(ys.min() ?? 0, ys.max() ?? 1)
        let x = SVGChart.Scale(
            domainLow: 0, domainHigh: Double(max(windows.count - 1, 1)), rangeLow: left, rangeHigh: right)
        let y = SVGChart.Scale(domainLow: yd.0, domainHigh: yd.1, rangeLow: bottom, rangeHigh: top)
        var out = SVGChart.open(id: id, width: width, height: height, title: title, subtitle: nil) + legend
        out += SVGChart.yAxis(y, left: left, right: right, label: title)
        out += SVGChart.xAxis(
            x, top: top, bottom: bottom, label: "window (\(windows.first ?? "") … \(windows.last ?? ""))")
        for (i, s) in series.enumerated() {
            let color = SVGChart.color(i)
            out += "<g class=\"series\">"
            // Bands and lines break where a window has no value.
            var runs: [[Int]] = [[]]
            for (k, v) in s.values.enumerated() {
                if v.value == nil { runs.append([]) } else { runs[runs.count - 1].append(k) }
            }
            for run in runs where !run.isEmpty {
                let banded = run.filter { s.values[$0].ci != nil }
                if banded.count == run.count && run.count > 1 {
                    var d = ""
                    for (j, k) in run.enumerated() {
                        d += (j == 0 ? "M" : "L") + "\(f(x(Double(k)))) \(f(y(s.values[k].ci?[1] ?? 0)))"
                    }
                    for k in run.reversed() { d += "L\(f(x(Double(k)))) \(f(y(s.values[k].ci?[0] ?? 0)))" }
                    out += "<path class=\"band\" d=\"\(d)Z\" fill=\"\(color)\"/>"
                }
                var d = ""
                for (j, k) in run.enumerated() {
                    d += (j == 0 ? "M" : "L") + "\(f(x(Double(k)))) \(f(y(s.values[k].value ?? 0)))"
                }
                if run.count > 1 {
                    out += "<path class=\"mark line\" d=\"\(d)\" stroke=\"\(color)\"><title>\(e(s.name))</title></path>"
                }
            }
            for (k, v) in s.values.enumerated() {
                guard let value = v.value else { continue }
                let ci =
                    v.ci.map { " " + ReportNumber.interval(ReportInterval(lower: $0[0], upper: $0[1]), digits) } ?? ""
                let tip =
                    "\(s.name), \(windows[k]): \(ReportNumber.fixed(value, digits))\(ci)\(v.alert ? " — alert" : "")"
                out +=
                    "<circle class=\"mark point\(v.alert ? " alert" : "")\" cx=\"\(f(x(Double(k))))\" cy=\"\(f(y(value)))\" r=\"\(v.alert ? "5.5" : "3")\" fill=\"\(color)\"><title>\(e(tip))</title></circle>"
            }
            out += "</g>"
        }
        return out + "</svg>"
    }

    /// Feature × window cells shaded by PSI (overall tests only).
    static func heatmap(_ report: MonitorReport, digits: Int) -> String {
        let f = SVGChart.f, e = SVGChart.e
        var features: [String] = []
        for w in report.windows {
            for t in w.drift where t.group == nil && !features.contains(t.feature) { features.append(t.feature) }
        }
        guard !features.isEmpty else { return "<p class=\"note\">No drift tests.</p>" }
        let cell = 26.0, left = 110.0, top = 40.0
        let width = left + cell * Double(report.windows.count) + 20, height = top + cell * Double(features.count) + 70
        var out = SVGChart.open(
            id: "c-drift", width: width, height: height, title: "PSI by feature and window", subtitle: nil)
        out += "<g class=\"heat\">"
        for (r, feature) in features.enumerated() {
            out +=
                "<text x=\"\(f(left - 6))\" y=\"\(f(top + cell * Double(r) + cell * 0.65))\" text-anchor=\"end\">\(e(SVGChart.truncated(feature, 16)))</text>"
            for (c, w) in report.windows.enumerated() {
                guard let t = w.drift.first(where: { $0.feature == feature && $0.group == nil }) else { continue }
                let psi = t.psi ?? 0
                let shade = min(1, psi / 0.25)
                let significant = (t.pAdjusted ?? 1) < 0.05
                let fill = String(
                    format: "rgb(%d,%d,%d)", Int(255 - 77 * shade), Int(255 - 231 * shade), Int(255 - 212 * shade))
                let tip =
                    "\(feature), \(w.id): PSI \(ReportNumber.fixed(t.psi, digits)), JS \(ReportNumber.fixed(t.jsDistance, digits)), adjusted p \(t.pAdjusted.map { String(format: "%.3g", $0) } ?? "—")\(w.reference ? " (reference window)" : "")"
                out +=
                    "<rect class=\"mark cell\" x=\"\(f(left + cell * Double(c)))\" y=\"\(f(top + cell * Double(r)))\" width=\"\(f(cell - 2))\" height=\"\(f(cell - 2))\" fill=\"\(fill)\"\(significant ? " stroke=\"#222\" stroke-width=\"1.5\"" : "")><title>\(e(tip))</title></rect>"
            }
        }
        for (c, w) in report.windows.enumerated() {
            let x = left + cell * Double(c) + cell / 2, y = top + cell * Double(features.count) + 8
            out += "<text transform=\"translate(\(f(x)),\(f(y))) rotate(60)\">\(e(w.id))</text>"
        }
        return out + "</g></svg>"
    }
}

extension PeriodValue: Measured {
    var interval: ReportInterval? { ReportInterval(ci) }
}
