import Foundation

/// The resolved versions of FairPipe's package dependencies (Yams, swift-argument-parser,
/// swift-crypto, …), recorded in every manifest because `Package.resolved` is not committed:
/// two clones of one commit may build against different versions, and this says which.
///
/// Read at run time from the `Package.resolved` of the FairPipe package the running
/// executable was built in (found by walking up from the executable, `.build/debug/evaluate`
/// → the package root), else of the stage's repository root. Only names, versions and
/// revisions are kept (no paths), sorted by name, so the bytes are the same on every run and
/// in every clone that resolved the same versions.
public struct DependencyVersions: Codable, Equatable, Sendable {
    /// One resolved package.
    public struct Pin: Codable, Equatable, Sendable {
        /// SwiftPM's identity (`yams`, `swift-crypto`).
        public var identity: String
        /// The tag it resolved to, when pinned by version.
        public var version: String?
        /// The branch, when pinned by branch.
        public var branch: String?
        /// The commit.
        public var revision: String?

        public init(identity: String, version: String?, branch: String? = nil, revision: String?) {
            self.identity = identity
            self.version = version
            self.branch = branch
            self.revision = revision
        }
    }

    public static let fileName = "Package.resolved"

    /// `Package.resolved` when the versions were read from it; `not found` when no package
    /// root had one (an executable copied out of its build folder, run outside the
    /// repository); `unreadable` when it was not a `Package.resolved` this version understands.
    public var source: String
    /// By identity.
    public var pins: [Pin]

    public init(source: String, pins: [Pin]) {
        self.source = source
        self.pins = pins
    }

    /// The versions for a stage run from `root` by `executable` (this process's by default):
    /// see the type's documentation for where they come from.
    public static func current(root: String, executable: URL? = Bundle.main.executableURL) -> DependencyVersions {
        for folder in packageRoots(executable: executable?.resolvingSymlinksInPath(), root: root) {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(fileName).path
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            guard let pins = try? parse(data) else { return DependencyVersions(source: "unreadable", pins: []) }
            return DependencyVersions(source: fileName, pins: pins)
        }
        return DependencyVersions(source: "not found", pins: [])
    }

    /// Where to look, in order: the nearest ancestors of the executable's folder that hold a
    /// `Package.swift` (the package it was built in), then `root`.
    static func packageRoots(executable: URL?, root: String) -> [String] {
        var candidates: [String] = []
        if var folder = executable?.deletingLastPathComponent() {
            for _ in 0..<6 {
                if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                    candidates.append(folder.path)
                    break
                }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        candidates.append(root)
        return candidates
    }

    /// The pins of a `Package.resolved` (format 1, 2 or 3), sorted by identity.
    static func parse(_ data: Data) throws -> [Pin] {
        let file = try JSONDecoder().decode(ResolvedFile.self, from: data)
        let pins = file.pins ?? file.object?.pins ?? []
        return pins.map { pin in
            Pin(
                identity: pin.identity ?? pin.package?.lowercased() ?? "unknown", version: pin.state.version,
                branch: pin.state.branch, revision: pin.state.revision)
        }
        .sorted { $0.identity < $1.identity }
    }

    /// `Package.resolved` as SwiftPM writes it: `pins` at the top (formats 2 and 3) or under
    /// `object` with `package` names (format 1).
    private struct ResolvedFile: Decodable {
        struct Pin: Decodable {
            var identity: String?
            var package: String?
            var state: State
        }
        struct State: Decodable {
            var version: String?
            var branch: String?
            var revision: String?
        }
        struct Object: Decodable { var pins: [Pin] }
        var pins: [Pin]?
        var object: Object?
    }
}
