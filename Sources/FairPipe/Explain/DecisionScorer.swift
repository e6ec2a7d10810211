/// Scores a vector of decisions with the project's fairness engine: accuracy overall, accuracy
/// within each group of each attribute, and each target disparity of each attribute. Permutation
/// importance calls it once per permuted copy of the data.
struct DecisionScorer {
    let labels: [UInt8]
    let attributes: [SensitiveColumn]
    let targets: [String]
    let config: FairnessConfig
    /// The scores, in output order.
    let keys: [ScoreKey]

    private let accuracyIndex: Int
    private let targetIndices: [Int]

    /// `fairness` supplies min_group_size and exclude_small_groups (so the disparities are the
    /// ones metrics.json reports); intersections and the bootstrap are turned off.
    init(labels: [UInt8], attributes: [SensitiveColumn], targets: [String], fairness: FairnessConfig) {
        self.labels = labels
        self.attributes = attributes
        self.targets = targets
        var config = fairness
        config.intersectional = false
        config.bootstrap.samples = 0
        config.reference = [:]
        config.thresholds = [:]
        self.config = config
        var keys = [ScoreKey(metric: "accuracy")]
        for column in attributes {
            for group in column.groups {
                keys.append(ScoreKey(metric: "accuracy", attribute: column.name, group: group))
            }
        }
        for column in attributes {
            for target in targets { keys.append(ScoreKey(metric: target, attribute: column.name)) }
        }
        self.keys = keys
        accuracyIndex = FairnessEngine.metricIndex[.accuracy] ?? 0
        targetIndices = targets.map { Disparity.allKeys.firstIndex(of: $0) ?? 0 }
    }

    /// The scores of `decisions`, in ``keys`` order (NaN where undefined).
    func score(_ decisions: [UInt8]) throws -> [Double] {
        let set = PredictionSet(labels: labels, decisions: decisions, scores: nil, attributes: attributes)
        let engine = try FairnessEngine(set, config: config)
        let measures = engine.measure(engine.pointCounts, exactAUC: false)
        var out = [measures.overall[accuracyIndex]]
        for level in measures.levels {
            for group in level.groups { out.append(group[accuracyIndex]) }
        }
        for level in measures.levels {
            for k in targetIndices { out.append(level.disparities[k]) }
        }
        return out
    }
}

/// Permutation importance of raw features (scikit-learn's `permutation_importance` semantics:
/// importance = baseline score − score with the feature's values shuffled across rows; mean
/// and population standard deviation over the repeats).
enum PermutationImportance {
    /// Importances with the given permutations: `permutations[f][r]` is the row order used for
    /// feature f in repeat r (row i takes the feature's values from row `permutations[f][r][i]`).
    /// Every column of a feature's block moves together.
    static func compute(
        model: ExplainedModel, X: Matrix, blocks: FeatureBlocks, threshold: Double, scorer: DecisionScorer,
        permutations: [[[Int]]]
    ) throws -> PermutationImportanceReport {
        let baseline = try scorer.score(decide(try model.scores(X), threshold))
        var features: [FeatureImportance] = []
        for (f, block) in blocks.columns.enumerated() {
            let predicted = try model.scores(count: permutations[f].count) { r in
                let order = permutations[f][r]
                var permuted = X
                permuted.withUnsafeMutableBufferPointer { out in
                    X.withUnsafeBufferPointer { x in
                        for i in 0..<X.rows {
                            for c in block { out[i * X.cols + c] = x[order[i] * X.cols + c] }
                        }
                    }
                }
                return permuted
            }
            let repeats = try predicted.map { try scorer.score(decide($0, threshold)) }
            var scores: [ImportanceScore] = []
            for (k, key) in scorer.keys.enumerated() {
                let base = baseline[k]
                let drops: [Double?] = repeats.map { r in base.isFinite && r[k].isFinite ? base - r[k] : nil }
                let defined = drops.compactMap { $0 }
                let permutedValues = repeats.map { $0[k] }.filter(\.isFinite)
                var mean: Double?, std: Double?
                if defined.count == drops.count, !defined.isEmpty {
                    let m = defined.reduce(0, +) / Double(defined.count)
                    mean = m
                    std = (defined.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(defined.count)).squareRoot()
                }
                scores.append(
                    ImportanceScore(
                        key: key, baseline: base.isFinite ? base : nil,
                        permutedMean: permutedValues.count == repeats.count && !repeats.isEmpty
                            ? permutedValues.reduce(0, +) / Double(permutedValues.count) : nil,
                        mean: mean, std: std, importances: drops))
            }
            features.append(FeatureImportance(feature: blocks.features[f].name, scores: scores))
        }
        return PermutationImportanceReport(
            nRepeats: permutations.first?.count ?? 0,
            baseline: zip(scorer.keys, baseline).map { ScoreValue(key: $0, value: $1.isFinite ? $1 : nil) },
            features: features)
    }

    /// `repeats` seeded permutations of `rows` rows per feature, feature f on its own
    /// sub-stream, so adding a feature does not change another's permutations.
    static func permutations(features: [String], rows: Int, repeats: Int, seed: UInt64) -> [[[Int]]] {
        features.map { name in
            var generator = Xoshiro256StarStar(seed: seed, stream: "permutation/\(name)")
            return (0..<repeats).map { _ in
                var order = Array(0..<rows)
                order.seededShuffle(using: &generator)
                return order
            }
        }
    }

    static func decide(_ scores: [Double], _ threshold: Double) -> [UInt8] {
        scores.map { $0 >= threshold ? 1 : 0 }
    }
}
