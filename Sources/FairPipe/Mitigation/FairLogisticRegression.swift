import Foundation

/// Logistic regression with the decision-boundary covariance penalty of Zafar, Valera,
/// Gomez-Rodriguez & Gummadi:
///
/// - demographic parity — "Fairness Constraints: Mechanisms for Fair Classification"
///   (AISTATS 2017), Eq. 3: the covariance between the sensitive attribute and the signed
///   distance to the boundary, `Cov(z, d_θ(x)) ≈ (1/N) Σᵢ (zᵢ − z̄) d_θ(xᵢ)`, `d_θ(x) = wᵀx + b`;
/// - error-rate targets — "Fairness Beyond Disparate Treatment & Disparate Impact: Learning
///   Classification without Disparate Mistreatment" (WWW 2017), Eq. 6–7: the covariance with
///   `g_θ(y, x) = min(0, ỹ·d_θ(x))` (ỹ = ±1; non-zero only on misclassified rows), summed over
///   all N rows but with `g` restricted to the rows of the rate: label 0 for false positives,
///   label 1 for false negatives, all rows for the overall error.
///
/// Form implemented (penalty, not the paper's hard constraint `|Cov| ≤ c`, so that one
/// smooth problem is solved with L-BFGS and `lambda` is a sweepable strength):
///
///     minimise (1/N) Σᵢ log(1 + e^(−ỹᵢ dᵢ)) + ‖w‖² / (2 C N) + λ Σ_k Σ_g Cov_k(1[z = g], ·)²
///
/// with k over the covariances of the target (demographic_parity: the boundary covariance;
/// equalized_odds: FPR and FNR; equal_opportunity / true_positive_rate_parity: FNR;
/// false_positive_rate_parity: FPR; error_rate_parity: all rows) and g over all groups
/// (one-hot indicators; with two groups both terms are equal, so the penalty is 2λ·Cov²).
/// At λ = 0 the problem is scikit-learn's `LogisticRegression(C)` divided by C·N, so the
/// optimum is the plain model's. `min(0, ·)` is piecewise linear: the objective has kinks and
/// the mistreatment variant is non-convex (Zafar et al. use DCCP); L-BFGS started from the
/// unconstrained optimum finds a local optimum, deterministically.
public struct FairLogisticRegression: Sendable {
    public var target: FairnessTarget
    /// Penalty strength λ ≥ 0.
    public var lambda: Double = 1.0
    /// L2 strength and tolerances of the starting plain fit; `C` is also used in the penalty.
    public var model: ModelConfig = ModelConfig()
    public var maxIterations: Int = 500

    static let name = "fair_logistic_regression"

    public init(target: FairnessTarget = .demographicParity, lambda: Double = 1.0) {
        self.target = target
        self.lambda = lambda
    }

    /// The row subsets whose covariance is penalised, by target. nil: the boundary covariance.
    enum Term: String, Codable, Sendable {
        case boundary
        case falsePositive = "false_positive"
        case falseNegative = "false_negative"
        case error
    }

    var terms: [Term] {
        switch target {
        case .demographicParity: return [.boundary]
        case .equalizedOdds: return [.falsePositive, .falseNegative]
        case .equalOpportunity, .truePositiveRateParity: return [.falseNegative]
        case .falsePositiveRateParity: return [.falsePositive]
        case .errorRateParity: return [.error]
        }
    }

    public func fit(
        _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> FairLogisticRegressionModel {
        guard lambda >= 0, lambda.isFinite else {
            throw MitigationError.invalidParameter(
                method: Self.name, name: "lambda", expected: "a finite number ≥ 0", found: "\(lambda)")
        }
        try InprocessingInput.check(
            method: Self.name, X: X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames)
        let start = try LogisticRegression(config: model.logisticRegression).fit(
            X, labels: labels, featureNames: featureNames)
        let problem = CovariancePenalty(
            X: X, labels: labels, groups: groups, groupCount: groupNames.count, terms: terms, lambda: lambda,
            C: model.logisticRegression.C, fitIntercept: model.logisticRegression.fitIntercept)
        let x0 = start.coefficients + [start.intercept]
        let before = problem.covariances(x0)
        let result = LBFGS(maxIterations: maxIterations, gradientTolerance: 1e-10).minimize(x0) { problem.evaluate($0) }
        let p = X.cols
        let report = SolverReport(
            iterations: result.iterations, hessianEvaluations: 0, converged: result.converged,
            gradientNorm: result.gradientNorm, objective: result.value,
            stopReason: result.converged ? .converged : .maxIterations)
        let fitted = LogisticModel(
            featureNames: featureNames, coefficients: Array(result.x.prefix(p)),
            intercept: model.logisticRegression.fitIntercept ? result.x[p] : 0, solver: report)
        return FairLogisticRegressionModel(
            target: target, lambda: lambda, groupNames: groupNames, terms: terms.map(\.rawValue),
            covariancesBefore: before, covariancesAfter: problem.covariances(result.x), model: fitted)
    }
}

/// The penalised objective and its analytic gradient. O(N p) per evaluation.
struct CovariancePenalty {
    let X: Matrix
    let labels: [UInt8]
    let groups: [Int32]
    let groupCount: Int
    let terms: [FairLogisticRegression.Term]
    let lambda: Double
    let C: Double
    let fitIntercept: Bool
    /// z̄_g, the share of each group.
    let groupMean: [Double]

