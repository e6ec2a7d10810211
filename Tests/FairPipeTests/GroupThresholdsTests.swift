import Foundation
import Testing

@testable import FairPipe

@Suite struct GroupThresholdsTests {
    private func spread(_ model: GroupThresholdsModel, _ rate: (GroupThresholdsModel.Group) -> Double?) -> Double {
        let values = model.groups.compactMap { $0.flatMap(rate) }
        return (values.max() ?? 0) - (values.min() ?? 0)
    }

    @Test(arguments: [FairnessTarget.demographicParity, .equalOpportunity, .falsePositiveRateParity, .equalizedOdds])
    func reachesToleranceOnBiasedValidationData(target: FairnessTarget) throws {
        let data = biasedScores(rows: 1500, seed: 1, groupCount: 3)
        let names = ["a", "b", "c"]
        let model = try GroupThresholds(target: target, tolerance: 0.02)
            .fit(scores: data.scores, labels: data.labels, groups: data.groups, groupNames: names)
        #expect(model.toleranceMet)
        #expect(model.exact)
        // Recompute the rates from the decisions, independently of the model's bookkeeping.
        let decisions = try model.decisions(scores: data.scores, groups: data.groups)
        let cells = WeightedConfusion.byGroup(
            labels: data.labels, decisions: decisions, groups: data.groups, groupCount: 3)
        switch target {
        case .demographicParity: #expect(FairPipe.spread(cells.map(\.selectionRate)) <= 0.02)
        case .equalOpportunity: #expect(FairPipe.spread(cells.map(\.truePositiveRate)) <= 0.02)
        case .falsePositiveRateParity: #expect(FairPipe.spread(cells.map(\.falsePositiveRate)) <= 0.02)
        default:
            #expect(FairPipe.spread(cells.map(\.truePositiveRate)) <= 0.02)
            #expect(FairPipe.spread(cells.map(\.falsePositiveRate)) <= 0.02)
        }
        let accuracy = WeightedConfusion.total(cells).accuracy
        #expect(abs(accuracy - model.accuracy) < 1e-12)
        // Better than the trivial feasible answer (nobody selected) on this data.
        #expect(model.accuracy > 0.6)
    }

    /// Exhaustive search over every pair of thresholds on a small problem.
    @Test(arguments: [FairnessTarget.demographicParity, .truePositiveRateParity, .equalizedOdds])
    func searchIsExactAgainstBruteForce(target: FairnessTarget) throws {
        let data = biasedScores(rows: 120, seed: 7)
        let names = ["a", "b"]
        let tolerance = 0.05
        let model = try GroupThresholds(target: target, tolerance: tolerance)
            .fit(scores: data.scores, labels: data.labels, groups: data.groups, groupNames: names)
        var candidates: [[Double]] = [[], []]
        for g in 0..<2 {
            let s = Set(data.scores.indices.filter { data.groups[$0] == Int32(g) }.map { data.scores[$0] })
            candidates[g] = [Double.infinity] + s.sorted()
        }
        var bestCorrect = -1
        for t0 in candidates[0] {
            for t1 in candidates[1] {
                let thresholds = [t0, t1]
                let decisions: [UInt8] = data.scores.indices.map {
                    data.scores[$0] >= thresholds[Int(data.groups[$0])] ? 1 : 0
                }
                let cells = WeightedConfusion.byGroup(
                    labels: data.labels, decisions: decisions, groups: data.groups, groupCount: 2)
                let ok: Bool
                switch target {
                case .demographicParity: ok = FairPipe.spread(cells.map(\.selectionRate)) <= tolerance
                case .truePositiveRateParity: ok = FairPipe.spread(cells.map(\.truePositiveRate)) <= tolerance
                default:
                    ok =
                        FairPipe.spread(cells.map(\.truePositiveRate)) <= tolerance
                        && FairPipe.spread(cells.map(\.falsePositiveRate)) <= tolerance
                }
                let correct = Int(cells.reduce(0) { $0 + $1.truePositives + $1.trueNegatives })
                if ok && correct > bestCorrect { bestCorrect = correct }
            }
        }
        #expect(abs(model.accuracy - Double(bestCorrect) / 120) < 1e-12)
    }

    @Test func thinnedCandidatesStayFeasible() throws {
        let data = biasedScores(rows: 600, seed: 4)
        let model = try GroupThresholds(target: .equalizedOdds, tolerance: 0.03, maxCandidatesPerAxis: 16)
            .fit(scores: data.scores, labels: data.labels, groups: data.groups, groupNames: ["a", "b"])
        #expect(model.exact == false)
        #expect(model.toleranceMet)
    }

    @Test func artefactRoundTripsThroughJSON() throws {
        let data = biasedScores(rows: 300, seed: 6)
        let model = try GroupThresholds().fit(
            scores: data.scores, labels: data.labels, groups: data.groups, groupNames: ["a", "b"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let bytes = try encoder.encode(model)
        #expect(try JSONDecoder().decode(GroupThresholdsModel.self, from: bytes) == model)
        #expect(try encoder.encode(model) == bytes)
    }
}
