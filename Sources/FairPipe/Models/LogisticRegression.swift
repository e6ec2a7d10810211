import Foundation

/// L2-regularised binary logistic regression with optional sample weights, solving exactly
/// scikit-learn's `LogisticRegression(C=C, penalty='l2', fit_intercept=True)` problem:
///
///     minimise  f(w, b) = ½‖w‖² + C Σᵢ sᵢ log(1 + exp(−yᵢ(xᵢ·w + b))),   yᵢ ∈ {−1, +1}
///
/// with the intercept `b` unpenalised and `sᵢ ≥ 0` the sample weights (default 1).
///
/// The solver is Newton's method (iteratively reweighted least squares): with
/// `pᵢ = σ(xᵢ·w + b)`, `tᵢ ∈ {0, 1}` and `x̃ᵢ = (xᵢ, 1)`,
///
///     ∇f = (w, 0) + C Σᵢ sᵢ (pᵢ − tᵢ) x̃ᵢ
///     ∇²f = diag(1, …, 1, 0) + C Σᵢ sᵢ pᵢ(1 − pᵢ) x̃ᵢ x̃ᵢᵀ
///
/// and each step solves `∇²f d = −∇f` by Cholesky, then halves the step until the Armijo
/// condition holds (so the objective never increases). `f` is strictly convex in `w`, so
/// even linearly separable data has a unique, finite optimum; the intercept stays finite as
/// long as both classes carry weight. Stops when the scaled gradient
/// `max_j |∂f/∂θ_j| / (C · Σ sᵢ) ≤ tol` — the gradient of the mean loss, as scikit-learn's
/// `newton-cholesky` solver tests it, so the test does not tighten as rows are added.
///
/// Cost per Newton step: O(n p²) for the Hessian (the dominant term), O(n p) for scores and
/// gradient, O(p³) for the Cholesky solve, O(n) per step-halving trial. While each step cuts
/// the gradient 20-fold or more the previous Hessian factor is reused (chord-Newton steps at
/// O(n p)): a typical cold fit builds 4 Hessians for 7 steps, a warm start often just 1.
/// The full step is tried by evaluating the next iterate outright (one pass over the rows
/// when it is accepted, as it is near the optimum). Mostly-zero features (one-hot columns)
/// are stored as sparse rows (``DesignMatrix``), which turns n p into the non-zero count and
/// n p² into Σᵢ nnzᵢ². The implementation is ``NewtonSolver`` over a ``Workspace``.
///
/// Determinism: rows are cut into chunks of a fixed size (``chunkRows``) that depends on
/// nothing but the row count; chunks run in parallel and their partial sums are added in
/// chunk order, so the result is bit-identical on any number of cores.
public struct LogisticRegression: WeightedClassifierTrainer, Sendable {
    public typealias Model = LogisticModel

    public var config: LogisticRegressionConfig

    /// Rows per parallel chunk. Fixed (never derived from the core count) so that the
    /// floating-point summation order — and thus every output bit — is the same everywhere.
    public static let chunkRows = 8192

    public init(config: LogisticRegressionConfig = LogisticRegressionConfig()) {
        self.config = config
    }

    /// Fits the model. `labels` are 0/1; `weights` (nil: all 1) must be finite and ≥ 0 with a
    /// positive total and both classes carrying weight. `warmStart` (a previous fit on the
    /// same features) only shortens the path to the same optimum — useful when a mitigation
    /// method calls this as an oracle many times with slowly changing weights.
    ///
    /// Throws ``ModelError`` for unusable data; non-convergence is recorded in
    /// ``LogisticModel/solver``, not thrown.
    public func fit(
        _ X: Matrix, labels: [UInt8], weights: [Double]?, featureNames: [String], warmStart: LogisticModel?
    ) throws -> LogisticModel {
        try Self.validate(X, labels: labels, weights: weights, featureNames: featureNames)
        return try fit(
            DesignMatrix(validated: X), labels: labels, weights: weights, featureNames: featureNames,
            warmStart: warmStart)
    }

