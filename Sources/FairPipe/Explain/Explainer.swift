import Foundation

/// Everything `explain` computes, from in-memory inputs (the stage reads the files).
public struct Explainer {
    public var model: ExplainedModel
    public var encoding: FeatureEncoding
    /// The explained split: raw table (for grids in raw units), encoded matrix, labels, groups.
    public var table: Table
    public var X: Matrix
    public var labels: [UInt8]
    public var attributes: [SensitiveColumn]
    /// Rows the linear attributions are centred on (the training split).
    public var background: Matrix
    public var audit: AuditReport?
    public var config: ExplainConfig
    public var fairness: FairnessConfig
    public var threshold: Double
    public var split: String

    public init(
        model: ExplainedModel, encoding: FeatureEncoding, table: Table, X: Matrix, labels: [UInt8],
        attributes: [SensitiveColumn], background: Matrix, audit: AuditReport?, config: ExplainConfig,
        fairness: FairnessConfig, threshold: Double, split: String
    ) {
        self.model = model
        self.encoding = encoding
        self.table = table
        self.X = X
        self.labels = labels
        self.attributes = attributes
        self.background = background
        self.audit = audit
        self.config = config
        self.fairness = fairness
        self.threshold = threshold
        self.split = split
    }

    /// Seeds of the three random parts (sub-streams of the stage's stream).
    public struct Seeds: Sendable {
        public var permutation: UInt64
        public var ice: UInt64
        public var bootstrap: UInt64
        public init(permutation: UInt64, ice: UInt64, bootstrap: UInt64) {
            self.permutation = permutation
            self.ice = ice
            self.bootstrap = bootstrap
        }
    }

    public func explain(seeds: Seeds, progress: (String) -> Void = { _ in }) throws -> Explanations {
        let blocks = FeatureBlocks(encoding: encoding)
        guard blocks.width == X.cols else { throw ExplainError.columnMismatch(expected: blocks.width, found: X.cols) }
        guard X.rows >= 2 else { throw ExplainError.tooFewRows(rows: X.rows) }
        var notes: [String] = []

        // 1. Permutation importance on raw features.
        let scorer = DecisionScorer(labels: labels, attributes: attributes, targets: config.targets, fairness: fairness)
        let permutations = PermutationImportance.permutations(
            features: blocks.features.map(\.name), rows: X.rows, repeats: config.nRepeats, seed: seeds.permutation)
        let permutation = try PermutationImportance.compute(
            model: model, X: X, blocks: blocks, threshold: threshold, scorer: scorer, permutations: permutations)
        progress("permutation importance: \(blocks.features.count) features × \(config.nRepeats) repeats")

        // 2. Exact gap attributions.
        var attribution = GapAttributionReport(
            method: model.attributionMethod, note: "", baseMargin: nil, bootstrap: config.bootstrap,
            confidence: config.confidence, gaps: [])
        if let values = try model.attributions(X, background: background, blocks: blocks) {
            let rows = GapAttribution.rows(
                values: values.values, margins: values.margins, base: values.base, features: blocks.features.count)
            attribution.baseMargin = values.base
            attribution.note =
                model.attributionMethod == "linear"
                ? "margin terms β_j·(mean x_j in higher − mean x_j in lower), one-hot columns summed per feature; score terms share each row's score change out in proportion to its margin terms"
                : "group-mean differences of path-dependent TreeSHAP values (Lundberg et al. 2018), one-hot columns summed per feature; score terms share each row's score change out in proportion to its margin terms"
            for column in attributes {
                guard let pair = extremeGroups(column, scores: rows.scores) else {
                    notes.append("\(column.name): fewer than two groups with rows; no gap to attribute")
                    continue
                }
                attribution.gaps.append(
                    GapAttribution.gap(
                        rows, attribute: column.name, higher: pair.higher, lower: pair.lower,
                        featureNames: blocks.features.map(\.name), samples: config.bootstrap,
                        confidence: config.confidence,
                        seed: seeds.bootstrap))
            }
            progress("attributed the group gaps (\(model.attributionMethod ?? ""))")
        } else {
            attribution.note =
                "the \(model.typeName) model gives only predictions: no exact attribution (permutation importance and partial dependence use its predictions)"
            notes.append(attribution.note)
        }

        // 3. Partial dependence and ICE for the top features by disparity importance.
        let ranked = rankByDisparityImportance(permutation)
        var dependence: [FeatureDependence] = []
        let iceRows = sampleICERows(seed: seeds.ice)
        for name in ranked.prefix(config.topK) {
            guard let f = blocks.features.firstIndex(where: { $0.name == name }) else { continue }
            dependence.append(try partialDependence(feature: f, blocks: blocks, iceRows: iceRows))
        }
        progress("partial dependence for \(dependence.count) features")

        return Explanations(
            model: model.typeName, split: split, rows: X.rows, threshold: threshold, attributes: attributes.map(\.name),
            features: blocks.features, permutation: permutation, partialDependence: dependence,
            attribution: attribution,
            concerns: concerns(permutation: permutation, attribution: attribution, ranked: ranked, blocks: blocks),
            notes: notes)
    }

