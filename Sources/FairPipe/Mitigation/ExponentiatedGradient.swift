import Foundation

/// Exponentiated gradient reduction of Agarwal, Beygelzimer, Dudík, Langford & Wallach (2018),
/// "A Reductions Approach to Fair Classification", Algorithm 1, as fairlearn 0.15's
/// `ExponentiatedGradient` implements it (constants, best-gap bookkeeping, LP step and
/// learning-rate shrinking included).
///
/// A saddle-point game on the Lagrangian `L(Q, λ) = err(Q) + λᵀ(γ(Q) − ε)` with ‖λ‖₁ ≤ B = 1/ε:
/// the λ-player runs exponentiated gradient on θ (λ = B·e^θ / (1 + Σe^θ)); the Q-player best
/// responds with the cost-sensitive oracle — a weighted ``LogisticRegression`` fitted to
/// labels `1[w > 0]` with weights `n|w| / Σ|w|`, where `w` are ``ParityMoment/signedWeights(lambda:includeObjective:)``.
/// Each iteration compares the duality gap of the running average of hypotheses with the gap
/// of the LP over the hypotheses found so far (solved by ``DenseSimplex``), keeps the better,
/// and stops when the gap falls below ν (after 5 iterations). The result is a randomized
/// classifier: a probability distribution over the hypotheses.
///
/// Cost: each iteration makes 1 + up to 4 oracle calls (the best response, then the gap's
/// lower bound at λ̂, 2λ̂, 5λ̂, 10λ̂ until the gap exceeds ν). Oracle fits are warm-started from
/// the previous fit, which changes only the solver's path, not the optimum (within `tol`).
public struct ExponentiatedGradient: Sendable {
    public var target: FairnessTarget
    /// Allowed constraint violation ε (also B = 1/ε).
    public var eps: Double = 0.01
    /// Constraint bound of the moment (fairlearn's `difference_bound`, default 0.01).
    public var differenceBound: Double = 0.01
    public var maxIter: Int = 50
    /// Convergence threshold on the duality gap; nil: fairlearn's `0.5·sd(|h₀(X) − y|)/√n`.
    public var nu: Double? = nil
    /// Initial learning rate (η = eta0 / B).
    public var eta0: Double = 2.0
    /// Run the LP step (fairlearn's `run_linprog_step`).
    public var runLinprogStep: Bool = true
    /// The oracle: the configured model type and its settings.
    public var oracle: ModelConfig = ModelConfig()
    /// Where an external oracle's fits keep their model folders (`model.type: external`).
    public var externalStore: ExternalModelStore? = nil
    /// The dataset's encoding, so a gradient-boosted oracle splits categories natively.
    public var oracleEncoding: FeatureEncoding? = nil
    /// Warm-start every oracle fit from the previous one (same optimum within `tol`; measured
    /// on 50,000 × 100: 46 Hessians for the kept hypotheses warm, 58 cold).
    public var warmStart: Bool = true

    static let name = "exponentiated_gradient"

    public init(target: FairnessTarget = .demographicParity) {
        self.target = target
    }

    func checkParameters() throws {
        guard eps > 0, eps.isFinite else {
            throw MitigationError.invalidParameter(
                method: Self.name, name: "eps", expected: "a finite number > 0", found: "\(eps)")
        }
        guard maxIter >= 1 else {
            throw MitigationError.invalidParameter(
                method: Self.name, name: "max_iter", expected: "an integer ≥ 1", found: "\(maxIter)")
        }
        guard eta0 > 0, eta0.isFinite else {
            throw MitigationError.invalidParameter(
                method: Self.name, name: "eta0", expected: "a finite number > 0", found: "\(eta0)")
        }
        if let nu, !(nu >= 0 && nu.isFinite) {
            throw MitigationError.invalidParameter(
                method: Self.name, name: "nu", expected: "a finite number ≥ 0", found: "\(nu)")
        }
    }

