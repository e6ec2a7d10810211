import Foundation
import Testing

@testable import FairPipe

/// A small configuration root used to pin the loader's behaviour independently of the
/// real sections.
private struct ToyModel: ConfigSection {
    var C: Double = 1.0
    var maxIter: Int = 100
    var kind: ToyKind = .logistic
    func validate() throws {
        if C <= 0 { throw ConfigError.invalidValue(key: "C", expected: "a number > 0", found: "\(C)") }
    }
}

private enum ToyKind: String, ConfigEnum {
    case logistic
    case linearSvm = "linear_svm"
}

private struct ToyFairness: ConfigSection {
    struct Bootstrap: Codable, Equatable, Sendable { var samples: Int = 1000; var stratified: Bool = true }
    var minGroupSize: Int = 30
    var sensitive: [String] = ["group"]
    var reference: [String: String] = [:]
    var bootstrap = Bootstrap()
    var label: String?
}

private struct ToyRoot: ConfigRoot, Equatable {
    var experiment = ExperimentConfig()
    var model = ToyModel()
    var fairness = ToyFairness()
    func validateSections(_ check: (String, any ConfigSection) throws -> Void) throws {
        try check("experiment", experiment)
        try check("model", model)
        try check("fairness", fairness)
    }
}

@Suite struct ConfigLoaderTests {
    fileprivate func load(_ yaml: String, set: [String] = [], env: [String: String] = [:]) throws -> ToyRoot {
        try ConfigLoader(environment: env).load(ToyRoot.self, yaml: yaml, origin: "pipeline.yml", overrides: set).value
    }

    func error(_ yaml: String, set: [String] = [], env: [String: String] = [:]) -> String {
        do {
            _ = try load(yaml, set: set, env: env)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func emptyFileGivesDefaults() throws {
        #expect(try load("") == ToyRoot())
    }

    @Test func fileValuesOverrideDefaults() throws {
        let config = try load(
            "model:\n  C: 0.5\n  max_iter: 7\nfairness:\n  min_group_size: 10\n  bootstrap: {samples: 5}\n")
        #expect(config.model.C == 0.5)
        #expect(config.model.maxIter == 7)
        #expect(config.fairness.minGroupSize == 10)
        #expect(config.fairness.bootstrap.samples == 5)
        #expect(config.fairness.bootstrap.stratified == true)
    }

    @Test func precedenceIsSetThenEnvironmentThenFileThenDefaults() throws {
        let yaml = "model:\n  C: 0.5\n  max_iter: 7\n"
        let env = ["FAIRNESS_MODEL_C": "0.25", "FAIRNESS_MODEL_MAX_ITER": "9"]
        let config = try load(yaml, set: ["model.C=0.125"], env: env)
        #expect(config.model.C == 0.125)
        #expect(config.model.maxIter == 9)
        let noSet = try load(yaml, env: env)
        #expect(noSet.model.C == 0.25)
        let nested = try load("", env: ["FAIRNESS_FAIRNESS_BOOTSTRAP_SAMPLES": "12"])
        #expect(nested.fairness.bootstrap.samples == 12)
    }

    @Test func setParsesListsAndOptionals() throws {
        let config = try load(
            "", set: ["fairness.sensitive=[sex, race]", "fairness.label=income", "fairness.reference.race=White"])
        #expect(config.fairness.sensitive == ["sex", "race"])
        #expect(config.fairness.label == "income")
        #expect(config.fairness.reference == ["race": "White"])
    }

    @Test func unknownSectionNamesClosestKeyAndLine() {
        let message = error("experiment:\n  seed: 1\nmodle:\n  C: 2\n")
        #expect(message == "pipeline.yml:3:1: unknown key `modle` (did you mean `model`?)")
    }

    @Test func unknownNestedKeyNamesDottedPath() {
        let message = error("fairness:\n  bootstrap:\n    sample: 10\n")
        #expect(
            message
                == "pipeline.yml:3:5: unknown key `fairness.bootstrap.sample` (did you mean `fairness.bootstrap.samples`?)"
        )
    }

    @Test func wrongTypeFromSetNamesFlag() {
        let message = error("", set: ["model.C=abc"])
        #expect(message == "--set model.C=abc: `model.C` must be a finite number, found `abc`")
    }

    @Test func outOfRangeIsLocatedInFile() {
        let message = error("model:\n  C: -1\n")
        #expect(message == "pipeline.yml:2:3: `model.C` must be a number > 0, found -1.0")
    }

    @Test func enumValuesAreListedWithSuggestion() {
        let message = error("model:\n  kind: linear_svn\n")
        #expect(message.contains("one of logistic, linear_svm"))
        #expect(message.contains("did you mean `linear_svm`?"))
    }

    @Test func unknownEnvironmentVariableIsRejected() {
        let message = error("", env: ["FAIRNESS_MODEL_CC": "1"])
        #expect(message.hasPrefix("environment variable FAIRNESS_MODEL_CC: unknown key"))
        #expect(message.contains("FAIRNESS_MODEL_C"))
    }

    @Test func malformedInputsAreOneLineErrors() {
        #expect(error("model: [1, 2").hasPrefix("pipeline.yml:"))
        #expect(error("- a\n- b\n").contains("top level must be a mapping"))
        #expect(error("", set: ["modelC=1"]).hasPrefix("--set modelC=1:"))
        #expect(error("", set: ["model.=1"]).hasPrefix("--set model.=1:"))
        #expect(error("model:\n  C: 1\n  C: 2\n").contains("twice"))
        for message in [error("model: [1, 2"), error("modle: 1")] {
            #expect(!message.contains("\n"))
        }
    }

    @Test func seedMustBeANonNegativeInteger() {
        #expect(error("experiment:\n  seed: -3\n").contains("non-negative integer"))
        #expect(error("experiment:\n  seed: 1.5\n").contains("non-negative integer"))
    }

    @Test func canonicalJSONKeepsDictionaryKeysAndSnakeCasesProperties() throws {
        var root = ToyRoot()
        root.fairness.reference = ["race": "African-American", "Sex": "Female"]
        let json = try CanonicalJSON.string(root)
        #expect(json.contains("\"min_group_size\""))
        #expect(json.contains("\"Sex\""))
        #expect(json.contains("\"C\""))
        let value = try JSONValue(encoding: root)
        #expect(try CanonicalJSON.string(value) == json)
    }
}

private struct DictSection: ConfigSection {
    var weights: [String: Double] = ["A": 0.7, "B": 0.3]
}

private struct DictRoot: ConfigRoot, Equatable {
    var synthetic = DictSection()
    func validateSections(_ check: (String, any ConfigSection) throws -> Void) throws {
        try check("synthetic", synthetic)
    }
}

@Suite struct ConfigDictionaryTests {
    @Test func userMappingReplacesDefaultDictionary() throws {
        let config = try ConfigLoader(environment: [:]).load(
            DictRoot.self, yaml: "synthetic:\n  weights: {X: 0.5, Y: 0.5}\n", origin: "p.yml", overrides: []
        ).value
        #expect(config.synthetic.weights == ["X": 0.5, "Y": 0.5])
        let untouched = try ConfigLoader(environment: [:]).load(DictRoot.self, yaml: "", origin: "p.yml", overrides: [])
            .value
        #expect(untouched.synthetic.weights == ["A": 0.7, "B": 0.3])
    }
}