    /// Fits on a prepared ``DesignMatrix`` (built and checked once by a caller that fits
    /// the same features many times, such as a reductions oracle). Checks everything
    /// ``fit(_:labels:weights:featureNames:warmStart:)`` checks except feature finiteness,
    /// which the design's constructor did.
    func fit(
        _ design: DesignMatrix, labels: [UInt8], weights: [Double]?, featureNames: [String], warmStart: LogisticModel?
    ) throws -> LogisticModel {
        try TrainingRows.validate(
            rows: design.rows, cols: design.cols, labels: labels, weights: weights, featureNames: featureNames)
        let problem = try WeightedProblem(labels: labels, weights: weights)
        var solver = NewtonSolver(design: design, problem: problem, config: config)
        if let warm = warmStart {
            guard warm.coefficients.count == design.cols else {
                throw ModelError.countMismatch(
                    what: "warm-start coefficients", expected: design.cols, found: warm.coefficients.count)
            }
            solver.w = warm.coefficients
            solver.b = config.fitIntercept ? warm.intercept : 0
        }
        let report = try solver.run()
        return LogisticModel(featureNames: featureNames, coefficients: solver.w, intercept: solver.b, solver: report)
    }

    /// Checks shapes, labels, finiteness and weight signs, naming the first offending row.
    static func validate(_ X: Matrix, labels: [UInt8], weights: [Double]?, featureNames: [String]) throws {
        try TrainingRows.validate(
            rows: X.rows, cols: X.cols, labels: labels, weights: weights, featureNames: featureNames)
        try DesignMatrix.checkFinite(X, featureNames: featureNames)
    }

    /// Factors the Newton matrix `A = C·H_data + diag(1, …, 1, 0)` (the identity on the
    /// `features` coefficients, nothing on the intercept) from the upper triangle `upper` of
    /// the `(features + 1)²` data Hessian, keeping the leading `size × size` block. If
    /// rounding makes it not positive definite (an intercept with vanishing curvature on
    /// nearly separable data), adds a growing ridge `δI` until it factors; the line search
    /// keeps such a step safe. Nil only if no ridge helps (non-finite input).
    static func newtonMatrix(_ upper: [Double], C: Double, features p: Int, size m: Int) -> Cholesky? {
        let q = p + 1
        var a = [Double](repeating: 0, count: m * m)
        for j in 0..<m {
            for k in j..<m {
                let v = C * upper[j * q + k]
                a[j * m + k] = v
                a[k * m + j] = v
            }
            if j < p { a[j * m + j] += 1 }
        }
        if let factor = Cholesky(a, size: m) { return factor }
        var largest = 0.0
        for j in 0..<m { largest = max(largest, abs(a[j * m + j])) }
        var delta = max(largest, 1) * 1e-12
        while delta.isFinite {
            var shifted = a
            for j in 0..<m { shifted[j * m + j] += delta }
            if let factor = Cholesky(shifted, size: m) { return factor }
            delta *= 10
        }
        return nil
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<min(a.count, b.count) { s += a[i] * b[i] }
        return s
    }

    /// `Σ_j a[j] b[j]` with four independent accumulators (breaks the add latency chain;
    /// the order is fixed, so results are still deterministic).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var j = 0
        while j + 4 <= count {
            s0 += a[j] * b[j]
            s1 += a[j + 1] * b[j + 1]
            s2 += a[j + 2] * b[j + 2]
            s3 += a[j + 3] * b[j + 3]
            j += 4
        }
        while j < count {
            s0 += a[j] * b[j]
            j += 1
        }
        return (s0 + s1) + (s2 + s3)
    }
}

/// The targets `tᵢ ∈ {0, 1}` and weights `sᵢ` of one fit as Doubles, with the class totals;
/// throws when a class (or the whole sample) carries no weight.
struct WeightedProblem {
    let t: [Double]
    let s: [Double]
    let total: Double
    let positive: Double
    var negative: Double { total - positive }

    init(labels: [UInt8], weights: [Double]?) throws {
        let n = labels.count
        let t = labels.map { Double($0) }
        let s = weights ?? [Double](repeating: 1, count: n)
        var total = 0.0
        var positive = 0.0
        for i in 0..<n {
            total += s[i]
            positive += s[i] * t[i]
        }
        guard total > 0 else { throw ModelError.zeroTotalWeight }
        guard positive > 0 else { throw ModelError.singleClass(label: 0) }
        guard total - positive > 0 else { throw ModelError.singleClass(label: 1) }
        self.t = t
        self.s = s
        self.total = total
        self.positive = positive
    }
}

/// Newton's method on one ``WeightedProblem``, the loop of ``LogisticRegression`` cut at its
/// seams: ``evaluate(w:b:)`` (objective and gradient), ``newtonStep(at:)`` (direction from
/// a fresh or reused Hessian factor), ``fullStep(dw:db:slope:from:)`` then
/// ``lineSearch(dw:db:slope:from:)`` (step length) and ``take(_:from:)`` (move and
/// progress test).
///
/// Starts at w = 0 with the intercept at the weighted log-odds of the base rate (the exact
/// optimum of b when w = 0), unless the caller sets `w` and `b` (a warm start).
struct NewtonSolver {
    /// The objective, gradient (size ``m``) and scaled gradient norm at one iterate.
    struct Point {
        var objective: Double
        var gradient: [Double]
        var gradientNorm: Double
    }

