import Foundation

/// summary.md of a monitor run: the alert counts, the top 3 concerns and the week-over-week
/// table, for a CI job page or a cron mail.
enum MonitorSummary {
    static func markdown(_ report: MonitorReport, alerts: [MonitorAlert]) -> String {
        var md = "# FairPipe monitor: \(report.log)\n\n"
        let critical = alerts.filter { $0.severity == .critical }.count
        md += "- windows: \(report.windows.count) of `\(report.window)`; reference: \(report.reference)\n"
        if let latest = report.windows.last {
            md += "- latest window: \(latest.id) (\(latest.rows) rows, \(latest.labelledRows) labelled)\n"
        }
        md += "- alerts: \(alerts.count) (\(critical) critical, \(alerts.count - critical) warning)\n\n"
        md += "## Top concerns\n\n"
        let concerns = topConcerns(alerts, windows: report.windows.map(\.id), limit: 3)
        if concerns.isEmpty { md += "No alerts.\n\n" }
        for (i, alert) in concerns.enumerated() {
            md +=
                "\(i + 1). **\(alert.severity.rawValue)** \(alert.window), \(alert.rule): \(cell(alert.message)). \(cell(alert.remediation))\n"
        }
        if !concerns.isEmpty { md += "\n" }
        for comparison in report.comparisons {
            let title = comparison.name == "last_7_days_vs_previous_7" ? "Week over week" : "Last 30 days vs reference"
            md +=
                "## \(title)\n\n\(comparison.baseline) (\(comparison.baselineRows) rows) → \(comparison.current) (\(comparison.currentRows) rows)\n\n"
            if let reason = comparison.reason { md += "Not compared: \(reason).\n\n"; continue }
            md +=
                "| metric | attribute | group | before | now | change | beyond both intervals |\n|---|---|---|---|---|---|---|\n"
            for row in comparison.rows {
                md +=
                    "| \(row.metric) | \(cell(row.attribute)) | \(cell(row.group ?? "")) | \(value(row.baseline)) | \(value(row.current)) | "
                md +=
                    "\(row.delta.map { String(format: "%+.4f", $0) } ?? "–") | \(row.beyondIntervals ? "**yes**" : "no") |\n"
            }
            md += "\n"
        }
        return md
    }

    /// The most pressing alerts: critical first, then the most recent window, one per
    /// (metric, attribute, group).
    static func topConcerns(_ alerts: [MonitorAlert], windows: [String], limit: Int) -> [MonitorAlert] {
        let position = Dictionary(windows.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let sorted = alerts.enumerated().sorted { a, b in
            if a.element.severity != b.element.severity { return a.element.severity < b.element.severity }
            let pa = position[a.element.window] ?? 0, pb = position[b.element.window] ?? 0
            return pa != pb ? pa > pb : a.offset < b.offset
        }.map(\.element)
        var seen = Set<String>()
        var out: [MonitorAlert] = []
        for alert in sorted where out.count < limit {
            if seen.insert("\(alert.metric)|\(alert.attribute ?? "")|\(alert.group ?? "")").inserted {
                out.append(alert)
            }
        }
        return out
    }

    static func value(_ v: PeriodValue) -> String {
        guard let x = v.value else { return "–" }
        return v.ci.map { String(format: "%.4f [%.4f, %.4f]", x, $0[0], $0[1]) } ?? String(format: "%.4f", x)
    }

    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
