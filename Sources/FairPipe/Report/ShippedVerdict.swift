/// The verdict on the model that ships: the mitigated model when a mitigated evaluation was
/// given, with the baseline's verdict beside it and what the mitigation changed (gates fixed,
/// gates made worse, the accuracy it cost) and one next step from the trade-off curve.
public struct ShippedVerdict: Sendable {
    /// One gate judged before and after mitigation.
    public struct GateChange: Sendable, Equatable {
        public enum Kind: String, Sendable {
            /// Failed before, passes after.
            case fixed
            /// Passed before, fails after.
            case broke
            /// Fails both times, further from its bound after.
            case worse
            /// Passes both times but moved towards its bound by more than 0.01.
            case eroded
        }
        public var kind: Kind
        public var before: GateResult
        public var after: GateResult
    }

    /// The verdict of the model that ships (the mitigated one when there is one).
    public var shipped: ReportVerdict
    /// The baseline's verdict; nil without a mitigated evaluation.
    public var baseline: ReportVerdict?
    /// The mitigation method, when one was applied.
    public var method: String?
    public var changes: [GateChange]
    public var accuracyBefore: Double?
    public var accuracyAfter: Double?

    public init(_ inputs: ReportInputs, config: ReportConfig) {
        let after = inputs.mitigation?.after
        shipped = ReportVerdict(metrics: after ?? inputs.metrics, config: config)
        guard let after, let before = inputs.baseline else {
            baseline = nil
            method = nil
            changes = []
            return
        }
        baseline = ReportVerdict(metrics: before, config: config)
        method = inputs.mitigation?.method
        accuracyBefore = before.overallValue("accuracy")
        accuracyAfter = after.overallValue("accuracy")
        changes = Self.changes(before: before.gates, after: after.gates)
    }

    /// How far inside its bounds a gate's value is (negative: outside); nil when unmeasured.
    static func slack(_ gate: GateResult) -> Double? {
        guard let value = gate.value else { return nil }
        var slack = Double.infinity
        if let max = gate.max { slack = Swift.min(slack, max - value) }
        if let min = gate.min { slack = Swift.min(slack, value - min) }
        return slack.isFinite ? slack : nil
    }

    static func changes(before: [GateResult], after: [GateResult]) -> [GateChange] {
        var earlier: [String: GateResult] = [:]
        for gate in before { earlier[gate.identity] = gate }
        return after.compactMap { gate in
            guard let old = earlier[gate.identity] else { return nil }
            switch (old.passed, gate.passed) {
            case (false, true): return GateChange(kind: .fixed, before: old, after: gate)
            case (true, false): return GateChange(kind: .broke, before: old, after: gate)
            default:
                guard let a = slack(old), let b = slack(gate), b < a - 0.01 else { return nil }
                return GateChange(kind: gate.passed ? .eroded : .worse, before: old, after: gate)
            }
        }
    }

    /// `accuracy 0.906 → 0.868 (cost 0.038)`; nil without both values.
    public var accuracyText: String? {
        guard let a = accuracyBefore, let b = accuracyAfter else { return nil }
        let delta = b - a
        let change = delta <= 0 ? "cost \(ReportNumber.fixed(-delta, 3))" : "gain \(ReportNumber.fixed(delta, 3))"
        return "accuracy \(ReportNumber.fixed(a, 3)) → \(ReportNumber.fixed(b, 3)) (\(change))"
    }

    /// One sentence per change, in the order fixed, broke, worse, eroded.
    public var changeSentences: [String] {
        let order: [GateChange.Kind] = [.fixed, .broke, .worse, .eroded]
        return order.flatMap { kind in
            changes.filter { $0.kind == kind }.map { change in
                let what = ReportVerdict.subject(change.after)
                let values =
                    "\(ReportNumber.significant(change.before.value)) → \(ReportNumber.significant(change.after.value)), required \(change.after.boundText(3))"
                switch kind {
                case .fixed: return "Mitigation fixed \(what): \(values)."
                case .broke: return "Mitigation broke \(what): \(values); it passed before."
                case .worse: return "Mitigation made \(what) worse: \(values)."
                case .eroded: return "\(what.capitalizedFirst) moved towards its bound: \(values) (still passes)."
                }
            }
        }
    }

    /// The headline for the shipped model: `FAIL — 1 of 2 gates failed (shipped model, after group thresholds)`.
    public var headline: String {
        guard baseline != nil else { return shipped.headline }
        let after = method.map { ", after \(MetricNames.words($0))" } ?? ", after mitigation"
        return "\(shipped.headline) (shipped model\(after))"
    }

    /// `Baseline (before mitigation): FAIL — 1 of 2 gates failed`.
    public var baselineLine: String? {
        baseline.map { "Baseline (before mitigation): \($0.headline)" }
    }
}

/// One next step, from the trade-off curve. When the curve records each point's gates (the
/// verdict's `fairness.thresholds`, on the attribute they name), the step is the setting that
/// fails the fewest gates, then misses them by least, then is the most accurate; it names the
/// gates the shipped model fails with their expected values there. Older curves without gates:
/// the most accurate strength whose target disparity meets every gate on it, else the fairest.
public func nextStep(_ inputs: ReportInputs) -> String? {
    guard let curve = inputs.mitigation?.tradeoff, !curve.points.isEmpty else { return nil }
    // The strength that ships: the mitigate stage's resolved `mitigation.<method>.<parameter>`.
    let knob = curve.parameter.map { "mitigation.\(curve.method).\($0)" }
    let configured = inputs.manifest(.mitigate)?.config.flattened().first { $0.0 == knob }.flatMap { Double($0.1) }
    let gates = (inputs.mitigation?.after ?? inputs.metrics)?.gates ?? []
    if let step = gatedNextStep(curve, shipped: gates, shippedStrength: configured) { return step }
    return disparityNextStep(inputs, curve: curve)
}

