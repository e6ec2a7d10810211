import Crypto
import Foundation

/// monitor: fairness over time on a production prediction log. Cuts the log into windows,
/// measures each with the fairness engine (intervals, n, small-group flags), tests drift
/// against a reference, applies the alert rules, and writes monitor.json, alerts.json,
/// junit.xml, summary.md and fairpipe.prom.
public enum MonitorStage {
    public static let reportFile = "monitor.json"
    public static let alertsFile = "alerts.json"

    public struct Options: Sendable {
        public var logPath: String
        public var columns: PredictionColumns
        /// `--time`; nil: `monitor.time`.
        public var time: String?
        /// `--reference DIR`: the pipeline's evaluation folder.
        public var referenceFolder: String?
        public var failOnAlert = false
        public var pushURL: String?
        public var job = "fairpipe"
        public var instance = "monitor"
        /// Per-window cache folder (nil: no cache). See ``WindowCache``.
        public var cacheFolder: String?

        public init(logPath: String, columns: PredictionColumns) {
            self.logPath = logPath
            self.columns = columns
        }
    }

    /// The reference every window is compared with.
    struct Reference {
        var description: String
        var windows: Set<Int>
        /// Log rows pooled as the reference (nil for an evaluation folder).
        var rows: [Int]?
        var drift: DriftReference
        /// The evaluation's metrics.json, when the reference is an evaluation folder.
        var evaluation: MetricsReport?
        /// SHA-256 of what the reference holds (its rows, or the evaluation's files).
        var contentHash: String
    }

    public static func run(
        _ config: PipelineConfig, options: Options, run: StageRun, log: ProgressLog
    ) throws -> ExitStatus {
        let monitor = config.monitor
        let spec = try WindowSpec(parsing: monitor.window)
        let timeColumn = options.time ?? monitor.time
        let predictionLog: PredictionLog
        if let folder = options.cacheFolder {
            predictionLog = try LogSnapshot.readLog(
                path: options.logPath, columns: options.columns, time: timeColumn, features: monitor.features,
                folder: folder, run: run, log: log)
        } else {
            predictionLog = try PredictionLog.read(
                try run.readInput(options.logPath), path: options.logPath, columns: options.columns, time: timeColumn,
                features: monitor.features)
        }
        let windows = LogWindow.cut(times: predictionLog.times, spec: spec)
        log.info(
            "read \(predictionLog.count) rows from \(options.logPath): \(windows.count) windows of \(monitor.window)")

        let reference = try resolveReference(
            monitor, log: predictionLog, windows: windows, folder: options.referenceFolder,
            path: options.logPath, columns: options.columns, run: run)
        try reference.drift.check(features: predictionLog.features.map(\.name))
        if monitor.alerts.controlLimits.enabled && reference.windows.count < monitor.alerts.controlLimits.minWindows {
            throw MonitorError.referenceTooShort(
                rule: "control_limits", windows: reference.windows.count,
                needed: monitor.alerts.controlLimits.minWindows)
        }

        var fairness = config.fairness
        fairness.thresholds = [:]
        // Small groups are shown and flagged but never drive a disparity (nor an alert).
        fairness.excludeSmallGroups = true
        let cache = try options.cacheFolder.map {
            try WindowCache(
                folder: $0, config: StageConfigSlice.slice(for: .monitor, of: config), reference: reference.contentHash)
        }
        let reports = try windowReports(
            predictionLog, windows: windows, reference: reference, fairness: fairness, cache: cache, run: run, log: log)

        let comparisons = try compare(
            predictionLog, reference: reference, fairness: fairness, metrics: monitor.alerts.metrics, run: run)
        let (alerts, checks) = AlertRules.evaluate(reports, config: monitor.alerts)
        var notes: [String] = []
        if options.referenceFolder == nil && monitor.reference.firstWindows == nil && monitor.reference.from == nil {
            notes.append("no monitor.reference given: the first \(reference.windows.count) windows are the reference")
        }
        let report = MonitorReport(
            log: RepositoryPaths.relative(options.logPath, to: run.root), window: monitor.window,
            reference: reference.description,
            referenceWindows: reference.windows.sorted().map { windows[$0].id }, windows: reports,
            comparisons: comparisons,
            alerts: alerts.count, notes: notes)
        try run.writeJSON(report, to: reportFile)
        try run.writeJSON(AlertsFile(alerts: alerts), to: alertsFile)
        try run.write(renderJUnit(gates: checks, suiteName: "fairpipe.monitor"), to: "junit.xml")
        try run.write(MonitorSummary.markdown(report, alerts: alerts), to: "summary.md")
        let exposition = PrometheusExposition.render(report, alerts: alerts)
        try run.write(exposition, to: PrometheusExposition.fileName)
        announce(alerts, windows: reports, log: log)

        if let url = options.pushURL {
            do {
                try PrometheusExposition.push(exposition, to: url, job: options.job, instance: options.instance)
                log.info(
                    "pushed \(PrometheusExposition.fileName) to \(url) (job \(options.job), instance \(options.instance))"
                )
            } catch let error as MonitorError {
                // The artefacts are complete: report the failure without abandoning them.
                ProgressLog.standardError("\(log.stage): error: \(error.description)")
                return error.exitStatus
            }
        }
        return options.failOnAlert && !alerts.isEmpty ? .gateFailed : .success
    }

