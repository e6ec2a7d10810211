import Foundation

/// The alert rules of `monitor.alerts`, applied to the windows in time order.
enum AlertRules {
    static let rules = ["gate", "change", "control_limits", "drift"]
    /// One watched value of a window (``WindowMetrics/watched(_:metrics:)``).
    typealias WatchedValue = (series: WindowMetrics.Series, value: MetricValue, small: Bool)

    /// Alerts, and one JUnit check per (window, gate) and per (window, other enabled rule).
    static func evaluate(
        _ windows: [MonitorWindowReport], config: MonitorAlertsConfig
    ) -> (alerts: [MonitorAlert], checks: [GateResult]) {
        var alerts: [MonitorAlert] = []
        var checks: [GateResult] = []
        let limits = config.controlLimits.enabled ? controlLimits(windows, config: config) : [:]
        for (w, window) in windows.enumerated() {
            let gates = gateAlerts(window, config: config)
            alerts += gates.alerts
            checks += gates.checks
            let current = WindowMetrics.watched(window.metrics, metrics: config.metrics)
            var fired: [(rule: String, alerts: [MonitorAlert])] = []
            if config.change {
                fired.append(
                    (
                        "change",
                        w > 0 ? changeAlerts(window, previous: windows[w - 1], current: current, config: config) : []
                    ))
            }
            if config.controlLimits.enabled {
                fired.append(
                    (
                        "control_limits",
                        window.reference
                            ? [] : controlLimitAlerts(window, current: current, limits: limits, config: config)
                    ))
            }
            if config.drift.enabled {
                fired.append(("drift", window.reference ? [] : driftAlerts(window, config: config)))
            }
            for (rule, raised) in fired {
                alerts += raised
                let messages = raised.map(\.message)
                checks.append(
                    GateResult(
                        gate: "\(window.id): \(rule)", metric: rule, attribute: nil, group: nil, value: nil, ci: nil,
                        judged: nil,
                        max: nil, min: nil, judgeBy: .estimate, passed: messages.isEmpty,
                        message: messages.isEmpty
                            ? "\(rule): no alert in \(window.id)" : messages.joined(separator: "; ")))
            }
        }
        return (alerts, checks)
    }

    /// The absolute gates on one window: a check per gate (small groups and undefined
    /// values are not judged), an alert per failed gate.
    static func gateAlerts(
        _ window: MonitorWindowReport, config: MonitorAlertsConfig
    ) -> (alerts: [MonitorAlert], checks: [GateResult]) {
        var alerts: [MonitorAlert] = []
        var checks: [GateResult] = []
        let small = Set(window.smallGroups.map { $0.components(separatedBy: " (n = ").first ?? $0 })
        func isSmall(_ attribute: String?, _ group: String?) -> Bool {
            guard let attribute, let group else { return false }
            return small.contains("\(attribute)/\(group)")
        }
        for gate in evaluateGates(window.metrics, thresholds: config.gates) {
            var check = gate
            check.gate = "\(window.id): \(gate.gate)"
            guard gate.value != nil, !isSmall(gate.attribute, gate.group) else {
                check.passed = true
                check.message = "not judged: " + (gate.value == nil ? gate.message : "small group")
                checks.append(check)
                continue
            }
            checks.append(check)
            if gate.passed { continue }
            let bound = gate.max.flatMap { max in (gate.judged ?? -.infinity) > max ? max : nil } ?? gate.min
            alerts.append(
                MonitorAlert(
                    rule: "gate", window: window.id, metric: gate.metric, attribute: gate.attribute, group: gate.group,
                    value: gate.value,
                    bound: bound, severity: .critical, message: gate.message,
                    remediation: remediation(rule: "gate", metric: gate.metric, group: gate.group)))
        }
        return (alerts, checks)
    }

    /// Watched values that moved from the previous window beyond both intervals.
    static func changeAlerts(
        _ window: MonitorWindowReport, previous: MonitorWindowReport, current: [WatchedValue],
        config: MonitorAlertsConfig
    ) -> [MonitorAlert] {
        var alerts: [MonitorAlert] = []
        let before = Dictionary(
            WindowMetrics.watched(previous.metrics, metrics: config.metrics).map { ($0.series, $0) },
            uniquingKeysWith: { a, _ in a })
        for (series, value, isSmallNow) in current where !isSmallNow {
            guard let earlier = before[series], !earlier.small, let v = value.value, let ci = value.ci,
                let p = earlier.value.value, let pci = earlier.value.ci
            else { continue }
            guard ci[0] > pci[1] || ci[1] < pci[0] else { continue }
            let bound = v > p ? pci[1] : pci[0]
            alerts.append(
                MonitorAlert(
                    rule: "change", window: window.id, metric: series.metric, attribute: series.attribute,
                    group: series.group, value: v, bound: bound,
                    severity: .warning,
                    message:
                        "\(label(series)) moved from \(fmt(p)) [\(fmt(pci[0])), \(fmt(pci[1]))] in \(previous.id) to \(fmt(v)) [\(fmt(ci[0])), \(fmt(ci[1]))]: the intervals do not overlap",
                    remediation: remediation(rule: "change", metric: series.metric, group: series.group)))
        }
        return alerts
    }

