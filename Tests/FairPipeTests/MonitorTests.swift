import Foundation
import Testing

@testable import FairPipe

/// Runs the monitor stage in-process on a log written to a temporary folder.
private struct MonitorHarness {
    var folder: URL
    var config: PipelineConfig

    init(_ name: String = #function, yaml: String? = nil, overrides: [String] = []) throws {
        folder = try Fixtures.temporaryFolder(name)
        var path: String?
        if let yaml {
            let file = folder.appendingPathComponent("config.yml")
            try yaml.write(to: file, atomically: true, encoding: .utf8)
            path = file.path
        }
        config = try PipelineConfig.load(
            path: path ?? Fixtures.url("../../configs/monitor-demo.yml").path, overrides: overrides
        ).value
    }

    var out: URL { folder.appendingPathComponent("out") }

    func writeLog(_ text: String) throws -> String {
        let file = folder.appendingPathComponent("log.csv")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// Runs the stage; on error the run's outputs are abandoned, as the executable does.
    @discardableResult
    func run(
        log: String, sensitive: [String] = ["group", "sex"], reference: String? = nil, cache: String? = nil
    ) throws -> FairPipe.ExitStatus {
        let run = try StageRun(
            stage: .monitor, outputFolder: out.path, seed: config.experiment.seed,
            config: try StageConfigSlice.slice(for: .monitor, of: config), configFile: nil,
            root: folder.path, environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        var options = MonitorStage.Options(logPath: log, columns: PredictionColumns(sensitive: sensitive))
        options.referenceFolder = reference
        options.cacheFolder = cache
        do {
            let status = try MonitorStage.run(config, options: options, run: run, log: .silent)
            try run.finish()
            return status
        } catch {
            run.abandon()
            throw error
        }
    }

    func json<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: out.appendingPathComponent(name)))
    }

    var writtenFiles: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: out.path))?.filter { !$0.hasPrefix(".") }.sorted() ?? []
    }
}

/// A small labelled log: `days` days from 2026-01-05 (a Monday), groups A/B, n rows a day.
private func smallLog(
    days: Int, rowsPerDay: Int = 80, unlabelledFrom: Int = .max, onlyA: Int? = nil, seed: UInt64 = 3
) -> String {
    var rng = Xoshiro256StarStar(seed: seed, stream: "monitor-test")
    var text = "ts,group,sex,x,cat,label,score,decision\n"
    for d in 0..<days {
        for i in 0..<rowsPerDay {
            let group = onlyA == d ? "A" : (rng.nextUnitDouble() < 0.6 ? "A" : "B")
            let sex = rng.nextUnitDouble() < 0.5 ? "f" : "m"
            let y = rng.nextUnitDouble() < 0.4 ? 1 : 0
            let score = min(1, max(0, 0.3 + 0.4 * Double(y) + 0.2 * (rng.nextUnitDouble() - 0.5)))
            let x = Double(y) + rng.nextGaussian()
            let cat = ["a", "b", "c"][rng.nextIndex(below: 3)]
            let ts = String(format: "2026-01-%02dT%02d:%02d:00Z", 5 + d, (i * 24) / rowsPerDay, i % 60)
            let label = d >= unlabelledFrom ? "" : "\(y)"
            text +=
                "\(ts),\(group),\(sex),\(NumberFormat.string((x * 1000).rounded() / 1000)),\(cat),\(label),\(NumberFormat.string((score * 1000).rounded() / 1000)),\(score >= 0.5 ? 1 : 0)\n"
        }
    }
    return text
}

private let dailyConfig = """
    data: {sensitive: [group, sex]}
    fairness: {bootstrap: {samples: 50}, min_group_size: 10}
    monitor:
      window: 1d
      reference: {first_windows: 2}
    """

