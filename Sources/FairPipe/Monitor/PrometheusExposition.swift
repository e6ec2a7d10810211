import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// fairpipe.prom: the latest window as Prometheus gauges (text exposition format 0.0.4),
/// the same bytes that `--push` sends to a Pushgateway.
public enum PrometheusExposition {
    public static let fileName = "fairpipe.prom"

    /// Renders the latest window; families in a fixed order, samples sorted by labels.
    public static func render(_ report: MonitorReport, alerts: [MonitorAlert]) -> String {
        guard let latest = report.windows.last else { return "" }
        var out = ""
        func family(_ name: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            let lines = samples.map { s -> String in
                let labels = s.labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",")
                return "\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(number(s.value))"
            }
            for line in lines.sorted() { out += line + "\n" }
        }
        var groupSamples: [([(String, String)], Double)] = []
        var disparitySamples: [([(String, String)], Double)] = []
        for a in latest.metrics.attributes {
            for g in a.groups where g.n > 0 {
                for key in g.metrics.keys.sorted() {
                    if let v = g.metrics[key]?.value {
                        groupSamples.append(([("metric", key), ("attribute", a.name), ("group", g.group)], v))
                    }
                }
                groupSamples.append(([("metric", "n"), ("attribute", a.name), ("group", g.group)], Double(g.n)))
            }
            for key in a.disparities.keys.sorted() {
                if let v = a.disparities[key]?.value {
                    disparitySamples.append(([("metric", key), ("attribute", a.name)], v))
                }
            }
        }
        family("fairpipe_group_metric", "Per-group fairness metric of the latest monitor window.", groupSamples)
        family("fairpipe_disparity", "Between-group disparity of the latest monitor window.", disparitySamples)
        let overall = latest.drift.filter { $0.group == nil }
        family(
            "fairpipe_drift_psi", "Population stability index of the latest window against the reference.",
            overall.compactMap { t in t.psi.map { ([("feature", t.feature)], $0) } })
        family(
            "fairpipe_drift_p_adjusted", "Benjamini-Hochberg adjusted drift test p-value of the latest window.",
            overall.compactMap { t in t.pAdjusted.map { ([("feature", t.feature)], $0) } })
        let latestAlerts = alerts.filter { $0.window == latest.id }
        family(
            "fairpipe_alerts", "Alerts raised in the latest monitor window, by severity.",
            AlertSeverity.allCases.map { s in
                ([("severity", s.rawValue)], Double(latestAlerts.filter { $0.severity == s }.count))
            })
        family("fairpipe_window_rows", "Rows in the latest monitor window.", [([], Double(latest.rows))])
        let end = Timestamp.parse(latest.end) ?? .nan
        family(
            "fairpipe_window_end_timestamp_seconds", "End of the latest monitor window, seconds since 1970 UTC.",
            [([], end)])
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        return NumberFormat.string(v)
    }

    /// PUTs the exposition to a Pushgateway at `url` under `job` and `instance` (replacing
    /// that group's metrics). Throws ``MonitorError/pushFailed(url:reason:)``.
    public static func push(
        _ body: String, to url: String, job: String, instance: String, timeout: TimeInterval = 10
    ) throws {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        func segment(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        let target = "\(base)/metrics/job/\(segment(job))/instance/\(segment(instance))"
        guard let endpoint = URL(string: target), endpoint.scheme == "http" || endpoint.scheme == "https" else {
            throw MonitorError.pushFailed(url: url, reason: "not an http(s) URL")
        }
        var request = URLRequest(url: endpoint, timeoutInterval: timeout)
        request.httpMethod = "PUT"
        request.setValue("text/plain; version=0.0.4", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let result = PushResult()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error {
                result.set(error.localizedDescription)
            } else if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
                let text =
                    data.flatMap { String(data: $0, encoding: .utf8) }?.trimmingCharacters(in: .whitespacesAndNewlines)
                    ?? ""
                result.set(
                    "HTTP \(http.statusCode)\(text.isEmpty ? "" : ": \(text.split(separator: "\n").first ?? "")")")
            }
            done.signal()
        }.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            throw MonitorError.pushFailed(url: url, reason: "timed out after \(Int(timeout)) s")
        }
        if let failure = result.get() { throw MonitorError.pushFailed(url: url, reason: failure) }
    }
}

/// The push's outcome, written by URLSession's callback thread, read after it signals.
private final class PushResult: @unchecked Sendable {
    private var failure: String?
    private let lock = NSLock()
    func set(_ s: String) { lock.lock(); failure = s; lock.unlock() }
    func get() -> String? { lock.lock(); defer { lock.unlock() }; return failure }
}
