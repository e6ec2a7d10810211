import Foundation
import Testing

@testable import FairPipe

@Suite struct AdversarialDebiasingTests {
    static func fit(
        _ data: InprocessingData.Split, _ target: FairnessTarget, debias: Bool = true, hidden: Int = 16,
        epochs: Int = 30
    ) throws -> AdversarialDebiasingModel {
        var method = AdversarialDebiasing(target: target, seed: 7)
        method.debias = debias
        method.hiddenUnits = hidden
        method.epochs = epochs
        return try method.fit(
            data.X, labels: data.labels, groups: data.groups, groupNames: InprocessingData.groupNames,
            featureNames: data.featureNames)
    }

    @Test(arguments: [0, 5])
    func gradientsMatchFiniteDifferences(hidden: Int) throws {
        let data = InprocessingData.make(rows: 40, seed: 41)
        var model = try Self.fit(data, .equalizedOdds, hidden: hidden, epochs: 1)
        let rows = Array(0..<40)
        // Predictor loss + adversary loss (through the logits) against the predictor parameters.
        func total(_ m: AdversarialDebiasingModel) -> Double {
            let f = m.forward(data.X, rows: rows, dropout: [])
            let lp = m.predictorGradient(data.X, rows: rows, forward: f, labels: data.labels, dropout: []).loss
            return lp + m.adversaryGradients(f.logits, rows: rows, labels: data.labels, groups: data.groups).loss
        }
        let f = model.forward(data.X, rows: rows, dropout: [])
        let gp = model.predictorGradient(data.X, rows: rows, forward: f, labels: data.labels, dropout: []).gradient
        let adv = model.adversaryGradients(f.logits, rows: rows, labels: data.labels, groups: data.groups)
        let ga = model.backpropagate(data.X, rows: rows, forward: f, dLogit: adv.dLogit, dropout: []).gradient
        for j in model.predictor.indices {
            var up = model, down = model
            up.predictor[j] += 1e-6
            down.predictor[j] -= 1e-6
            let numeric = (total(up) - total(down)) / 2e-6
            #expect(abs(numeric - (gp[j] + ga[j])) < 1e-6, "predictor \(j): \(numeric) vs \(gp[j] + ga[j])")
        }
        for j in model.adversary.indices {
            var up = model, down = model
            up.adversary[j] += 1e-6
            down.adversary[j] -= 1e-6
            let numeric = (total(up) - total(down)) / 2e-6
            #expect(abs(numeric - adv.gradient[j]) < 1e-6, "adversary \(j): \(numeric) vs \(adv.gradient[j])")
        }
        model.epochLosses = []
    }

    @Test func softmaxAdversaryGradientMatchesFiniteDifferences() throws {
        var data = InprocessingData.make(rows: 40, seed: 47)
        data.groups = data.groups.indices.map { Int32($0 % 3) }
        var method = AdversarialDebiasing(target: .equalOpportunity, seed: 1)
        method.hiddenUnits = 4
        method.epochs = 1
        let model = try method.fit(
            data.X, labels: data.labels, groups: data.groups, groupNames: ["a", "b", "c"],
            featureNames: data.featureNames)
        #expect(model.adversaryOutputs == 3)
        let rows = Array(0..<40)
        let logits = model.forward(data.X, rows: rows, dropout: []).logits
        let adv = model.adversaryGradients(logits, rows: rows, labels: data.labels, groups: data.groups)
        for j in model.adversary.indices {
            var up = model, down = model
            up.adversary[j] += 1e-6
            down.adversary[j] -= 1e-6
            let numeric =
                (up.adversaryGradients(logits, rows: rows, labels: data.labels, groups: data.groups).loss
                    - down.adversaryGradients(logits, rows: rows, labels: data.labels, groups: data.groups).loss) / 2e-6
            #expect(abs(numeric - adv.gradient[j]) < 1e-6, "adversary \(j): \(numeric) vs \(adv.gradient[j])")
        }
        for r in [0, 5, 17] {
            var up = logits, down = logits
            up[r] += 1e-6
            down[r] -= 1e-6
            let numeric =
                (model.adversaryGradients(up, rows: rows, labels: data.labels, groups: data.groups).loss
                    - model.adversaryGradients(down, rows: rows, labels: data.labels, groups: data.groups).loss) / 2e-6
            #expect(abs(numeric - adv.dLogit[r]) < 1e-6)
        }
    }

    @Test func demographicParityGapShrinksOnHeldOutData() throws {
        let train = InprocessingData.make(rows: 2000, seed: 42)
        let test = InprocessingData.make(rows: 2000, seed: 43)
        let base = try InprocessingData.baseline(train, test)
        let plain = try Self.fit(train, .demographicParity, debias: false)
        let fair = try Self.fit(train, .demographicParity)
        let decide = { (p: [Double]) in p.map { $0 >= 0.5 ? 1.0 : 0 } }
        let lr = InprocessingData.difference(base, test.groups)
        let nn = InprocessingData.difference(decide(try plain.predictProbability(test.X)), test.groups)
        let debiased = InprocessingData.difference(decide(try fair.predictProbability(test.X)), test.groups)
        // Stated margin: at least 0.1 lower held-out DP difference than both the plain logistic
        // regression and the same network trained without the adversary (measured 0.35 → 0.20
        // at α = 0.1; α = 1 reaches 0.05 at a larger accuracy cost).
        #expect(debiased < lr - 0.1, "LR \(lr) debiased \(debiased)")
        #expect(debiased < nn - 0.1, "plain network \(nn) debiased \(debiased)")
    }

    @Test func equalizedOddsGapShrinksOnHeldOutData() throws {
        let train = InprocessingData.make(rows: 2000, seed: 44)
        let test = InprocessingData.make(rows: 2000, seed: 45)
        let base = try InprocessingData.baseline(train, test)
        let fair = try Self.fit(train, .equalizedOdds)
        let p = try fair.predictProbability(test.X).map { $0 >= 0.5 ? 1.0 : 0 }
        func eo(_ q: [Double]) -> Double {
            max(
                InprocessingData.difference(q, test.groups) { test.labels[$0] == 1 },
                InprocessingData.difference(q, test.groups) { test.labels[$0] == 0 })
        }
        // Stated margin: the worse of the TPR/FPR differences drops by at least 0.05.
        #expect(eo(p) < eo(base) - 0.05, "before \(eo(base)) after \(eo(p))")
    }

    @Test func fitIsByteReproducible() throws {
        let data = InprocessingData.make(rows: 300, seed: 46)
        #expect(
            try InprocessingData.encode(Self.fit(data, .equalizedOdds, epochs: 5))
                == InprocessingData.encode(Self.fit(data, .equalizedOdds, epochs: 5)))
    }
}
