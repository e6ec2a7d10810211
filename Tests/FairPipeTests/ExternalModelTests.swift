import Foundation
import Testing

@testable import FairPipe

/// The external-model contract, exercised with `Tests/Fixtures/external/model.sh` (POSIX
/// sh and awk: no Python in `make test`).
@Suite(.serialized) struct ExternalModelTests {
    static let script = Fixtures.url("external/model.sh").path

    static func config(fit: String = "fit", predict: String = "predict", timeout: Double = 60) -> ExternalModelConfig {
        var config = ExternalModelConfig()
        config.fit = ["sh", script, fit, "{train}", "{weights}", "{model_dir}"]
        config.predict = ["sh", script, predict, "{model_dir}", "{input}", "{output}"]
        config.timeout = timeout
        return config
    }

    /// Two features; the label follows the first.
    static func data(rows: Int = 200) throws -> (Table, [UInt8]) {
        var x1: [Double] = [], x2: [Double] = [], labels: [UInt8] = []
        var rng = Xoshiro256StarStar(seed: 3)
        for _ in 0..<rows {
            let u = Double(rng.next() >> 11) / Double(1 << 53), v = Double(rng.next() >> 11) / Double(1 << 53)
            x1.append(u * 4 - 2)
            x2.append(v)
            labels.append(u + 0.3 * (v - 0.5) > 0.5 ? 1 : 0)
        }
        return (try Table(columns: [Column(name: "x1", numbers: x1), Column(name: "x2", numbers: x2)]), labels)
    }

