/// The verdict: gate outcomes and the few concerns worth a reader's attention first.
public struct ReportVerdict: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Every gate passed and nothing else stands out.
        case pass
        /// Gates passed (or none were set) but a concern stands out.
        case warn
        /// A gate failed.
        case fail
        /// Nothing to judge: no metrics were given.
        case unknown
    }

    /// One plain-language finding. Lower `tier` comes first; within a tier, larger `severity`.
    public struct Concern: Sendable, Equatable {
        public var tier: Int
        public var severity: Double
        public var text: String
        /// The attribute it concerns, nil for overall findings.
        public var attribute: String? = nil
    }

    public var status: Status
    public var gates: [GateResult]
    public var concerns: [Concern]

    public var failedGates: [GateResult] { gates.filter { !$0.passed } }

    /// One line: `FAIL — 2 of 5 gates failed`.
    public var headline: String {
        switch status {
        case .unknown: return "No verdict — no metrics were given"
        case .fail: return "FAIL — \(failedGates.count) of \(gates.count) gate\(gates.count == 1 ? "" : "s") failed"
        case .warn:
            return gates.isEmpty
                ? "REVIEW — no gates configured; see concerns"
                : "REVIEW — all \(gates.count) gate\(gates.count == 1 ? "" : "s") passed, with concerns"
        case .pass:
            return gates.isEmpty
                ? "PASS — no gates configured and no concerns found"
                : "PASS — all \(gates.count) gate\(gates.count == 1 ? "" : "s") passed"
        }
    }

    /// Builds the verdict of `metrics` under `config`'s thresholds for concerns.
    public init(metrics: MetricsReport?, config: ReportConfig) {
        guard let metrics else {
            status = .unknown
            gates = []
            concerns = []
            return
        }
        gates = metrics.gates
        let all = ReportVerdict.findConcerns(metrics, config: config)
        concerns = ReportVerdict.top(all, count: config.topConcerns)
        if !metrics.passed {
            status = .fail
        } else if !all.isEmpty {
            status = .warn
        } else {
            status = .pass
        }
    }

    /// The `count` most important concerns: by tier, then severity, but first one per
    /// (tier, attribute), so three variants of the same finding do not crowd out the rest.
    /// "Too little data" notes (tier 3) come only after every measured concern.
    static func top(_ all: [Concern], count: Int) -> [Concern] {
        let sorted = all.sorted { ($0.tier, -$0.severity, $0.text) < ($1.tier, -$1.severity, $1.text) }
        var chosen = Set<Int>()
        var seen = Set<String>()
        for (index, concern) in sorted.enumerated() where chosen.count < count && concern.tier < 3 {
            if seen.insert("\(concern.tier)|\(concern.attribute ?? "")").inserted || concern.tier == 0 {
                chosen.insert(index)
            }
        }
        for index in sorted.indices where chosen.count < count { chosen.insert(index) }
        return sorted.indices.filter(chosen.contains).map { sorted[$0] }
    }

    /// `disparate impact for group / B`.
    static func subject(_ gate: GateResult) -> String {
        var subject = MetricNames.words(gate.metric)
        if let attribute = gate.attribute {
            subject += " for \(attribute)"
            if let group = gate.group { subject += " / \(group)" }
        }
        return subject
    }

    /// Whether the gate's interval reaches across one of its bounds (the estimate alone decides).
    static func spansBound(_ gate: GateResult) -> Bool {
        guard let ci = gate.interval else { return false }
        return [gate.min, gate.max].compactMap { $0 }.contains { ci.lower <= $0 && $0 <= ci.upper }
    }

    static func gateSentence(_ gate: GateResult, digits: Int, level: String) -> String {
        let ci =
            gate.interval.map {
                " (\(level) CI \(ReportNumber.significant($0.lower))–\(ReportNumber.significant($0.upper)))"
            } ?? ""
        let doubt = spansBound(gate) ? "; the interval spans the bound, so more data could change this" : ""
        return
            "Gate failed: \(subject(gate)) is \(ReportNumber.significant(gate.value)), required \(gate.boundText(digits))\(ci)\(doubt)."
    }

    static let phrases: [String: String] = [
        "demographic_parity": "Selection rates", "equalized_odds": "True- or false-positive rates",
        "equal_opportunity": "True-positive rates", "false_positive_rate": "False-positive rates",
        "false_negative_rate": "False-negative rates", "predictive_parity": "Precision (PPV)",
        "accuracy": "Accuracies", "error_rate": "Error rates",
    ]

    static func findConcerns(_ metrics: MetricsReport, config: ReportConfig) -> [Concern] {
        let digits = min(config.decimals, 3)
        var concerns: [Concern] = metrics.gates.filter { !$0.passed }.map { gate in
            let miss = gate.value.map { max((gate.min ?? $0) - $0, $0 - (gate.max ?? $0), 0) } ?? 0
            return Concern(
                tier: 0, severity: miss, text: gateSentence(gate, digits: digits, level: metrics.confidenceLabel),
                attribute: gate.attribute)
        }
        for attribute in metrics.attributes {
            concerns += fourFifthsConcerns(attribute, metrics: metrics)
            concerns += differenceConcerns(attribute, metrics: metrics, config: config)
            for group in attribute.groups where !group.warnings.isEmpty {
                let size = " has only \(group.n) rows"
                let text =
                    group.warnings.contains("small_group")
                    ? "\(attribute.name) group \(group.group)\(size); its metrics are uncertain (wide intervals)."
                    : "\(attribute.name) group \(group.group): \(group.warnings.sorted().map(MetricNames.words).joined(separator: ", "))."
                concerns.append(Concern(tier: 3, severity: -Double(group.n), text: text, attribute: attribute.name))
            }
        }
        return concerns
    }

    /// Four-fifths failures, judged on the more cautious of the bootstrap interval and the
    /// size-aware one (``ConcernEvidence/ratioInterval``): one that reaches into the band, or
    /// that involves a group below fairness.min_group_size, is "too little data to judge";
    /// the others rank by the end nearest parity.
    static func fourFifthsConcerns(_ attribute: AttributeReport, metrics: MetricsReport) -> [Concern] {
        let level = metrics.confidenceLabel
        let band = metrics.fourFifthsBand
        let bandText = "\(ReportNumber.fixed(band.min, 2))–\(ReportNumber.fixed(band.max, 2))"
        let reference = attribute.reference ?? "the reference group"
        // The verdict evaluate wrote (four_fifths_pass), never a second judgement here.
        let small = Set(attribute.groups.filter { $0.warnings.contains("small_group") }.map(\.group))
        func counts(_ name: String?) -> ConfusionCounts? { attribute.groups.first { $0.group == name }?.counts }
        var concerns: [Concern] = []
        for versus in attribute.vsReference where versus.fourFifthsPass == false {
            guard let impact = versus.disparateImpact, let value = impact.value else { continue }
            let cell = counts(versus.group)
            let (cautious, sizeAware) = impactIntervals(
                impact, group: cell, reference: counts(attribute.reference), attribute: attribute, metrics: metrics)
            let sized = sizeAware == nil ? "" : ", size-aware"
            var ci =
                cautious.map {
                    "; \(level) CI \(ReportNumber.fixed($0.lower, 2))–\(ReportNumber.fixed($0.upper, 2))\(sized)"
                } ?? ""
            if let cell { ci += "; \(ConcernEvidence.cellText(cell, confidence: metrics.bootstrap.confidence))" }
            // Too little data to judge: a small group (or reference), or an interval reaching into the band.
            let sizes = [versus.group, attribute.reference].compactMap { $0 }.filter(small.contains)
            if !sizes.isEmpty || cautious.map({ $0.upper >= band.min && $0.lower <= band.max }) == true {
                let why =
                    !sizes.isEmpty
                    ? "\(sizes.joined(separator: " and ")) below fairness.min_group_size"
                    : "the interval reaches into \(bandText)"
                let text =
                    "Too little data to judge the four-fifths rule for \(attribute.name) = \(versus.group): disparate impact \(ReportNumber.fixed(value, 2))\(ci); \(why)."
                concerns.append(Concern(tier: 3, severity: 0, text: text, attribute: attribute.name))
                continue
            }
            // Above 1 the reference group is the one selected less; say so in words.
            let inverse =
                value > 1 ? " — \(reference) is selected at \(ReportNumber.fixed(1 / value, 2))× their rate" : ""
            let text =
                "Selection rate of \(attribute.name) = \(versus.group) is \(ReportNumber.fixed(value, 2))× that of \(reference)\(inverse) (four-fifths rule fails: outside \(bandText)\(ci))."
            // Ranked by evidence: the interval end nearest parity, not the point estimate.
            let nearest = cautious.map { value < 1 ? $0.upper : $0.lower } ?? value
            concerns.append(
                Concern(
                    tier: 1, severity: MetricNames.unfairness("disparate_impact", nearest), text: text,
                    attribute: attribute.name))
        }
        if attribute.vsReference.isEmpty, let ratio = attribute.disparity("demographic_parity_ratio")?.value,
            band.passes(ratio) == false
        {
            concerns.append(
                Concern(
                    tier: 1, severity: 1 - ratio,
                    text:
                        "The lowest selection rate among \(attribute.name) groups is \(ReportNumber.fixed(ratio, 2))× the highest (four-fifths rule fails).",
                    attribute: attribute.name))
        }
        return concerns
    }

    /// The four-fifths evidence of one comparison. The bootstrap interval, except where it
    /// cannot be trusted: when the group or the reference has fewer than 5 people selected or
    /// fewer than 5 not selected (the usual n·p ≥ 5 rule; with none, every resample is the same),
    /// the union with the size-aware interval (``ConcernEvidence/ratioInterval``, simultaneous
    /// over the attribute's comparisons) is used.
    static func impactIntervals(
        _ impact: MetricValue, group: ConfusionCounts?, reference: ConfusionCounts?, attribute: AttributeReport,
        metrics: MetricsReport
    ) -> (cautious: ReportInterval?, sizeAware: ReportInterval?) {
        let few = [group, reference].contains { $0.map { min($0.selected, $0.n - $0.selected) < 5 } ?? false }
        guard few || impact.interval == nil else { return (impact.interval, nil) }
        let sizeAware = group.flatMap { g in
            reference.flatMap { r in
                ConcernEvidence.ratioInterval(
                    group: g, reference: r, comparisons: attribute.vsReference.count,
                    confidence: metrics.bootstrap.confidence)
            }
        }
        let cautious = [impact.interval, sizeAware].compactMap { $0 }.reduce(nil) { (sum: ReportInterval?, next) in
            sum.map { ReportInterval(lower: min($0.lower, next.lower), upper: max($0.upper, next.upper)) } ?? next
        }
        return (cautious, sizeAware)
    }

    /// Significant between-group differences, ranked by the smaller of the bootstrap interval's
    /// end nearest 0 and the size-aware bound (``ConcernEvidence/gapLowerBound``); one whose
    /// groups' simultaneous Jeffreys intervals share a common value is "too little data to judge".
    static func differenceConcerns(
        _ attribute: AttributeReport, metrics: MetricsReport, config: ReportConfig
    ) -> [Concern] {
        let digits = min(config.decimals, 3)
        let level = metrics.confidenceLabel
        var concerns: [Concern] = []
        for disparity in attribute.orderedDisparities where disparity.name.hasSuffix("_difference") {
            let measure = disparity.value
            guard let value = measure.value, abs(value) > 0 else { continue }
            let significant: Bool
            if let p = measure.bestPValue {
                significant = p < config.significance
            } else if let ci = measure.interval {
                significant = !ci.contains(0)
            } else {
                significant = false
            }
            guard significant else { continue }
            let stem = String(disparity.name.dropLast("_difference".count))
            let phrase = phrases[stem] ?? MetricNames.words(stem).capitalizedFirst
            var detail = ""
            if let ci = measure.interval {
                detail +=
                    ", \(level) CI \(ReportNumber.fixed(ci.lower, digits))–\(ReportNumber.fixed(ci.upper, digits))"
            }
            if let p = measure.bestPValue {
                detail += measure.pAdjusted != nil ? ", adjusted p \(pText(p))" : ", p \(pText(p))"
            }
            let gap = ConcernEvidence.gapLowerBound(
                stem: stem, attribute: attribute, disparity: measure, confidence: metrics.bootstrap.confidence)
            if gap == 0 {
                let text =
                    "Too little data to judge the \(MetricNames.words(disparity.name)) between \(attribute.name) groups: \(ReportNumber.fixed(value, digits))\(detail), but the groups' rates have simultaneous \(level) Jeffreys intervals with a value in common, so equal rates fit the data."
                concerns.append(Concern(tier: 3, severity: 0, text: text, attribute: attribute.name))
                continue
            }
            let text =
                "\(phrase) differ by up to \(ReportNumber.fixed(value, digits)) between \(attribute.name) groups (\(MetricNames.words(disparity.name))\(detail))."
            // Ranked by evidence: the interval end nearest 0 when there is one, and no more than
            // the size-aware bound.
            let bootstrap =
                measure.interval.map { $0.lower > 0 ? $0.lower : ($0.upper < 0 ? -$0.upper : 0) } ?? abs(value)
            concerns.append(
                Concern(tier: 2, severity: min(bootstrap, gap ?? bootstrap), text: text, attribute: attribute.name))
        }
        return concerns
    }

    static func pText(_ p: Double) -> String {
        let text = ReportNumber.pValue(p)
        return text.hasPrefix("<") ? text : "= \(text)"
    }
}

extension String {
    var capitalizedFirst: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }
}