@Suite struct MonitorTimeTests {
    @Test(arguments: [
        ("2026-03-02", "2026-03-02T00:00:00Z"),
        ("2026-03-02T10:15:30Z", "2026-03-02T10:15:30Z"),
        ("2026-03-02T10:15:30.750+02:00", "2026-03-02T08:15:30Z"),
        ("2026-03-02 23:30:00-01:00", "2026-03-03T00:30:00Z"),
        ("2024-02-29T00:00:00", "2024-02-29T00:00:00Z"),
    ])
    func timestampsParseRFC3339AndDatesInUTC(text: String, utc: String) throws {
        let t = try #require(Timestamp.parse(text))
        #expect(Timestamp.format(t) == utc)
    }

    @Test(arguments: ["2026-13-01", "2025-02-29", "yesterday", "2026-03-02T25:00:00Z", "2026-03-02T10:00:00+0200", ""])
    func malformedTimestampsAreRejected(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func windowsAreCalendarAlignedInUTC() throws {
        func at(_ text: String) -> Double { Timestamp.parse(text) ?? .nan }
        let week = try #require(WindowSpec.isoWeek.calendarWindow(at("2026-01-01")))
        #expect(week.id == "2026-W01")
        #expect(Timestamp.format(week.start) == "2025-12-29T00:00:00Z")
        #expect(WindowSpec.isoWeek.calendarWindow(at("2027-01-01"))?.id == "2026-W53")
        #expect(WindowSpec.isoWeek.calendarWindow(at("2024-12-30"))?.id == "2025-W01")
        let month = try #require(WindowSpec.month.calendarWindow(at("2024-02-10T12:00:00Z")))
        #expect(month.id == "2024-02")
        #expect(Timestamp.format(month.end) == "2024-03-01T00:00:00Z")
        #expect(WindowSpec.day.calendarWindow(at("2026-03-02T23:59:59+00:00"))?.id == "2026-03-02")
        let rows = LogWindow.cut(times: [5, 1, 3, 2, 4], spec: .rows(2))
        #expect(rows.map(\.rows) == [[1, 3], [2, 4], [0]])
    }
}

@Suite struct MonitorDriftTests {
    struct Golden: Decodable {
        struct Case: Decodable {
            var name: String
            var kind: String
            var a: [Double]?
            var b: [Double]?
            var table: [[Int]]?
            var ks_statistic: Double?
            var ks_p_kstwobign: Double?
            var chi2: Double?
            var p: Double?
            var psi: Double
            var js_distance: Double
            var actual_bins: [Int]?
            var expected_bins: [Int]?
        }
        var cases: [Case]
    }

    @Test func driftStatisticsMatchScipy() throws {
        let golden = try Fixtures.json(Golden.self, "monitor/drift_golden.json")
        #expect(golden.cases.count == 8)
        for c in golden.cases {
            if c.kind == "numeric", let a = c.a?.sorted(), let b = c.b?.sorted() {
                let ks = try #require(DriftTests.kolmogorovSmirnov(sortedA: a, sortedB: b))
                #expect(abs((ks.statistic ?? .nan) - (c.ks_statistic ?? 0)) < 1e-12, "\(c.name)")
                let p = try #require(c.ks_p_kstwobign)
                #expect(abs(ks.pValue - p) <= 1e-9 * max(1, p) + 1e-14, "\(c.name): \(ks.pValue) vs \(p)")
                let edges = DriftTests.quantileEdges(sortedReference: b)
                let actual = DriftTests.binCounts(sorted: a, edges: edges),
                    expected = DriftTests.binCounts(sorted: b, edges: edges)
                #expect(actual == c.actual_bins && expected == c.expected_bins, "\(c.name)")
                #expect(
                    abs((DriftTests.populationStabilityIndex(expected: expected, actual: actual) ?? .nan) - c.psi)
                        < 1e-12, "\(c.name)")
                #expect(
                    abs((DriftTests.jensenShannonDistance(actual, expected) ?? .nan) - c.js_distance) < 1e-12,
                    "\(c.name)")
            } else if let table = c.table {
                let chi = try #require(DriftTests.chiSquareHomogeneity(table))
                #expect(abs((chi.statistic ?? .nan) - (c.chi2 ?? 0)) < 1e-9, "\(c.name)")
                let p = try #require(c.p)
                #expect(abs(chi.pValue - p) <= 1e-9 * max(p, 1e-300) + 1e-15, "\(c.name): \(chi.pValue) vs \(p)")
                if table.count == 2 {
                    #expect(
                        abs((DriftTests.populationStabilityIndex(expected: table[1], actual: table[0]) ?? .nan) - c.psi)
                            < 1e-12, "\(c.name)")
                    #expect(
                        abs((DriftTests.jensenShannonDistance(table[0], table[1]) ?? .nan) - c.js_distance) < 1e-12,
                        "\(c.name)")
                }
            }
        }
    }
}

