import Foundation
import Testing

@testable import FairPipe

/// The shape of Tests/Fixtures/metrics/expected.json (written by generate_expected.py).
struct ConformanceFixture: Decodable {
    struct Group: Decodable { var n: Int; var counts: [String: Int]; var metrics: [String: Double?] }
    struct Test: Decodable { var test: String; var p_value: Double }
    struct Level: Decodable {
        var name: String
        var reference: String
        var groups: [String: Group]
        var disparities: [String: Double?]
        var fairlearn_direct: [String: Double?]
        var vs_reference: [String: [String: Double?]]
        var tests: [String: Test?]
    }
    struct Dataset: Decodable {
        var file: String
        var attributes: [String]
        var n: Int
        var overall: [String: Double?]
        var individual: [String: Double]
        var levels: [Level]
        var features: [String]?
    }
    var datasets: [Dataset]
}

/// Reads a fixture CSV (plain, unquoted) into a PredictionSet.
func loadFixturePredictions(_ file: String, attributes: [String], features: [String]? = nil) throws -> PredictionSet {
    let text = try String(contentsOf: Fixtures.url("metrics/\(file)"), encoding: .utf8)
    var lines = text.split(separator: "\n").map {
        $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let header = lines.removeFirst()
    func column(_ name: String) -> [String] {
        let i = header.firstIndex(of: name) ?? 0
        return lines.map { $0[i] }
    }
    let labels = column("label").map { UInt8($0) ?? 9 }
    let decisions = column("decision").map { UInt8($0) ?? 9 }
    let scores = column("score").map { Double($0) ?? .nan }
    let sensitive = try attributes.map { try SensitiveColumn(name: $0, values: column($0)) }
    var matrix: FeatureMatrix?
    if let features {
        let cols = features.map { column($0).map { Double($0) ?? .nan } }
        matrix = try FeatureMatrix((0..<labels.count).map { r in cols.map { $0[r] } })
    }
    return PredictionSet(labels: labels, decisions: decisions, scores: scores, attributes: sensitive, features: matrix)
}

func close(_ a: Double?, _ b: Double?, tolerance: Double = 1e-9) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (x?, y?): return abs(x - y) <= tolerance * max(1, abs(y))
    default: return false
    }
}

@Suite struct MetricsConformanceTests {
    static let fixture: ConformanceFixture? = try? Fixtures.json(ConformanceFixture.self, "metrics/expected.json")

    static func config() -> FairnessConfig {
        var config = FairnessConfig()
        config.bootstrap.samples = 0
        config.minGroupSize = 30
        return config
    }

    @Test(arguments: ["two_groups.csv", "five_groups.csv", "unbalanced.csv", "no_positives.csv", "two_attributes.csv"])
    func metricsMatchFairlearnAndAIF360(file: String) throws {
        let fixture = try #require(Self.fixture)
        let expected = try #require(fixture.datasets.first { $0.file == file })
        let set = try loadFixturePredictions(file, attributes: expected.attributes, features: expected.features)
        let report = try evaluateFairness(set, config: Self.config(), seed: 7)
        #expect(report.n == expected.n)
        for (key, value) in expected.overall {
            #expect(
                close(report.overall[key]?.value, value),
                "overall \(key): \(String(describing: report.overall[key]?.value)) vs \(String(describing: value))")
        }
        for (key, value) in expected.individual {
            #expect(
                close(report.overall[key]?.value, value),
                "\(file) \(key): \(String(describing: report.overall[key]?.value)) vs \(value)")
        }
        #expect(report.attributes.map(\.name) == expected.levels.map(\.name))
        for level in expected.levels {
            let attribute = try #require(report.attribute(level.name))
            #expect(attribute.reference == level.reference)
            #expect(Set(attribute.groups.map(\.group)) == Set(level.groups.keys))
            for group in attribute.groups {
                let want = try #require(level.groups[group.group])
                #expect(group.n == want.n)
                #expect(group.counts.tp == want.counts["tp"] && group.counts.fn == want.counts["fn"])
                for (key, value) in want.metrics {
                    #expect(
                        close(group.metrics[key]?.value, value),
                        "\(file) \(level.name)=\(group.group) \(key): \(String(describing: group.metrics[key]?.value)) vs \(String(describing: value))"
                    )
                    if value == nil { #expect(group.metrics[key]?.reason != nil) }
                }
            }
            for (key, value) in level.disparities {
                #expect(
                    close(attribute.disparities[key]?.value, value),
                    "\(file) \(level.name) \(key): \(String(describing: attribute.disparities[key]?.value)) vs \(String(describing: value))"
                )
            }
            // Where no group is excluded, fairlearn's own disparity functions agree too.
            for (key, value) in level.fairlearn_direct {
                guard let d = attribute.disparities[key], d.excludedGroups.isEmpty else { continue }
                #expect(
                    close(d.value, value),
                    "\(file) \(level.name) fairlearn.\(key): \(String(describing: d.value)) vs \(String(describing: value))"
                )
            }
            for comparison in attribute.vsReference {
                guard let want = level.vs_reference[comparison.group] else {
                    #expect(
                        comparison.metrics.values.allSatisfy { $0.value == nil },
                        "empty group \(comparison.group) has values")
                    continue
                }
                for (key, value) in want where !key.hasPrefix("aif360_raw") {
                    #expect(
                        close(comparison.metrics[key]?.value, value),
                        "\(file) \(level.name) \(comparison.group) \(key): \(String(describing: comparison.metrics[key]?.value)) vs \(String(describing: value))"
                    )
                }
            }
            for test in attribute.tests {
                let want = level.tests[test.rate] ?? nil
                #expect(test.test == want?.test, "\(file) \(level.name) \(test.rate) test")
                #expect(
                    close(test.pValue, want?.p_value),
                    "\(file) \(level.name) \(test.rate) p: \(String(describing: test.pValue)) vs \(String(describing: want?.p_value))"
                )
            }
        }
    }

    @Test func groupWithoutPositivesIsNullNotZero() throws {
        let set = try loadFixturePredictions("no_positives.csv", attributes: ["group"])
        let report = try evaluateFairness(set, config: Self.config(), seed: 7)
        let attribute = try #require(report.attribute("group"))
        let g3 = try #require(attribute.groups.first { $0.group == "g3" })
        #expect(g3.warnings.contains("no_positives"))
        #expect(g3.metrics["true_positive_rate"]?.value == nil)
        #expect(g3.metrics["true_positive_rate"]?.reason?.contains("no positives") == true)
        let eo = try #require(attribute.disparities["equal_opportunity_difference"])
        #expect(eo.excludedGroups.map(\.group) == ["g3"])
        #expect(eo.value != nil)
    }

    @Test func emptyIntersectionIsReportedNotDropped() throws {
        let set = try loadFixturePredictions("two_attributes.csv", attributes: ["sex", "race"])
        let report = try evaluateFairness(set, config: Self.config(), seed: 7)
        let attribute = try #require(report.attribute("sex&race"))
        let empty = try #require(attribute.groups.first { $0.group == "F&Z" })
        #expect(empty.n == 0)
        #expect(empty.warnings.contains("empty_group") && empty.warnings.contains("small_group"))
        #expect(empty.metrics["selection_rate"]?.value == nil)
        #expect(attribute.disparities["demographic_parity_difference"]?.excludedGroups.map(\.group) == ["F&Z"])
    }
}