/// `tolerance = 0.05`, or `strength 0.05` for a curve without a named knob.
private func knobText(_ curve: TradeoffCurve, _ point: TradeoffCurve.Point) -> String {
    curve.parameter.map { "\($0) = \(ReportNumber.plain(point.strength))" }
        ?? "strength \(ReportNumber.plain(point.strength))"
}

/// The next step judged by the gates each point of the curve recorded; nil without them.
func gatedNextStep(_ curve: TradeoffCurve, shipped: [GateResult], shippedStrength: Double? = nil) -> String? {
    func miss(_ gates: [GateResult]) -> Double { gates.reduce(0) { $0 + max(-(ShippedVerdict.slack($1) ?? 0), 0) } }
    let gated = curve.points.compactMap { point in point.gates.flatMap { $0.isEmpty ? nil : (point, $0) } }
    guard
        let (point, gates) = gated.min(by: { a, b in
            let failedA = a.1.filter { !$0.passed }.count, failedB = b.1.filter { !$0.passed }.count
            if failedA != failedB { return failedA < failedB }
            if miss(a.1) != miss(b.1) { return miss(a.1) < miss(b.1) }
            let accuracyA = a.0.accuracy.value ?? 0, accuracyB = b.0.accuracy.value ?? 0
            return accuracyA != accuracyB ? accuracyA > accuracyB : a.0.strength < b.0.strength
        })
    else { return nil }
    let failing = Set(shipped.filter { !$0.passed }.map(\.identity))
    let named = gates.filter { !$0.passed || failing.contains($0.identity) }
    let effects = named.map { gate in
        let ci =
            gate.interval.map { " [\(ReportNumber.significant($0.lower)), \(ReportNumber.significant($0.upper))]" }
            ?? ""
        return
            "\(ReportVerdict.subject(gate)) \(ReportNumber.significant(gate.value))\(ci) (required \(gate.boundText(3)))"
    }
    let failed = gates.filter { !$0.passed }.count
    let method = MetricNames.words(curve.method)
    let accuracy = "accuracy \(ReportNumber.fixed(point.accuracy.value, 3))"
    let expected = effects.isEmpty ? accuracy : "\(effects.joined(separator: " and ")) at \(accuracy)"
    if failed == 0 {
        let all = gates.count == 1 ? "its gate" : "all \(gates.count) gates"
        return
            "Next: \(method) with \(knobText(curve, point)) (the most accurate setting on the trade-off curve that passes \(all)) is expected to give \(expected)."
    }
    if point.strength == shippedStrength {
        return
            "Next: no setting of \(method) on the trade-off curve passes every gate, and none comes closer than the one shipped, \(knobText(curve, point)): \(expected). Consider another method or fairness target."
    }
    return
        "Next: no setting of \(method) on the trade-off curve passes every gate; the closest, \(knobText(curve, point)), fails \(failed) of \(gates.count) and is expected to give \(expected). Consider another method or fairness target."
}

/// The next step of a curve without gates: judged on its target disparity alone.
func disparityNextStep(_ inputs: ReportInputs, curve: TradeoffCurve) -> String? {
    let gates =
        (inputs.mitigation?.after ?? inputs.metrics)?.gates.filter {
            $0.metric == curve.disparityMetric && $0.attribute == curve.attribute
        } ?? []
    func meets(_ value: Double) -> Bool {
        gates.allSatisfy { gate in (gate.max.map { value <= $0 } ?? true) && (gate.min.map { value >= $0 } ?? true) }
    }
    let measured = curve.points.filter { $0.disparity.value != nil && $0.accuracy.value != nil }
    guard !measured.isEmpty else { return nil }
    let passing = measured.filter { meets($0.disparity.value ?? .infinity) }
    let pick: TradeoffCurve.Point?
    if !gates.isEmpty, !passing.isEmpty {
        pick = passing.max { ($0.accuracy.value ?? 0, -$0.strength) < ($1.accuracy.value ?? 0, -$1.strength) }
    } else {
        pick = measured.min {
            MetricNames.unfairness(curve.disparityMetric, $0.disparity.value ?? 1)
                < MetricNames.unfairness(curve.disparityMetric, $1.disparity.value ?? 1)
        }
    }
    guard let point = pick else { return nil }
    let knob = knobText(curve, point)
    let metric = MetricNames.words(curve.disparityMetric)
    let ci =
        point.disparity.interval.map {
            " [\(ReportNumber.significant($0.lower)), \(ReportNumber.significant($0.upper))]"
        } ?? ""
    let why =
        !gates.isEmpty && !passing.isEmpty
        ? "the most accurate setting on the trade-off curve that meets the \(metric) gate"
        : "the fairest setting on the trade-off curve"
    return
        "Next: \(MetricNames.words(curve.method)) with \(knob) (\(why)) is expected to give \(metric) \(ReportNumber.significant(point.disparity.value))\(ci) at accuracy \(ReportNumber.fixed(point.accuracy.value, 3)) on \(curve.attribute)."
}