    /// Fits on training rows. `groups[i]` indexes `groupNames`.
    public func fit(
        _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> ExponentiatedGradientModel {
        try checkParameters()
        try InprocessingInput.check(
            method: Self.name, X: X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames)
        let moment = ParityMoment(
            target: target, labels: labels, groups: groups, groupCount: groupNames.count, bound: differenceBound)
        let B = 1 / eps
        var lagrangian = Lagrangian(
            moment: moment, B: B,
            oracle: try ReductionOracle(
                model: oracle, externalStore: externalStore, encoding: oracleEncoding, X: X, featureNames: featureNames),
            warmStart: warmStart)
        var game = Game(constraints: moment.constraintCount, nu: self.nu ?? 0)
        for t in 0..<maxIter {
            if try play(t, &game, lagrangian: &lagrangian, labels: labels, B: B) { break }
        }
        return result(of: game, lagrangian: lagrangian, groupNames: groupNames, featureNames: featureNames)
    }

    /// The state of the saddle-point game between iterations.
    private struct Game {
        var theta: [Double]
        /// How often each hypothesis was the best response (the running average's weights).
        var qSum: [Double] = []
        var gapsEG: [Double] = []
        /// Per iteration, the better of the running average's and the LP's gap, and its weights.
        var gaps: [Double] = []
        var qs: [[Double]] = []
        var lastRegretChecked = 5.0
        var lastGap = Double.infinity
        var lambdaCumsum: [Double]
        var lambdaEG: [Double]
        var nu: Double
        var eta = 0.0

        init(constraints k: Int, nu: Double) {
            theta = [Double](repeating: 0, count: k)
            lambdaCumsum = theta
            lambdaEG = theta
            self.nu = nu
        }
    }

    /// Iteration `t` of Algorithm 1: λ from θ, the oracle's best response, the gaps of the
    /// running average and of the LP, the learning-rate check and the θ step. True when the
    /// gap is below ν (after 5 iterations).
    private func play(
        _ t: Int, _ game: inout Game, lagrangian: inout Lagrangian, labels: [UInt8], B: Double
    ) throws
        -> Bool
    {
        let k = game.theta.count
        let expTheta = game.theta.map { exp($0) }
        let denominator = 1 + expTheta.reduce(0, +)
        let lambda = expTheta.map { B * $0 / denominator }
        for j in 0..<k { game.lambdaCumsum[j] += lambda[j] }
        game.lambdaEG = game.lambdaCumsum.map { $0 / Double(t + 1) }
        let hIndex = try lagrangian.bestH(lambda)
        if t == 0 {
            if self.nu == nil {
                // 0.5 × sample standard deviation (ddof 1) of |h(X) − y| / √n.
                let errors = zip(lagrangian.decisions[hIndex], labels).map { Double($0 != $1 ? 1 : 0) }
                game.nu = 0.5 * Self.sampleStandardDeviation(errors) / Double(labels.count).squareRoot()
            }
            game.eta = eta0 / B
        }
        while game.qSum.count < lagrangian.errors.count { game.qSum.append(0) }
        game.qSum[hIndex] += 1
        let gamma = lagrangian.gammas[hIndex]
        let total = game.qSum.reduce(0, +)
        let qEG = game.qSum.map { $0 / total }
        let gapEG = try lagrangian.evalGap(qEG, lambdaHat: game.lambdaEG, nu: game.nu).gap
        game.gapsEG.append(gapEG)
        var gapLP = Double.infinity
        var qLP: [Double] = []
        if t > 0 && runLinprogStep {
            let lp = try lagrangian.solveLinprog(nu: game.nu)
            qLP = lp.q
            gapLP = lp.result.gap
        }
        if gapEG < gapLP {
            game.qs.append(qEG)
            game.gaps.append(gapEG)
        } else {
            game.qs.append(qLP)
            game.gaps.append(gapLP)
        }
        if game.gaps[t] < game.nu && t >= 5 { return true }
        if Double(t) >= game.lastRegretChecked * 1.6 {
            let bestGap = game.gapsEG.min() ?? .infinity
            if bestGap > game.lastGap * 0.8 { game.eta *= 0.8 }
            game.lastRegretChecked = Double(t)
            game.lastGap = bestGap
        }
        for j in 0..<k { game.theta[j] += game.eta * (gamma[j] - lagrangian.moment.bound) }
        return false
    }

    /// The randomized classifier of the last iteration whose gap is within 1e-8 of the
    /// smallest, with its training error and constraint values.
    private func result(
        of game: Game, lagrangian: Lagrangian, groupNames: [String], featureNames: [String]
    )
        -> ExponentiatedGradientModel
    {
        let moment = lagrangian.moment
        let gaps = game.gaps
        let smallest = gaps.min() ?? .infinity
        let bestIter = gaps.lastIndex { $0 <= smallest + 1e-8 } ?? 0
        var weights = game.qs[bestIter]
        while weights.count < lagrangian.predictors.count { weights.append(0) }
        var mixtureGamma = [Double](repeating: 0, count: moment.constraintCount)
        var mixtureError = 0.0
        for (h, w) in weights.enumerated() where w != 0 {
            mixtureError += w * lagrangian.errors[h]
            for j in 0..<moment.constraintCount { mixtureGamma[j] += w * lagrangian.gammas[h][j] }
        }
        return ExponentiatedGradientModel(
            target: target, groupNames: groupNames, featureNames: featureNames,
            constraintNames: moment.constraintNames(groupNames: groupNames),
            predictors: lagrangian.predictors, weights: weights,
            hypothesisErrors: lagrangian.errors, hypothesisGammas: lagrangian.gammas,
            lambda: game.lambdaEG, gaps: gaps, bestIteration: bestIter, bestGap: gaps[bestIter], nu: game.nu,
            iterations: gaps.count, oracleCalls: lagrangian.oracleCalls, oracleFits: lagrangian.oracleFits,
            trainingError: mixtureError, trainingGamma: mixtureGamma,
            trainingViolation: moment.violation(mixtureGamma))
    }

    static func sampleStandardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return .nan }
        let mean = values.reduce(0, +) / Double(values.count)
        let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (ss / Double(values.count - 1)).squareRoot()
    }
}

