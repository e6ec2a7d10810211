import Foundation
import Testing

@testable import FairPipe

@Suite struct FairLogisticRegressionTests {
    static func fit(
        _ data: InprocessingData.Split, _ target: FairnessTarget, lambda: Double
    ) throws -> FairLogisticRegressionModel {
        try FairLogisticRegression(target: target, lambda: lambda).fit(
            data.X, labels: data.labels, groups: data.groups, groupNames: InprocessingData.groupNames,
            featureNames: data.featureNames)
    }

    @Test func lambdaZeroEqualsPlainLogisticRegression() throws {
        let data = InprocessingData.make(rows: 800, seed: 31)
        let plain = try LogisticRegression().fit(data.X, labels: data.labels, featureNames: data.featureNames)
        let fair = try Self.fit(data, .demographicParity, lambda: 0)
        for (a, b) in zip(fair.model.coefficients + [fair.model.intercept], plain.coefficients + [plain.intercept]) {
            #expect(abs(a - b) < 1e-6)
        }
    }

    @Test(arguments: [FairnessTarget.demographicParity, .equalizedOdds, .equalOpportunity, .errorRateParity])
    func gradientMatchesFiniteDifferences(target: FairnessTarget) throws {
        let data = InprocessingData.make(rows: 300, seed: 32)
        let problem = CovariancePenalty(
            X: data.X, labels: data.labels, groups: data.groups, groupCount: 2,
            terms: FairLogisticRegression(target: target).terms, lambda: 5, C: 1, fitIntercept: true)
        var rng = Xoshiro256StarStar(seed: 2, stream: "flr-gradient")
        let theta = (0..<5).map { _ in rng.nextGaussian() }
        let g = problem.evaluate(theta).gradient
        for j in theta.indices {
            var up = theta, down = theta
            up[j] += 1e-7
            down[j] -= 1e-7
            let numeric = (problem.evaluate(up).value - problem.evaluate(down).value) / 2e-7
            #expect(abs(numeric - g[j]) < 1e-5 * max(1, abs(g[j])), "\(target) coordinate \(j): \(numeric) vs \(g[j])")
        }
    }

    @Test func demographicParityGapShrinksOnHeldOutData() throws {
        let train = InprocessingData.make(rows: 2000, seed: 33)
        let test = InprocessingData.make(rows: 2000, seed: 34)
        let base = try InprocessingData.baseline(train, test)
        let model = try Self.fit(train, .demographicParity, lambda: 10)
        let p = try model.model.decisionFunction(test.X).map { $0 > 0 ? 1.0 : 0 }
        let before = InprocessingData.difference(base, test.groups)
        let after = InprocessingData.difference(p, test.groups)
        // Stated margin: at least 0.2 lower held-out DP difference; covariance shrinks 10-fold.
        #expect(after < before - 0.2, "before \(before) after \(after)")
        #expect(abs(model.covariancesAfter[0][1]) < 0.1 * abs(model.covariancesBefore[0][1]))
    }

    @Test func equalizedOddsGapShrinksOnHeldOutData() throws {
        let train = InprocessingData.make(rows: 2000, seed: 35)
        let test = InprocessingData.make(rows: 2000, seed: 36)
        let base = try InprocessingData.baseline(train, test)
        // Zafar's mistreatment covariances are count-weighted and small (~0.01 here), so the
        // strength that matters is large.
        let model = try Self.fit(train, .equalizedOdds, lambda: 1000)
        let p = try model.model.decisionFunction(test.X).map { $0 > 0 ? 1.0 : 0 }
        func eo(_ q: [Double]) -> Double {
            max(
                InprocessingData.difference(q, test.groups) { test.labels[$0] == 1 },
                InprocessingData.difference(q, test.groups) { test.labels[$0] == 0 })
        }
        // Stated margin: the worse of the TPR/FPR differences drops by at least 0.04 (measured
        // 0.21 → 0.16: the covariance proxy, not the rates, is what the method equalises), and
        // the larger training covariance (FNR) shrinks at least 5-fold.
        #expect(eo(p) < eo(base) - 0.04, "before \(eo(base)) after \(eo(p))")
        #expect(abs(model.covariancesAfter[1][1]) < 0.2 * abs(model.covariancesBefore[1][1]))
    }

    @Test func fitIsByteReproducible() throws {
        let data = InprocessingData.make(rows: 500, seed: 37)
        #expect(
            try InprocessingData.encode(Self.fit(data, .equalizedOdds, lambda: 5))
                == InprocessingData.encode(Self.fit(data, .equalizedOdds, lambda: 5)))
    }
}