    /// Raw features by their largest disparity importance over every attribute and target
    /// (ties by name).
    func rankByDisparityImportance(_ report: PermutationImportanceReport) -> [String] {
        let best = report.features.map { feature -> (String, Double) in
            let values = feature.scores.filter { $0.key.isDisparity }.compactMap(\.mean)
            return (feature.feature, values.max() ?? -.infinity)
        }
        return best.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map(\.0)
    }

    /// The groups with the highest and lowest mean score among groups of at least
    /// min_group_size rows (all non-empty groups when fewer than two are that large).
    func extremeGroups(
        _ column: SensitiveColumn, scores: [Double]
    ) -> (higher: (name: String, rows: [Int]), lower: (name: String, rows: [Int]))? {
        var members = [[Int]](repeating: [], count: column.groups.count)
        for (i, code) in column.codes.enumerated() { members[Int(code)].append(i) }
        var eligible = members.indices.filter { members[$0].count >= fairness.minGroupSize }
        if eligible.count < 2 { eligible = members.indices.filter { !members[$0].isEmpty } }
        guard eligible.count >= 2 else { return nil }
        let means = eligible.map { (group: $0, mean: PartialDependence.mean(scores, rows: members[$0])) }
        // Ties broken by group order, so the choice is deterministic.
        guard let hi = means.max(by: { $0.mean != $1.mean ? $0.mean < $1.mean : $0.group > $1.group }),
            let lo = means.min(by: { $0.mean != $1.mean ? $0.mean < $1.mean : $0.group < $1.group })
        else { return nil }
        return ((column.groups[hi.group], members[hi.group]), (column.groups[lo.group], members[lo.group]))
    }

    /// Up to `ice_samples` rows per group of each attribute, drawn without replacement on
    /// stream `ice/<attribute>/<group>`, in row order.
    func sampleICERows(seed: UInt64) -> [[[Int]]] {
        attributes.map { column in
            var members = [[Int]](repeating: [], count: column.groups.count)
            for (i, code) in column.codes.enumerated() { members[Int(code)].append(i) }
            return members.enumerated().map { g, rows in
                var generator = Xoshiro256StarStar(seed: seed, stream: "ice/\(column.name)/\(column.groups[g])")
                var pool = rows
                pool.seededShuffle(using: &generator)
                return Array(pool.prefix(config.iceSamples)).sorted()
            }
        }
    }

    func partialDependence(feature f: Int, blocks: FeatureBlocks, iceRows: [[[Int]]]) throws -> FeatureDependence {
        let spec = blocks.encoding[f]
        let block = blocks.columns[f]
        var grid: [Double]?, categories: [String]?
        var settings: [[Double]]
        if spec.type == .numeric {
            guard case .numeric(let values)? = table[spec.name]?.values else {
                throw DataError.columnType(column: spec.name, expected: "numeric", found: "text")
            }
            let filled = values.map { $0.isNaN ? (spec.fill ?? $0) : $0 }.filter { !$0.isNaN }
            let points = PartialDependence.numericGrid(
                filled, resolution: config.gridResolution, percentiles: config.percentiles)
            grid = points
            let mean = spec.mean ?? 0, scale = spec.scale ?? 1
            settings = points.map { [($0 - mean) / scale] }
        } else {
            let levels = spec.levels ?? []
            categories = levels
            settings = levels.indices.map { k in block.indices.map { $0 == k ? 1.0 : 0.0 } }
        }
        let ice = try PartialDependence.ice(model: model, X: X, block: block, settings: settings)
        let all = Array(0..<X.rows)
        var groups: [GroupDependence] = []
        for (a, column) in attributes.enumerated() {
            var members = [[Int]](repeating: [], count: column.groups.count)
            for (i, code) in column.codes.enumerated() { members[Int(code)].append(i) }
            for (g, rows) in members.enumerated() where !rows.isEmpty {
                let sampled = iceRows[a][g]
                groups.append(
                    GroupDependence(
                        attribute: column.name, group: column.groups[g], n: rows.count,
                        average: ice.map { PartialDependence.mean($0, rows: rows) },
                        iceRows: sampled, ice: sampled.map { r in ice.map { $0[r] } }))
            }
        }
        return FeatureDependence(
            feature: spec.name, type: spec.type.rawValue, grid: grid, categories: categories,
            average: ice.map { PartialDependence.mean($0, rows: all) }, groups: groups)
    }