@Suite struct MonitorStageTests {
    @Test func unlabelledWindowsKeepLabelFreeMetricsAndNullTheRestWithAReason() throws {
        let box = try MonitorHarness(yaml: dailyConfig)
        try box.run(log: try box.writeLog(smallLog(days: 5, unlabelledFrom: 4)))
        let report = try box.json(MonitorReport.self, MonitorStage.reportFile)
        #expect(report.windows.map(\.id) == ["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09"])
        let last = try #require(report.windows.last)
        #expect(last.labelledRows == 0 && last.rows == 80)
        let group = try #require(last.metrics.attribute("group"))
        #expect(group.groups[0].metrics["selection_rate"]?.value != nil)
        #expect(group.groups[0].metrics["selection_rate"]?.ci != nil)
        #expect(group.disparities["demographic_parity_difference"]?.value != nil)
        let tpr = try #require(group.groups[0].metrics["true_positive_rate"])
        #expect(tpr.value == nil && tpr.reason?.contains("no labelled rows") == true)
        #expect(group.disparities["equalized_odds_difference"]?.value == nil)
        // A labelled window has everything, intervals and n included.
        let first = try #require(report.windows.first?.metrics.attribute("group"))
        #expect(first.disparities["equalized_odds_difference"]?.ci != nil)
        #expect(first.groups.map(\.n).reduce(0, +) == 80)
        #expect(
            box.writtenFiles == [
                "alerts.json", "fairpipe.prom", "junit.xml", "manifest.json", "monitor.json", "summary.md",
            ])
    }

    @Test func partlyLabelledWindowMeasuresLabelsOnTheLabelledRowsOnly() throws {
        let log = PredictionLog(
            times: [0, 1, 2, 3, 4, 5, 6, 7],
            attributes: [SensitiveColumn(name: "g", groups: ["A", "B"], codes: [0, 0, 0, 0, 1, 1, 1, 1])],
            labels: [1, 0, 1, 0, 1, 0, 0, 0], labelled: [true, true, false, false, true, true, false, false],
            scores: nil,
            decisions: [1, 0, 1, 1, 1, 0, 0, 0], features: [])
        var config = FairnessConfig()
        config.bootstrap.samples = 0
        let report = try WindowMetrics.measure(log, rows: Array(0..<8), config: config, seed: 1)
        let g = try #require(report.attribute("g"))
        #expect(report.n == 8)
        #expect(g.groups.map(\.n) == [4, 4])
        #expect(g.groups[0].metrics["selection_rate"]?.value == 0.75)  // all rows
        #expect(g.groups[0].metrics["true_positive_rate"]?.value == 1.0)  // labelled rows 0, 1
        #expect(g.groups[0].positives == 1 && g.groups[0].negatives == 1)
    }

    @Test func demoLogFlagsTheChangeInItsWindowAndNothingBefore() throws {
        // 500 rows a day (the demo writes 2,000): the drift's first row moves with it.
        let box = try MonitorHarness(overrides: [
            "fairness.bootstrap.samples=100", "data.synthetic.drift.from_row=30000",
        ])
        let path = box.folder.appendingPathComponent("log.csv").path
        var plan = MonitorDemo.Plan()
        plan.rowsPerDay = 500
        try MonitorDemo.writeLog(
            box.config.data.synthetic, plan: plan, threshold: box.config.model.threshold,
            seed: box.config.experiment.seed, to: path)
        try box.run(log: path)
        let alerts = try box.json(AlertsFile.self, MonitorStage.alertsFile).alerts
        let report = try box.json(MonitorReport.self, MonitorStage.reportFile)
        let ids = report.windows.map(\.id)
        // The drift starts on day 60 = 2026-03-02, the Monday of 2026-W10.
        let change = try #require(ids.firstIndex(of: "2026-W10"))
        #expect(!alerts.isEmpty)
        for alert in alerts {
            #expect((ids.firstIndex(of: alert.window) ?? 0) >= change, "alert before the change: \(alert.message)")
        }
        #expect(alerts.contains { $0.window == "2026-W10" && $0.rule == "drift" && $0.metric == "drift:group" })
        #expect(alerts.contains { $0.window == "2026-W10" && $0.metric == "equalized_odds_difference" })
        for alert in alerts { #expect(!alert.remediation.isEmpty && alert.bound != nil) }
    }

    @Test func sameInputsGiveSameBytes() throws {
        let box = try MonitorHarness(yaml: dailyConfig)
        let log = try box.writeLog(smallLog(days: 4))
        try box.run(log: log)
        let first = try StageProcess.snapshot(box.out)
        try box.run(log: log)
        #expect(try StageProcess.snapshot(box.out) == first)
    }

    @Test func appendingADayRecomputesOnlyItsWindowAndGivesTheBytesOfAFullRun() throws {
        let incremental = try MonitorHarness(yaml: dailyConfig)
        let cache = incremental.folder.appendingPathComponent("cache").path
        try incremental.run(log: try incremental.writeLog(smallLog(days: 4)), cache: cache)
        let entries = {
            (try? FileManager.default.contentsOfDirectory(atPath: cache))?.filter { $0.hasSuffix(".json") }.sorted()
                ?? []
        }
        let before = entries()
        #expect(before.count == 4)
        // The same log with a fifth day appended (smallLog draws rows in order).
        try incremental.run(log: try incremental.writeLog(smallLog(days: 5)), cache: cache)
        let after = entries()
        #expect(after.count == 5 && Set(before).isSubset(of: Set(after)))
        let full = try MonitorHarness(yaml: dailyConfig)
        try full.run(log: try full.writeLog(smallLog(days: 5)))
        for name in ["monitor.json", "alerts.json", "junit.xml", "summary.md", "fairpipe.prom"] {
            let a = try Data(contentsOf: incremental.out.appendingPathComponent(name)),
                b = try Data(contentsOf: full.out.appendingPathComponent(name))
            #expect(a == b, "\(name) differs between the incremental and the full run")
        }
    }

    @Test func prometheusExpositionHasTheLatestWindowsGauges() throws {
        let box = try MonitorHarness(yaml: dailyConfig)
        try box.run(log: try box.writeLog(smallLog(days: 4)))
        let text = try String(contentsOf: box.out.appendingPathComponent("fairpipe.prom"), encoding: .utf8)
        #expect(text.contains("# TYPE fairpipe_group_metric gauge\n"))
        #expect(text.contains("fairpipe_group_metric{metric=\"selection_rate\",attribute=\"group\",group=\"A\"} "))
        #expect(text.contains("fairpipe_disparity{metric=\"demographic_parity_difference\",attribute=\"group\"} "))
        #expect(text.contains("fairpipe_drift_psi{feature=\"score\"} "))
        #expect(text.contains("fairpipe_alerts{severity=\"critical\"} "))
        #expect(text.contains("fairpipe_window_end_timestamp_seconds 1767916800\n"))  // 2026-01-09T00:00:00Z
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.split(separator: " ").count == 2 || line.contains("\" "), "\(line)")
        }
    }
}

