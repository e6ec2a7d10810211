import Foundation
import Testing

@testable import FairPipe

/// `mitigation.correlation_remover.features` and `mitigation.disparate_impact_remover.features`:
/// only the named raw features' encoded columns are transformed, exactly as the full transform
/// would transform them; every other column is left bit-identical.
@Suite struct MitigationFeatureSelectionTests {
    /// 60 rows × 5 columns, three groups, every column shifted by its group differently.
    static let rows = 60, cols = 5
    static let groups: [Int32] = (0..<rows).map { Int32($0 % 3) }
    static let features: [Double] = (0..<(rows * cols)).map { index in
        let row = index / cols, column = index % cols
        return Double(groups[row]) * Double(column + 1) + Double((row * 7 + column * 3) % 11) / 4
    }

    /// Columns of `values` (`rows` × `width`, row-major).
    static func columns(_ values: [Double], width: Int, _ chosen: [Int]) -> [[Double]] {
        chosen.map { c in (0..<(values.count / width)).map { values[$0 * width + c] } }
    }

    static func encoded(_ values: [Double]) -> EncodedFeatures {
        EncodedFeatures(rows: rows, cols: cols, values: values, names: (1...cols).map { "x\($0)" })
    }

    @Test(arguments: [[1], [0, 3], [2, 4]])
    func correlationRemoverOnChosenColumnsMatchesTheFullTransformThere(chosen: [Int]) throws {
        let sensitive = CorrelationRemover.oneHot(groups: Self.groups, groupCount: 3)
        let full = try CorrelationRemover().fit(
            features: Self.features, rows: Self.rows, columns: Self.cols, sensitive: sensitive, sensitiveColumns: 3)
        let everything = try full.transform(features: Self.features, rows: Self.rows, sensitive: sensitive)
        let input = Self.encoded(Self.features)
        let selected = Preprocessing.select(chosen, of: input)
        let partial = try CorrelationRemover().fit(
            features: selected, rows: Self.rows, columns: chosen.count, sensitive: sensitive, sensitiveColumns: 3)
        let out = try Preprocessing.replace(
            chosen, in: input, with: try partial.transform(features: selected, rows: Self.rows, sensitive: sensitive))
        let others = (0..<Self.cols).filter { !chosen.contains($0) }
        #expect(
            Self.columns(out.values, width: Self.cols, others) == Self.columns(Self.features, width: Self.cols, others))
        #expect(
            Self.columns(out.values, width: Self.cols, chosen) == Self.columns(everything, width: Self.cols, chosen))
        // The math: a decorrelated column has the same mean in every group; an untouched one does not.
        for (column, values) in zip(chosen + others, Self.columns(out.values, width: Self.cols, chosen + others)) {
            let means = (0..<3).map { g in
                let members = values.indices.filter { Self.groups[$0] == Int32(g) }.map { values[$0] }
                return members.reduce(0, +) / Double(members.count)
            }
            let spread = (means.max() ?? 0) - (means.min() ?? 0)
            if chosen.contains(column) {
                #expect(spread < 1e-9, "column \(column)")
            } else {
                #expect(spread > 0.5, "column \(column)")
            }
        }
    }

    @Test(arguments: [[0], [1, 4]])
    func disparateImpactRepairOnChosenColumnsMatchesTheFullRepairThere(chosen: [Int]) throws {
        let names = ["a", "b", "c"]
        let full = try DisparateImpactRemover(repairLevel: 0.7).fit(
            features: Self.features, rows: Self.rows, columns: Self.cols, groups: Self.groups, groupNames: names)
        let everything = try full.transform(features: Self.features, rows: Self.rows, groups: Self.groups)
        let input = Self.encoded(Self.features)
        let selected = Preprocessing.select(chosen, of: input)
        let partial = try DisparateImpactRemover(repairLevel: 0.7).fit(
            features: selected, rows: Self.rows, columns: chosen.count, groups: Self.groups, groupNames: names)
        let out = try Preprocessing.replace(
            chosen, in: input, with: try partial.transform(features: selected, rows: Self.rows, groups: Self.groups))
        let others = (0..<Self.cols).filter { !chosen.contains($0) }
        #expect(
            Self.columns(out.values, width: Self.cols, others) == Self.columns(Self.features, width: Self.cols, others))
        #expect(
            Self.columns(out.values, width: Self.cols, chosen) == Self.columns(everything, width: Self.cols, chosen))
        #expect(
            Self.columns(out.values, width: Self.cols, chosen) != Self.columns(Self.features, width: Self.cols, chosen))
    }

    static let encoding = FeatureEncoding(
        missing: .impute,
        columns: [
            EncodedColumn(name: "age", type: .numeric, mean: 40, scale: 10, fill: 38),
            EncodedColumn(name: "marital_status", type: .categorical, levels: ["divorced", "married", "single"]),
            EncodedColumn(name: "hours", type: .numeric, mean: 40, scale: 12, fill: 40),
        ])

    @Test func rawFeaturesSelectTheirEncodedColumnsTogether() throws {
        let categorical = try #require(
            try FeatureSelection.columns(
                ["marital_status"], method: .correlationRemover, in: Self.encoding, numericOnly: false))
        #expect(categorical.indices == [1, 2, 3])
        #expect(categorical.names == ["marital_status=divorced", "marital_status=married", "marital_status=single"])
        let mixed = try #require(
            try FeatureSelection.columns(
                ["hours", "age"], method: .disparateImpactRemover, in: Self.encoding, numericOnly: true))
        #expect(mixed.indices == [0, 4])
        #expect(
            try FeatureSelection.columns([], method: .correlationRemover, in: Self.encoding, numericOnly: false) == nil)
    }

    @Test func unknownFeatureAtMitigateNamesTheClosestOne() {
        #expect {
            try FeatureSelection.columns(
                ["marital_stats"], method: .correlationRemover, in: Self.encoding, numericOnly: false)
        } throws: { error in
            guard let error = error as? MitigationError,
                case .invalidParameter(_, "mitigation.correlation_remover.features", _, let found) = error
            else { return false }
            return found.contains("did you mean `marital_status`?") && error.exitStatus == .usage
                && !error.description.contains("\n")
        }
    }

    @Test func disparateImpactRemoverRefusesACategorical() {
        #expect {
            try FeatureSelection.columns(
                ["marital_status"], method: .disparateImpactRemover, in: Self.encoding, numericOnly: true)
        } throws: { error in
            guard
                case MitigationError.invalidParameter(
                    _, "mitigation.disparate_impact_remover.features", let expected, _) = error
            else { return false }
            return expected.contains("correlation_remover")
        }
    }

    static func load(_ yaml: String, _ overrides: [String] = []) throws -> PipelineConfig {
        try ConfigLoader(environment: [:]).load(PipelineConfig.self, yaml: yaml, origin: "t.yml", overrides: overrides)
            .value
    }

    static let csvData =
        "data: {source: csv, path: d.csv, label: {column: y, positive: '1'}, sensitive: [sex], features: [age, marital_status]}\n"

    @Test func featuresLoadFromYAMLAndFromSet() throws {
        let config = try Self.load(
            Self.csvData
                + "mitigation: {method: correlation_remover, correlation_remover: {features: [marital_status]}}",
            ["mitigation.disparate_impact_remover.features=[age]"])
        #expect(config.mitigation.correlationRemover.features == ["marital_status"])
        #expect(config.mitigation.disparateImpactRemover.features == ["age"])
        #expect(try Self.load("").mitigation.correlationRemover.features == [])
    }

    @Test(arguments: ["correlation_remover", "disparate_impact_remover"])
    func unknownFeatureFailsWhenTheConfigLoads(method: String) {
        #expect {
            try Self.load(Self.csvData + "mitigation:\n  \(method):\n    features: [marital_stats]\n")
        } throws: { error in
            guard let error = error as? ConfigError, case .inconsistent(let key, let message, let source) = error else {
                return false
            }
            guard case .file("t.yml", 4, _) = source else { return false }
            return key == "mitigation.\(method).features" && message.contains("did you mean `marital_status`?")
                && error.exitStatus == .usage
        }
    }

    @Test func repeatedFeatureIsRejected() {
        #expect(throws: ConfigError.self) {
            try Self.load(Self.csvData + "mitigation: {correlation_remover: {features: [age, age]}}")
        }
    }
}

