/// Randomized group-specific thresholds of Hardt, Price & Srebro (2016), "Equality of
/// Opportunity in Supervised Learning", as fairlearn's `ThresholdOptimizer` computes them.
///
/// Per group, every threshold between consecutive distinct scores gives a point
/// (x, y) — x the constrained rate (selection rate, TPR or FPR; FPR for equalized odds),
/// y the objective (accuracy or balanced accuracy; TPR for equalized odds). Mixing two
/// thresholds with probabilities p0, p1 reaches any point on the segment between them, so
/// each group's achievable set is the upper convex hull of its points (Andrew's monotone
/// chain). The hull is interpolated on the grid x ∈ {0, 1/G, …, 1}:
/// - simple constraints: every group takes the same x; the grid point maximising
///   Σ_g (n_g/n)·y_g(x) wins (the first one on ties, as `idxmax`);
/// - equalized odds: all groups must reach the same (FPR, TPR); at each FPR the highest common
///   TPR is min_g TPR_g(FPR); groups above it mix in the constant predictor
///   Bernoulli(FPR) with probability p_ignore = (y_g − y*) / (y_g − x*) (Hardt et al., §4).
///
/// Complexity: O(n log n) for the per-group sorts, O(G·grid) for the grid search; applying is
/// O(n). Decisions are randomized: positive with probability p, drawn from the caller's
/// seeded stream (one uniform per row whose probability is strictly between 0 and 1).
public struct ThresholdOptimizer: Postprocessor {
    /// `demographicParity`, `truePositiveRateParity` (= `equalOpportunity`),
    /// `falsePositiveRateParity` or `equalizedOdds`.
    public var constraint: FairnessTarget
    public var objective: ThresholdObjective
    /// Number of grid intervals on the rate axis (fairlearn's `grid_size`).
    public var gridSize: Int
    /// Also consider `score < t` rules (fairlearn's `flip`).
    public var flip: Bool

    public init(
        constraint: FairnessTarget = .demographicParity, objective: ThresholdObjective = .accuracyScore,
        gridSize: Int = 1000, flip: Bool = false
    ) {
        self.constraint = constraint
        self.objective = objective
        self.gridSize = gridSize
        self.flip = flip
    }

    static let name = "threshold_optimizer"

    /// One achievable (x, y) of a single threshold rule.
    struct Point {
        var x: Double
        var y: Double
        var operation: ThresholdOperation
        var order: Int
    }

    public func fit(
        scores: [Double], labels: [UInt8], groups: [Int32], groupNames: [String]
    ) throws -> ThresholdOptimizerModel {
        try MitigationInput.check(
            method: Self.name, scores: scores, labels: labels, groups: groups, groupCount: groupNames.count)
        guard gridSize >= 1 else {
            throw MitigationError.invalidParameter(
                method: Self.name, name: "grid_size", expected: "an integer ≥ 1", found: "\(gridSize)")
        }
        let (xMetric, yMetric) = try rates()
        let grid = linspace(0, 1, gridSize + 1)
        let byGroup = GroupedScores(scores: scores, labels: labels, groups: groups, groupCount: groupNames.count)
        var curves: [InterpolatedCurve] = []
        var present: [Int] = []
        for code in groupNames.indices {
            let rows = byGroup.sortedDescending(code)
            guard !rows.scores.isEmpty else { continue }
            let hull = try Self.convexHull(
                Self.tradeoffPoints(rows, group: groupNames[code], flip: flip, x: xMetric, y: yMetric))
            curves.append(InterpolatedCurve(hull: hull, grid: grid))
            present.append(code)
        }
        let fitted = FittedCurves(grid: grid, curves: curves, present: present, groupNames: groupNames)
        if constraint != .equalizedOdds {
            let weights = present.map { Double(byGroup.counts[$0]) / Double(scores.count) }
            return commonRate(fitted, weights: weights)
        }
        let positives = Double(labels.reduce(0) { $0 + Int($1) })
        return commonOperatingPoint(fitted, positives: positives, negatives: Double(scores.count) - positives)
    }

