import Foundation

/// Exact samplers for the distributions the count bootstrap draws from, written on raw
/// ``Xoshiro256StarStar`` output so a seed gives the same draws on every platform.
///
/// "Exact" means the algorithms produce the target distribution in exact arithmetic (no
/// normal or Poisson approximation); the only error is floating-point rounding in the
/// probabilities (about 1e-16 relative).
public enum Sampling {
    /// A Binomial(n, p) deviate, exactly.
    ///
    /// Means n·min(p, 1−p) below 30 use inversion of the CDF from 0 (expected cost O(1 + mean)).
    /// Larger ones use BTPE (Kachitvichyanukul & Schmeiser 1988, "Binomial random variate
    /// generation", CACM 31(2)): rejection from a hat of a triangle, two parallelograms and two
    /// exponential tails, O(1) expected per draw. The acceptance test outside the triangle is the
    /// exact ratio f(y)/f(m) of the pmf at y and at the mode (by log-gamma), not the paper's
    /// Stirling squeeze, which changes speed slightly and exactness not at all.
    public static func binomial<G: RandomNumberGenerator>(
        trials: Int, probability: Double, using generator: inout G
    ) -> Int {
        let n = trials
        if n <= 0 || probability <= 0 { return 0 }
        if probability >= 1 { return n }
        let flip = probability > 0.5
        let p = flip ? 1 - probability : probability
        let y = Double(n) * p < 30 ? binomialInversion(n, p, using: &generator) : binomialBTPE(n, p, using: &generator)
        return flip ? n - y : y
    }

    /// BTPE for p ≤ 1/2 and n·p ≥ 30.
    private static func binomialBTPE<G: RandomNumberGenerator>(_ n: Int, _ p: Double, using generator: inout G) -> Int {
        let nd = Double(n)
        let q = 1 - p
        let npq = nd * p * q
        let fm = nd * p + p
        let m = floor(fm)
        let p1 = floor(2.195 * npq.squareRoot() - 4.6 * q) + 0.5
        let xm = m + 0.5
        let xl = xm - p1
        let xr = xm + p1
        let c = 0.134 + 20.5 / (15.3 + m)
        var a = (fm - xl) / (fm - xl * p)
        let lambdaL = a * (1 + 0.5 * a)
        a = (xr - fm) / (xr * q)
        let lambdaR = a * (1 + 0.5 * a)
        let p2 = p1 * (1 + 2 * c)
        let p3 = p2 + c / lambdaL
        let p4 = p3 + c / lambdaR
        // ln f(y) − ln f(m), the exact log pmf ratio; only needed outside the triangle.
        let logOdds = log(p / q)
        let lgammaAtMode = lgamma(m + 1) + lgamma(nd - m + 1)
        func logRatio(_ y: Double) -> Double {
            lgammaAtMode - lgamma(y + 1) - lgamma(nd - y + 1) + (y - m) * logOdds
        }
        while true {
            let u = generator.nextUnitDouble() * p4
            var v = generator.nextUnitDouble()
            var y: Double
            if u <= p1 {
                // Triangle: accepted outright.
                return Int(floor(xm - p1 * v + u))
            } else if u <= p2 {
                // Parallelograms.
                let x = xl + (u - p1) / c
                v = v * c + 1 - abs(m - x + 0.5) / p1
                if v > 1 || v <= 0 { continue }
                y = floor(x)
            } else if u <= p3 {
                // Left exponential tail.
                y = floor(xl + log(v) / lambdaL)
                if y < 0 { continue }
                v = v * (u - p2) * lambdaL
            } else {
                // Right exponential tail.
                y = floor(xr - log(v) / lambdaR)
                if y > nd { continue }
                v = v * (u - p3) * lambdaR
            }
            if v > 0 && log(v) <= logRatio(y) { return Int(y) }
        }
    }

    /// Inversion from 0 for p ≤ 1/2 and a small mean; expected cost O(1 + n·p).
    private static func binomialInversion<G: RandomNumberGenerator>(
        _ n: Int, _ p: Double, using generator: inout G
    ) -> Int {
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
                let c = binomial(
                    trials: remainingTrials, probability: Double(w) / Double(remainingWeight), using: &generator)
                counts[i] = c
                remainingTrials -= c
            }
            remainingWeight -= w
        }
    }
}