/// fairlearn's `_Lagrangian`: the hypotheses found so far, their errors and constraint
/// values, and the best-response, gap and LP computations over them.
struct Lagrangian {
    struct GapResult {
        var L: Double
        var lLow: Double
        var lHigh: Double
        var gap: Double { max(L - lLow, lHigh - L) }
    }

    let moment: ParityMoment
    let B: Double
    let oracle: ReductionOracle
    let warmStart: Bool
    var predictors: [ReductionPredictor] = []
    var decisions: [[UInt8]] = []
    var errors: [Double] = []
    var gammas: [[Double]] = []
    var oracleCalls = 0
    /// Oracle calls that fitted a model (the others reused an identical earlier problem).
    var oracleFits = 0
    var solved: [(weights: [Double], predictor: ReductionPredictor, decisions: [UInt8])] = []
    var lastModel: LogisticModel? = nil
    var lastLinprogCount = 0
    var lastLinprog: (q: [Double], lambda: [Double], result: GapResult)? = nil

    init(moment: ParityMoment, B: Double, oracle: ReductionOracle, warmStart: Bool) {
        self.moment = moment
        self.B = B
        self.oracle = oracle
        self.warmStart = warmStart
    }

    /// Best response to λ; returns the index of the best hypothesis (a new one when the oracle's
    /// beats every stored one by more than 1e-8 in `err + λᵀγ`).
    mutating func bestH(_ lambda: [Double]) throws -> Int {
        let weights = moment.signedWeights(lambda: lambda)
        oracleCalls += 1
        // The oracle's problem depends on λ only through the per-row signed weights, and the
        // game often asks the same problem twice (λ₀ and 1×λ̂ at t = 0; multiples of a λ whose
        // projection is 0). A bit-identical problem gets the stored answer; without warm
        // starts that is exactly what a new fit would return, with them the same optimum
        // within `tol` (and still the same bytes on every run: the path is deterministic).
        let h: ReductionPredictor
        let d: [UInt8]
        if let hit = solved.firstIndex(where: { $0.weights == weights }) {
            h = solved[hit].predictor
            d = solved[hit].decisions
        } else {
            h = try oracle.fit(signedWeights: weights, normalizeToRowCount: true, warm: warmStart ? lastModel : nil)
            oracleFits += 1
            if let model = h.model { lastModel = model }
            d = try h.decisions(oracle.X)
            solved.append((weights, h, d))
        }
        let error = moment.error(decisions: d)
        let gamma = moment.gamma(decisions: d)
        let value = error + Self.dot(gamma, lambda)
        var bestIndex = -1
        var bestValue = Double.infinity
        for i in errors.indices {
            let v = errors[i] + Self.dot(gammas[i], lambda)
            if v < bestValue { bestValue = v; bestIndex = i }  // idxmin: first minimum
        }
        if value < bestValue - 1e-8 {
            predictors.append(h)
            decisions.append(d)
            errors.append(error)
            gammas.append(gamma)
            bestIndex = errors.count - 1
        }
        return bestIndex
    }