    /// An accepted step: direction, length, the objective there, whether the gradient at
    /// its start was a new best (at least halving the best so far), and the evaluated point
    /// it leads to when a full step was tried first and accepted.
    struct Step {
        var dw: [Double]
        var db: Double
        var length: Double
        var objective: Double
        var newBest: Bool
        var next: Point? = nil
    }

    let design: DesignMatrix
    let problem: WeightedProblem
    let C: Double
    let fitIntercept: Bool
    let tol: Double
    let maxIter: Int
    var w: [Double]
    var b: Double
    private var workspace: Workspace
    private var factor: Cholesky? = nil
    private var factorIsFresh = false
    private var hessianEvaluations = 0
    private var previousGradientNorm = Double.infinity
    private var bestGradientNorm = Double.infinity
    private var stepsWithoutProgress = 0

    /// Features.
    var p: Int { design.cols }
    /// Size of the system actually solved: the features, plus the intercept when fitted.
    var m: Int { fitIntercept ? p + 1 : p }

    init(design: DesignMatrix, problem: WeightedProblem, config: LogisticRegressionConfig) {
        self.design = design
        self.problem = problem
        C = config.C
        fitIntercept = config.fitIntercept
        tol = config.tol
        maxIter = config.maxIter
        w = [Double](repeating: 0, count: design.cols)
        b = config.fitIntercept ? log(problem.positive / problem.negative) : 0
        workspace = Workspace(rows: design.rows, width: design.cols + 1)
    }

    /// Iterates until the gradient test passes, `maxIter` steps were taken, the line search
    /// fails or progress stalls; leaves the result in `w` and `b`.
    mutating func run() throws -> SolverReport {
        var iterations = 0
        var stopReason = SolverReport.StopReason.maxIterations
        var point = try checked(evaluate(w: w, b: b), iteration: 0)
        while true {
            if point.gradientNorm <= tol {
                stopReason = .converged
                break
            }
            if iterations == maxIter {
                stopReason = .maxIterations
                break
            }
            guard let step = newtonStep(at: point) else {
                stopReason = .lineSearchFailed
                break
            }
            iterations += 1
            if !take(step, from: point) {
                stopReason = .stalled
                break
            }
            point = try checked(step.next ?? evaluate(w: w, b: b), iteration: iterations)
        }
        return SolverReport(
            iterations: iterations, hessianEvaluations: hessianEvaluations, converged: stopReason == .converged,
            gradientNorm: point.gradientNorm, objective: point.objective, stopReason: stopReason)
    }

    /// Objective, gradient and `max_j |∂f/∂θ_j| / (C · Σ sᵢ)` (the gradient of the mean
    /// loss) at `(w, b)`; also leaves that point's scores and curvatures in the workspace
    /// for the Hessian and the line search. O(n p), or O(nnz) on a sparse design.
    mutating func evaluate(w: [Double], b: Double) -> Point {
        let sums = workspace.evaluate(design, w: w, b: b, t: problem.t, s: problem.s)
        let objective = C * sums.loss + 0.5 * LogisticRegression.dot(w, w)
        var g = [Double](repeating: 0, count: m)
        for j in 0..<p { g[j] = w[j] + C * sums.gradient[j] }
        if fitIntercept { g[p] = C * sums.gradient[p] }
        let gradientNorm = g.reduce(0) { max($0, abs($1)) } / (C * problem.total)
        return Point(objective: objective, gradient: g, gradientNorm: gradientNorm)
    }

    /// `point`, or a ``ModelError/numericalFailure(message:)`` when it is not finite.
    func checked(_ point: Point, iteration: Int) throws -> Point {
        guard point.objective.isFinite, point.gradientNorm.isFinite else {
            throw ModelError.numericalFailure(
                message: "the objective is not finite at iteration \(iteration); "
                    + "rescale features with very large values")
        }
        return point
    }

