import Foundation

/// Prejudice remover of Kamishima, Akaho, Asoh & Sakuma (2012), "Fairness-aware Classifier
/// with Prejudice Remover Regularizer" (ECML PKDD), in the form of the authors' code that
/// AIF360's `PrejudiceRemover` runs (`kamfadm-2012ecmlpkdd`, `LRwPRType4`):
///
/// - one logistic regression per sensitive value s: `P(y = 1 | x, s) = σ(x̃ · w_s)` with
///   `x̃ = (x, 1)` (the intercept is a penalised coefficient, as in kamfadm);
/// - objective (kamfadm's `loss`, §4 of the paper with the mutual information approximated
///   by sample means):
///
///       L(w) = −Σᵢ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)] + η·PR(w) + (C/2)‖w‖²
///       PR(w) = Σᵢ [pᵢ log(q_{sᵢ} / r) + (1 − pᵢ) log((1 − q_{sᵢ}) / (1 − r))]
///
///   with `q_s` the mean of p over rows of group s and `r` the mean over all rows (the
///   prejudice index between ŷ and s, estimated from the model's probabilities); logits are
///   clipped to ±log((1 − 10⁻¹⁰)/10⁻¹⁰) as kamfadm does, so no log sees 0;
/// - start: a separate L2 logistic regression per group (kamfadm's `itype=3`, the default of
///   `train_pr.py`), fitted with scikit-learn's C = `C` and no separate intercept.
///
/// Differences from AIF360, documented: (1) the gradient here is the exact gradient of `L`
/// — ∂PR/∂pᵢ = log(q_{sᵢ}/r) − log((1 − q_{sᵢ})/(1 − r)) because the terms through q and r
/// cancel — whereas kamfadm's `grad_loss` adds `−Σ_{i∈s} (pᵢ − r)/(r(1 − r)) · ∂r/∂w` with
/// ∂r taken over *all* groups' rows, which is not the derivative of its own loss for η > 0;
/// (2) L-BFGS to a tight gradient tolerance instead of SciPy's `fmin_cg(maxiter=100)`. Both
/// minimise the same `L` (the conformance test checks the loss values agree and that this
/// solver's optimum is at least as low as AIF360's); the coefficients differ where AIF360
/// stops early. (3) AIF360 reduces the sensitive attribute to privileged / unprivileged;
/// here every group code gets its own coefficients (pass a 0/1 code for AIF360's setting).
/// The model needs the group at prediction time.
public struct PrejudiceRemover: Sendable {
    /// Strength η of the prejudice remover regulariser (AIF360's `eta`, default 1).
    public var eta: Double = 1.0
    /// L2 strength (kamfadm's `-C`, default 1): the penalty is (C/2)‖w‖².
    public var C: Double = 1.0
    public var maxIterations: Int = 1000

    static let name = "prejudice_remover"
    /// kamfadm's SIGMOID_RANGE.
    static let logitRange = log((1.0 - 1e-10) / 1e-10)

    public init(eta: Double = 1.0) {
        self.eta = eta
    }

