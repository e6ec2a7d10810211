/// Least-significant-digit radix sort of doubles: O(n) in six passes of 11-bit digits
/// (passes where every key has the same digit are skipped). Several times faster than the
/// standard library's comparison sort on the columns gradient boosting bins.
///
/// NaN must be absent. `-0.0` is sorted as `+0.0` and written back as `+0.0`: the two compare
/// equal, so any consumer that only compares values sees no difference.
enum RadixSort {
    /// Below this many values the standard sort is as fast.
    static let minimumCount = 4_096

    static func sort(_ values: inout [Double]) {
        guard values.count >= minimumCount else {
            values.sort()
            return
        }
        var keys = values.map(key)
        var scratch = [UInt64](repeating: 0, count: keys.count)
        let digitBits: UInt64 = 11, radix = 1 << 11
        var counts = [Int](repeating: 0, count: radix)
        for pass in 0..<6 {
            let shift = UInt64(pass) * digitBits
            for i in counts.indices { counts[i] = 0 }
            for k in keys { counts[Int((k >> shift) & UInt64(radix - 1))] += 1 }
            if counts.contains(keys.count) { continue }  // every key has this digit
            var total = 0
            for i in counts.indices {
                let c = counts[i]
                counts[i] = total
                total += c
            }
            for k in keys {
                let d = Int((k >> shift) & UInt64(radix - 1))
                scratch[counts[d]] = k
                counts[d] += 1
            }
            swap(&keys, &scratch)
        }
        for i in keys.indices { values[i] = value(keys[i]) }
    }

    /// An unsigned key whose order is the order of the doubles.
    @inline(__always)
    static func key(_ v: Double) -> UInt64 {
        let bits = (v == 0 ? 0.0 : v).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    @inline(__always)
    static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }
}
