import Foundation
import Testing

@testable import FairPipe

private struct ThresholdOptimizerFixture: Decodable {
    struct Operation: Decodable {
        var `operator`: String
        var threshold: FiniteOrInfinite
    }
    struct Group: Decodable {
        var name: String
        var p0: Double
        var operation0: Operation
        var p1: Double
        var operation1: Operation
        var pIgnore: Double?
        var predictionConstant: Double?
        enum CodingKeys: String, CodingKey {
            case name, p0, operation0, p1, operation1
            case pIgnore = "p_ignore"
            case predictionConstant = "prediction_constant"
        }
    }
    struct Case: Decodable {
        var constraints: String
        var objective: String
        var flip: Bool
        var xBest: Double
        var groups: [Group]
        var positiveProbability: [String: [Double]]
        enum CodingKeys: String, CodingKey {
            case constraints, objective, flip, groups
            case xBest = "x_best"
            case positiveProbability = "positive_probability"
        }
    }
    var validation: ScoredSplitFixture
    var test: ScoredSplitFixture
    var cases: [Case]
}

@Suite struct ThresholdOptimizerTests {
    private static func target(_ fairlearnName: String) -> FairnessTarget? {
        switch fairlearnName {
        case "demographic_parity": return .demographicParity
        case "true_positive_rate_parity": return .truePositiveRateParity
        case "false_positive_rate_parity": return .falsePositiveRateParity
        case "equalized_odds": return .equalizedOdds
        default: return nil
        }
    }

    @Test func thresholdOptimizerMatchesFairlearn() throws {
        let fixture = try Fixtures.json(ThresholdOptimizerFixture.self, "mitigation/threshold_optimizer.json")
        #expect(fixture.cases.count == 8)
        for testCase in fixture.cases {
            let label = "\(testCase.constraints)/\(testCase.objective)/flip=\(testCase.flip)"
            let constraint = try #require(Self.target(testCase.constraints))
            let objective = try #require(ThresholdObjective(rawValue: testCase.objective))
            let optimizer = ThresholdOptimizer(
                constraint: constraint, objective: objective, gridSize: 1000, flip: testCase.flip)
            let v = fixture.validation
            let model = try optimizer.fit(
                scores: v.scores, labels: v.labels, groups: v.groups, groupNames: v.groupNames)
            #expect(model.bestX == testCase.xBest, "\(label)")
            for expected in testCase.groups {
                let code = try #require(v.groupNames.firstIndex(of: expected.name))
                let group = try #require(model.groups[code])
                #expect(abs(group.p0 - expected.p0) <= 1e-12, "\(label) \(expected.name) p0")
                #expect(abs(group.p1 - expected.p1) <= 1e-12, "\(label) \(expected.name) p1")
                #expect(
                    group.operation0.threshold == expected.operation0.threshold.value, "\(label) \(expected.name) t0")
                #expect(
                    group.operation1.threshold == expected.operation1.threshold.value, "\(label) \(expected.name) t1")
                #expect(group.operation0.greaterThan == (expected.operation0.operator == ">"), "\(label) op0")
                #expect(group.operation1.greaterThan == (expected.operation1.operator == ">"), "\(label) op1")
                if let pIgnore = expected.pIgnore {
                    #expect(abs((group.pIgnore ?? .nan) - pIgnore) <= 1e-12, "\(label) \(expected.name) p_ignore")
                    #expect(group.predictionConstant == expected.predictionConstant, "\(label) constant")
                }
            }
            for (splitName, split) in [("validation", fixture.validation), ("test", fixture.test)] {
                let expected = try #require(testCase.positiveProbability[splitName])
                let actual = try model.positiveProbabilities(scores: split.scores, groups: split.groups)
                let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-12, "\(label) \(splitName): largest probability difference \(worst)")
            }
        }
    }

    @Test func randomizedDecisionsAreReproducibleFromTheSeed() throws {
        let data = biasedScores(rows: 2000, seed: 5)
        let model = try ThresholdOptimizer(constraint: .equalizedOdds).fit(
            scores: data.scores, labels: data.labels, groups: data.groups, groupNames: ["a", "b"])
        var first = Xoshiro256StarStar(seed: 9, stream: "threshold_optimizer")
        var second = Xoshiro256StarStar(seed: 9, stream: "threshold_optimizer")
        let a = try model.apply(scores: data.scores, groups: data.groups, rng: &first)
        let b = try model.apply(scores: data.scores, groups: data.groups, rng: &second)
        #expect(a == b)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let decoded = try JSONDecoder().decode(ThresholdOptimizerModel.self, from: encoder.encode(model))
        #expect(decoded == model)
    }

    /// On the fitting data every group sits at the same grid point, so the expected
    /// (probabilistic) constrained rates are equal across groups up to rounding.
    @Test(arguments: [
        FairnessTarget.demographicParity, .truePositiveRateParity, .falsePositiveRateParity, .equalizedOdds,
    ])
    func expectedRatesAreEqualOnValidation(constraint: FairnessTarget) throws {
        let data = biasedScores(rows: 3000, seed: 12, groupCount: 3)
        let model = try ThresholdOptimizer(constraint: constraint).fit(
            scores: data.scores, labels: data.labels, groups: data.groups, groupNames: ["a", "b", "c"])
        let cells = try model.expectedConfusion(scores: data.scores, labels: data.labels, groups: data.groups)
        switch constraint {
        case .demographicParity:
            #expect(FairPipe.spread(cells.map(\.selectionRate)) < 1e-9)
            for cell in cells { #expect(abs(cell.selectionRate - model.bestX) < 1e-9) }
        case .truePositiveRateParity:
            #expect(FairPipe.spread(cells.map(\.truePositiveRate)) < 1e-9)
        case .falsePositiveRateParity:
            #expect(FairPipe.spread(cells.map(\.falsePositiveRate)) < 1e-9)
        default:
            #expect(FairPipe.spread(cells.map(\.truePositiveRate)) < 1e-9)
            #expect(FairPipe.spread(cells.map(\.falsePositiveRate)) < 1e-9)
        }
        // And the unconstrained data were not already fair: the rule did something.
        let plain = WeightedConfusion.byGroup(
            labels: data.labels, decisions: data.scores.map { $0 > 0.5 ? 1 : 0 }, groups: data.groups, groupCount: 3)
        #expect(FairPipe.spread(plain.map(\.selectionRate)) > 0.1)
    }

    @Test func degenerateGroupIsAnErrorNotACrash() {
        #expect(throws: MitigationError.self) {
            try ThresholdOptimizer().fit(
                scores: [0.1, 0.9, 0.3], labels: [0, 1, 1], groups: [0, 0, 1], groupNames: ["a", "b"])
        }
    }
}