    /// The constrained rate (x) and the objective (y) of one threshold rule's confusion cells.
    private func rates() throws -> (x: (WeightedConfusion) -> Double, y: (WeightedConfusion) -> Double) {
        let xMetric: (WeightedConfusion) -> Double
        switch constraint {
        case .demographicParity: xMetric = { $0.selectionRate }
        case .truePositiveRateParity, .equalOpportunity: xMetric = { $0.truePositiveRate }
        case .falsePositiveRateParity, .equalizedOdds: xMetric = { $0.falsePositiveRate }
        case .errorRateParity:
            throw MitigationError.invalidParameter(
                method: Self.name, name: "target",
                expected:
                    "demographic_parity, equal_opportunity, true_positive_rate_parity, false_positive_rate_parity or equalized_odds",
                found: constraint.rawValue)
        }
        if constraint == .equalizedOdds { return (xMetric, { $0.truePositiveRate }) }
        switch objective {
        case .accuracyScore: return (xMetric, { $0.accuracy })
        case .balancedAccuracyScore: return (xMetric, { $0.balancedAccuracy })
        }
    }

    /// Each present group's interpolated hull on the shared grid.
    struct FittedCurves {
        var grid: [Double]
        /// One per present group, in `present` order.
        var curves: [InterpolatedCurve]
        /// The codes of the groups with rows.
        var present: [Int]
        var groupNames: [String]
    }

    /// Simple constraints: every group at the same x, the grid point maximising the groups'
    /// objective weighted by `weights` (n_g / n, in `present` order); the first on ties.
    private func commonRate(_ fitted: FittedCurves, weights: [Double]) -> ThresholdOptimizerModel {
        var best = 0
        var bestValue = -Double.infinity
        for i in fitted.grid.indices {
            var total = 0.0
            for k in fitted.present.indices { total += weights[k] * fitted.curves[k].y[i] }
            if total > bestValue { bestValue = total; best = i }
        }
        var groupsOut = [ThresholdOptimizerModel.Group?](repeating: nil, count: fitted.groupNames.count)
        for (k, code) in fitted.present.enumerated() {
            let curve = fitted.curves[k]
            groupsOut[code] = .init(
                name: fitted.groupNames[code], p0: curve.p0[best], operation0: curve.operation0[best],
                p1: curve.p1[best], operation1: curve.operation1[best], pIgnore: nil, predictionConstant: nil)
        }
        return ThresholdOptimizerModel(
            constraint: constraint, objective: objective, gridSize: gridSize, flip: flip,
            groupNames: fitted.groupNames, groups: groupsOut, bestX: fitted.grid[best], bestObjective: bestValue)
    }

    /// Equalized odds: the common operating point is (x, min_g y_g(x)); groups above it mix in
    /// the constant predictor Bernoulli(x) with probability p_ignore.
    private func commonOperatingPoint(
        _ fitted: FittedCurves, positives: Double, negatives: Double
    )
        -> ThresholdOptimizerModel
    {
        let grid = fitted.grid
        var best = 0
        var bestValue = -Double.infinity
        var yMin = [Double](repeating: .infinity, count: grid.count)
        for i in grid.indices {
            for curve in fitted.curves { yMin[i] = Swift.min(yMin[i], curve.y[i]) }
            let cells = WeightedConfusion(
                truePositives: positives * yMin[i], falsePositives: negatives * grid[i],
                trueNegatives: negatives * (1.0 - grid[i]), falseNegatives: positives * (1.0 - yMin[i]))
            let raw: Double
            switch objective {
            case .accuracyScore:
                // fairlearn adds n as tp + tn + fp + fn; keep its order.
                let total = cells.truePositives + cells.trueNegatives + cells.falsePositives + cells.falseNegatives
                raw = (cells.truePositives + cells.trueNegatives) / total
            case .balancedAccuracyScore:
                raw = cells.balancedAccuracy
            }
            // fairlearn rounds to 15 decimals before `idxmax`, so near-ties resolve to the first.
            let value = (raw * 1e15).rounded(.toNearestOrEven) / 1e15
            if value > bestValue { bestValue = value; best = i }
        }
        let xBest = grid[best]
        let yBest = yMin[best]
        var groupsOut = [ThresholdOptimizerModel.Group?](repeating: nil, count: fitted.groupNames.count)
        for (k, code) in fitted.present.enumerated() {
            let curve = fitted.curves[k]
            let y = curve.y[best]
            let pIgnore = y == xBest ? 0 : (y - yBest) / (y - xBest)
            groupsOut[code] = .init(
                name: fitted.groupNames[code], p0: curve.p0[best], operation0: curve.operation0[best],
                p1: curve.p1[best], operation1: curve.operation1[best], pIgnore: pIgnore, predictionConstant: xBest)
        }
        return ThresholdOptimizerModel(
            constraint: constraint, objective: objective, gridSize: gridSize, flip: flip,
            groupNames: fitted.groupNames, groups: groupsOut, bestX: xBest, bestObjective: bestValue)
    }

