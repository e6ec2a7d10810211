import Foundation
import Testing

@testable import FairPipe

/// `evaluate --preds` as a user with an outside model runs it: from any folder, with or
/// without a config file, naming attributes only the CSV has (issue #11, part 1).
@Suite(.serialized) struct StandaloneAuditTests {
    /// Predictions with `race` and `sex`, columns named as an outside tool would.
    static func predictionsCSV() -> String {
        var lines = ["id,race,sex,y,yhat,score"]
        var state: UInt64 = 7
        for row in 0..<400 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let u = Double(state >> 11) / Double(1 << 53)
            let race = row % 3 == 0 ? "African-American" : "Caucasian"
            let sex = row % 2 == 0 ? "Female" : "Male"
            let score = min(0.99, max(0.01, u * (race == "Caucasian" ? 1.0 : 0.8)))
            let y = u > 0.45 ? 1 : 0
            lines.append("\(row),\(race),\(sex),\(y),\(score >= 0.5 ? 1 : 0),\(NumberFormat.string(score))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A fresh folder holding only `p.csv` (and `pipeline.yml` when given).
    func folder(pipeline: String? = nil, name: String = #function) throws -> URL {
        let dir = try Fixtures.temporaryFolder("standalone-\(name)")
        try Self.predictionsCSV().write(to: dir.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
        if let pipeline {
            try pipeline.write(to: dir.appendingPathComponent("pipeline.yml"), atomically: true, encoding: .utf8)
        }
        return dir
    }

    static let issueCommand = [
        "--preds", "p.csv", "--label", "y", "--decision", "yhat", "--score", "score", "--sensitive", "race,sex",
        "--positive", "1", "--out", "audit",
    ]

    static var demoPipeline: String {
        (try? String(contentsOf: StageProcess.repositoryRoot.appendingPathComponent("pipeline.yml"), encoding: .utf8))
            ?? ""
    }

    func reference(in dir: URL, attribute: String) throws -> String? {
        let report = try JSONDecoder().decode(
            MetricsReport.self, from: Data(contentsOf: dir.appendingPathComponent("audit/metrics.json")))
        return report.attributes.first { $0.name == attribute }?.reference
    }

    @Test func issueCommandWorksVerbatimFromAnEmptyFolder() throws {
        let dir = try folder()
        let result = try StageProcess.run(
            "evaluate", Self.issueCommand + ["--set", "fairness.reference.race=Caucasian"], directory: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("config: built-in defaults with 1 --set override (no pipeline.yml)"))
        #expect(try reference(in: dir, attribute: "race") == "Caucasian")
    }

    @Test func referenceFromTheEnvironmentWorksToo() throws {
        let dir = try folder()
        let result = try StageProcess.run(
            "evaluate", Self.issueCommand + ["--set", "fairness.reference.race=African-American"],
            environment: ["FAIRNESS_FAIRNESS_REFERENCE_SEX": "Male"], directory: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try reference(in: dir, attribute: "sex") == "Male")
        let viaEnvironment = try folder(name: "env-only")
        let only = try StageProcess.run(
            "evaluate", Self.issueCommand, environment: ["FAIRNESS_FAIRNESS_REFERENCE_RACE": "African-American"],
            directory: viaEnvironment)
        #expect(only.status == 0, "\(only.stderr)")
        #expect(try reference(in: viaEnvironment, attribute: "race") == "African-American")
    }

    @Test func absentReferenceGroupIsOneLineListingTheGroups() throws {
        let dir = try folder()
        let result = try StageProcess.run(
            "evaluate", Self.issueCommand + ["--set", "fairness.reference.race=Martian"], directory: dir)
        #expect(result.status == ExitStatus.dataError.rawValue)
        let errors = result.stderr.split(separator: "\n").filter { $0.contains("error") }
        #expect(errors.count == 1)
        #expect(errors.first?.contains("no group `Martian`") == true)
        #expect(errors.first?.contains("African-American, Caucasian") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("audit/metrics.json").path))
    }

    @Test func theDemoStudysPipelineFileIsNotPickedUpSilently() throws {
        let dir = try folder(pipeline: Self.demoPipeline)
        let result = try StageProcess.run("evaluate", Self.issueCommand + ["--fail-on-violation"], directory: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("pipeline.yml here is not read by a --preds audit; pass --config pipeline.yml"))
        #expect(result.stderr.contains("0 gates, 0 failed"))
        #expect(result.stderr.contains("--fail-on-violation: no gate is configured"))
    }

    @Test func anExplicitConfigWhoseGatesNameAbsentAttributesIsOneLineBeforeAnyWork() throws {
        let dir = try folder(pipeline: Self.demoPipeline)
        let result = try StageProcess.run("evaluate", Self.issueCommand + ["--config", "pipeline.yml"], directory: dir)
        #expect(result.status == ExitStatus.usage.rawValue)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.contains("pipeline.yml:") == true)
        #expect(lines.first?.contains("names attribute `group`, which is not audited (--sensitive: race, sex)") == true)
        #expect(lines.first?.contains("drop --config") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("audit").path))
    }

    @Test func aGateAboutAnAuditedAttributeIsJudged() throws {
        let dir = try folder()
        let result = try StageProcess.run(
            "evaluate",
            Self.issueCommand + [
                "--set", "fairness.thresholds={disparate_impact@race: {min: 0.99}}", "--fail-on-violation",
            ],
            directory: dir)
        #expect(result.status == ExitStatus.gateFailed.rawValue, "\(result.stderr)")
        #expect(result.stderr.contains("1 gates, 1 failed") || result.stderr.contains("gates, 1 failed"))
    }

    @Test func missingSensitiveColumnsFromDefaultsSayToNameThem() throws {
        let dir = try folder()
        let result = try StageProcess.run(
            "evaluate", ["--preds", "p.csv", "--label", "y", "--score", "score"], directory: dir)
        #expect(result.status == ExitStatus.dataError.rawValue)
        #expect(result.stderr.contains("name yours with --sensitive"))
    }
}

@Suite struct AttributeKeyCheckTests {
    func load(_ yaml: String, auditing: [String]? = nil, env: [String: String] = [:]) throws -> PipelineConfig {
        try ConfigLoader(environment: env).load(
            PipelineConfig.self, yaml: yaml, origin: "study.yml", overrides: [],
            acrossSections: { try $0.validateAcrossSections(auditing: auditing) }
        ).value
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func gatesAreCheckedAgainstDataSensitiveInThePipeline() {
        let text = message {
            _ = try load("fairness:\n  thresholds:\n    disparate_impact@race: {min: 0.8}\n")
        }
        #expect(text.hasPrefix("study.yml:3:"))
        #expect(
            text.contains(
                "`fairness.thresholds.disparate_impact@race`: the gate names attribute `race`, which is not audited (data.sensitive: group, sex)"
            ))
    }

    @Test func keysAreCheckedAgainstTheAuditedColumnsOfAPredictionsAudit() throws {
        let config = try load(
            "fairness:\n  reference: {race: X}\n  thresholds:\n    vs_reference.disparate_impact@race&sex: {min: 0.8}\n",
            auditing: ["race", "sex"])
        #expect(config.fairness.reference["race"] == "X")
        let text = message { _ = try load("fairness:\n  reference: {group: A}\n", auditing: ["race"]) }
        #expect(text.contains("study.yml:2:"))
        #expect(text.contains("(--sensitive: race)"))
    }

    @Test func anIntersectionNamesEachPart() {
        let text = message {
            _ = try load(
                "fairness:\n  thresholds:\n    vs_reference.disparate_impact@sex&race: {min: 0.8}\n", auditing: ["sex"])
        }
        #expect(text.contains("study.yml:3:"))
        #expect(text.contains("names attribute `race`"))
    }

    @Test func environmentKeysOfOpenMappingsAreRead() throws {
        let config = try load("", auditing: ["race"], env: ["FAIRNESS_FAIRNESS_REFERENCE_RACE": "Caucasian"])
        #expect(config.fairness.reference == ["race": "Caucasian"])
        let text = message {
            _ = try load("", auditing: ["sex"], env: ["FAIRNESS_FAIRNESS_REFERENCE_RACE": "Caucasian"])
        }
        #expect(text.hasPrefix("environment variable FAIRNESS_FAIRNESS_REFERENCE_RACE:"))
    }

    @Test func builtInFairnessDefaultsNameNoAttribute() {
        let fairness = FairnessConfig()
        #expect(fairness.reference.isEmpty)
        #expect(fairness.thresholds.keys.allSatisfy { GateSpec.attribute(of: $0) == nil })
    }
}