    /// Watched values outside the reference windows' mean ± kσ.
    static func controlLimitAlerts(
        _ window: MonitorWindowReport, current: [WatchedValue], limits: [WindowMetrics.Series: (Double, Double)],
        config: MonitorAlertsConfig
    ) -> [MonitorAlert] {
        var alerts: [MonitorAlert] = []
        for (series, value, isSmallNow) in current where !isSmallNow {
            guard let v = value.value, let (mean, sd) = limits[series] else { continue }
            let k = config.controlLimits.sigma
            let lo = mean - k * sd, hi = mean + k * sd
            guard v < lo || v > hi else { continue }
            alerts.append(
                MonitorAlert(
                    rule: "control_limits", window: window.id, metric: series.metric, attribute: series.attribute,
                    group: series.group, value: v,
                    bound: v > hi ? hi : lo, severity: .warning,
                    message:
                        "\(label(series)) = \(fmt(v)) outside the reference mean ± \(fmt(k))σ [\(fmt(lo)), \(fmt(hi))]",
                    remediation: remediation(rule: "control_limits", metric: series.metric, group: series.group)))
        }
        return alerts
    }

    /// Features (and group mixes) that drifted from the reference.
    static func driftAlerts(_ window: MonitorWindowReport, config: MonitorAlertsConfig) -> [MonitorAlert] {
        var alerts: [MonitorAlert] = []
        for t in window.drift where !t.smallGroup {
            let overPSI = (t.psi ?? 0) > config.drift.psi
            let significant = config.drift.alpha > 0 && (t.pAdjusted ?? 1) < config.drift.alpha
            guard overPSI || significant else { continue }
            let place = t.group.map { " within \(t.attribute ?? "")=\($0)" } ?? ""
            let stats = [
                t.psi.map { "PSI \(fmt($0))" }, t.test.map { "\($0) \(fmt(t.statistic ?? .nan))" },
                t.pAdjusted.map { "BH-adjusted p \(String(format: "%.3g", $0))" },
            ]
            .compactMap { $0 }.joined(separator: ", ")
            alerts.append(
                MonitorAlert(
                    rule: "drift", window: window.id, metric: "drift:\(t.feature)", attribute: t.attribute,
                    group: t.group,
                    value: overPSI ? t.psi : t.pAdjusted, bound: overPSI ? config.drift.psi : config.drift.alpha,
                    severity: .warning,
                    message:
                        "\(t.kind == "group_mix" ? "group mix of \(t.feature)" : t.feature)\(place) drifted from the reference: \(stats)",
                    remediation: remediation(rule: "drift", metric: t.feature, group: t.group, kind: t.kind)))
        }
        return alerts
    }

    /// Mean and sample standard deviation (n − 1) of each watched series over the reference windows.
    static func controlLimits(
        _ windows: [MonitorWindowReport], config: MonitorAlertsConfig
    ) -> [WindowMetrics.Series: (Double, Double)] {
        var values: [WindowMetrics.Series: [Double]] = [:]
        for window in windows where window.reference {
            for (series, value, small) in WindowMetrics.watched(window.metrics, metrics: config.metrics) where !small {
                if let v = value.value { values[series, default: []].append(v) }
            }
        }
        var out: [WindowMetrics.Series: (Double, Double)] = [:]
        for (series, v) in values where v.count >= 2 {
            let mean = v.reduce(0, +) / Double(v.count)
            let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)
            out[series] = (mean, variance.squareRoot())
        }
        return out
    }

    static func label(_ s: WindowMetrics.Series) -> String {
        "\(s.metric) [\(s.attribute)\(s.group.map { " / \($0)" } ?? "")]"
    }

    /// A first thing to do about an alert.
    static func remediation(rule: String, metric: String, group: String?, kind: String = "") -> String {
        let who = group.map { "group `\($0)`" } ?? "the groups"
        switch rule {
        case "gate":
            return
                "Confirm on recent labelled data (fairpipe evaluate on this window); if it holds, retrain or mitigate (e.g. mitigate with threshold_optimizer for \(metric)) and re-check the gate before the next release."
        case "change":
            return
                "Find what changed between the two windows for \(who): a deployment, an upstream data change or a population shift (see this window's drift tests)."
        case "control_limits":
            return
                "\(metric) left its reference band for \(who): check this window's drift tests and group mix; if the shift is legitimate, re-baseline the reference."
        default:
            switch kind {
            case "score":
                return
                    "The score distribution moved for \(who): check upstream features and recalibrate or retrain if the shift is confirmed."
            case "group_mix":
                return
                    "The population mix of `\(metric)` changed: re-check fairness on the new mix and reweigh or retrain if groups are under-represented in training."
            default:
                return
                    "Feature `\(metric)` moved away from the reference: check the data pipeline for it, then retrain if the population has genuinely shifted."
            }
        }
    }
}