    /// `(L, L_high)` of the mixture `q` (weights over the stored hypotheses) at λ, projected.
    func eval(_ q: [Double], _ lambda: [Double]) -> (L: Double, lHigh: Double) {
        let k = moment.constraintCount
        var error = 0.0
        var gamma = [Double](repeating: 0, count: k)
        for (h, w) in q.enumerated() where w != 0 {
            error += errors[h] * w
            for j in 0..<k { gamma[j] += gammas[h][j] * w }
        }
        let projected = moment.projectLambda(lambda)
        var L = error
        var maxConstraint = -Double.infinity
        for j in 0..<k {
            L += projected[j] * (gamma[j] - moment.bound)
            maxConstraint = max(maxConstraint, gamma[j] - moment.bound)
        }
        let lHigh = maxConstraint > 0 ? error + B * maxConstraint : error
        return (L, lHigh)
    }

    mutating func evalGap(_ q: [Double], lambdaHat: [Double], nu: Double) throws -> GapResult {
        let (L, lHigh) = eval(q, lambdaHat)
        var result = GapResult(L: L, lLow: L, lHigh: lHigh)
        for multiplier in [1.0, 2.0, 5.0, 10.0] {
            let index = try bestH(lambdaHat.map { multiplier * $0 })
            var single = [Double](repeating: 0, count: errors.count)
            single[index] = 1
            let low = eval(single, lambdaHat).L
            if low < result.lLow { result.lLow = low }
            if result.gap > nu + 1e-8 { break }
        }
        return result
    }