@Suite struct MonitorPageTests {
    @Test func overTimePageHasSeriesWithBandsAlertMarkersHeatmapAndWeekTable() throws {
        let box = try MonitorHarness(
            yaml: dailyConfig + "\n  alerts: {gates: {demographic_parity_difference@group: {max: 0.01}}}\n")
        try box.run(log: try box.writeLog(smallLog(days: 5)))
        let report = try box.json(MonitorReport.self, MonitorStage.reportFile)
        let alerts = try box.json(AlertsFile.self, MonitorStage.alertsFile).alerts
        #expect(alerts.contains { $0.rule == "gate" && $0.severity == .critical })
        let html = MonitorOverTimePage.html(report, alerts: alerts, title: "t")
        for section in ["over-time", "drift", "week-over-week", "alerts"] {
            #expect(html.contains("<section id=\"\(section)\""))
        }
        #expect(html.contains("<path class=\"band\""))
        #expect(html.contains("class=\"mark point alert\""))
        #expect(html.contains("<rect class=\"mark cell\""))
        #expect(!html.contains("http://") && !html.contains("https://"))
    }
}

@Suite struct MonitorBadInputTests {
    fileprivate func failure(
        _ box: MonitorHarness, log: String, sensitive: [String] = ["group", "sex"], reference: String? = nil
    ) throws -> String {
        do {
            try box.run(log: log, sensitive: sensitive, reference: reference)
        } catch let error as FairPipeError {
            #expect(box.writtenFiles.isEmpty, "half-written: \(box.writtenFiles)")
            #expect(!error.description.contains("\n"))
            return error.description
        }
        Issue.record("no error")
        return ""
    }

