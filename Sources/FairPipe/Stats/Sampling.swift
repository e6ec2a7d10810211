import Foundation

/// Exact samplers for the distributions the count bootstrap draws from, written on raw
/// ``Xoshiro256StarStar`` output so a seed gives the same draws on every platform.
///
/// "Exact" means the algorithms produce the target distribution in exact arithmetic (no
/// normal or Poisson approximation); the only error is floating-point rounding in the
/// probabilities (about 1e-16 relative).
public enum Sampling {
    /// A Gamma(shape, 1) deviate for shape ≥ 1 (Marsaglia & Tsang 2000, "A simple method for
    /// generating gamma variables", ACM TOMS 26(3)): exact rejection sampling.
    public static func gamma<G: RandomNumberGenerator>(shape: Double, using generator: inout G) -> Double {
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = generator.nextGaussian()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = generator.nextUnitDouble()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return d * v }
            if u > 0, log(u) < 0.5 * x2 + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A Beta(a, b) deviate for a, b ≥ 1, as G_a / (G_a + G_b).
    public static func beta<G: RandomNumberGenerator>(_ a: Double, _ b: Double, using generator: inout G) -> Double {
        let x = gamma(shape: a, using: &generator)
        let y = gamma(shape: b, using: &generator)
        return x / (x + y)
    }

    /// A Binomial(n, p) deviate, exactly.
    ///
    /// Small means (n·min(p, 1−p) < 16) use inversion of the CDF from 0. Larger ones use the
    /// order-statistic splitting of Knuth (TAOCP vol. 2, §3.4.1, exercise on the binomial
    /// distribution, after Ahrens & Dieter): the a-th smallest of n uniforms is
    /// Beta(a, n+1−a); given it, the uniforms below p form a smaller binomial. Choosing
    /// a ≈ n·p shrinks the mean from m to about √m per step, so a draw costs O(log log m)
    /// beta deviates plus O(16) inversion steps: O(1) in practice, for any n.
    public static func binomial<G: RandomNumberGenerator>(trials: Int, probability: Double, using generator: inout G) -> Int {
        var n = trials, p = probability
        var offset = 0, sign = 1
        while true {
            if n <= 0 || p <= 0 { return offset }
            if p >= 1 { return offset + sign * n }
            if p > 0.5 {
                // Binomial(n, p) = n − Binomial(n, 1 − p).
                offset += sign * n
                sign = -sign
                p = 1 - p
            }
            let mean = Double(n) * p
            if mean < 16 { return offset + sign * binomialInversion(n, p, using: &generator) }
            let a = Int(mean) + 1
            let b = n - a + 1
            let x = beta(Double(a), Double(b), using: &generator)
            if x >= p {
                n = a - 1
                p = p / x
            } else {
                offset += sign * a
                n = b - 1
                p = (p - x) / (1 - x)
            }
        }
    }

    /// Inversion from 0 for p ≤ 1/2 and a small mean; expected cost O(1 + n·p).
    private static func binomialInversion<G: RandomNumberGenerator>(_ n: Int, _ p: Double, using generator: inout G) -> Int {
        let u = generator.nextUnitDouble()
        let q = 1 - p
        var pk = exp(Double(n) * log1p(-p))
        var cdf = pk
        var k = 0
        let ratio = p / q
        while u >= cdf && k < n {
            pk *= Double(n - k) / Double(k + 1) * ratio
            k += 1
            cdf += pk
            if pk == 0 && cdf < u { break }  // rounding left the tail short: stop at the mode side
        }
        return k
    }

    /// A Multinomial(n; w / Σw) draw into `counts` (resized to `weights.count`), by sequential
    /// conditional binomials: cell i gets Binomial(n − drawn, w_i / Σ_{j ≥ i} w_j). Exact; cost
    /// O(cells) binomial draws. Cells of weight 0 always get 0.
    public static func multinomial<G: RandomNumberGenerator>(
        trials: Int, weights: [Int], into counts: inout [Int], using generator: inout G
    ) {
        if counts.count != weights.count { counts = [Int](repeating: 0, count: weights.count) }
        var remainingTrials = trials
        var remainingWeight = weights.reduce(0, +)
        for i in weights.indices {
            let w = weights[i]
            if remainingTrials == 0 || w == 0 || remainingWeight <= 0 {
                counts[i] = 0
            } else if w >= remainingWeight {
                counts[i] = remainingTrials
                remainingTrials = 0
            } else {
                let c = binomial(trials: remainingTrials, probability: Double(w) / Double(remainingWeight), using: &generator)
                counts[i] = c
                remainingTrials -= c
            }
            remainingWeight -= w
        }
    }
}
