import Foundation

/// SplitMix64 (Steele, Lea & Flood, 2014): a 64-bit mixing generator.
///
/// Used to expand one seed into the state of ``Xoshiro256StarStar`` and to derive
/// independent per-stage streams from the master seed. Its output for a given seed
/// is fixed by its definition, unlike the standard library's generators.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman & Vigna, 2018), the pipeline's only random source.
///
/// Every random choice in FairPipe (splits, shuffles, bootstrap draws, synthetic data,
/// randomized classifiers) is written on the raw `UInt64` output of this generator, so a
/// seed gives the same stream on every platform and Swift version. Never use
/// `SystemRandomNumberGenerator`, `shuffled()` or `random(in:)` in pipeline code: their
/// algorithms are not part of Swift's stability promise.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Seeds the state with four outputs of SplitMix64, as the authors recommend.
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s0 = mixer.next(); s1 = mixer.next(); s2 = mixer.next(); s3 = mixer.next()
    }

    /// An independent stream for a named purpose (a stage, a bootstrap, a method),
    /// derived from the master seed by hashing the name (FNV-1a) into the seed.
    public init(seed: UInt64, stream: String) {
        self.init(seed: Xoshiro256StarStar.derive(seed: seed, stream: stream))
    }

    /// The seed of the stream `stream` under master seed `seed`.
    public static func derive(seed: UInt64, stream: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in stream.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        var mixer = SplitMix64(seed: seed ^ hash)
        return mixer.next()
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

extension RandomNumberGenerator {
    /// A uniform double in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0 ..< bound` by Lemire's nearly-divisionless method (unbiased).
    /// `bound` must be positive.
    @inline(__always)
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "nextIndex(below:) needs a positive bound")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A standard normal deviate (Marsaglia's polar method; consumes a variable number
    /// of draws, deterministically for a given stream).
    public mutating func nextGaussian() -> Double {
        while true {
            let u = 2 * nextUnitDouble() - 1
            let v = 2 * nextUnitDouble() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * log(s) / s).squareRoot()
            }
        }
    }
}

extension MutableCollection where Self: RandomAccessCollection, Index == Int {
    /// Fisher–Yates shuffle on raw generator output (stable across Swift versions).
    public mutating func seededShuffle<G: RandomNumberGenerator>(using generator: inout G) {
        guard count > 1 else { return }
        var i = endIndex - 1
        while i > startIndex {
            let j = startIndex + generator.nextIndex(below: i - startIndex + 1)
            swapAt(i, j)
            i -= 1
        }
    }
}
