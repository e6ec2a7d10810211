/// The kinds of model `train` can fit.
public enum ModelType: String, Codable, Sendable, CaseIterable {
    /// L2-regularised binary logistic regression (``LogisticRegression``).
    case logisticRegression = "logistic_regression"
    /// Any framework's model, fitted and run by the commands of `model.external`
    /// (``ExternalModelConfig``).
    case external
}

/// The `model:` section of `pipeline.yml`.
///
/// ```yaml
/// model:
///   type: logistic_regression
///   C: 1.0            # inverse L2 strength, scikit-learn's C
///   max_iter: 100     # Newton steps
///   tol: 1.0e-10      # on max |∇f| / (C Σ sᵢ), see LogisticRegression
///   fit_intercept: true
///   threshold: 0.5    # decision threshold on P(y = 1) used by later stages
/// ```
public struct ModelConfig: ConfigSection {
    public var type: ModelType = .logisticRegression
    /// Inverse regularisation strength, as scikit-learn's `C`: larger means weaker L2.
    public var C: Double = 1.0
    /// Maximum number of Newton steps.
    public var maxIter: Int = 100
    /// Convergence tolerance on the scaled gradient: stop when
    /// `max_j |∂f/∂θ_j| / (C · Σ sᵢ) ≤ tol` (the mean-loss gradient scikit-learn's
    /// `newton-cholesky` solver tests), so it does not grow with the number of rows.
    public var tol: Double = 1e-10
    /// Fit an unpenalised intercept.
    public var fitIntercept: Bool = true
    /// Decision threshold on the predicted probability of class 1.
    public var threshold: Double = 0.5
    /// The command contract of `type: external`.
    public var external = ExternalModelConfig()

    public init() {}

    public func validate() throws {
        guard C > 0, C.isFinite else {
            throw ConfigError.invalidValue(key: "C", expected: "a finite number > 0", found: "\(C)")
        }
        guard maxIter >= 1 else {
            throw ConfigError.invalidValue(key: "max_iter", expected: "an integer ≥ 1", found: "\(maxIter)")
        }
        guard tol > 0, tol.isFinite else {
            throw ConfigError.invalidValue(key: "tol", expected: "a finite number > 0", found: "\(tol)")
        }
        if type == .external { try external.validate(prefix: "external") }
        guard threshold > 0, threshold < 1 else {
            throw ConfigError.invalidValue(
                key: "threshold", expected: "a number strictly between 0 and 1", found: "\(threshold)")
        }
    }
}