    /// fairlearn's `_calculate_tradeoff_points`: thresholds at +∞ and midway between
    /// consecutive distinct scores (descending), the last at −∞; sorted by (x, y).
    static func tradeoffPoints(
        _ rows: GroupedScores.Sorted, group: String, flip: Bool,
        x: (WeightedConfusion) -> Double, y: (WeightedConfusion) -> Double
    ) throws -> [Point] {
        let scores = rows.scores
        let labels = rows.labels
        let n = scores.count
        let nPositive = labels.reduce(0) { $0 + Int($1) }
        let nNegative = n - nPositive
        guard nPositive > 0 && nNegative > 0 else {
            throw MitigationError.degenerateLabels(
                method: name, group: group, found: nPositive > 0 ? "label 1" : "label 0")
        }
        var points: [Point] = []
        points.reserveCapacity(flip ? 2 * (n + 1) : n + 1)
        var count = (negative: 0, positive: 0)
        var i = 0
        var threshold = Double.infinity
        var first = true
        while i < n {
            if first {
                first = false
            } else {
                let value = scores[i]
                while i < n && scores[i] == value {
                    if labels[i] == 1 { count.positive += 1 } else { count.negative += 1 }
                    i += 1
                }
                threshold = (value + (i < n ? scores[i] : -Double.infinity)) / 2
            }
            let actual = WeightedConfusion(
                truePositives: Double(count.positive), falsePositives: Double(count.negative),
                trueNegatives: Double(nNegative - count.negative), falseNegatives: Double(nPositive - count.positive))
            points.append(
                Point(
                    x: x(actual), y: y(actual), operation: ThresholdOperation(greaterThan: true, threshold: threshold),
                    order: points.count))
            if flip {
                let flipped = WeightedConfusion(
                    truePositives: Double(nPositive - count.positive),
                    falsePositives: Double(nNegative - count.negative),
                    trueNegatives: Double(count.negative), falseNegatives: Double(count.positive))
                points.append(
                    Point(
                        x: x(flipped), y: y(flipped),
                        operation: ThresholdOperation(greaterThan: false, threshold: threshold), order: points.count))
            }
        }
        // A stable lexicographic sort, as pandas' multi-column `sort_values`.
        points.sort { a, b in
            if a.x != b.x { return a.x < b.x }
            if a.y != b.y { return a.y < b.y }
            return a.order < b.order
        }
        return points
    }

    /// fairlearn's `_filter_points_to_get_convex_hull` (upper hull, monotone chain; collinear
    /// middle points are dropped).
    static func convexHull(_ points: [Point]) -> [Point] {
        var hull: [Point] = []
        for r2 in points {
            while hull.count >= 2 {
                let r1 = hull[hull.count - 1]
                let r0 = hull[hull.count - 2]
                if (r1.y - r0.y) * (r2.x - r0.x) <= (r2.y - r0.y) * (r1.x - r0.x) {
                    hull.removeLast()
                } else {
                    break
                }
            }
            hull.append(r2)
        }
        return hull
    }

    /// A hull interpolated on the grid (fairlearn's `_interpolate_curve`).
    struct InterpolatedCurve {
        var y: [Double] = []
        var p0: [Double] = []
        var p1: [Double] = []
        var operation0: [ThresholdOperation] = []
        var operation1: [ThresholdOperation] = []

        init(hull: [Point], grid: [Double]) {
            let xs = hull.map(\.x)
            y.reserveCapacity(grid.count)
            var right = 0  // number of hull x ≤ grid value; grid is ascending
            for (g, gx) in grid.enumerated() {
                while right < xs.count && xs[right] <= gx { right += 1 }
                var index = right - 1
                if g > 0 && index >= 0 && gx == xs[index] { index -= 1 }
                // The hull spans x ∈ [0, 1], so index stays in 0 ..< count − 1; clamp defensively.
                index = Swift.max(0, Swift.min(index, xs.count - 2))
                let next = index + 1
                let p0 = (xs[next] - gx) / (xs[next] - xs[index])
                let p1 = 1 - p0
                self.p0.append(p0)
                self.p1.append(p1)
                y.append(p0 * hull[index].y + p1 * hull[next].y)
                operation0.append(hull[index].operation)
                operation1.append(hull[next].operation)
            }
        }
    }
}

/// The fitted ThresholdOptimizer: per group, two threshold rules and their mixing
/// probabilities (fairlearn's `interpolation_dict`), written as JSON by the stage.
public struct ThresholdOptimizerModel: FittedPostprocessor {
    public struct Group: Codable, Equatable, Sendable {
        public var name: String
        public var p0: Double
        public var operation0: ThresholdOperation
        public var p1: Double
        public var operation1: ThresholdOperation
        /// Equalized odds only: probability of ignoring the score and predicting
        /// Bernoulli(`predictionConstant`).
        public var pIgnore: Double?
        public var predictionConstant: Double?
    }