    /// One report per window, in window order: from the cache when the window's rows are
    /// unchanged, else measured (and stored in the cache).
    static func windowReports(
        _ predictionLog: PredictionLog, windows: [LogWindow], reference: Reference, fairness: FairnessConfig,
        cache: WindowCache?, run: StageRun, log: ProgressLog
    ) throws -> [MonitorWindowReport] {
        var reports: [MonitorWindowReport] = []
        var recomputed = 0
        for (w, window) in windows.enumerated() {
            try checkSeveralGroups(predictionLog, window: window)
            let hash = contentHash(predictionLog, rows: window.rows)
            if var cached = cache?.load(window: window.id, contentHash: hash) {
                cached.reference = reference.windows.contains(w)
                reports.append(cached)
                continue
            }
            recomputed += 1
            let report = try measure(
                predictionLog, window: window, isReference: reference.windows.contains(w), contentHash: hash,
                reference: reference, fairness: fairness, run: run)
            reports.append(report)
            log.info("window \(window.id): \(window.rows.count) rows")
            try cache?.store(report)
        }
        log.info("\(recomputed) of \(windows.count) windows computed, \(windows.count - recomputed) from the cache")
        return reports
    }

    /// Throws when a window holds a single group of some attribute (no disparity exists).
    static func checkSeveralGroups(_ predictionLog: PredictionLog, window: LogWindow) throws {
        for a in predictionLog.attributes {
            var present = Set<Int32>()
            for r in window.rows { present.insert(a.codes[r]); if present.count > 1 { break } }
            if present.count < 2, let only = present.first {
                throw MonitorError.singleGroup(window: window.id, attribute: a.name, group: a.groups[Int(only)])
            }
        }
    }

    /// The metrics, small groups and drift of one window.
    static func measure(
        _ predictionLog: PredictionLog, window: LogWindow, isReference: Bool, contentHash hash: String,
        reference: Reference, fairness: FairnessConfig, run: StageRun
    ) throws -> MonitorWindowReport {
        let metrics = try WindowMetrics.measure(
            predictionLog, rows: window.rows, config: fairness, seed: run.seed(for: "bootstrap/\(window.id)"))
        var small: [String] = []
        for a in metrics.attributes where !a.name.contains("&") {
            for g in a.groups where g.n > 0 && g.warnings.contains("small_group") {
                small.append("\(a.name)/\(g.group) (n = \(g.n))")
            }
        }
        return MonitorWindowReport(
            id: window.id, start: Timestamp.format(window.start), end: Timestamp.format(window.end),
            rows: window.rows.count,
            labelledRows: window.rows.reduce(0) { $0 + (predictionLog.labelled[$1] ? 1 : 0) }, reference: isReference,
            smallGroups: small, contentHash: hash, metrics: metrics,
            drift: WindowDrift.tests(
                predictionLog, rows: window.rows, reference: reference.drift, minGroupSize: fairness.minGroupSize))
    }

    /// The last alerts on stderr, and a warning when the latest window has any.
    static func announce(_ alerts: [MonitorAlert], windows reports: [MonitorWindowReport], log: ProgressLog) {
        for alert in alerts.suffix(20) { log.info("[\(alert.severity.rawValue)] \(alert.window): \(alert.message)") }
        log.info("\(reports.count) windows, \(alerts.count) alerts")
        if let latest = reports.last {
            let now = alerts.filter { $0.window == latest.id }
            if !now.isEmpty {
                log.warning(
                    "\(now.count) alert(s) in the latest window \(latest.id) (\(now.filter { $0.severity == .critical }.count) critical); see \(reportFile) and \(alertsFile)"
                )
            }
        }
    }

