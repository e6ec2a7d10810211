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
        let n = X.rows
        let p = X.cols
        try Self.validate(X, labels: labels, weights: weights, featureNames: featureNames)

        // Targets tᵢ ∈ {0, 1} and weights sᵢ as Doubles, once.
        let t = labels.map { Double($0) }
        let s = weights ?? [Double](repeating: 1, count: n)
        var total = 0.0
        var positive = 0.0
        for i in 0..<n {
            total += s[i]
            positive += s[i] * t[i]
        }
        let negative = total - positive
        guard total > 0 else { throw ModelError.zeroTotalWeight }
        guard positive > 0 else { throw ModelError.singleClass(label: 0) }
        guard negative > 0 else { throw ModelError.singleClass(label: 1) }

        let C = config.C
        let fitIntercept = config.fitIntercept
        let q = p + 1  // augmented system: features, then the intercept
        let m = fitIntercept ? q : p  // size of the system actually solved

        // Starting point: the warm start, or w = 0 with the intercept at the weighted
        // log-odds of the base rate (the exact optimum of b when w = 0).
        var w = [Double](repeating: 0, count: p)
        var b = fitIntercept ? log(positive / negative) : 0
        if let warm = warmStart {
            guard warm.coefficients.count == p else {
                throw ModelError.countMismatch(
                    what: "warm-start coefficients", expected: p, found: warm.coefficients.count)
            }
            w = warm.coefficients
            b = fitIntercept ? warm.intercept : 0
        }

        var workspace = Workspace(rows: n, width: q)
        var iterations = 0
        var stopReason = SolverReport.StopReason.maxIterations
        var objective = Double.nan
        var gradientNorm = Double.nan
        let scale = C * total  // turns ∇f into the gradient of the mean loss

        var factor: Cholesky? = nil
        var factorIsFresh = false
        var hessianEvaluations = 0
        var previousGradientNorm = Double.infinity
        var stepsWithoutProgress = 0
        var bestGradientNorm = Double.infinity
        while true {
            let sums = workspace.evaluate(X, w: w, b: b, t: t, s: s)
            objective = C * sums.loss + 0.5 * Self.dot(w, w)
            var g = [Double](repeating: 0, count: m)
            for j in 0..<p { g[j] = w[j] + C * sums.gradient[j] }
            if fitIntercept { g[p] = C * sums.gradient[p] }
            gradientNorm = g.reduce(0) { max($0, abs($1)) } / scale
            guard objective.isFinite, gradientNorm.isFinite else {
                throw ModelError.numericalFailure(
                    message: "the objective is not finite at iteration \(iterations); "
                        + "rescale features with very large values")
            }
            if gradientNorm <= config.tol {
                stopReason = .converged
                break
            }
            if iterations == config.maxIter {
                stopReason = .maxIterations
                break
            }

            // The O(n p²) Hessian is the whole cost of a step, so it is rebuilt only when
            // needed. Once the last step cut the gradient 20-fold, Newton is in its fast
            // regime, the Hessian barely moved, and the previous factor still gives a step
            // that gains a digit or more at O(n p) cost (a chord-Newton step); as soon as a
            // step gains less, the next one rebuilds. The fixed point is unchanged because
            // the stopping test uses the true gradient.
            let ratio = gradientNorm / previousGradientNorm
            let newBest = gradientNorm < 0.5 * bestGradientNorm
            bestGradientNorm = min(bestGradientNorm, gradientNorm)
            let reuse = factor != nil && ratio <= 0.05
            previousGradientNorm = gradientNorm
            var accepted = false
            var acceptedObjective = objective
            var step = 1.0
            var dw = [Double](repeating: 0, count: p)
            var db = 0.0
            for attempt in 0..<2 {
                if attempt == 1 && factorIsFresh { break }
                if factor == nil || !reuse || attempt == 1 {
                    factor = Self.newtonMatrix(workspace.hessian(X), C: C, features: p, size: m)
                    factorIsFresh = true
                    hessianEvaluations += 1
                } else {
                    factorIsFresh = false
                }
                // Newton direction d = −A⁻¹g; steepest descent if A could not be factored.
                let rhs = g.map { -$0 }
                let d = factor?.solve(rhs) ?? rhs
                for j in 0..<p { dw[j] = d[j] }
                db = fitIntercept ? d[p] : 0
                let slope = Self.dot(g, d)  // directional derivative, < 0 for a descent direction

                // Step halving with the Armijo condition. The slack absorbs rounding in f so
                // that the last, tiny Newton steps near the optimum are not rejected as noise.
                workspace.direction(X, dw: dw, db: db)
                let slack = 1e-12 * abs(objective)
                step = 1.0
                for _ in 0..<60 {
                    let trialLoss = workspace.trialLoss(step: step, t: t, s: s)
                    var norm2 = 0.0
                    for j in 0..<p {
                        let v = w[j] + step * dw[j]
                        norm2 += v * v
                    }
                    let trial = C * trialLoss + 0.5 * norm2
                    if trial <= objective + 1e-4 * step * slope + slack {
                        accepted = true
                        acceptedObjective = trial
                        break
                    }
                    step *= 0.5
                }
                if accepted { break }
                // A stale factor that fails the line search gets one retry with a fresh one.
            }
            guard accepted else {
                stopReason = .lineSearchFailed
                break
            }
            var moved = false
            for j in 0..<p {
                let next = w[j] + step * dw[j]
                if next != w[j] { moved = true }
                w[j] = next
            }
            let nextB = b + step * db
            if nextB != b { moved = true }
            b = nextB
            iterations += 1
            // At the rounding floor of the gradient (features of very different magnitudes,
            // e.g. raw amounts in the 1e8 range) f no longer decreases and ∇f wanders around
            // its best value; stop there rather than spend every remaining iteration on an
            // O(n p²) Hessian.
            let noProgress = objective - acceptedObjective <= 1e-12 * abs(objective) && !newBest
            stepsWithoutProgress = noProgress ? stepsWithoutProgress + 1 : 0
            if !moved || stepsWithoutProgress >= 3 {
                stopReason = .stalled
                break
            }
        }

        let report = SolverReport(
            iterations: iterations,
            hessianEvaluations: hessianEvaluations,
            converged: stopReason == .converged,
            gradientNorm: gradientNorm,
            objective: objective,
            stopReason: stopReason)
        return LogisticModel(featureNames: featureNames, coefficients: w, intercept: b, solver: report)
    }

    /// Checks shapes, labels, finiteness and weight signs, naming the first offending row.
    static func validate(_ X: Matrix, labels: [UInt8], weights: [Double]?, featureNames: [String]) throws {
        let n = X.rows
        let p = X.cols
        guard n > 0 else { throw ModelError.noRows }
        guard labels.count == n else {
            throw ModelError.countMismatch(what: "labels", expected: n, found: labels.count)
        }
        guard featureNames.count == p else {
            throw ModelError.countMismatch(what: "feature names", expected: p, found: featureNames.count)
        }
        if let weights {
            guard weights.count == n else {
                throw ModelError.countMismatch(what: "sample weights", expected: n, found: weights.count)
            }
            for (i, v) in weights.enumerated() {
                guard v.isFinite else { throw ModelError.nonFiniteWeight(row: i, value: v) }
                guard v >= 0 else { throw ModelError.negativeWeight(row: i, value: v) }
            }
        }
        for (i, label) in labels.enumerated() where label > 1 {
            throw ModelError.invalidLabel(row: i, value: label)
        }
        let firstBad: Int? = X.withUnsafeBufferPointer { x in x.firstIndex { !$0.isFinite } }
        if let index = firstBad {
            throw ModelError.nonFiniteFeature(
                feature: featureNames[index % p], row: index / p, value: X.storage[index])
        }
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

/// Buffers reused across the Newton iterations of one fit, and the parallel passes over rows.
struct Workspace {
    let rows: Int
    /// q = p + 1: features plus the intercept.
    let width: Int
    let chunkCount: Int
    /// Scores zᵢ = xᵢ·w + b at the current point.
    var scores: [Double]
    /// Scores of the Newton direction, uᵢ = xᵢ·dw + db.
    var directionScores: [Double]
    /// Curvature weights sᵢ pᵢ(1 − pᵢ), disjoint per chunk.
    var curvature: [Double]
    /// Per chunk: loss, gradient (q), Hessian upper triangle (q × q).
    var partials: [Double]

    var stride: Int { 1 + width + width * width }

    init(rows: Int, width: Int) {
        self.rows = rows
        self.width = width
        chunkCount = (rows + LogisticRegression.chunkRows - 1) / LogisticRegression.chunkRows
        scores = [Double](repeating: 0, count: rows)
        directionScores = [Double](repeating: 0, count: rows)
        curvature = [Double](repeating: 0, count: rows)
        partials = [Double](repeating: 0, count: chunkCount * (1 + width + width * width))
    }

    func chunk(_ c: Int) -> Range<Int> {
        let lo = c * LogisticRegression.chunkRows
        return lo ..< min(lo + LogisticRegression.chunkRows, rows)
    }

    /// Σ sᵢ ℓᵢ and Σ sᵢ (pᵢ − tᵢ) x̃ᵢ at (w, b), summed chunk by chunk in chunk order; also
    /// stores the scores zᵢ and curvatures sᵢ pᵢ(1 − pᵢ) for ``hessian(_:)``. O(n p), parallel.
    mutating func evaluate(
        _ X: Matrix, w: [Double], b: Double, t: [Double], s: [Double]
    ) -> (loss: Double, gradient: [Double]) {
        let p = width - 1
        let q = width
        let stride = self.stride
        let chunks = chunkCount
        let rows = self.rows
        X.withUnsafeBufferPointer { xb in
        w.withUnsafeBufferPointer { wb in
        t.withUnsafeBufferPointer { tb in
        s.withUnsafeBufferPointer { sb in
        scores.withUnsafeMutableBufferPointer { zb in
        curvature.withUnsafeMutableBufferPointer { hb in
        partials.withUnsafeMutableBufferPointer { pb in
            // Pointers are valid for the whole (synchronous) concurrentPerform; chunks write
            // disjoint ranges of z, curvature and partials.
            nonisolated(unsafe) let x = xb.baseAddress, w = wb.baseAddress
            nonisolated(unsafe) let t = tb.baseAddress!, s = sb.baseAddress!, z = zb.baseAddress!
            nonisolated(unsafe) let h = hb.baseAddress!, parts = pb.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = c * LogisticRegression.chunkRows
                let hi = min(lo + LogisticRegression.chunkRows, rows)
                Self.gradientPass(
                    x: x, p: p, lo: lo, hi: hi, w: w, b: b, t: t, s: s, z: z, h: h, out: parts + c * stride)
            }
        }}}}}}}

        var loss = 0.0
        var gradient = [Double](repeating: 0, count: q)
        for c in 0..<chunks {
            let base = c * stride
            loss += partials[base]
            for j in 0..<q { gradient[j] += partials[base + 1 + j] }
        }
        return (loss, gradient)
    }

    /// The upper triangle of Σ sᵢ pᵢ(1 − pᵢ) x̃ᵢ x̃ᵢᵀ (row-major q × q) at the point of the
    /// last ``evaluate``, summed in chunk order. O(n p²), parallel: the hot loop of a fit.
    mutating func hessian(_ X: Matrix) -> [Double] {
        let p = width - 1
        let q = width
        let stride = self.stride
        let chunks = chunkCount
        let rows = self.rows
        X.withUnsafeBufferPointer { xb in
        curvature.withUnsafeBufferPointer { hb in
        partials.withUnsafeMutableBufferPointer { pb in
            nonisolated(unsafe) let x = xb.baseAddress, h = hb.baseAddress!, parts = pb.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = c * LogisticRegression.chunkRows
                let hi = min(lo + LogisticRegression.chunkRows, rows)
                Self.hessianPass(x: x, p: p, q: q, lo: lo, hi: hi, h: h, H: parts + c * stride + 1 + q)
            }
        }}}
        var upper = [Double](repeating: 0, count: q * q)
        for c in 0..<chunks {
            let base = c * stride + 1 + q
            for j in 0..<q {
                for k in j..<q { upper[j * q + k] += partials[base + j * q + k] }
            }
        }
        return upper
    }

    /// One chunk of ``evaluate``: rows `lo..<hi`; writes loss then gradient (q) to `out`.
    @inline(__always)
    static func gradientPass(
        x: UnsafePointer<Double>?, p: Int, lo: Int, hi: Int, w: UnsafePointer<Double>?, b: Double,
        t: UnsafePointer<Double>, s: UnsafePointer<Double>, z: UnsafeMutablePointer<Double>,
        h: UnsafeMutablePointer<Double>, out: UnsafeMutablePointer<Double>
    ) {
        let g = out + 1
        g.update(repeating: 0, count: p + 1)
        var loss = 0.0
        for i in lo..<hi {
            var zi = b
            if let x, let w { zi += LogisticRegression.dot(x + i * p, w, p) }
            z[i] = zi
            // One exp and one log1p per row: e = exp(−|z|) never overflows.
            let e = exp(-abs(zi))
            let onePlus = 1 + e
            let prob = zi >= 0 ? 1 / onePlus : e / onePlus
            let margin = t[i] == 1 ? zi : -zi  // yᵢ zᵢ
            loss += s[i] * ((margin >= 0 ? 0 : -margin) + log1p(e))
            let r = s[i] * (prob - t[i])
            if let x {
                let row = x + i * p
                for j in 0..<p { g[j] += r * row[j] }
            }
            g[p] += r
            h[i] = s[i] * (e / (onePlus * onePlus))
        }
        out[0] = loss
    }

    /// One chunk of ``hessian(_:)``: rows `lo..<hi` into the q × q block `H`.
    @inline(__always)
    static func hessianPass(
        x: UnsafePointer<Double>?, p: Int, q: Int, lo: Int, hi: Int,
        h: UnsafePointer<Double>, H: UnsafeMutablePointer<Double>
    ) {
        H.update(repeating: 0, count: q * q)
        // Four rows at a time, so each Hessian entry is loaded and stored once per four
        // rows; the inner loop over k is contiguous in both the data row and the Hessian
        // row, so it vectorises.
        var i = lo
        guard let x else {
            for i in lo..<hi { H[p * q + p] += h[i] }
            return
        }
        while i + 4 <= hi {
            let x0 = x + i * p, x1 = x0 + p, x2 = x1 + p, x3 = x2 + p
            let h0 = h[i], h1 = h[i + 1], h2 = h[i + 2], h3 = h[i + 3]
            for j in 0..<p {
                let c0 = h0 * x0[j], c1 = h1 * x1[j], c2 = h2 * x2[j], c3 = h3 * x3[j]
                let Hj = H + j * q
                for k in j..<p {
                    Hj[k] += (c0 * x0[k] + c1 * x1[k]) + (c2 * x2[k] + c3 * x3[k])
                }
                Hj[p] += (c0 + c1) + (c2 + c3)
            }
            H[p * q + p] += (h0 + h1) + (h2 + h3)
            i += 4
        }
        while i < hi {
            let x0 = x + i * p
            let h0 = h[i]
            for j in 0..<p {
                let c0 = h0 * x0[j]
                let Hj = H + j * q
                for k in j..<p { Hj[k] += c0 * x0[k] }
                Hj[p] += c0
            }
            H[p * q + p] += h0
            i += 1
        }
    }

    /// Stores uᵢ = xᵢ·dw + db for the step-halving trials. O(n p), parallel.
    mutating func direction(_ X: Matrix, dw: [Double], db: Double) {
        let p = width - 1
        let rows = self.rows
        let chunks = chunkCount
        X.withUnsafeBufferPointer { xb in
        dw.withUnsafeBufferPointer { db_ in
        directionScores.withUnsafeMutableBufferPointer { ub in
            nonisolated(unsafe) let x = xb.baseAddress, d = db_.baseAddress, u = ub.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = c * LogisticRegression.chunkRows
                let hi = min(lo + LogisticRegression.chunkRows, rows)
                for i in lo..<hi {
                    var ui = db
                    if let x, let d { ui += LogisticRegression.dot(x + i * p, d, p) }
                    u[i] = ui
                }
            }
        }}}
    }

    /// Σ sᵢ log(1 + exp(−yᵢ(zᵢ + step·uᵢ))), summed in chunk order. O(n), parallel.
    mutating func trialLoss(step: Double, t: [Double], s: [Double]) -> Double {
        let rows = self.rows
        let chunks = chunkCount
        let stride = self.stride
        scores.withUnsafeBufferPointer { zb in
        directionScores.withUnsafeBufferPointer { ub in
        t.withUnsafeBufferPointer { tb in
        s.withUnsafeBufferPointer { sb in
        partials.withUnsafeMutableBufferPointer { pb in
            nonisolated(unsafe) let z = zb.baseAddress!, u = ub.baseAddress!
            nonisolated(unsafe) let t = tb.baseAddress!, s = sb.baseAddress!
            nonisolated(unsafe) let parts = pb.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = c * LogisticRegression.chunkRows
                let hi = min(lo + LogisticRegression.chunkRows, rows)
                var loss = 0.0
                for i in lo..<hi {
                    let zi = z[i] + step * u[i]
                    let margin = t[i] == 1 ? zi : -zi
                    loss += s[i] * ((margin >= 0 ? 0 : -margin) + log1p(exp(-abs(zi))))
                }
                parts[c * stride] = loss
            }
        }}}}}
        var total = 0.0
        for c in 0..<chunkCount { total += partials[c * stride] }
        return total
    }
}