    @Test func unparsableTimestampNamesItsLine() throws {
        let box = try MonitorHarness(yaml: dailyConfig)
        var lines = smallLog(days: 3).split(separator: "\n").map(String.init)
        lines[5] = "05/01/2026" + lines[5].drop { $0 != "," }
        let message = try failure(box, log: try box.writeLog(lines.joined(separator: "\n") + "\n"))
        #expect(
            message.hasSuffix("log.csv:6: column `ts` must be an RFC 3339 timestamp or YYYY-MM-DD, found `05/01/2026`"))
    }

    @Test func referenceRangeWithoutRowsIsAnError() throws {
        let box = try MonitorHarness(
            yaml: dailyConfig.replacingOccurrences(
                of: "{first_windows: 2}", with: "{from: \"2025-06-01\", to: \"2025-06-30\"}"))
        let message = try failure(box, log: try box.writeLog(smallLog(days: 3)))
        #expect(message.hasSuffix("no rows in monitor.reference 2025-06-01..2025-06-30"))
    }

    @Test func windowWithASingleGroupIsAnError() throws {
        let box = try MonitorHarness(yaml: dailyConfig)
        let message = try failure(box, log: try box.writeLog(smallLog(days: 4, onlyA: 2)))
        #expect(message.hasPrefix("window 2026-01-07: attribute `group` has a single group (`A`)"))
    }

    @Test func referenceTooShortForControlLimitsIsAnError() throws {
        let box = try MonitorHarness(yaml: dailyConfig + "\n  alerts: {control_limits: {enabled: true}}\n")
        let message = try failure(box, log: try box.writeLog(smallLog(days: 4)))
        #expect(
            message.hasPrefix("monitor.alerts.control_limits: the reference has 2 window(s), the rule needs at least 6")
        )
    }

    @Test func featureAbsentFromTheReferenceIsAnError() throws {
        let box = try MonitorHarness(yaml: dailyConfig)
        let evaluation = box.folder.appendingPathComponent("evaluation")
        try FileManager.default.createDirectory(at: evaluation, withIntermediateDirectories: true)
        // A reference evaluation: its predictions (no feature columns) and metrics.
        var predictions = "row_id,group,sex,label,score,decision\n"
        for i in 0..<40 {
            predictions += "\(i),\(i % 3 == 0 ? "B" : "A"),\(i % 2 == 0 ? "f" : "m"),\(i % 2),0.\(i % 9 + 1),\(i % 2)\n"
        }
        try predictions.write(
            to: evaluation.appendingPathComponent("predictions.csv"), atomically: true, encoding: .utf8)
        let set = try Predictions.read(
            Data(predictions.utf8), path: "p", columns: PredictionColumns(sensitive: ["group", "sex"]))
        let metrics = try evaluateFairness(set.predictionSet(), config: FairnessConfig(), seed: 1)
        try metrics.jsonData().write(to: evaluation.appendingPathComponent("metrics.json"))
        let message = try failure(box, log: try box.writeLog(smallLog(days: 3)), reference: evaluation.path)
        #expect(message.contains("feature `x` of the log is absent from the reference"))
    }
}
