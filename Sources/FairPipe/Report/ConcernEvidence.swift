import Foundation

/// Size-aware evidence for the verdict's concerns, from the groups' confusion counts alone
/// (docs/report.md, "How concerns are ranked"). The bootstrap interval of a small cell can be
/// degenerate: a cell where the model selects nobody resamples to 0 selected every time, so its
/// percentile interval is [0, 0]. The Jeffreys interval of a proportion (Brown, Cai & DasGupta
/// 2001) keeps its width there (0 of 33 selected: 0–0.073 at 95%), so the report bounds every
/// rate-based finding with Jeffreys intervals as well, made simultaneous over the rates a
/// finding compares (Bonferroni), and judges by the more cautious of the two intervals.
enum ConcernEvidence {
    /// Rates whose between-group difference each `*_difference` stem measures (equalized odds:
    /// the worse of the true- and false-positive rate gaps).
    static let rates: [String: [GroupMetric]] = [
        "demographic_parity": [.selectionRate], "equal_opportunity": [.truePositiveRate],
        "equalized_odds": [.truePositiveRate, .falsePositiveRate], "false_positive_rate": [.falsePositiveRate],
        "false_negative_rate": [.falseNegativeRate], "predictive_parity": [.positivePredictiveValue],
        "accuracy": [.accuracy], "error_rate": [.errorRate],
    ]

    /// An interval for the disparate impact p_group / p_reference that holds, with probability
    /// at least `confidence`, for all `comparisons` groups of the attribute at once: each of the
    /// comparisons + 1 selection rates gets its Jeffreys interval at the Bonferroni level, and
    /// the ratio is bounded by [L_group / U_reference, U_group / L_reference]. Nil when the
    /// reference's lower bound is 0 (the ratio is then unbounded) or a group is empty.
    static func ratioInterval(
        group: ConfusionCounts, reference: ConfusionCounts, comparisons: Int, confidence: Double
    ) -> ReportInterval? {
        let level = Intervals.bonferroniLevel(confidence, count: comparisons + 1)
        guard let g = Intervals.jeffreys(successes: group.selected, trials: group.n, confidence: level),
            let r = Intervals.jeffreys(successes: reference.selected, trials: reference.n, confidence: level),
            r.lower > 0
        else { return nil }
        return ReportInterval(lower: g.lower / r.upper, upper: g.upper / r.lower)
    }

    /// A lower confidence bound (at `confidence`, simultaneous over every rate involved) on the
    /// largest gap between two groups' rates within any one family of rates: each defined rate
    /// (trials > 0) gets its Jeffreys interval at the Bonferroni level for all of them, and the
    /// gap within a family is at least (highest lower end − lowest upper end). 0 when, in every
    /// family, the intervals share a common value (equal rates fit the data); nil when no rate
    /// is defined.
    static func gapLowerBound(_ families: [[(successes: Int, trials: Int)]], confidence: Double) -> Double? {
        let defined = families.map { $0.filter { $0.trials > 0 } }
        let count = defined.reduce(0) { $0 + $1.count }
        guard count > 0 else { return nil }
        let level = Intervals.bonferroniLevel(confidence, count: count)
        var bound = 0.0
        for family in defined where family.count >= 2 {
            let intervals = family.compactMap {
                Intervals.jeffreys(successes: $0.successes, trials: $0.trials, confidence: level)
            }
            guard let highestLower = intervals.map(\.lower).max(), let lowestUpper = intervals.map(\.upper).min()
            else { continue }
            bound = max(bound, highestLower - lowestUpper)
        }
        return bound
    }

    /// `gapLowerBound` for the disparity `<stem>_difference` of `attribute`, over the groups the
    /// disparity kept; nil for disparities that are not gaps between proportions (AUC, ECE).
    static func gapLowerBound(
        stem: String, attribute: AttributeReport, disparity: DisparityValue, confidence: Double
    ) -> Double? {
        guard let metrics = rates[stem] else { return nil }
        let excluded = Set(disparity.excludedGroups.map(\.group))
        let groups = attribute.groups.filter { !excluded.contains($0.group) }
        let families = metrics.map { metric in groups.compactMap { metric.proportion($0.counts) } }
        return gapLowerBound(families, confidence: confidence)
    }

    /// `n = 33, 0 selected; Jeffreys 95% CI of its selection rate 0.000–0.073`.
    static func cellText(_ counts: ConfusionCounts, confidence: Double) -> String {
        var text = "n = \(counts.n), \(counts.selected) selected"
        if let j = Intervals.jeffreys(successes: counts.selected, trials: counts.n, confidence: confidence) {
            text +=
                "; Jeffreys \(ReportNumber.percentLabel(confidence)) CI of its selection rate \(ReportNumber.fixed(j.lower, 3))–\(ReportNumber.fixed(j.upper, 3))"
        }
        return text
    }
}
