import Foundation
import Testing

@testable import FairPipe

/// One case written by Tests/Fixtures/logistic_regression/generate.py (scikit-learn).
private struct GoldenCase: Decodable {
    var name: String
    var C: Double
    var fitIntercept: Bool
    var X: [[Double]]
    var y: [UInt8]
    var weights: [Double]?
    var coefficients: [Double]
    var intercept: Double

    enum CodingKeys: String, CodingKey {
        case name, C, X, y, weights, coefficients, intercept
        case fitIntercept = "fit_intercept"
    }
}

@Suite struct LogisticRegressionGoldenTests {
    static let cases = [
        "well_conditioned", "weighted", "strong_regularisation", "weak_regularisation",
        "nearly_separable", "no_intercept",
    ]

    /// Coefficients and intercept agree with scikit-learn's `LogisticRegression` to 1e-6,
    /// tested as `|ours − sklearn| ≤ 1e-6 · max(1, |sklearn|)`: absolute for values up to 1,
    /// relative above (the nearly separable case has coefficients near 6).
    @Test(arguments: cases)
    func coefficientsMatchScikitLearn(name: String) throws {
        let golden = try Fixtures.json(GoldenCase.self, "logistic_regression/\(name).json")
        let X = try Matrix(rowArrays: golden.X)
        var config = LogisticRegressionConfig()
        config.C = golden.C
        config.fitIntercept = golden.fitIntercept
        config.tol = 1e-12
        let names = (0..<X.cols).map { "x\($0)" }
        let model = try LogisticRegression(config: config)
            .fit(X, labels: golden.y, weights: golden.weights, featureNames: names)

        #expect(model.solver.converged, "\(name): \(model.solver)")
        #expect(model.coefficients.count == golden.coefficients.count)
        for (ours, theirs) in zip(model.coefficients, golden.coefficients) {
            #expect(abs(ours - theirs) <= 1e-6 * max(1, abs(theirs)), "\(name): \(ours) vs \(theirs)")
        }
        #expect(
            abs(model.intercept - golden.intercept) <= 1e-6 * max(1, abs(golden.intercept)),
            "\(name): intercept \(model.intercept) vs \(golden.intercept)")
    }
}
