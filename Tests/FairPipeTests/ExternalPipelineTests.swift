import Foundation
import Testing

@testable import FairPipe

/// `model.type: external` through the stages, with the sh/awk model of
/// `Tests/Fixtures/external/model.sh` (no Python).
@Suite(.serialized) struct ExternalPipelineTests {
    static func config(
        predict: String = "predict", predictArguments: String = "", method: String = "reweighing", extra: String = ""
    ) -> String {
        """
        experiment: {name: external, seed: 5}
        data:
          synthetic: {rows: 900}
        model:
          type: external
          external:
            fit: [sh, Tests/Fixtures/external/model.sh, fit, "{train}", "{weights}", "{model_dir}"]
            predict: [sh, Tests/Fixtures/external/model.sh, \(predict), "{model_dir}", "{input}", "{output}"\(predictArguments)]
            timeout: 60
        fairness:
          bootstrap: {samples: 20}
        mitigation:
          method: \(method)
          target: demographic_parity
        \(extra)
        """
    }

    /// Runs make-dataset and train into `folder`; returns the common flags.
    func prepare(_ folder: URL, config: String) throws -> [String] {
        let path = folder.appendingPathComponent("study.yml")
        try config.write(to: path, atomically: true, encoding: .utf8)
        let common = ["--config", path.path, "--quiet"]
        let d = folder.appendingPathComponent("dataset").path, m = folder.appendingPathComponent("model").path
        let made = try StageProcess.run("make-dataset", common + ["--out", d])
        #expect(made.status == 0, "\(made.stderr)")
        let trained = try StageProcess.run("train", common + ["--data", d, "--out", m])
        #expect(trained.status == 0, "\(trained.stderr)")
        return common
    }

    @Test func trainRecordsCommandsScriptAndModelFolderAndEvaluateScoresThroughPredict() throws {
        let folder = try Fixtures.temporaryFolder()
        let common = try prepare(folder, config: Self.config())
        let manifest = try readManifest(at: folder.appendingPathComponent("model/manifest.json").path)
        #expect(manifest.inputs.contains { $0.path == "Tests/Fixtures/external/model.sh" })
        #expect(manifest.outputs.contains { $0.path.hasSuffix("model/external/model.txt") })
        guard case .object(let slice) = manifest.config, case .object(let files)? = slice["external_files"] else {
            Issue.record("no external_files in the train slice")
            return
        }
        #expect(files.keys.sorted() == ["Tests/Fixtures/external/model.sh"])
        let model = try CanonicalJSON.decoder().decode(
            TrainedModel.self, from: Data(contentsOf: folder.appendingPathComponent("model/model.json")))
        guard case .external(let external) = model else { Issue.record("not an external model"); return }
        #expect(external.files.keys.sorted() == ["model.txt"])
        #expect(external.predict.contains("{input}"))
        let evaluated = try StageProcess.run(
            "evaluate",
            common + [
                "--data", folder.appendingPathComponent("dataset").path, "--model",
                folder.appendingPathComponent("model").path,
                "--out", folder.appendingPathComponent("evaluation").path,
            ])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let report = try JSONDecoder().decode(
            MetricsReport.self, from: Data(contentsOf: folder.appendingPathComponent("evaluation/metrics.json")))
        #expect((report.overall["accuracy"]?.value ?? 0) > 0.6)
    }