    public func fit(
        _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> PrejudiceRemoverModel {
        guard eta >= 0, eta.isFinite else {
            throw MitigationError.invalidParameter(
                method: Self.name, name: "eta", expected: "a finite number ≥ 0", found: "\(eta)")
        }
        guard C > 0, C.isFinite else {
            throw MitigationError.invalidParameter(
                method: Self.name, name: "C", expected: "a finite number > 0", found: "\(C)")
        }
        try InprocessingInput.check(
            method: Self.name, X: X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames)
        let k = groupNames.count
        let objective = PrejudiceObjective(X: X, labels: labels, groups: groups, groupCount: k, eta: eta, C: C)
        let start = try initialCoefficients(objective)
        let result = LBFGS(maxIterations: maxIterations, gradientTolerance: 1e-10).minimize(start) {
            objective.evaluate($0)
        }
        let width = X.cols + 1
        let coefficients = (0..<k).map { Array(result.x[$0 * width..<($0 + 1) * width]) }
        let model = PrejudiceRemoverModel(
            eta: eta, C: C, groupNames: groupNames, featureNames: featureNames, coefficients: coefficients,
            objective: result.value, iterations: result.iterations, converged: result.converged,
            trainingPrejudiceIndex: 0, trainingNormalizedPrejudiceIndex: 0)
        let decisions = try model.predictProbability(X, groups: groups).map { $0 >= 0.5 ? UInt8(1) : 0 }
        var out = model
        out.trainingPrejudiceIndex = PrejudiceIndex.value(decisions: decisions, groups: groups, groupCount: k)
        out.trainingNormalizedPrejudiceIndex = PrejudiceIndex.normalized(
            decisions: decisions, groups: groups, groupCount: k)
        return out
    }

    /// kamfadm's `itype=3`: per group, an L2 logistic regression on (x, 1) with no extra
    /// intercept. A group with a single label class (where scikit-learn would stop with an
    /// error) or no rows starts at zero instead.
    func initialCoefficients(_ objective: PrejudiceObjective) throws -> [Double] {
        var config = LogisticRegressionConfig()
        config.C = C
        config.fitIntercept = false
        config.maxIter = 1000
        let trainer = LogisticRegression(config: config)
        let width = objective.Xa.cols
        var coefficients = [Double](repeating: 0, count: objective.groupCount * width)
        let names = (0..<width).map { "c\($0)" }
        for g in 0..<objective.groupCount {
            let rows = (0..<objective.labels.count).filter { Int(objective.groups[$0]) == g }
            let y = rows.map { objective.labels[$0] }
            guard y.contains(0), y.contains(1) else { continue }
            let model = try trainer.fit(objective.Xa.selectingRows(rows), labels: y, featureNames: names)
            for j in 0..<width { coefficients[g * width + j] = model.coefficients[j] }
        }
        return coefficients
    }
}

/// kamfadm's `LRwPRType4` loss with its exact gradient. O(N p) per evaluation.
struct PrejudiceObjective {
    /// X with a trailing column of ones.
    let Xa: Matrix
    let labels: [UInt8]
    let groups: [Int32]
    let groupCount: Int
    let eta: Double
    let C: Double
    let groupSize: [Double]

    init(X: Matrix, labels: [UInt8], groups: [Int32], groupCount: Int, eta: Double, C: Double) {
        var values: [Double] = []
        values.reserveCapacity(X.rows * (X.cols + 1))
        for i in 0..<X.rows {
            values.append(contentsOf: X.row(i))
            values.append(1)
        }
        Xa = Matrix(unchecked: X.rows, X.cols + 1, values)
        self.labels = labels
        self.groups = groups
        self.groupCount = groupCount
        self.eta = eta
        self.C = C
        var sizes = [Double](repeating: 0, count: groupCount)
        for g in groups { sizes[Int(g)] += 1 }
        groupSize = sizes
    }

    func probabilities(_ coef: [Double]) -> [Double] {
        let w = Xa.cols
        return (0..<Xa.rows).map { i in
            let g = Int(groups[i])
            var s = 0.0
            Xa.withRow(i) { row in for j in 0..<w { s += row[j] * coef[g * w + j] } }
            s = min(max(s, -PrejudiceRemover.logitRange), PrejudiceRemover.logitRange)
            return 1 / (1 + exp(-s))
        }
    }

