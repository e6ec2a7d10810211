/// The four-fifths rule, two-sided as aequitas applies it: a group's selection rate over the
/// reference group's (disparate impact) is fair when `min ≤ DI ≤ max`, with `max = 1/min`
/// (0.8 and 1.25 by default, `fairness.four_fifths`). Both directions count: a reference
/// group selected at under four-fifths of another group's rate is a disparity too.
///
/// This is the one definition: evaluate writes its verdict per group into metrics.json
/// (`four_fifths_pass`) and the band it used (`four_fifths`); a `four_fifths: true` gate is
/// judged against the same band; the report, its verdict and the summaries read both from
/// metrics.json instead of judging again.
public struct FourFifthsRule: Codable, Equatable, Sendable {
    public var min: Double
    public var max: Double

    /// The band `[bound, 1/bound]`; `bound` in (0, 1].
    public init(bound: Double = 0.8) {
        min = bound
        max = 1 / bound
    }

    /// Whether `impact` lies in the band (ends included); nil when it is undefined.
    public func passes(_ impact: Double?) -> Bool? {
        guard let impact, impact.isFinite else { return nil }
        return impact >= min && impact <= max
    }
}