    @Test func aFailingPredictIsOneLineWithExitSeventyAndNothingLeftBehind() throws {
        let folder = try Fixtures.temporaryFolder()
        let common = try prepare(folder, config: Self.config(predict: "predict-fail"))
        let out = folder.appendingPathComponent("evaluation")
        let result = try StageProcess.run(
            "evaluate",
            common + [
                "--data", folder.appendingPathComponent("dataset").path, "--model",
                folder.appendingPathComponent("model").path,
                "--out", out.path,
            ])
        #expect(result.status == ExitStatus.externalCommand.rawValue)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(
            lines.first?.contains(
                "model.external.predict `sh Tests/Fixtures/external/model.sh predict-fail {model_dir} {input} {output}` failed with exit status 3; stderr: model.sh: deliberate failure"
            ) == true)
        #expect(try StageProcess.snapshot(out).isEmpty)
    }

    @Test func aModelFolderEditedAfterTrainingIsRefused() throws {
        let folder = try Fixtures.temporaryFolder()
        let common = try prepare(folder, config: Self.config())
        try "0 0 0\n".write(
            to: folder.appendingPathComponent("model/external/model.txt"), atomically: true, encoding: .utf8)
        let result = try StageProcess.run(
            "evaluate",
            common + [
                "--data", folder.appendingPathComponent("dataset").path, "--model",
                folder.appendingPathComponent("model").path,
                "--out", folder.appendingPathComponent("evaluation").path,
            ])
        #expect(result.status == ExitStatus.dataError.rawValue)
        #expect(result.stderr.contains("the file changed since train fitted the model; rerun train"))
    }

    @Test(arguments: [
        "reweighing", "exponentiated_gradient", "grid_search", "disparate_impact_remover", "correlation_remover",
    ])
    func mitigationRefitsTheExternalModelWithWeights(method: String) throws {
        let folder = try Fixtures.temporaryFolder("external-\(method)")
        let common = try prepare(folder, config: Self.config(method: method))
        let d = folder.appendingPathComponent("dataset").path, m = folder.appendingPathComponent("model").path
        let e = folder.appendingPathComponent("evaluation").path, g = folder.appendingPathComponent("mitigation")
        #expect(try StageProcess.run("evaluate", common + ["--data", d, "--model", m, "--out", e]).status == 0)
        // Small sweeps: every refit runs the script.
        let result = try StageProcess.run(
            "mitigate",
            common + [
                "--data", d, "--model", m, "--evaluation", e, "--out", g.path, "--set", "mitigation.strengths=[0.05]",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: g.appendingPathComponent("refits/fit-0001/model.txt").path))
        #expect(FileManager.default.fileExists(atPath: g.appendingPathComponent("predictions.csv").path))
        let manifest = try readManifest(at: g.appendingPathComponent("manifest.json").path)
        #expect(manifest.outputs.contains { $0.path.hasSuffix("refits/fit-0001/model.txt") })
    }

    /// In-processing scores each split once per fitted model: scores and decisions come from
    /// one `predict` (they used to take two). The only trade-off point is at the configured
    /// strength, which reuses the configured fit, so each split sees one call per model in
    /// the artefact.
    @Test(arguments: ["grid_search", "exponentiated_gradient"])
    func eachSplitIsScoredWithOnePredictPerFittedModel(method: String) throws {
        let folder = try Fixtures.temporaryFolder("external-calls-\(method)")
        let calls = folder.appendingPathComponent("calls.txt")
        let common = try prepare(
            folder,
            config: Self.config(
                predict: "predict-counted", predictArguments: ", \"\(calls.path)\"", method: method))
        let d = folder.appendingPathComponent("dataset").path, m = folder.appendingPathComponent("model").path
        let e = folder.appendingPathComponent("evaluation").path, g = folder.appendingPathComponent("mitigation")
        #expect(try StageProcess.run("evaluate", common + ["--data", d, "--model", m, "--out", e]).status == 0)
        try Data().write(to: calls)
        let strength = method == "grid_search" ? "0.5" : "0.01"  // the configured constraint_weight / eps
        let result = try StageProcess.run(
            "mitigate",
            common + [
                "--data", d, "--model", m, "--evaluation", e, "--out", g.path, "--set",
                "mitigation.strengths=[\(strength)]",
            ])
        #expect(result.status == 0, "\(result.stderr)")

        let fitted = try CanonicalJSON.decoder().decode(
            InprocessingModel.self, from: Data(contentsOf: g.appendingPathComponent("\(method).json")))
        let models: Int
        switch fitted {
        case .exponentiatedGradient(let eg): models = eg.weights.filter { $0 > 0 }.count
        case .gridSearch: models = 1
        default: models = 0
        }
        let rows = try String(contentsOf: calls, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
        for split in ["predictions_validation.csv", "predictions.csv"] {
            let n = try CSVReader.read(path: g.appendingPathComponent(split).path).rowCount
            #expect(rows.filter { $0 == n }.count == models, "\(split): \(n) rows; calls \(rows)")
        }
    }

    /// Refits give the model encoded features only: a raw-feature model with a method that
    /// refits is refused when the config loads, naming what works; post-processing is fine.
    @Test(arguments: ["reweighing", "exponentiated_gradient", "threshold_optimizer"])
    func rawFeatureModelsAreRefusedForRefittingMethodsAtLoad(method: String) throws {
        let message: String
        do {
            _ = try ConfigLoader(environment: [:]).load(
                PipelineConfig.self,
                yaml: Self.config(method: method, extra: "").replacingOccurrences(
                    of: "timeout: 60", with: "timeout: 60\n    features: raw"),
                origin: "study.yml",
                overrides: method == "threshold_optimizer" ? ["mitigation.target=equalized_odds"] : [])
            message = "no error"
        } catch {
            message = "\(error)"
        }
        if method == "threshold_optimizer" {
            #expect(message == "no error")
        } else {
            #expect(
                message.contains("`mitigation.method`") && message.contains("model.external.features is raw"),
                "\(message)")
            #expect(message.contains("threshold_optimizer"), "\(message)")
        }
    }

    @Test func scriptDigestsChangeWithTheScript() throws {
        let root = try Fixtures.temporaryFolder()
        let script = root.appendingPathComponent("my_model.sh")
        try "echo one\n".write(to: script, atomically: true, encoding: .utf8)
        var config = ExternalModelConfig()
        config.fit = ["sh", "my_model.sh", "fit", "{train}", "{model_dir}"]
        config.predict = ["sh", "my_model.sh", "predict", "{model_dir}", "{input}", "{output}"]
        let before = config.commandFileDigests(root: root.path)
        try "echo two\n".write(to: script, atomically: true, encoding: .utf8)
        let after = config.commandFileDigests(root: root.path)
        #expect(before.keys.sorted() == ["my_model.sh"])
        #expect(before != after)
    }
}