    /// The LP over the convex hull of the stored hypotheses (fairlearn's `solve_linprog`):
    /// primal `min errᵀQ + B·ξ` s.t. `(γ − ε)Q − ξ ≤ 0`, `ΣQ = 1`, `Q, ξ ≥ 0`; its dual gives λ.
    mutating func solveLinprog(nu: Double) throws -> (q: [Double], lambda: [Double], result: GapResult) {
        let nH = errors.count
        if nH == lastLinprogCount, let cached = lastLinprog { return cached }
        let k = moment.constraintCount
        let c = errors + [B]
        var aUb = [[Double]]()
        for j in 0..<k { aUb.append((0..<nH).map { gammas[$0][j] - moment.bound } + [-1]) }
        let bUb = [Double](repeating: 0, count: k)
        let aEq = [[Double](repeating: 1, count: nH) + [0]]
        let primal = DenseSimplex.minimize(c: c, aUb: aUb, bUb: bUb, aEq: aEq, bEq: [1])
        // Dual: min −μ s.t. −A_ubᵀλ + A_eqᵀμ ≤ c, λ ≥ 0, μ free.
        var dualA = [[Double]]()
        for h in 0...nH { dualA.append((0..<k).map { -aUb[$0][h] } + [aEq[0][h]]) }
        let dual = DenseSimplex.minimize(
            c: [Double](repeating: 0, count: k) + [-1], aUb: dualA, bUb: c, aEq: [], bEq: [], free: [k])
        // The LP is always feasible and bounded (Q = any vertex, ξ large); a nil means
        // numerical failure, and the uniform mixture keeps the algorithm going.
        let q = primal.map { Array($0.prefix(nH)) } ?? [Double](repeating: 1 / Double(nH), count: nH)
        let lambda = dual.map { Array($0.prefix(k)) } ?? [Double](repeating: 0, count: k)
        let result = try evalGap(q, lambdaHat: lambda, nu: nu)
        // evalGap may have added hypotheses; fairlearn caches on the count before the call.
        lastLinprogCount = nH
        var padded = q
        while padded.count < errors.count { padded.append(0) }
        lastLinprog = (padded, lambda, result)
        return (padded, lambda, result)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<min(a.count, b.count) { s += a[i] * b[i] }
        return s
    }
}

/// A fitted exponentiated-gradient classifier: a distribution over logistic regressions
/// (fairlearn's `predictors_` and `weights_`), with the training diagnostics.
public struct ExponentiatedGradientModel: Codable, Equatable, Sendable {
    public var target: FairnessTarget
    public var groupNames: [String]
    public var featureNames: [String]
    /// Names of the signed constraints, in the order of `lambda` and each gamma vector.
    public var constraintNames: [String]
    /// Every hypothesis the oracle produced that was kept (fairlearn's `predictors_`).
    public var predictors: [ReductionPredictor]
    /// Probability of each predictor in the randomized classifier (sums to 1).
    public var weights: [Double]
    /// Training error and signed constraint values of each predictor.
    public var hypothesisErrors: [Double]
    public var hypothesisGammas: [[Double]]
    /// The averaged multipliers λ̂ of the last iteration.
    public var lambda: [Double]
    /// Duality gap kept at each iteration.
    public var gaps: [Double]
    public var bestIteration: Int
    public var bestGap: Double
    public var nu: Double
    public var iterations: Int
    /// Best-response requests (fairlearn's `n_oracle_calls_`) and the fits they needed.
    public var oracleCalls: Int
    public var oracleFits: Int
    /// Error, signed constraint values and largest violation of the mixture on the training rows.
    public var trainingError: Double
    public var trainingGamma: [Double]
    public var trainingViolation: Double

    /// P(decision = 1 | x) of the randomized classifier: Σ_h weight_h · h(x), with each h's
    /// hard decision (fairlearn's `_pmf_predict`). O(rows × cols × hypotheses with weight > 0).
    public func positiveProbability(_ X: Matrix) throws -> [Double] {
        var out = [Double](repeating: 0, count: X.rows)
        for (predictor, w) in zip(predictors, weights) where w > 0 {
            let d = try predictor.decisions(X)
            for i in 0..<X.rows where d[i] == 1 { out[i] += w }
        }
        // The weights sum to 1 only up to rounding; a probability must not exceed 1.
        return out.map { min(1, $0) }
    }

    /// Randomized 0/1 decisions: 1 iff `positiveProbability ≥ u` with one uniform draw `u`
    /// per row, in row order (fairlearn's `predict`). The same seeded stream gives the same
    /// decisions.
    public func predict<G: RandomNumberGenerator>(_ X: Matrix, rng: inout G) throws -> [UInt8] {
        Self.draw(try positiveProbability(X), rng: &rng)
    }

    /// The randomized decisions of rows with positive probabilities `p`, one draw per row.
    static func draw<G: RandomNumberGenerator>(_ p: [Double], rng: inout G) -> [UInt8] {
        p.map { $0 >= rng.nextUnitDouble() ? 1 : 0 }
    }
}
