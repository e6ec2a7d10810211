import Foundation

@testable import FairPipe

/// A scored split as the mitigation fixture scripts write it.
struct ScoredSplitFixture: Decodable {
    var scores: [Double]
    var labels: [UInt8]
    var groups: [Int32]
    var groupNames: [String]

    enum CodingKeys: String, CodingKey {
        case scores, labels, groups
        case groupNames = "group_names"
    }
}

/// Biased synthetic validation data generated in Swift (no fixture needed): group 1 has a
/// lower base rate and lower scores than group 0.
func biasedScores(rows: Int, seed: UInt64, groupCount: Int = 2) -> (scores: [Double], labels: [UInt8], groups: [Int32])
{
    var rng = Xoshiro256StarStar(seed: seed, stream: "mitigation-tests")
    var scores: [Double] = [], labels: [UInt8] = [], groups: [Int32] = []
    for _ in 0..<rows {
        let group = rng.nextIndex(below: groupCount)
        let baseRate = 0.55 - 0.2 * Double(group)
        let label: UInt8 = rng.nextUnitDouble() < baseRate ? 1 : 0
        let logit = 1.5 * (label == 1 ? 1.0 : -1.0) - 0.7 * Double(group) + 1.3 * rng.nextGaussian()
        scores.append(((1 / (1 + exp(-logit))) * 1000).rounded() / 1000)
        labels.append(label)
        groups.append(Int32(group))
    }
    return (scores, labels, groups)
}