    func evaluate(_ coef: [Double]) -> (value: Double, gradient: [Double]) {
        let w = Xa.cols
        let n = Double(Xa.rows)
        let p = probabilities(coef)
        var q = [Double](repeating: 0, count: groupCount)
        var r = 0.0
        for i in p.indices {
            q[Int(groups[i])] += p[i]
            r += p[i]
        }
        for g in 0..<groupCount where groupSize[g] > 0 { q[g] /= groupSize[g] }
        r /= n
        var likelihood = 0.0, prejudice = 0.0
        var gradient = [Double](repeating: 0, count: coef.count)
        for i in p.indices {
            let g = Int(groups[i])
            let y = Double(labels[i])
            likelihood += y * log(p[i]) + (1 - y) * log(1 - p[i])
            let logPositive = log(q[g]) - log(r)
            let logNegative = log(1 - q[g]) - log(1 - r)
            prejudice += p[i] * logPositive + (1 - p[i]) * logNegative
            // ∂L/∂a_i = −(y − p) + η (∂PR/∂p_i) p(1 − p).
            let da = -(y - p[i]) + eta * (logPositive - logNegative) * p[i] * (1 - p[i])
            Xa.withRow(i) { row in for j in 0..<w { gradient[g * w + j] += da * row[j] } }
        }
        var reg = 0.0
        for j in coef.indices {
            reg += coef[j] * coef[j]
            gradient[j] += C * coef[j]
        }
        return (-likelihood + eta * prejudice + 0.5 * C * reg, gradient)
    }
}

/// A fitted prejudice remover: one coefficient vector per group.
public struct PrejudiceRemoverModel: Codable, Equatable, Sendable {
    public var eta: Double
    public var C: Double
    public var groupNames: [String]
    public var featureNames: [String]
    /// Per group code: the feature weights followed by the intercept.
    public var coefficients: [[Double]]
    /// Final value of the objective and the solver's iterations.
    public var objective: Double
    public var iterations: Int
    public var converged: Bool
    /// Prejudice index PI and normalised NPI = PI / √(H(Ŷ) H(S)) of the decisions
    /// (P ≥ 0.5) on the training rows (Kamishima et al. 2012, §5).
    public var trainingPrejudiceIndex: Double
    public var trainingNormalizedPrejudiceIndex: Double

    /// P(y = 1 | x, s) with each row's own group coefficients.
    public func predictProbability(_ X: Matrix, groups: [Int32]) throws -> [Double] {
        guard X.cols == featureNames.count else {
            throw MitigationError.lengthMismatch(
                method: PrejudiceRemover.name, input: "feature columns", expected: featureNames.count, found: X.cols)
        }
        guard groups.count == X.rows else {
            throw MitigationError.lengthMismatch(
                method: PrejudiceRemover.name, input: "groups", expected: X.rows, found: groups.count)
        }
        let p = X.cols
        for (g, row) in coefficients.enumerated() where row.count != p + 1 {
            throw MitigationError.lengthMismatch(
                method: PrejudiceRemover.name, input: "coefficients of group \(g)", expected: p + 1, found: row.count)
        }
        return try (0..<X.rows).map { i in
            let g = Int(groups[i])
            guard g >= 0, g < coefficients.count else {
                throw MitigationError.unknownGroup(method: PrejudiceRemover.name, row: i, code: groups[i])
            }
            var s = coefficients[g][p]
            X.withRow(i) { row in for j in 0..<p { s += row[j] * coefficients[g][j] } }
            s = min(max(s, -PrejudiceRemover.logitRange), PrejudiceRemover.logitRange)
            return 1 / (1 + exp(-s))
        }
    }
}

/// Kamishima et al.'s prejudice index: the mutual information between decisions and groups.
public enum PrejudiceIndex {
    /// PI = Σ_{y,s} P(y, s) log(P(y, s) / (P(y) P(s))), in nats.
    public static func value(decisions: [UInt8], groups: [Int32], groupCount: Int) -> Double {
        let n = Double(decisions.count)
        var joint = [[Double]](repeating: [0, 0], count: groupCount)
        for i in decisions.indices { joint[Int(groups[i])][Int(decisions[i])] += 1 / n }
        let py = [0, 1].map { y in joint.reduce(0) { $0 + $1[y] } }
        var pi = 0.0
        for g in 0..<groupCount {
            let ps = joint[g][0] + joint[g][1]
            for y in 0..<2 where joint[g][y] > 0 { pi += joint[g][y] * log(joint[g][y] / (py[y] * ps)) }
        }
        return pi
    }

    /// NPI = PI / √(H(Y) H(S)), in [0, 1]; 0 when either entropy is 0.
    public static func normalized(decisions: [UInt8], groups: [Int32], groupCount: Int) -> Double {
        let n = Double(decisions.count)
        func entropy(_ p: [Double]) -> Double { -p.filter { $0 > 0 }.reduce(0) { $0 + $1 * log($1) } }
        var py = [0.0, 0.0], ps = [Double](repeating: 0, count: groupCount)
        for i in decisions.indices {
            py[Int(decisions[i])] += 1 / n
            ps[Int(groups[i])] += 1 / n
        }
        let h = entropy(py) * entropy(ps)
        return h > 0 ? value(decisions: decisions, groups: groups, groupCount: groupCount) / h.squareRoot() : 0
    }
}