    func fit(
        _ config: ExternalModelConfig, weights: [Double]? = nil, validation: (Table, [UInt8])? = nil, into folder: URL
    ) throws -> ExternalModel {
        let (table, labels) = try Self.data()
        let trainer = ExternalTrainer(config: config) { fitted, files in
            try? FileManager.default.removeItem(at: folder)
            try FileManager.default.copyItem(at: fitted, to: folder)
            _ = files
            return (folder, folder.lastPathComponent)
        }
        return try trainer.fit(train: table, labels: labels, weights: weights, validation: validation)
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func fitsAndPredictsOneProbabilityPerRow() throws {
        let folder = try Fixtures.temporaryFolder().appendingPathComponent("model")
        let model = try fit(Self.config(), into: folder)
        #expect(model.files.keys.sorted() == ["model.txt"])
        #expect(model.featureNames == ["x1", "x2"])
        let (table, labels) = try Self.data()
        let scores = try model.predictProbability(features: table)
        #expect(scores.count == table.rowCount)
        #expect(scores.allSatisfy { $0 >= 0 && $0 <= 1 })
        let accuracy = Double(zip(scores, labels).filter { ($0 >= 0.5 ? 1 : 0) == $1 }.count) / Double(labels.count)
        #expect(accuracy > 0.8)
        // The same model through the matrix seam.
        let X = try Matrix(
            rows: table.rowCount, cols: 2,
            storage: (0..<table.rowCount).flatMap { row in
                table.columns.map { column -> Double in
                    if case .numeric(let values) = column.values { return values[row] }
                    return .nan
                }
            })
        #expect(try model.predictProbability(X) == scores)
    }

    @Test func weightsReachTheFit() throws {
        let root = try Fixtures.temporaryFolder()
        let plain = try fit(Self.config(), into: root.appendingPathComponent("a"))
        let (table, labels) = try Self.data()
        let weights = labels.map { $0 == 1 ? 5.0 : 1.0 }
        let weighted = try fit(Self.config(), weights: weights, into: root.appendingPathComponent("b"))
        let a = try plain.predictProbability(features: table), b = try weighted.predictProbability(features: table)
        #expect(zip(a, b).allSatisfy { $0 < $1 })
    }

    @Test(arguments: [
        (
            "fit-fail", "predict", "model.external.fit `sh",
            "failed with exit status 3; stderr: model.sh: deliberate failure"
        ),
        ("fit-empty", "predict", "model.external.fit", "exited with status 0 but wrote no file into {model_dir}"),
        (
            "fit", "predict-fail", "model.external.predict `sh",
            "failed with exit status 3; stderr: model.sh: deliberate failure"
        ),
        ("fit", "predict-short", "model.external.predict", "wrote 199 scores for 200 input rows"),
        (
            "fit", "predict-out-of-range", "model.external.predict",
            "wrote `1.5` on line 2 of {output}, expected a probability in [0, 1]"
        ),
        ("fit", "predict-none", "model.external.predict", "wrote no {output} file"),
    ])
    func misbehavingCommandsAreOneLineErrors(
        fit fitMode: String, predict predictMode: String, prefix: String, text: String
    ) throws {
        let folder = try Fixtures.temporaryFolder("external-\(fitMode)-\(predictMode)").appendingPathComponent("model")
        let config = Self.config(fit: fitMode, predict: predictMode)
        let error = message {
            let model = try fit(config, into: folder)
            _ = try model.predictProbability(features: try Self.data().0)
        }
        #expect(error.hasPrefix(prefix), "\(error)")
        #expect(error.contains(text), "\(error)")
        #expect(!error.contains("\n"))
        #expect(!error.contains("second line"))
    }

    @Test func aCommandThatRunsTooLongIsStopped() throws {
        let folder = try Fixtures.temporaryFolder().appendingPathComponent("model")
        let started = Date()
        let error = message { _ = try fit(Self.config(fit: "fit-sleep", timeout: 0.5), into: folder) }
        #expect(error.contains("timed out after 0.5 s (model.external.timeout) and was stopped"), "\(error)")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    @Test func aFailedFitLeavesNoScratchFiles() throws {
        let before = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
            .filter { $0.hasPrefix("fairpipe-external-\(ProcessInfo.processInfo.processIdentifier)-") }
        let folder = try Fixtures.temporaryFolder().appendingPathComponent("model")
        _ = message { _ = try fit(Self.config(fit: "fit-fail"), into: folder) }
        let after = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
            .filter { $0.hasPrefix("fairpipe-external-\(ProcessInfo.processInfo.processIdentifier)-") }
        #expect(Set(after).subtracting(before).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    /// A refit inside a mitigation has no validation split of its own: its command's
    /// {validation} gets the (weighted) training rows, so one `fit` command serves train and
    /// every refit; train passes the validation split itself.
    @Test func aRefitPassesItsTrainingRowsAsValidation() throws {
        var config = Self.config()
        config.fit = ["sh", Self.script, "fit-validation", "{train}", "{validation}", "{weights}", "{model_dir}"]
        try config.validate()
        let folder = try Fixtures.temporaryFolder()
        let refit = try fit(
            config, weights: [Double](repeating: 2, count: 200), into: folder.appendingPathComponent("refit"))
        #expect(refit.files.keys.sorted() == ["model.txt", "validation.txt"])
        let note = { (name: String) in
            try String(contentsOf: folder.appendingPathComponent("\(name)/validation.txt"), encoding: .utf8)
        }
        #expect(try note("refit") == "train rows 200\n")

        _ = try fit(config, validation: try Self.data(rows: 50), into: folder.appendingPathComponent("train"))
        #expect(try note("train") == "own rows 50\n")
    }

    @Test func placeholdersAreWholeArgvEntriesAndNeverReachAShell() throws {
        var config = Self.config()
        #expect(throws: Never.self) { try config.validate() }
        config.fit = ["sh", "-c", "python fit.py --train={train}", "{model_dir}"]
        #expect(message { try config.validate() }.contains("each placeholder as a list entry of its own"))
        config = Self.config()
        config.predict = ["sh", Self.script, "predict", "{model_dir}", "{input}"]
        #expect(message { try config.validate() }.contains("a command that uses {output}"))
        config = Self.config()
        config.fit.append("{input}")
        #expect(
            message { try config.validate() }.contains(
                "placeholders among {train}, {validation}, {weights}, {model_dir}"))
        // A value full of shell syntax is one argv entry, passed as it is.
        let command = ExternalCommand(role: "predict", argv: ["printf", "%s", "{input}"], timeout: 5)
        #expect(try command.substituted(["input": "a; rm -rf / $(x)"]) == ["printf", "%s", "a; rm -rf / $(x)"])
    }

    @Test func aProgramNotOnPathIsOneLine() throws {
        let command = ExternalCommand(
            role: "fit", argv: ["no-such-program-fairpipe", "{train}", "{model_dir}"], timeout: 5)
        let error = message {
            try command.run(["train": "t", "model_dir": "m"], workFolder: try Fixtures.temporaryFolder())
        }
        #expect(
            error
                == "model.external.fit `no-such-program-fairpipe {train} {model_dir}` could not start: `no-such-program-fairpipe` is not on PATH"
        )
    }

    @Test func theCommandsNameTheirRepositoryFiles() {
        let config = Self.config()
        let root = StageProcess.repositoryRoot.path
        #expect(config.repositoryFiles(root: root) == ["Tests/Fixtures/external/model.sh"])
        #expect(config.commandFileDigests(root: root).keys.sorted() == ["Tests/Fixtures/external/model.sh"])
    }
}