/// Through the `mitigate` executable on a small synthetic dataset (`x1`, `x2`, `proxy`, `cat1`).
@Suite(.serialized) struct MitigationFeatureSelectionStageTests {
    static let config = """
        experiment: {seed: 3}
        data:
          sensitive: [group]
          synthetic: {rows: 900, numeric_features: 2, categorical_features: 1, sexes: {}, sex_shift: {}, label_bias: 0.3, proxy_strength: 0.8}
        fairness:
          bootstrap: {samples: 10}
          reference: {group: A}
        mitigation:
          strengths: [1]
        """

    static let baseline: Result<URL, Error> = Result {
        let folder = try Fixtures.temporaryFolder("mitigation-features")
        try config.write(to: folder.appendingPathComponent("c.yml"), atomically: true, encoding: .utf8)
        let d = folder.appendingPathComponent("dataset").path, m = folder.appendingPathComponent("model").path
        for (stage, arguments) in [
            ("make-dataset", ["--out", d]), ("train", ["--data", d, "--out", m]),
            ("evaluate", ["--data", d, "--model", m, "--out", folder.appendingPathComponent("evaluation").path]),
        ] {
            let result = try StageProcess.run(
                stage, ["--config", folder.appendingPathComponent("c.yml").path, "--quiet"] + arguments)
            guard result.status == 0 else { throw FileError.malformed(path: stage, reason: result.stderr) }
        }
        return folder
    }

