import Foundation
import Testing

@testable import FairPipe

/// Hostile YAML (alias bombs, huge files, deep nesting) fails at once with one line naming
/// the file, for every YAML FairPipe reads.
@Suite struct YAMLLimitsTests {
    /// Nine levels of ten aliases each: 10⁹ values from under 500 bytes.
    static let aliasBomb: String = {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...8 {
            lines.append(
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    func temporaryFile(_ name: String, _ text: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("yaml-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    func expectLimitError(_ body: () throws -> Void, naming origin: String, saying phrase: String) {
        do {
            try body()
            Issue.record("expected a configuration error")
        } catch {
            let message = "\(error)"
            #expect(message.hasPrefix(origin), "\(message)")
            #expect(message.contains(phrase), "\(message)")
            #expect(!message.contains("\n"))
            #expect((error as? any FairPipeError)?.exitStatus == .usage)
        }
    }

    @Test func aliasBombInPipelineConfigFailsNamingTheFileAndLine() throws {
        let file = try temporaryFile("bomb.yml", Self.aliasBomb)
        expectLimitError(
            { _ = try PipelineConfig.load(path: file.path, overrides: [], environment: [:]) },
            naming: file.path + ":", saying: "aliases are expanded")
    }

    /// A bomb in mapping keys would hang the composer itself (Yams hashes keys to find
    /// duplicates), so the check must run before the tree is built.
    @Test func aliasBombInMappingKeysFailsBeforeComposing() {
        let yaml = Self.aliasBomb + "? *a8\n: 1\n? *a7\n: 2\n"
        expectLimitError(
            {
                _ = try ConfigNode.parse(yaml: yaml, origin: "keys.yml") {
                    .file(path: "keys.yml", line: $0, column: $1)
                }
            },
            naming: "keys.yml:", saying: "aliases are expanded")
    }

    @Test func aliasBombInSweepFileFailsNamingTheFile() throws {
        let file = try temporaryFile("sweep.yml", "name: s\n" + Self.aliasBomb)
        expectLimitError(
            { _ = try SweepSpec.load(path: file.path) }, naming: file.path + ":", saying: "aliases are expanded")
    }

    @Test func aliasBombInSetOverrideFails() {
        let bomb = "[" + Self.aliasBomb.split(separator: "\n").map { "{\($0)}" }.joined(separator: ", ") + "]"
        expectLimitError(
            {
                _ = try PipelineConfig.load(
                    path: nil, overrides: ["data.sensitive=\(bomb)"], readsDefaultFile: false, environment: [:])
            },
            naming: "--set data.sensitive=", saying: "aliases are expanded")
    }

    @Test func aliasBombExecutableExitsWithOneUsageLine() throws {
        let file = try temporaryFile("bomb.yml", Self.aliasBomb)
        let result = try StageProcess.run(
            "train",
            ["--config", file.path, "--out", file.deletingLastPathComponent().appendingPathComponent("out").path])
        #expect(result.status == 64)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("train: error: \(file.path):") == true, "\(result.stderr)")
    }

    @Test func oversizedFileFailsWithoutBeingParsed() throws {
        let line = String(repeating: "#", count: 1023) + "\n"
        let file = try temporaryFile("big.yml", String(repeating: line, count: 1025))
        expectLimitError(
            { _ = try PipelineConfig.load(path: file.path, overrides: [], environment: [:]) },
            naming: file.path + ":", saying: "larger than 1024 KiB")
        expectLimitError(
            { _ = try SweepSpec.load(path: file.path) }, naming: file.path + ":", saying: "larger than 1024 KiB")
    }

    /// An endless device is read no further than the limit.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/zero")))
    func endlessFileFailsAfterTheLimit() {
        expectLimitError({ _ = try YAMLLimits.readFile("/dev/zero") }, naming: "/dev/zero:", saying: "larger than")
    }

    @Test func fileAtTheLimitIsRead() throws {
        let comment = "# " + String(repeating: "x", count: YAMLLimits.maxBytes - 3) + "\n"
        let file = try temporaryFile("full.yml", comment)
        #expect(try YAMLLimits.readFile(file.path).utf8.count == YAMLLimits.maxBytes)
    }

    @Test(arguments: [
        "x: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n",
        "x: " + String(repeating: "{a: ", count: 5_000) + "1" + String(repeating: "}", count: 5_000) + "\n",
        (0..<200).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n") + " 1\n",
    ])
    func deepNestingFailsFast(yaml: String) throws {
        let file = try temporaryFile("deep.yml", yaml)
        expectLimitError(
            { _ = try PipelineConfig.load(path: file.path, overrides: [], environment: [:]) },
            naming: file.path + ":", saying: "nest deeper than 100 levels")
    }

    @Test func smallAliasesStillResolve() throws {
        let yaml = """
            groups: &groups [sex, race]
            data:
              sensitive: *groups
            again: *groups
            """
        let node = try ConfigNode.parse(yaml: yaml, origin: "a.yml") { .file(path: "a.yml", line: $0, column: $1) }
        guard case .sequence(let items, _)? = node.node(at: ["data", "sensitive"]) else {
            Issue.record("expected a list")
            return
        }
        #expect(items.map(\.summary) == ["`sex`", "`race`"])
        #expect(node.node(at: ["again", "1"])?.summary == "`race`")
    }

    /// Values up to the limit pass (an alias counts as all it repeats); one alias more fails.
    @Test func valuesUpToTheLimitPass() throws {
        let values = (0..<(YAMLLimits.maxValues / 2 - 10)).map(String.init).joined(separator: ",")
        let yaml = "a: &a [\(values)]\nb: *a\n"
        _ = try ConfigNode.parse(yaml: yaml, origin: "ok.yml") { _, _ in .defaults }
        expectLimitError(
            { _ = try ConfigNode.parse(yaml: yaml + "c: *a\n", origin: "big.yml") { _, _ in .defaults } },
            naming: "big.yml:3:", saying: "more than \(YAMLLimits.maxValues) values")
    }
}