    /// The Newton step from `point`, or nil when no step length lowers the objective.
    ///
    /// The Hessian is the whole cost of a step, so it is rebuilt only when needed. Once the
    /// last step cut the gradient 20-fold, Newton is in its fast regime, the Hessian barely
    /// moved, and the previous factor still gives a step that gains a digit or more at
    /// O(n p) cost (a chord-Newton step); as soon as a step gains less, the next one
    /// rebuilds. A stale factor that fails the line search gets one retry with a fresh one.
    /// The fixed point is unchanged because the stopping test uses the true gradient.
    mutating func newtonStep(at point: Point) -> Step? {
        let ratio = point.gradientNorm / previousGradientNorm
        let newBest = point.gradientNorm < 0.5 * bestGradientNorm
        bestGradientNorm = min(bestGradientNorm, point.gradientNorm)
        let reuse = factor != nil && ratio <= 0.05
        previousGradientNorm = point.gradientNorm
        for attempt in 0..<2 {
            if attempt == 1 && factorIsFresh { break }
            if factor == nil || !reuse || attempt == 1 {
                factor = LogisticRegression.newtonMatrix(workspace.hessian(design), C: C, features: p, size: m)
                factorIsFresh = true
                hessianEvaluations += 1
            } else {
                factorIsFresh = false
            }
            // Newton direction d = −A⁻¹g; steepest descent if A could not be factored.
            let rhs = point.gradient.map { -$0 }
            let d = factor?.solve(rhs) ?? rhs
            let dw = Array(d[0..<p])
            let db = fitIntercept ? d[p] : 0
            let slope = LogisticRegression.dot(point.gradient, d)  // < 0 for a descent direction
            if let full = fullStep(dw: dw, db: db, slope: slope, from: point.objective) {
                return Step(dw: dw, db: db, length: 1, objective: full.objective, newBest: newBest, next: full)
            }
            if let accepted = lineSearch(dw: dw, db: db, slope: slope, from: point.objective) {
                return Step(dw: dw, db: db, length: accepted.length, objective: accepted.objective, newBest: newBest)
            }
        }
        return nil
    }

    /// Tries the full step first by evaluating the next iterate outright: near the optimum
    /// (every warm-started oracle fit) the full Newton step passes the Armijo test, and the
    /// evaluation is the one the next iteration needs anyway, so a step costs one pass over
    /// the rows instead of three (direction scores, trial loss, next gradient). When the
    /// test fails the workspace is restored to `(w, b)` for the step halving (and a Hessian
    /// retry), at the cost of one extra pass. Nil when the full step is not accepted.
    mutating func fullStep(dw: [Double], db: Double, slope: Double, from objective: Double) -> Point? {
        var trialW = w
        for j in 0..<p { trialW[j] = w[j] + dw[j] }
        let next = evaluate(w: trialW, b: b + db)
        if next.objective <= objective + 1e-4 * slope + 1e-12 * abs(objective) { return next }
        _ = evaluate(w: w, b: b)
        return nil
    }

    /// Step halving until the Armijo condition holds (at most 60 halvings; the first trial,
    /// length 1, repeats the one ``fullStep(dw:db:slope:from:)`` rejected, in the cheaper
    /// O(n) form, so that the accepted lengths are the classic 1, ½, ¼, …).
    /// The slack absorbs rounding in f so that the last, tiny Newton steps near the optimum
    /// are not rejected as noise. O(n p) once for the direction's scores, O(n) per trial.
    mutating func lineSearch(
        dw: [Double], db: Double, slope: Double, from objective: Double
    ) -> (length: Double, objective: Double)? {
        workspace.direction(design, dw: dw, db: db)
        let slack = 1e-12 * abs(objective)
        var step = 1.0
        for _ in 0..<60 {
            let trialLoss = workspace.trialLoss(step: step, t: problem.t, s: problem.s)
            var norm2 = 0.0
            for j in 0..<p {
                let v = w[j] + step * dw[j]
                norm2 += v * v
            }
            let trial = C * trialLoss + 0.5 * norm2
            if trial <= objective + 1e-4 * step * slope + slack { return (step, trial) }
            step *= 0.5
        }
        return nil
    }

    /// Moves to (w, b) + length · d. False when no coefficient moved, or after three steps
    /// in a row that neither lowered f beyond rounding nor set a new best gradient: at the
    /// rounding floor of the gradient (features of very different magnitudes, e.g. raw
    /// amounts in the 1e8 range) ∇f wanders around its best value, and stopping there
    /// saves every remaining Hessian.
    mutating func take(_ step: Step, from point: Point) -> Bool {
        var moved = false
        for j in 0..<p {
            let next = w[j] + step.length * step.dw[j]
            if next != w[j] { moved = true }
            w[j] = next
        }
        let nextB = b + step.length * step.db
        if nextB != b { moved = true }
        b = nextB
        let noProgress = point.objective - step.objective <= 1e-12 * abs(point.objective) && !step.newBest
        stepsWithoutProgress = noProgress ? stepsWithoutProgress + 1 : 0
        return moved && stepsWithoutProgress < 3
    }
}
