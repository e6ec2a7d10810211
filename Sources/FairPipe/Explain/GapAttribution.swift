import Foundation

/// Exact additive attribution of the gap between two groups' mean margin and mean score.
///
/// Given per-row margin attributions φ_ij over raw features with Σ_j φ_ij = mᵢ − base (linear
/// terms or TreeSHAP), the margin gap mean_A(m) − mean_B(m) = Σ_j [mean_A(φ_j) − mean_B(φ_j)]
/// exactly, the base cancelling. The score σ(m) is not additive; each row's score change
/// σ(mᵢ) − σ(base) is shared out in proportion to its margin terms (the "rescale" rule of
/// DeepLIFT: ψ_ij = φ_ij · (σ(mᵢ) − σ(base)) / (mᵢ − base), σ'(base) when mᵢ = base), so the
/// score gap is also an exact sum of per-feature terms.
enum GapAttribution {
    struct RowAttributions {
        /// rows × features, row-major: margin terms.
        var margin: [Double]
        /// rows × features, row-major: score terms.
        var score: [Double]
        var margins: [Double]
        var scores: [Double]
        var features: Int
    }

    /// Margin and score terms of every row from its raw-feature margin attributions
    /// (`rows × features` row-major).
    static func rows(values margin: [Double], margins: [Double], base: Double, features f: Int) -> RowAttributions {
        let n = margins.count
        var score = margin
        let sigmaBase = LogisticModel.sigmoid(base)
        var scores = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let s = LogisticModel.sigmoid(margins[i])
            scores[i] = s
            let delta = margins[i] - base
            let slope = delta == 0 ? sigmaBase * (1 - sigmaBase) : (s - sigmaBase) / delta
            for j in 0..<f { score[i * f + j] = margin[i * f + j] * slope }
        }
        return RowAttributions(margin: margin, score: score, margins: margins, scores: scores, features: f)
    }

    /// Per-feature gaps mean over `a` − mean over `b` of row-major `values` (rows × features).
    static func gaps(_ values: [Double], features f: Int, a: [Int], b: [Int]) -> [Double] {
        var out = [Double](repeating: 0, count: f)
        var sumA = out, sumB = out
        for i in a { for j in 0..<f { sumA[j] += values[i * f + j] } }
        for i in b { for j in 0..<f { sumB[j] += values[i * f + j] } }
        for j in 0..<f { out[j] = sumA[j] / Double(a.count) - sumB[j] / Double(b.count) }
        return out
    }

    /// The gap of one attribute between groups `higher` and `lower`, with percentile bootstrap
    /// intervals from `samples` resamples drawn within each group (its size fixed), resample b on
    /// stream `gap/<attribute>/<b>` of `seed`.
    static func gap(
        _ rows: RowAttributions, attribute: String, higher: (name: String, rows: [Int]),
        lower: (name: String, rows: [Int]),
        featureNames: [String], samples: Int, confidence: Double, seed: UInt64
    ) -> GroupGap {
        let f = rows.features
        let marginTerms = gaps(rows.margin, features: f, a: higher.rows, b: lower.rows)
        let scoreTerms = gaps(rows.score, features: f, a: higher.rows, b: lower.rows)
        let marginGap =
            PartialDependence.mean(rows.margins, rows: higher.rows)
            - PartialDependence.mean(rows.margins, rows: lower.rows)
        let scoreGap =
            PartialDependence.mean(rows.scores, rows: higher.rows)
            - PartialDependence.mean(rows.scores, rows: lower.rows)
        var marginReplicates = [[Double]](repeating: [], count: f)
        var scoreReplicates = marginReplicates
        if samples > 0 {
            for b in 0..<samples {
                var generator = Xoshiro256StarStar(seed: seed, stream: "gap/\(attribute)/\(b)")
                let a = higher.rows.map { _ in higher.rows[generator.nextIndex(below: higher.rows.count)] }
                let c = lower.rows.map { _ in lower.rows[generator.nextIndex(below: lower.rows.count)] }
                let m = gaps(rows.margin, features: f, a: a, b: c)
                let s = gaps(rows.score, features: f, a: a, b: c)
                for j in 0..<f {
                    marginReplicates[j].append(m[j])
                    scoreReplicates[j].append(s[j])
                }
            }
        }
        func interval(_ values: [Double]) -> [Double]? {
            Intervals.percentile(values, confidence: confidence).map { [$0.lower, $0.upper] }
        }
        var features = (0..<f).map { j in
            FeatureGap(
                feature: featureNames[j], margin: marginTerms[j],
                marginCI: samples > 0 ? interval(marginReplicates[j]) : nil,
                score: scoreTerms[j], scoreCI: samples > 0 ? interval(scoreReplicates[j]) : nil)
        }
        features.sort { abs($0.margin) != abs($1.margin) ? abs($0.margin) > abs($1.margin) : $0.feature < $1.feature }
        return GroupGap(
            attribute: attribute, higher: higher.name, lower: lower.name, nHigher: higher.rows.count,
            nLower: lower.rows.count,
            marginGap: marginGap, scoreGap: scoreGap, features: features)
    }
}
