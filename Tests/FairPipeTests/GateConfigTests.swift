import Foundation
import Testing

@testable import FairPipe

/// A misspelt metric in `fairness.thresholds` is one line with the closest name.
@Suite struct GateConfigTests {
    func message(_ yaml: String) -> String {
        do {
            _ = try ConfigLoader(environment: [:]).load(
                PipelineConfig.self, yaml: yaml, origin: "study.yml", overrides: [])
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func misspeltGateMetricSuggestsTheClosestNameWithItsAttribute() {
        let text = message(
            "data:\n  sensitive: [sex]\nfairness:\n  thresholds:\n    disparate_impactt@sex: {min: 0.8}\n")
        #expect(
            text.hasPrefix("study.yml:5:5: `fairness.thresholds.disparate_impactt@sex` must be a metric name"),
            "\(text)")
        #expect(text.contains("(did you mean `disparate_impact@sex`?)"), "\(text)")
        #expect(text.contains("docs/metrics.md"))
        #expect(!text.contains("balanced_accuracy"), "the valid names are not listed: \(text)")
        #expect(!text.contains("\n"))
    }

    @Test func misspeltGateMetricWithoutAttributeSuggestsTheBareName() {
        let text = message("fairness:\n  thresholds:\n    acuracy: {min: 0.7}\n")
        #expect(text.contains("found `acuracy` (did you mean `accuracy`?)"), "\(text)")
    }

    @Test func misspeltReferenceMetricKeepsThePrefix() {
        let text = message("fairness:\n  thresholds:\n    vs_reference.disparate_impcat: {min: 0.8}\n")
        #expect(text.contains("(did you mean `vs_reference.disparate_impact`?)"), "\(text)")
    }

    @Test func unrecognisableGateMetricPointsToTheDocs() {
        let text = message("fairness:\n  thresholds:\n    zzz: {max: 1}\n")
        #expect(text.contains("must be a metric name (see docs/metrics.md), found `zzz`"), "\(text)")
        #expect(!text.contains("did you mean"))
    }
}
