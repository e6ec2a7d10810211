import Foundation
import Testing

@testable import FairPipe

private struct AIF360Fixture: Decodable {
    struct ROC: Decodable {
        var metric: String
        var classificationThreshold: Double
        var margin: Double
        var testDecisions: [UInt8]
        enum CodingKeys: String, CodingKey {
            case metric, margin
            case classificationThreshold = "classification_threshold"
            case testDecisions = "test_decisions"
        }
    }
    struct CEO: Decodable {
        var costConstraint: String
        var privMixRate: Double
        var unprivMixRate: Double
        var baseRatePriv: Double
        var baseRateUnpriv: Double
        enum CodingKeys: String, CodingKey {
            case costConstraint = "cost_constraint"
            case privMixRate = "priv_mix_rate"
            case unprivMixRate = "unpriv_mix_rate"
            case baseRatePriv = "base_rate_priv"
            case baseRateUnpriv = "base_rate_unpriv"
        }
    }
    var validation: ScoredSplitFixture
    var test: ScoredSplitFixture
    var rejectOption: [ROC]
    var calibratedEqOdds: [CEO]
    var reweighingWeights: [Double]
    enum CodingKeys: String, CodingKey {
        case validation, test
        case rejectOption = "reject_option"
        case calibratedEqOdds = "calibrated_eq_odds"
        case reweighingWeights = "reweighing_weights"
    }
}

@Suite struct RejectOptionClassificationTests {
    @Test func rejectOptionMatchesAIF360() throws {
        let fixture = try Fixtures.json(AIF360Fixture.self, "mitigation/aif360_postprocessing.json")
        let v = fixture.validation
        for expected in fixture.rejectOption {
            let metric = try #require(RejectOptionMetric(rawValue: expected.metric))
            let model = try RejectOptionClassification(metric: metric, privileged: ["p"])
                .fit(scores: v.scores, labels: v.labels, groups: v.groups, groupNames: v.groupNames)
            #expect(model.classificationThreshold == expected.classificationThreshold, "\(expected.metric)")
            #expect(model.margin == expected.margin, "\(expected.metric)")
            #expect(model.boundMet)
            #expect(model.candidatesEvaluated == 5000)
            let decisions = try model.decisions(scores: fixture.test.scores, groups: fixture.test.groups)
            #expect(decisions == expected.testDecisions, "\(expected.metric)")
        }
    }

    @Test func unmetBoundIsReportedNotThrown() throws {
        let data = biasedScores(rows: 400, seed: 3)
        // SPD ≤ 1: unreachable
        let model = try RejectOptionClassification(privileged: ["a"], metricLower: 1.5, metricUpper: 2.0)
            .fit(scores: data.scores, labels: data.labels, groups: data.groups, groupNames: ["a", "b"])
        #expect(model.boundMet == false)
    }
}

@Suite struct CalibratedEqualizedOddsTests {
    @Test func mixingRatesMatchAIF360() throws {
        let fixture = try Fixtures.json(AIF360Fixture.self, "mitigation/aif360_postprocessing.json")
        let v = fixture.validation
        for expected in fixture.calibratedEqOdds {
            let constraint = try #require(CostConstraint(rawValue: expected.costConstraint))
            let model = try CalibratedEqualizedOdds(costConstraint: constraint, privileged: ["p"])
                .fit(scores: v.scores, labels: v.labels, groups: v.groups, groupNames: v.groupNames)
            #expect(abs(model.privilegedMixRate - expected.privMixRate) <= 1e-9, "\(expected.costConstraint)")
            #expect(abs(model.unprivilegedMixRate - expected.unprivMixRate) <= 1e-9, "\(expected.costConstraint)")
            #expect(model.privilegedBaseRate == expected.baseRatePriv)
            #expect(model.unprivilegedBaseRate == expected.baseRateUnpriv)
        }
    }

    @Test func mixingEqualisesGeneralizedCostInExpectation() throws {
        let data = biasedScores(rows: 3000, seed: 8)
        let model = try CalibratedEqualizedOdds(costConstraint: .fnr, privileged: ["a"])
            .fit(scores: data.scores, labels: data.labels, groups: data.groups, groupNames: ["a", "b"])
        // Expected generalized FNR after mixing: (1 − α)·c + α·c_triv, equal across classes.
        let priv =
            (1 - model.privilegedMixRate) * model.privilegedCost + model.privilegedMixRate * model.privilegedTrivialCost
        let unpriv =
            (1 - model.unprivilegedMixRate) * model.unprivilegedCost + model.unprivilegedMixRate
            * model.unprivilegedTrivialCost
        #expect(abs(priv - unpriv) <= 1e-12)
        var rng1 = Xoshiro256StarStar(seed: 4, stream: "ceo"), rng2 = Xoshiro256StarStar(seed: 4, stream: "ceo")
        #expect(
            try model.apply(scores: data.scores, groups: data.groups, rng: &rng1)
                == model.apply(scores: data.scores, groups: data.groups, rng: &rng2))
    }
}

@Suite struct ReweighingTests {
    @Test func reweighingWeightsMatchAIF360() throws {
        let fixture = try Fixtures.json(AIF360Fixture.self, "mitigation/aif360_postprocessing.json")
        let v = fixture.validation
        let model = try Reweighing().fit(labels: v.labels, groups: v.groups, groupNames: v.groupNames)
        let weights = try model.weights(labels: v.labels, groups: v.groups)
        #expect(weights == fixture.reweighingWeights)
        #expect(model.cells.count == 4)
    }

    @Test func weightsMakeGroupAndLabelIndependent() throws {
        let data = biasedScores(rows: 1000, seed: 2, groupCount: 3)
        let model = try Reweighing().fit(labels: data.labels, groups: data.groups, groupNames: ["a", "b", "c"])
        let weights = try model.weights(labels: data.labels, groups: data.groups)
        let total = weights.reduce(0, +)
        #expect(abs(total - 1000) < 1e-9)
        for code in 0..<3 {
            var groupWeight = 0.0, groupPositive = 0.0
            for row in data.labels.indices where data.groups[row] == Int32(code) {
                groupWeight += weights[row]
                if data.labels[row] == 1 { groupPositive += weights[row] }
            }
            let overall = Double(data.labels.reduce(0) { $0 + Int($1) }) / 1000
            #expect(abs(groupPositive / groupWeight - overall) < 1e-12)
        }
    }
}
