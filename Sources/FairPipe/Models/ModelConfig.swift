/// The kinds of model `train` can fit.
public enum ModelType: String, Codable, Sendable, CaseIterable {
    /// L2-regularised binary logistic regression (``LogisticRegression``).
    case logisticRegression = "logistic_regression"
    /// Any framework's model, fitted and run by the commands of `model.external`
    /// (``ExternalModelConfig``).
    case external
}

/// The `model:` section of `pipeline.yml`: the model type, the decision threshold, and one
/// sub-section of hyper-parameters per model type, so no key means two things (logistic
/// regression's `max_iter` counts Newton steps, boosting's counts trees).
///
/// ```yaml
/// model:
///   type: logistic_regression
///   threshold: 0.5    # decision threshold on P(y = 1) used by later stages
///   logistic_regression:
///     C: 1.0          # inverse L2 strength, scikit-learn's C
///     max_iter: 100   # Newton steps
///     tol: 1.0e-10    # on max |∇f| / (C Σ sᵢ), see LogisticRegression
///     fit_intercept: true
/// ```
///
/// Only the sub-section of the selected `type` is used; the others keep their defaults and
/// are still validated. A key of a sub-section written directly under `model:` (the flat
/// layout of earlier versions, e.g. `model.C`) is an unknown key whose error names its new
/// path (``relocatedKey(_:)``).
public struct ModelConfig: ConfigSection {
    public var type: ModelType = .logisticRegression
    /// Decision threshold on the predicted probability of class 1.
    public var threshold: Double = 0.5
    /// Hyper-parameters of `type: logistic_regression`.
    public var logisticRegression = LogisticRegressionConfig()
    /// The command contract of `type: external`.
    public var external = ExternalModelConfig()

    public init() {}

    public func validate() throws {
        guard threshold > 0, threshold < 1 else {
            throw ConfigError.invalidValue(
                key: "threshold", expected: "a number strictly between 0 and 1", found: "\(threshold)")
        }
        try Self.prefixing("logistic_regression") { try logisticRegression.validate() }
        if type == .external { try external.validate(prefix: "external") }
    }

    /// The dotted path (under `model.`) a misplaced key belongs at: the selected type's
    /// sub-section when it has that key, else the first sub-section that has it. Used by the
    /// loader to answer `model.C` with "did you mean `model.logistic_regression.C`?".
    public func relocatedKey(_ key: String) -> String? {
        let sections: [(name: String, keys: [String])] = [
            (ModelType.logisticRegression.rawValue, LogisticRegressionConfig.keys),
            (ModelType.external.rawValue, ["fit", "predict", "features", "timeout"]),
        ]
        let preferred = sections.filter { $0.name == type.rawValue } + sections.filter { $0.name != type.rawValue }
        return preferred.first { $0.keys.contains(key) }.map { "\($0.name).\(key)" }
    }

    /// Runs `body`, prefixing the key of a thrown config error with `section.`.
    static func prefixing(_ section: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch ConfigError.invalidValue(let key, let expected, let found, let source) {
            throw ConfigError.invalidValue(key: "\(section).\(key)", expected: expected, found: found, source: source)
        } catch ConfigError.inconsistent(let key, let message, let source) {
            throw ConfigError.inconsistent(key: "\(section).\(key)", message: message, source: source)
        }
    }
}

/// `model.logistic_regression`: scikit-learn's `LogisticRegression` parameters.
public struct LogisticRegressionConfig: Codable, Equatable, Sendable, ConfigDefaultable {
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

    /// The YAML keys of this sub-section.
    static let keys = ["C", "max_iter", "tol", "fit_intercept"]

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
    }
}