    init(
        X: Matrix, labels: [UInt8], groups: [Int32], groupCount: Int, terms: [FairLogisticRegression.Term],
        lambda: Double, C: Double, fitIntercept: Bool
    ) {
        self.X = X
        self.labels = labels
        self.groups = groups
        self.groupCount = groupCount
        self.terms = terms
        self.lambda = lambda
        self.C = C
        self.fitIntercept = fitIntercept
        var counts = [Double](repeating: 0, count: groupCount)
        for g in groups { counts[Int(g)] += 1 }
        groupMean = counts.map { $0 / Double(groups.count) }
    }

    func included(_ term: FairLogisticRegression.Term, _ y: UInt8) -> Bool {
        switch term {
        case .boundary, .error: return true
        case .falsePositive: return y == 0
        case .falseNegative: return y == 1
        }
    }

    /// Per term, per group: Cov_k(1[z = g], ·) at θ = (w, b).
    func covariances(_ theta: [Double]) -> [[Double]] {
        let d = scores(theta)
        let n = Double(X.rows)
        return terms.map { term in
            var cov = [Double](repeating: 0, count: groupCount)
            for i in 0..<X.rows where included(term, labels[i]) {
                let value = term == .boundary ? d[i] : min(0, (labels[i] == 1 ? 1 : -1) * d[i])
                for g in 0..<groupCount { cov[g] += ((Int(groups[i]) == g ? 1 : 0) - groupMean[g]) * value }
            }
            return cov.map { $0 / n }
        }
    }

    func scores(_ theta: [Double]) -> [Double] {
        let p = X.cols
        let b = fitIntercept ? theta[p] : 0
        return (X.multiplied(by: Array(theta.prefix(p))) ?? []).map { $0 + b }
    }

    func evaluate(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
        let p = X.cols
        let n = Double(X.rows)
        let d = scores(theta)
        var gradient = [Double](repeating: 0, count: p + 1)
        var loss = 0.0
        // Data term: mean log loss.
        X.withUnsafeBufferPointer { x in
            for i in 0..<X.rows {
                let z = d[i]
                let t = Double(labels[i])
                let margin = labels[i] == 1 ? z : -z
                loss += (margin >= 0 ? 0 : -margin) + log1p(exp(-abs(z)))
                let r = (LogisticModel.sigmoid(z) - t) / n
                for j in 0..<p { gradient[j] += r * x[i * p + j] }
                gradient[p] += r
            }
        }
        var value = loss / n
        for j in 0..<p {
            value += theta[j] * theta[j] / (2 * C * n)
            gradient[j] += theta[j] / (C * n)
        }
        // Penalty: λ Σ_k Σ_g Cov² with ∂Cov/∂θ = (1/N) Σ (z − z̄) ∂value/∂θ.
        if lambda > 0 {
            X.withUnsafeBufferPointer { x in
                for term in terms {
                    var cov = [Double](repeating: 0, count: groupCount)
                    var dcov = [[Double]](repeating: [Double](repeating: 0, count: p + 1), count: groupCount)
                    for i in 0..<X.rows where included(term, labels[i]) {
                        let sign: Double = labels[i] == 1 ? 1 : -1
                        let rowValue: Double
                        let slope: Double  // ∂rowValue/∂d
                        if term == .boundary {
                            rowValue = d[i]
                            slope = 1
                        } else {
                            let u = sign * d[i]
                            rowValue = min(0, u)
                            slope = u < 0 ? sign : 0
                        }
                        for g in 0..<groupCount {
                            let centred = (Int(groups[i]) == g ? 1 : 0) - groupMean[g]
                            cov[g] += centred * rowValue
                            if slope != 0 {
                                let c = centred * slope
                                for j in 0..<p { dcov[g][j] += c * x[i * p + j] }
                                dcov[g][p] += c
                            }
                        }
                    }
                    for g in 0..<groupCount {
                        let c = cov[g] / n
                        value += lambda * c * c
                        for j in 0...p { gradient[j] += 2 * lambda * c * dcov[g][j] / n }
                    }
                }
            }
        }
        if !fitIntercept { gradient[p] = 0 }
        return (value, gradient)
    }
}

/// A fitted fair logistic regression: an ordinary ``LogisticModel`` (scored like the plain
/// model, no group needed at prediction time) with the covariances it was fitted to shrink.
public struct FairLogisticRegressionModel: Codable, Equatable, Sendable {
    public var target: FairnessTarget
    public var lambda: Double
    public var groupNames: [String]
    /// Penalised covariance terms (`boundary`, `false_positive`, `false_negative`, `error`).
    public var terms: [String]
    /// Per term, per group: the covariance at the plain optimum and at the fitted model.
    public var covariancesBefore: [[Double]]
    public var covariancesAfter: [[Double]]
    public var model: LogisticModel

    public func predictProbability(_ X: Matrix) throws -> [Double] { try model.predictProbability(X) }
}
