import Foundation

/// Confidence intervals.
public enum Intervals {
    /// The q-quantile (0 ≤ q ≤ 1) of sorted values by linear interpolation between order
    /// statistics (numpy's default `percentile` method, Hyndman & Fan type 7).
    public static func quantile(sorted values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let position = q * Double(values.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, values.count - 1)
        let fraction = position - Double(lower)
        return values[lower] + (values[upper] - values[lower]) * fraction
    }

    /// The percentile bootstrap interval (Efron & Tibshirani 1993, §13.3) of replicate values
    /// at `confidence`: the (1−c)/2 and (1+c)/2 quantiles. Non-finite replicates (the metric
    /// was undefined in that resample) are left out; nil when none is left.
    public static func percentile(_ replicates: [Double], confidence: Double) -> (lower: Double, upper: Double)? {
        let values = replicates.filter { $0.isFinite }.sorted()
        guard let lo = quantile(sorted: values, (1 - confidence) / 2),
            let hi = quantile(sorted: values, (1 + confidence) / 2)
        else { return nil }
        return (lo, hi)
    }

    /// The percentile interval re-centred on the estimate by the bootstrap median bias, for
    /// statistics whose bootstrap distribution is biased (a between-group max − min or min/max):
    /// with q_lo, q_hi the percentile ends and b = median(θ*) − θ̂,
    ///     [q_lo − b, q_hi − b], clipped to `domain`,
    /// i.e. the percentile interval of the bias-corrected replicates θ* − b. Because
    /// q_lo ≤ median ≤ q_hi, it always contains θ̂ (the ends are also held at θ̂ against
    /// rounding, and θ̂ lies in `domain`). The basic interval [2θ̂ − q_hi, 2θ̂ − q_lo] and BCa
    /// cannot promise that: when every replicate exceeds θ̂ the percentile interval, its
    /// reflection and every BCa end (a bootstrap quantile, with z₀ = Φ⁻¹(0) = −∞) all miss θ̂
    /// (docs/metrics.md, "Intervals"). Non-finite replicates are left out; nil when none is
    /// left or θ̂ is not finite.
    public static func medianBiasCorrected(
        _ replicates: [Double], estimate: Double, confidence: Double, domain: ClosedRange<Double>
    ) -> (lower: Double, upper: Double, bias: Double)? {
        let values = replicates.filter { $0.isFinite }.sorted()
        guard estimate.isFinite,
            let lo = quantile(sorted: values, (1 - confidence) / 2),
            let median = quantile(sorted: values, 0.5),
            let hi = quantile(sorted: values, (1 + confidence) / 2)
        else { return nil }
        let bias = median - estimate
        func clip(_ v: Double) -> Double { Swift.min(Swift.max(v, domain.lowerBound), domain.upperBound) }
        return (Swift.min(clip(lo - bias), estimate), Swift.max(clip(hi - bias), estimate), bias)
    }

    /// The Jeffreys interval for a binomial proportion x/n (Brown, Cai & DasGupta 2001, §4.1.2):
    /// the equal-tailed quantiles of Beta(x + ½, n − x + ½), with the lower bound set to 0
    /// when x = 0 and the upper to 1 when x = n. Nil when n = 0.
    public static func jeffreys(successes x: Int, trials n: Int, confidence: Double) -> (lower: Double, upper: Double)?
    {
        guard n > 0, x >= 0, x <= n else { return nil }
        let alpha = 1 - confidence
        let a = Double(x) + 0.5, b = Double(n - x) + 0.5
        let lo = x == 0 ? 0 : SpecialFunctions.inverseRegularizedIncompleteBeta(alpha / 2, a: a, b: b)
        let hi = x == n ? 1 : SpecialFunctions.inverseRegularizedIncompleteBeta(1 - alpha / 2, a: a, b: b)
        return (lo, hi)
    }
}

extension Intervals {
    /// The level at which each of `count` intervals must hold for all of them to hold together
    /// with probability at least `confidence` (Bonferroni): 1 − (1 − confidence) / count.
    public static func bonferroniLevel(_ confidence: Double, count: Int) -> Double {
        1 - (1 - confidence) / Double(max(count, 1))
    }
}
