import Testing

@testable import FairPipe

/// The kernels under gradient boosting's binning: the radix sort and the branch-free search.
@Suite struct BinningKernelTests {
    @Test func radixSortEqualsTheStandardSort() {
        var rng = Xoshiro256StarStar(seed: 11)
        for size in [0, 1, 5, 4_095, 4_096, 20_000] {
            var values = (0..<size).map { i -> Double in
                switch i % 5 {
                case 0: return rng.nextGaussian() * 1e6
                case 1: return Double(rng.nextIndex(below: 7))  // heavy ties
                case 2: return -Double(rng.nextIndex(below: 3))
                case 3: return rng.nextUnitDouble() < 0.5 ? .infinity : -.infinity
                default: return rng.nextGaussian() * 1e-300
                }
            }
            let expected = values.sorted()
            RadixSort.sort(&values)
            #expect(values == expected, "size \(size)")
        }
    }

    @Test func negativeZeroSortsAsZero() {
        var values = [Double](repeating: 1, count: 5_000) + [-0.0, 0.0, -1, -0.0]
        RadixSort.sort(&values)
        #expect(values.prefix(4) == [-1, 0, 0, 0])
        #expect(values[1].sign == .plus && values[3].sign == .plus)
    }

    @Test func branchFreeSearchCountsTheSmallerThresholds() {
        var rng = Xoshiro256StarStar(seed: 5)
        for count in 0..<40 {
            let thresholds = (0..<count).map { _ in Double(rng.nextIndex(below: 20)) }.sorted()
            thresholds.withUnsafeBufferPointer { t in
                for v in stride(from: -1.0, through: 21, by: 0.5) {
                    #expect(GradientBoostingBins.lowerBound(t, v) == thresholds.filter { $0 < v }.count)
                }
            }
        }
    }
}