    static func resolveReference(
        _ monitor: MonitorConfig, log: PredictionLog, windows: [LogWindow], folder: String?, path: String,
        columns: PredictionColumns, run: StageRun
    ) throws -> Reference {
        if let folder {
            let metricsPath = URL(fileURLWithPath: folder).appendingPathComponent(EvaluateStage.metricsFile).path
            let predictionsPath = URL(fileURLWithPath: folder).appendingPathComponent(EvaluateStage.predictionsFile)
                .path
            let evaluation: MetricsReport
            do {
                evaluation = try JSONDecoder().decode(MetricsReport.self, from: try run.readInput(metricsPath))
            } catch let error as FairPipeError {
                throw error
            } catch {
                throw FileError.malformed(path: metricsPath, reason: "not a metrics.json of this version: \(error)")
            }
            let predictions = try Predictions.read(
                try run.readInput(predictionsPath), path: predictionsPath,
                columns: PredictionColumns(sensitive: log.attributes.map(\.name)))
            let hash = sha256Hex(try run.readInput(metricsPath) + run.readInput(predictionsPath))
            return Reference(
                description: "evaluation \(RepositoryPaths.relative(folder, to: run.root))", windows: [], rows: nil,
                drift: DriftReference(name: folder, predictions: predictions), evaluation: evaluation, contentHash: hash
            )
        }
        let r = monitor.reference
        if let fromText = r.from, let toText = r.to, let from = Timestamp.parse(fromText),
            let to = Timestamp.rangeEnd(toText)
        {
            let rows = log.times.indices.filter { log.times[$0] >= from && log.times[$0] < to }
            let name = "monitor.reference \(fromText)..\(toText)"
            guard !rows.isEmpty else { throw MonitorError.noRows(path: path, range: name) }
            let inside = Set(windows.indices.filter { windows[$0].start >= from && windows[$0].end <= to })
            return Reference(
                description: name, windows: inside, rows: rows, drift: DriftReference(name: name, log: log, rows: rows),
                evaluation: nil,
                contentHash: contentHash(log, rows: rows))
        }
        let n = r.firstWindows ?? 4
        guard windows.count > n else { throw MonitorError.referenceCoversLog(windows: windows.count, reference: n) }
        let rows = windows.prefix(n).flatMap(\.rows).sorted()
        let name = "the first \(n) windows (\(windows[0].id)..\(windows[n - 1].id))"
        return Reference(
            description: name, windows: Set(0..<n), rows: rows, drift: DriftReference(name: name, log: log, rows: rows),
            evaluation: nil,
            contentHash: contentHash(log, rows: rows))
    }

    /// "last 7 days vs previous 7" and "last 30 days vs reference", on the watched metrics.
    static func compare(
        _ log: PredictionLog, reference: Reference, fairness: FairnessConfig, metrics: [String], run: StageRun
    ) throws -> [PeriodComparison] {
        guard let last = log.times.max() else { return [] }
        let lastDay = (last / 86_400).rounded(.down)
        func days(_ from: Double, _ to: Double) -> (rows: [Int], label: String) {
            let a = (lastDay + from) * 86_400, b = (lastDay + to) * 86_400
            let rows = log.times.indices.filter { log.times[$0] >= a && log.times[$0] < b }
            return (
                rows, "\(String(Timestamp.format(a).prefix(10)))..\(String(Timestamp.format(b - 86_400).prefix(10)))"
            )
        }
        func measure(_ rows: [Int], _ name: String) throws -> MetricsReport? {
            guard !rows.isEmpty else { return nil }
            return try WindowMetrics.measure(
                log, rows: rows, config: fairness, seed: run.seed(for: "bootstrap/\(name)"))
        }
        let last7 = days(-6, 1), previous7 = days(-13, -6), last30 = days(-29, 1)
        var out: [PeriodComparison] = []
        let current7 = try measure(last7.rows, "last7"), baseline7 = try measure(previous7.rows, "previous7")
        out.append(
            comparison(
                "last_7_days_vs_previous_7", current: current7, currentLabel: last7.label,
                currentRows: last7.rows.count,
                baseline: baseline7, baselineLabel: previous7.label, baselineRows: previous7.rows.count,
                metrics: metrics))
        let current30 = try measure(last30.rows, "last30")
        let baseline30 = try reference.evaluation ?? reference.rows.flatMap { try measure($0, "reference") }
        out.append(
            comparison(
                "last_30_days_vs_reference", current: current30, currentLabel: last30.label,
                currentRows: last30.rows.count,
                baseline: baseline30, baselineLabel: reference.description, baselineRows: baseline30?.n ?? 0,
                metrics: metrics))
        return out
    }

