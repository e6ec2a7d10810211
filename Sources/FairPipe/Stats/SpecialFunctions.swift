import Foundation

/// Special functions behind the distributions FairPipe needs (binomial, beta, chi-square,
/// normal). Written from the standard series and continued-fraction expansions
/// (Abramowitz & Stegun 6.5 and 26.5; Lentz's method for continued fractions), accurate to
/// a few ulps of the log, which is far below the 1e-9 the tests ask of p-values and bounds.
public enum SpecialFunctions {
    /// ln Γ(x) for x > 0 (the C library's `lgamma`).
    @inline(__always)
    public static func logGamma(_ x: Double) -> Double { lgamma(x) }

    /// ln C(n, k), the log binomial coefficient, for 0 ≤ k ≤ n.
    public static func logChoose(_ n: Int, _ k: Int) -> Double {
        logGamma(Double(n) + 1) - logGamma(Double(k) + 1) - logGamma(Double(n - k) + 1)
    }

    /// ln B(a, b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// The regularized incomplete beta function I_x(a, b) (the Beta(a, b) CDF at x),
    /// by its continued fraction (A&S 26.5.8), using I_x(a,b) = 1 − I_{1−x}(b,a) where
    /// that converges faster.
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = a * log(x) + b * log1p(-x) - logBeta(a, b)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(1 - x, a: b, b: a) / b
    }

    /// Continued fraction of the incomplete beta function, evaluated by Lentz's method.
    private static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// The p-quantile of Beta(a, b): the x with I_x(a, b) = p, by Newton's method on the CDF
    /// (derivative: the beta density) kept inside a shrinking bisection bracket, so it always
    /// converges; typically 4–8 CDF evaluations, at most a few hundred.
    public static func inverseRegularizedIncompleteBeta(_ p: Double, a: Double, b: Double) -> Double {
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        var lo = 0.0, hi = 1.0
        let logB = logBeta(a, b)
        // Start from the mean, a fine guess for the central quantiles Jeffreys intervals need.
        var x = a / (a + b)
        for _ in 0..<400 {
            let f = regularizedIncompleteBeta(x, a: a, b: b) - p
            if f < 0 { lo = x } else { hi = x }
            if f == 0 || hi - lo <= 4 * Double.ulpOfOne * x { break }
            let density = exp((a - 1) * log(x) + (b - 1) * log1p(-x) - logB)
            var next = x - f / density
            if !(next > lo && next < hi) || !density.isFinite || density == 0 { next = lo + (hi - lo) / 2 }
            if abs(next - x) <= 2 * Double.ulpOfOne * x { x = next; break }
            x = next
        }
        return x
    }

    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a), by its series
    /// (A&S 6.5.29) for x < a + 1 and its continued fraction otherwise.
    public static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        let logFront = a * log(x) - x - logGamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, ap = a
            for _ in 0..<100_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-17 { break }
            }
            return max(0, 1 - sum * exp(logFront))
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(logFront) * h
    }

    /// P(χ²_df ≥ x), the chi-square survival function.
    public static func chiSquareSurvival(_ x: Double, degreesOfFreedom df: Int) -> Double {
        regularizedUpperGamma(Double(df) / 2, x / 2)
    }

    /// Φ(z), the standard normal CDF.
    public static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// P(|Z| ≥ |z|) for a standard normal Z, computed as erfc(|z|/√2) so that small p-values
    /// keep their relative precision.
    public static func normalTwoSided(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }
}
