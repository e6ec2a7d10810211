import Foundation

/// The commit the artefacts were made from, and whether the work tree had changes.
public struct GitState: Codable, Equatable, Sendable {
    /// 40 hex digits of `HEAD`, or `"unknown"` outside a git checkout.
    public var commit: String
    public var dirty: Bool

    public static let unknown = GitState(commit: "unknown", dirty: false)

    public init(commit: String, dirty: Bool) {
        self.commit = commit
        self.dirty = dirty
    }

    /// Asks `git` in `directory`. Outputs (`outputs/`) are git-ignored, so a run does
    /// not make its own tree dirty.
    public static func current(in directory: String) -> GitState {
        guard let head = run(["rev-parse", "HEAD"], in: directory)?.trimmingCharacters(in: .whitespacesAndNewlines),
            head.count == 40
        else { return .unknown }
        let status = run(["status", "--porcelain", "--untracked-files=no"], in: directory) ?? ""
        return GitState(commit: head, dirty: !status.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    /// The repository root containing `directory`, if any.
    public static func topLevel(of directory: String) -> String? {
        run(["rev-parse", "--show-toplevel"], in: directory)?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func run(_ arguments: [String], in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
