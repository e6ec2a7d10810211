import Foundation
import Testing

@testable import FairPipe

/// Every manifest records the resolved versions of FairPipe's dependencies.
@Suite struct DependencyVersionsTests {
    static let formatThree = """
        {
          "originHash" : "abc",
          "pins" : [
            {"identity" : "yams", "kind" : "remoteSourceControl", "location" : "https://github.com/jpsim/Yams",
             "state" : {"revision" : "r2", "version" : "6.2.2"}},
            {"identity" : "swift-argument-parser", "kind" : "remoteSourceControl",
             "location" : "https://github.com/apple/swift-argument-parser", "state" : {"revision" : "r1", "version" : "1.8.2"}},
            {"identity" : "local-fork", "kind" : "remoteSourceControl", "location" : "https://example.org/fork",
             "state" : {"branch" : "main", "revision" : "r3"}}
          ],
          "version" : 3
        }
        """

    @Test func pinsAreReadSortedByIdentityWithoutLocations() throws {
        let pins = try DependencyVersions.parse(Data(Self.formatThree.utf8))
        #expect(
            pins == [
                .init(identity: "local-fork", version: nil, branch: "main", revision: "r3"),
                .init(identity: "swift-argument-parser", version: "1.8.2", revision: "r1"),
                .init(identity: "yams", version: "6.2.2", revision: "r2"),
            ])
    }

    @Test func formatOneIsReadToo() throws {
        let v1 = """
            {"object": {"pins": [{"package": "Yams", "repositoryURL": "https://github.com/jpsim/Yams",
              "state": {"branch": null, "revision": "r", "version": "5.0.6"}}]}, "version": 1}
            """
        #expect(
            try DependencyVersions.parse(Data(v1.utf8)) == [.init(identity: "yams", version: "5.0.6", revision: "r")])
    }

    @Test func theExecutablesPackageComesBeforeTheRoot() throws {
        let folder = try Fixtures.temporaryFolder()
        let package = folder.appendingPathComponent("pkg")
        let binaries = package.appendingPathComponent(".build/debug")
        try FileManager.default.createDirectory(at: binaries, withIntermediateDirectories: true)
        try Data("// swift-tools-version:6.0\n".utf8).write(to: package.appendingPathComponent("Package.swift"))
        try Data(Self.formatThree.utf8).write(to: package.appendingPathComponent("Package.resolved"))
        let elsewhere = folder.appendingPathComponent("study").path
        let executable = binaries.appendingPathComponent("evaluate")
        #expect(DependencyVersions.packageRoots(executable: executable, root: elsewhere) == [package.path, elsewhere])
        let versions = DependencyVersions.current(root: elsewhere, executable: executable)
        #expect(versions.source == "Package.resolved")
        #expect(versions.pins.map(\.identity) == ["local-fork", "swift-argument-parser", "yams"])
    }

    @Test func aMissingOrForeignFileIsSaidNotGuessed() throws {
        let folder = try Fixtures.temporaryFolder()
        #expect(
            DependencyVersions.current(root: folder.path, executable: nil)
                == DependencyVersions(source: "not found", pins: []))
        try Data("not json".utf8).write(to: folder.appendingPathComponent("Package.resolved"))
        #expect(DependencyVersions.current(root: folder.path, executable: nil).source == "unreadable")
    }

    /// A real stage run: its manifest names FairPipe's own dependencies with versions.
    @Test func stageManifestRecordsFairPipesDependencies() throws {
        let folder = try Fixtures.temporaryFolder()
        let out = folder.appendingPathComponent("dataset")
        let result = try StageProcess.run(
            "make-dataset", ["--quiet", "--set", "data.synthetic.rows=300", "--out", out.path], directory: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try readManifest(at: out.appendingPathComponent("manifest.json").path)
        let dependencies = try #require(manifest.dependencies)
        #expect(dependencies.source == "Package.resolved")
        let names = dependencies.pins.map(\.identity)
        for name in ["swift-argument-parser", "swift-crypto", "yams"] {
            #expect(names.contains(name), "\(names)")
        }
        #expect(dependencies.pins.allSatisfy { $0.version != nil || $0.branch != nil })
        #expect(names == names.sorted())
    }
}
