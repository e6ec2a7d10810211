import Foundation
import Testing

@testable import FairPipe

/// The Makefile's own logic: the `make clean` guard and how `SET` becomes `--set` flags.
/// Deletions run only on disposable temporary folders; `/` and the repository root are
/// checked through `clean-check`, which shares the guard and never deletes.
@Suite struct MakefileTests {
    static func make(_ arguments: [String]) throws -> StageProcess.Result {
        let makefile = StageProcess.repositoryRoot.appendingPathComponent("Makefile").path
        return try StageProcess.run(
            executable: URL(fileURLWithPath: "/usr/bin/env"),
            ["make", "--no-print-directory", "-f", makefile] + arguments,
            environment: ["MAKEFLAGS": "", "MAKELEVEL": ""])
    }

    static func disposable(_ name: String = #function) throws -> URL {
        let folder = try Fixtures.temporaryFolder(name)
        for sub in ["dataset", "report", ".stamps"] {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try Data("user".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        return folder
    }

    @Test func cleanRemovesOnlyWhatThePipelineWrote() throws {
        let folder = try Self.disposable()
        try Data("x".utf8).write(to: folder.appendingPathComponent(".fairpipe-output"))
        let result = try Self.make(["clean", "OUT=\(folder.path)"])
        #expect(result.status == 0, "\(result.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["notes.txt"])
    }

    @Test func cleanRefusesAFolderFairPipeDidNotCreate() throws {
        let folder = try Self.disposable()
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let result = try Self.make(["clean", "OUT=\(folder.path)"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("FairPipe did not create it"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == before)
    }

    @Test func cleanRefusesAnEmptyOut() throws {
        let result = try Self.make(["clean", "OUT="])
        #expect(result.status != 0)
        #expect(result.stderr.contains("OUT is empty"))
    }

    /// Through `clean-check` only: the same guard, no deletion even if it were wrong.
    @Test(arguments: ["/", ".", "..", "Sources"])
    func guardRefusesRootAndRepository(out: String) throws {
        let result = try Self.make(["clean-check", "OUT=\(out)"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("refusing"))
    }

    @Test func setWordsWithoutAKeyContinueTheValueBefore() throws {
        let result = try Self.make([
            "--eval", "show: ; @printf '%s|' $(SET_FLAGS)", "show",
            "SET=report.title=My study's draft model.C=0.5\nfairness.thresholds.disparate_impact@group.min=0.8",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout
                == "--set|report.title=My study's draft|--set|model.C=0.5|--set|fairness.thresholds.disparate_impact@group.min=0.8|"
        )
    }
}