    static func comparison(
        _ name: String, current: MetricsReport?, currentLabel: String, currentRows: Int, baseline: MetricsReport?,
        baselineLabel: String,
        baselineRows: Int, metrics: [String]
    ) -> PeriodComparison {
        var result = PeriodComparison(
            name: name, current: currentLabel, baseline: baselineLabel, currentRows: currentRows,
            baselineRows: baselineRows, rows: [], reason: nil)
        guard let current, let baseline else {
            result.reason = current == nil ? "no rows in \(currentLabel)" : "no rows in \(baselineLabel)"
            return result
        }
        let before = Dictionary(
            WindowMetrics.watched(baseline, metrics: metrics).map { ($0.series, $0.value) },
            uniquingKeysWith: { a, _ in a })
        for (series, value, _) in WindowMetrics.watched(current, metrics: metrics) {
            let b = before[series]
            var beyond = false
            if let ci = value.ci, let pci = b?.ci { beyond = ci[0] > pci[1] || ci[1] < pci[0] }
            result.rows.append(
                ComparisonRow(
                    metric: series.metric, attribute: series.attribute, group: series.group,
                    current: PeriodValue(value: value.value, ci: value.ci, reason: value.reason),
                    baseline: PeriodValue(
                        value: b?.value, ci: b?.ci, reason: b == nil ? "not in the baseline" : b?.reason),
                    delta: value.value.flatMap { v in b?.value.map { v - $0 } }, beyondIntervals: beyond))
        }
        return result
    }

    /// SHA-256 of a window's rows (time, groups, label or missing, score, decision, features),
    /// in log order: equal hashes mean equal inputs to every measure of the window.
    static func contentHash(_ log: PredictionLog, rows: [Int]) -> String {
        var hasher = SHA256()
        let stride = 8 + 8 * log.attributes.count + 2 + (log.scores == nil ? 0 : 8) + 8 * log.features.count
        let block = 4_096
        var buffer = [UInt8](repeating: 0, count: stride * block)
        for first in Swift.stride(from: 0, to: rows.count, by: block) {
            let chunk = rows[first..<min(first + block, rows.count)]
            buffer.withUnsafeMutableBytes { raw in
                // Row-major bytes, filled one column at a time.
                var offset = 0
                func put(_ value: (Int) -> UInt64) {
                    for (k, r) in chunk.enumerated() {
                        raw.storeBytes(of: value(r).littleEndian, toByteOffset: k * stride + offset, as: UInt64.self)
                    }
                    offset += 8
                }
                func put(_ value: (Int) -> UInt8) {
                    for (k, r) in chunk.enumerated() { raw[k * stride + offset] = value(r) }
                    offset += 1
                }
                put { log.times[$0].bitPattern }
                for a in log.attributes { put { UInt64(bitPattern: Int64(a.codes[$0])) } }
                put { log.labelled[$0] ? log.labels[$0] : 2 }
                put { log.decisions[$0] }
                if let s = log.scores { put { s[$0].bitPattern } }
                for f in log.features {
                    switch f.values {
                    case .numeric(let v): put { v[$0].bitPattern }
                    case .categorical(let codes, _): put { UInt64(bitPattern: Int64(codes[$0])) }
                    }
                }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[0..<(chunk.count * stride)]))
            }
        }
        // Group and level names enter once, so recoding changes the hash too.
        for a in log.attributes { hasher.update(data: Data((a.name + "=" + a.groups.joined(separator: "\u{1}")).utf8)) }
        for f in log.features {
            if case .categorical(_, let levels) = f.values {
                hasher.update(data: Data((f.name + "=" + levels.joined(separator: "\u{1}")).utf8))
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
