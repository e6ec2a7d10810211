import Foundation

/// Grid search reduction of Agarwal et al. (2018) §3.4, as fairlearn 0.15's `GridSearch`:
/// one cost-sensitive oracle fit per point of a grid of Lagrange multipliers, keeping every
/// fitted model with its training error and disparity (the trade-off curve), and selecting
/// the one minimising `constraint_weight · max γ + (1 − constraint_weight) · error`.
///
/// The grid is fairlearn's `_GridGenerator`: one dimension per (event, group) pair except
/// the last group to appear in the data (the moments' `pos_basis` / `neg_basis`), integer
/// points with L1 norm ≤ `n_units`, the smallest `n_units` giving at least `gridSize` points,
/// enumerated in fairlearn's order, the first `gridSize` kept and scaled by
/// `gridLimit / n_units`. Unlike exponentiated gradient, the oracle gets the raw `|w|` as
/// weights (not normalised), exactly as fairlearn passes them.
///
/// Cost: `gridSize` oracle fits, the two halves of the grid in parallel. Fits are
/// independent; with `warmStart` each starts from the previous grid point's model in its
/// half (same optimum, fewer Newton steps).
public struct GridSearch: Sendable {
    public var target: FairnessTarget
    public var gridSize: Int = 10
    public var gridLimit: Double = 2.0
    public var constraintWeight: Double = 0.5
    public var differenceBound: Double = 0.01
    public var oracle: ModelConfig = ModelConfig()
    /// Where an external oracle's fits keep their model folders (`model.type: external`).
    public var externalStore: ExternalModelStore? = nil
    /// The dataset's encoding, so a gradient-boosted oracle splits categories natively.
    public var oracleEncoding: FeatureEncoding? = nil
    public var warmStart: Bool = true

    static let name = "grid_search"

    public init(target: FairnessTarget = .demographicParity) {
        self.target = target
    }