    public var constraint: FairnessTarget
    public var objective: ThresholdObjective
    public var gridSize: Int
    public var flip: Bool
    public var groupNames: [String]
    /// Indexed by group code; `nil` for a group absent from the fitting data.
    public var groups: [Group?]
    /// The common rate (x) chosen on the grid.
    public var bestX: Double
    /// The objective at that point as fairlearn computes it (the weighted objective for
    /// simple constraints, the rounded overall objective for equalized odds).
    public var bestObjective: Double

    /// Probability of a favourable decision for each row (fairlearn's `_pmf_predict[:, 1]`).
    public func positiveProbabilities(scores: [Double], groups: [Int32]) throws -> [Double] {
        try MitigationInput.check(
            method: ThresholdOptimizer.name, scores: scores, labels: nil, groups: groups, groupCount: groupNames.count)
        var result = [Double](repeating: 0, count: scores.count)
        for row in scores.indices {
            guard let group = self.groups[Int(groups[row])] else {
                throw MitigationError.unknownGroup(method: ThresholdOptimizer.name, row: row, code: groups[row])
            }
            let score = scores[row]
            var p = group.p0 * (group.operation0(score) ? 1 : 0) + group.p1 * (group.operation1(score) ? 1 : 0)
            if let pIgnore = group.pIgnore, let constant = group.predictionConstant {
                p = pIgnore * constant + (1 - pIgnore) * p
            }
            result[row] = p
        }
        return result
    }

    /// Expected confusion counts per group code under the randomized rule (each row counts
    /// as p favourable and 1 − p unfavourable): the analytic selection rate, TPR and FPR the
    /// mitigated predictor has on `labels`, free of sampling noise. O(n).
    public func expectedConfusion(scores: [Double], labels: [UInt8], groups: [Int32]) throws -> [WeightedConfusion] {
        let probabilities = try positiveProbabilities(scores: scores, groups: groups)
        guard labels.count == scores.count else {
            throw MitigationError.lengthMismatch(
                method: ThresholdOptimizer.name, input: "labels", expected: scores.count, found: labels.count)
        }
        var cells = [WeightedConfusion](repeating: WeightedConfusion(), count: groupNames.count)
        for row in scores.indices {
            let code = Int(groups[row]), p = probabilities[row]
            cells[code].add(label: labels[row], decision: 1, weight: p)
            cells[code].add(label: labels[row], decision: 0, weight: 1 - p)
        }
        return cells
    }

    public func apply<G: RandomNumberGenerator>(scores: [Double], groups: [Int32], rng: inout G) throws -> [UInt8] {
        let probabilities = try positiveProbabilities(scores: scores, groups: groups)
        return randomizedDecisions(probabilities, rng: &rng)
    }
}

/// Decision 1 with probability p: `p ≥ u`, u uniform in [0, 1) (fairlearn's rule). Rows with
/// p ∈ {0, 1} consume no draw, so a deterministic row never shifts the stream.
func randomizedDecisions<G: RandomNumberGenerator>(_ probabilities: [Double], rng: inout G) -> [UInt8] {
    var decisions = [UInt8](repeating: 0, count: probabilities.count)
    for (row, p) in probabilities.enumerated() {
        if p >= 1 {
            decisions[row] = 1
        } else if p > 0 {
            decisions[row] = p >= rng.nextUnitDouble() ? 1 : 0
        }
    }
    return decisions
}

/// Rows split by group code, for methods that work group by group.
struct GroupedScores {
    struct Sorted {
        var scores: [Double]
        var labels: [UInt8]
    }

    let scores: [Double]
    let labels: [UInt8]
    /// Row indices of each group, in row order.
    let rows: [[Int]]
    var counts: [Int] { rows.map(\.count) }

    init(scores: [Double], labels: [UInt8], groups: [Int32], groupCount: Int) {
        self.scores = scores
        self.labels = labels
        var rows = [[Int]](repeating: [], count: groupCount)
        for (row, code) in groups.enumerated() { rows[Int(code)].append(row) }
        self.rows = rows
    }

    /// The group's (score, label) pairs by descending score; ties keep row order.
    func sortedDescending(_ code: Int) -> Sorted {
        var pairs = rows[code].map { (scores[$0], labels[$0], $0) }
        pairs.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.2 < $1.2 }
        return Sorted(scores: pairs.map(\.0), labels: pairs.map(\.1))
    }
}
