import Foundation

/// How a Newton solve ended.
public struct SolverReport: Codable, Equatable, Sendable {
    /// Why the solver stopped.
    public enum StopReason: String, Codable, Sendable {
        /// The scaled gradient test `max|∇f| / (C Σ sᵢ) ≤ tol` passed.
        case converged
        /// Steps no longer improve the objective or the gradient (or no longer change any
        /// coefficient) although the gradient test did not pass: its rounding floor is above
        /// `tol`, typically with features of very different magnitudes. The coefficients are
        /// as close to the optimum as double precision allows at that scaling; standardising
        /// the features lets the test pass. Counted as not converged.
        case stalled
        /// `maxIter` Newton steps were taken without meeting the gradient test.
        case maxIterations = "max_iterations"
        /// Step halving found no decrease of the objective (numerical trouble).
        case lineSearchFailed = "line_search_failed"
    }

    /// Newton steps taken.
    public var iterations: Int
    /// Hessians built (each O(n p²)); fewer than `iterations` when steps reused a factor.
    public var hessianEvaluations: Int
    /// True when the gradient test passed (`stopReason == .converged`); false is recorded,
    /// never thrown.
    public var converged: Bool
    /// Final `max_j |∂f/∂θ_j| / (C · Σ sᵢ)`, the quantity `tol` bounds.
    public var gradientNorm: Double
    /// Final objective `½‖w‖² + C Σ sᵢ log(1 + exp(−yᵢ(xᵢ·w + b)))`.
    public var objective: Double
    public var stopReason: StopReason

    public init(
        iterations: Int, hessianEvaluations: Int, converged: Bool, gradientNorm: Double, objective: Double,
        stopReason: StopReason
    ) {
        self.iterations = iterations
        self.hessianEvaluations = hessianEvaluations
        self.converged = converged
        self.gradientNorm = gradientNorm
        self.objective = objective
        self.stopReason = stopReason
    }
}

/// A fitted binary logistic regression: `P(y = 1 | x) = σ(x·w + b)`.
///
/// Written by `train` as a readable JSON file; `Codable` round trips are exact (Foundation
/// writes the shortest decimal that reads back as the same `Double`).
public struct LogisticModel: ProbabilisticClassifier, Codable, Equatable, Sendable {
    /// The feature columns, in the order of `coefficients`.
    public var featureNames: [String]
    /// One weight `w_j` per feature.
    public var coefficients: [Double]
    /// The unpenalised intercept `b` (0 when fitted with `fitIntercept: false`).
    public var intercept: Double
    /// How the fit ended.
    public var solver: SolverReport

    public init(featureNames: [String], coefficients: [Double], intercept: Double, solver: SolverReport) {
        self.featureNames = featureNames
        self.coefficients = coefficients
        self.intercept = intercept
        self.solver = solver
    }

    /// Throws ``ModelError/featureMismatch(expected:found:)`` unless `names` are this
    /// model's features in the same order. Stages call this before scoring a split.
    public func checkFeatures(named names: [String]) throws {
        guard names == featureNames else {
            throw ModelError.featureMismatch(expected: featureNames, found: names)
        }
    }

    /// The scores `xᵢ·w + b` of every row. O(rows × cols).
    public func decisionFunction(_ X: Matrix) throws -> [Double] {
        try checkWidth(X.cols)
        let p = X.cols
        var out = [Double](repeating: 0, count: X.rows)
        X.withUnsafeBufferPointer { x in
            coefficients.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { out in
                    guard let x = x.baseAddress, let w = w.baseAddress else {
                        for i in 0..<out.count { out[i] = intercept }
                        return
                    }
                    for i in 0..<X.rows {
                        out[i] = LogisticRegression.dot(x + i * p, w, p) + intercept
                    }
                }
            }
        }
        return out
    }

    /// `P(y = 1 | xᵢ)` for every row, through a sigmoid that never overflows.
    public func predictProbability(_ X: Matrix) throws -> [Double] {
        try decisionFunction(X).map(Self.sigmoid)
    }

    /// The score `x·w + b` of one row.
    public func decisionFunction<Row: Collection>(row: Row) throws -> Double where Row.Element == Double {
        try checkWidth(row.count)
        var s = 0.0
        for (x, w) in zip(row, coefficients) { s += x * w }
        return s + intercept
    }

    /// `P(y = 1 | x)` of one row.
    public func predictProbability<Row: Collection>(row: Row) throws -> Double where Row.Element == Double {
        Self.sigmoid(try decisionFunction(row: row))
    }

    /// Decisions `P(y = 1 | xᵢ) ≥ threshold` as 0/1.
    public func predictLabels(_ X: Matrix, threshold: Double) throws -> [UInt8] {
        try predictProbability(X).map { $0 >= threshold ? 1 : 0 }
    }

    /// The logistic function `1 / (1 + e^(−z))`, evaluated so that `exp` only sees
    /// non-positive arguments (no overflow, no NaN for any finite or infinite `z`).
    public static func sigmoid(_ z: Double) -> Double {
        if z >= 0 {
            return 1 / (1 + exp(-z))
        }
        let e = exp(z)
        return e / (1 + e)
    }

    private func checkWidth(_ width: Int) throws {
        guard width == coefficients.count else {
            throw ModelError.countMismatch(what: "feature columns", expected: coefficients.count, found: width)
        }
    }
}