    public func fit(
        _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> GridSearchModel {
        guard gridSize >= 1 else {
            throw MitigationError.invalidParameter(
                method: Self.name, name: "grid_size", expected: "an integer ≥ 1", found: "\(gridSize)")
        }
        guard gridLimit > 0, gridLimit.isFinite else {
            throw MitigationError.invalidParameter(
                method: Self.name, name: "grid_limit", expected: "a finite number > 0", found: "\(gridLimit)")
        }
        guard constraintWeight >= 0, constraintWeight <= 1 else {
            throw MitigationError.invalidParameter(
                method: Self.name, name: "constraint_weight", expected: "a number in [0, 1]",
                found: "\(constraintWeight)")
        }
        try InprocessingInput.check(
            method: Self.name, X: X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames)
        let moment = ParityMoment(
            target: target, labels: labels, groups: groups, groupCount: groupNames.count, bound: differenceBound)
        let grid = Self.grid(moment: moment, size: gridSize, limit: gridLimit)
        let oracle = try ReductionOracle(
            model: oracle, externalStore: externalStore, encoding: oracleEncoding, X: X, featureNames: featureNames)
        // Two fixed halves of the grid run on the two cores, each warm-starting its fits
        // from the previous point of its own half. The split depends only on the grid size,
        // so every warm start, and so every output bit, is the same on any core count.
        // An external model's fits number their folders in call order: they run in one sequence.
        let halves =
            grid.count >= 2 && oracle.external == nil
            ? [0..<(grid.count + 1) / 2, (grid.count + 1) / 2..<grid.count] : [0..<grid.count]
        let points = try ParallelMap.map(halves.count) { half in
            var points: [GridSearchModel.Point] = []
            var last: LogisticModel? = nil
            for lambda in grid[halves[half]] {
                let weights = moment.signedWeights(lambda: lambda)
                let h = try oracle.fit(signedWeights: weights, normalizeToRowCount: false, warm: warmStart ? last : nil)
                if let model = h.model { last = model }
                let d = try h.decisions(X)
                let error = moment.error(decisions: d)
                let gamma = moment.gamma(decisions: d)
                let violation = moment.violation(gamma)
                points.append(
                    GridSearchModel.Point(
                        lambda: lambda, predictor: h, error: error, accuracy: 1 - error, gamma: gamma,
                        violation: violation,
                        loss: (1 - constraintWeight) * error + constraintWeight * violation))
            }
            return points
        }.flatMap { $0 }
        var best = 0
        for i in points.indices where points[i].loss < points[best].loss { best = i }
        return GridSearchModel(
            target: target, groupNames: groupNames, featureNames: featureNames,
            constraintNames: moment.constraintNames(groupNames: groupNames),
            constraintWeight: constraintWeight, points: points, bestIndex: best)
    }

    /// fairlearn's `_GridGenerator` grid (zero offset), as λ vectors in ``ParityMoment`` layout.
    static func grid(moment: ParityMoment, size: Int, limit: Double) -> [[Double]] {
        // Basis dimensions: events and groups in order of first appearance, all groups but the last.
        var basis: [Int?] = []  // cell index of each dimension, nil when that cell is unobserved
        for e in moment.eventsByAppearance {
            for g in moment.groupsByAppearance.dropLast() {
                basis.append(moment.cells.firstIndex { $0.event == moment.events[e] && $0.group == g })
            }
        }
        let dim = basis.count
        let k = moment.cells.count
        guard dim > 0 else { return [[Double](repeating: 0, count: 2 * k)] }
        // Every dimension may be negative (neg_basis_present is all true).
        var units = Int((Double(size) / pow(2.0, Double(dim))).pow(1.0 / Double(dim)).rounded(.down)) - 1
        units = max(units, 0)
        var points: [[Int]] = []
        while true {
            points = []
            var entry = [Int](repeating: 0, count: dim)
            func accumulate(_ index: Int, _ maxValue: Int) {
                if index == dim {
                    points.append(entry)
                    return
                }
                for value in -maxValue...maxValue {
                    entry[index] = value
                    accumulate(index + 1, maxValue - abs(value))
                }
            }
            accumulate(0, units)
            if points.count >= size { break }
            units += 1
        }
        let scale = units == 0 ? 0 : limit / Double(units)
        return points.prefix(size).map { point in
            var lambda = [Double](repeating: 0, count: 2 * k)
            for (d, value) in point.enumerated() {
                guard let cell = basis[d] else { continue }
                let coefficient = Double(value) * scale
                if coefficient > 0 {
                    lambda[cell] += coefficient
                } else if coefficient < 0 {
                    lambda[k + cell] += -coefficient
                }
            }
            return lambda
        }
    }
}

extension Double {
    fileprivate func pow(_ exponent: Double) -> Double { Foundation.pow(self, exponent) }
}

/// A fitted grid search: every grid model with its training error and disparity, and the
/// selected one.
public struct GridSearchModel: Codable, Equatable, Sendable {
    public struct Point: Codable, Equatable, Sendable {
        /// The multipliers of this grid point (``ParityMoment`` layout).
        public var lambda: [Double]
        public var predictor: ReductionPredictor
        /// Training error and accuracy of the point's decisions.
        public var error: Double
        public var accuracy: Double
        /// Signed constraint values and their maximum (the disparity).
        public var gamma: [Double]
        public var violation: Double
        /// `constraint_weight · violation + (1 − constraint_weight) · error`.
        public var loss: Double
    }

    public var target: FairnessTarget
    public var groupNames: [String]
    public var featureNames: [String]
    public var constraintNames: [String]
    public var constraintWeight: Double
    /// All grid points in grid order: the accuracy/disparity trade-off curve.
    public var points: [Point]
    /// The selected point (first minimum of `loss`).
    public var bestIndex: Int

    /// The selected point. Fitted models always have one; an artefact edited by hand may not,
    /// which ``predict(_:)`` reports as an error.
    public var best: Point { points[min(max(bestIndex, 0), max(points.count - 1, 0))] }

    private func selected() throws -> Point {
        guard points.indices.contains(bestIndex) else {
            throw MitigationError.invalidParameter(
                method: GridSearch.name, name: "best_index", expected: "an index below \(points.count)",
                found: "\(bestIndex)")
        }
        return points[bestIndex]
    }

    /// Deterministic 0/1 decisions of the selected model (scikit-learn's `predict`).
    public func predict(_ X: Matrix) throws -> [UInt8] { try selected().predictor.decisions(X) }

    /// P(y = 1 | x) of the selected model (its `predict_proba`; a constant model gives 0 or 1).
    public func predictProbability(_ X: Matrix) throws -> [Double] {
        try selected().predictor.probabilities(X)
    }

    /// ``predictProbability(_:)`` and ``predict(_:)`` from one pass over the selected model.
    public func probabilitiesAndDecisions(_ X: Matrix) throws -> (probabilities: [Double], decisions: [UInt8]) {
        try selected().predictor.probabilitiesAndDecisions(X)
    }
}