    /// Audit proxies that rank among the top features of their attribute's gap attribution (or,
    /// without attributions, of its disparity importance), with a concrete recommendation.
    func concerns(
        permutation: PermutationImportanceReport, attribution: GapAttributionReport, ranked: [String],
        blocks: FeatureBlocks
    ) -> [ProxyConcern] {
        guard let audit else { return [] }
        let top = max(config.topK, 1)
        var out: [ProxyConcern] = []
        for association in audit.associations where association.proxy {
            guard let f = blocks.features.firstIndex(where: { $0.name == association.feature }) else { continue }
            var rank: Int?, share: Double?
            if let gap = attribution.gaps.first(where: { $0.attribute == association.attribute }) {
                if let position = gap.features.firstIndex(where: { $0.feature == association.feature }) {
                    rank = position + 1
                    share = gap.marginGap != 0 ? gap.features[position].margin / gap.marginGap : nil
                }
            } else if attribution.method == nil {
                // Scores-only model: rank by the attribute's first target importance.
                let target = config.targets.first ?? ""
                let order = permutation.features.sorted { a, b in
                    let x = importance(a, metric: target, attribute: association.attribute) ?? -.infinity
                    let y = importance(b, metric: target, attribute: association.attribute) ?? -.infinity
                    return x != y ? x > y : a.feature < b.feature
                }
                rank = order.firstIndex { $0.feature == association.feature }.map { $0 + 1 }
            }
            guard let rank, rank <= top else { continue }
            let feature = permutation.features[f]
            let target = config.targets.first ?? "demographic_parity_difference"
            let disparity = feature.scores.first {
                $0.key == ScoreKey(metric: target, attribute: association.attribute)
            }
            let accuracy = feature.scores.first { $0.key == ScoreKey(metric: "accuracy") }
            let numeric = blocks.features[f].type == ColumnType.numeric.rawValue
            let methods = numeric ? ["disparate_impact_remover", "correlation_remover"] : ["correlation_remover"]
            var text =
                "`\(association.feature)` stands in for \(association.attribute) (\(association.measure) \(format(association.value)))"
            if let share {
                text += " and carries \(format(share * 100, digits: 0))% of the margin gap (rank \(rank))"
            } else {
                text += " and ranks \(rank) by disparity importance"
            }
            if let before = disparity?.baseline, let after = disparity?.permutedMean {
                text +=
                    "; permuting it moves \(target)@\(association.attribute) from \(format(before)) to \(format(after))"
                if let a0 = accuracy?.baseline, let a1 = accuracy?.permutedMean {
                    text += " and accuracy from \(format(a0)) to \(format(a1))"
                }
            }
            func setting(_ method: String) -> String {
                "mitigation.method=\(method) and mitigation.\(method).features=[\(association.feature)]"
            }
            text +=
                numeric
                ? ". Repair it with \(setting("disparate_impact_remover")) (rank-preserving repair of its distribution within each group) or with \(setting("correlation_remover")), or drop it from data.features."
                : ". Repair its one-hot columns with \(setting("correlation_remover")), or drop it from data.features."
            out.append(
                ProxyConcern(
                    feature: association.feature, attribute: association.attribute, association: association.measure,
                    associationValue: association.value, rank: rank, gapShare: share,
                    disparity: "\(target)@\(association.attribute)",
                    disparityBefore: disparity?.baseline, disparityPermuted: disparity?.permutedMean,
                    accuracyBefore: accuracy?.baseline, accuracyPermuted: accuracy?.permutedMean, methods: methods,
                    recommendation: text))
        }
        return out.sorted { ($0.rank, $0.attribute, $0.feature) < ($1.rank, $1.attribute, $1.feature) }
    }

    func importance(_ feature: FeatureImportance, metric: String, attribute: String) -> Double? {
        feature.scores.first { $0.key == ScoreKey(metric: metric, attribute: attribute) }?.mean
    }

    func format(_ value: Double, digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
}
