import Foundation
import Testing

@testable import FairPipe

@Suite struct InprocessingTests {
    @Test(arguments: [
        MitigationMethod.exponentiatedGradient, .gridSearch, .fairLogisticRegression, .prejudiceRemover,
        .adversarialDebiasing,
    ])
    func everyMethodFitsFromConfigAndRoundTrips(method: MitigationMethod) throws {
        let train = InprocessingData.make(rows: 400, seed: 51)
        let test = InprocessingData.make(rows: 100, seed: 52)
        var config = MitigationConfig()
        config.method = method
        config.target = .equalizedOdds
        config.adversarialDebiasing.epochs = 3
        config.adversarialDebiasing.hiddenUnits = 8
        try config.validate()
        let model = try Inprocessing.fit(
            config: config, seed: 3, train.X, labels: train.labels, groups: train.groups,
            groupNames: InprocessingData.groupNames, featureNames: train.featureNames)
        let scores = try model.scores(test.X, groups: test.groups)
        #expect(scores.count == 100 && scores.allSatisfy { $0 >= 0 && $0 <= 1 })
        var rng = Xoshiro256StarStar(seed: 1, stream: "decisions")
        #expect(try model.decisions(test.X, groups: test.groups, rng: &rng).count == 100)

        // One scoring pass gives the scores and the model's own decisions, with the same draws.
        var once = Xoshiro256StarStar(seed: 1, stream: "decisions"), own = once
        let scored = try model.scoresAndDecisions(test.X, groups: test.groups, rng: &once)
        #expect(scored.scores == scores)
        switch model {
        case .exponentiatedGradient(let m): #expect(scored.decisions == (try m.predict(test.X, rng: &own)))
        case .gridSearch(let m): #expect(scored.decisions == (try m.predict(test.X)))
        default: #expect(scored.decisions == scores.map { $0 >= 0.5 ? 1 : 0 })
        }
        #expect(once.next() == own.next())
        let data = try InprocessingData.encode(model)
        #expect(try JSONDecoder().decode(InprocessingModel.self, from: data) == model)
    }

    @Test func configRejectsBadInprocessingParameters() throws {
        var config = MitigationConfig()
        config.exponentiatedGradient.eps = 0
        #expect(throws: ConfigError.self) { try config.validate() }
        config = MitigationConfig()
        config.gridSearch.constraintWeight = 1.5
        #expect(throws: ConfigError.self) { try config.validate() }
        config = MitigationConfig()
        config.adversarialDebiasing.batchSize = 0
        #expect(throws: ConfigError.self) { try config.validate() }
    }

    @Test func postprocessingMethodIsRejected() throws {
        let train = InprocessingData.make(rows: 50, seed: 53)
        #expect(throws: MitigationError.self) {
            try Inprocessing.fit(
                config: MitigationConfig(), seed: 0, train.X, labels: train.labels, groups: train.groups,
                groupNames: InprocessingData.groupNames, featureNames: train.featureNames)
        }
    }
}