    static func mitigate(_ name: String, _ sets: [String]) throws -> (StageProcess.Result, URL) {
        let folder = try baseline.get()
        let out = folder.appendingPathComponent(name)
        let arguments =
            ["--config", folder.appendingPathComponent("c.yml").path, "--quiet"] + sets.flatMap { ["--set", $0] }
            + [
                "--data", folder.appendingPathComponent("dataset").path, "--model",
                folder.appendingPathComponent("model").path,
                "--evaluation", folder.appendingPathComponent("evaluation").path, "--out", out.path,
            ]
        return (try StageProcess.run("mitigate", arguments), out)
    }

    static func artefact(_ out: URL, _ method: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: out.appendingPathComponent("\(method).json")))
    }

    @Test(arguments: ["correlation_remover", "disparate_impact_remover"])
    func namingEveryFeatureGivesTheDefaultPredictions(method: String) throws {
        let all = method == "correlation_remover" ? "[x1,x2,proxy,cat1]" : "[x1,x2,proxy]"
        let (plain, plainOut) = try Self.mitigate("\(method)-default", ["mitigation.method=\(method)"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let (named, namedOut) = try Self.mitigate(
            "\(method)-all", ["mitigation.method=\(method)", "mitigation.\(method).features=\(all)"])
        #expect(named.status == 0, "\(named.stderr)")
        for file in ["predictions.csv", "predictions_validation.csv"] {
            #expect(
                try Data(contentsOf: plainOut.appendingPathComponent(file))
                    == Data(contentsOf: namedOut.appendingPathComponent(file)), "\(file)")
        }
        #expect(try Self.artefact(plainOut, method)["column_names"] == nil)
        #expect(try Self.artefact(namedOut, method)["column_names"] != nil)
    }

    @Test func correlationRemoverOnOneFeatureRecordsItsColumnsAndChangesTheModel() throws {
        let (result, out) = try Self.mitigate(
            "correlation_remover-proxy",
            ["mitigation.method=correlation_remover", "mitigation.correlation_remover.features=[proxy]"])
        #expect(result.status == 0, "\(result.stderr)")
        let fitted = try Self.artefact(out, "correlation_remover")
        #expect(fitted["column_names"] == .array([.string("proxy")]))
        #expect(fitted["columns"] == .number(1))
        let (_, plainOut) = try Self.mitigate("correlation_remover-default", ["mitigation.method=correlation_remover"])
        #expect(
            try Data(contentsOf: out.appendingPathComponent("predictions.csv"))
                != Data(contentsOf: plainOut.appendingPathComponent("predictions.csv")))
    }

    @Test func explainRecommendsTheConcreteSettingForTheProxy() throws {
        let folder = try Self.baseline.get()
        let out = folder.appendingPathComponent("explain")
        let result = try StageProcess.run(
            "explain",
            [
                "--config", folder.appendingPathComponent("c.yml").path, "--quiet", "--set", "explain.n_repeats=2",
                "--data", folder.appendingPathComponent("dataset").path, "--model",
                folder.appendingPathComponent("model").path,
                "--out", out.path,
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let explanations = try JSONDecoder().decode(
            JSONValue.self, from: Data(contentsOf: out.appendingPathComponent("explanations.json")))
        guard case .array(let concerns)? = explanations["concerns"],
            let proxy = concerns.first(where: { $0["feature"] == .string("proxy") }),
            case .string(let text)? = proxy["recommendation"]
        else { Issue.record("no proxy concern"); return }
        #expect(
            text.contains(
                "Repair it with mitigation.method=disparate_impact_remover and mitigation.disparate_impact_remover.features=[proxy]"
            ))
        #expect(
            text.contains(
                "or with mitigation.method=correlation_remover and mitigation.correlation_remover.features=[proxy], or drop it from data.features."
            ))
        #expect(text.contains("permuting it moves demographic_parity_difference@group from"))
    }

    @Test func unknownFeatureFailsAtMitigateWithOneLine() throws {
        let (result, out) = try Self.mitigate(
            "correlation_remover-typo",
            ["mitigation.method=correlation_remover", "mitigation.correlation_remover.features=[proxi]"])
        #expect(result.status == 64)
        let message = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(message.contains("did you mean `proxy`?") && !message.contains("\n"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("predictions.csv").path))
    }
}
