import Foundation

/// Human progress for a stage: plain lines on stderr, silenced by `--quiet`. Data never
/// goes here; it goes to files.
public struct ProgressLog: Sendable {
    public let stage: String
    public let quiet: Bool
    private let sink: @Sendable (String) -> Void

    public init(stage: String, quiet: Bool, sink: @escaping @Sendable (String) -> Void = ProgressLog.standardError) {
        self.stage = stage
        self.quiet = quiet
        self.sink = sink
    }

    /// A progress line, unless quiet.
    public func info(_ message: String) {
        if !quiet { sink("\(stage): \(message)") }
    }

    /// A warning: shown even when quiet, because it tells the user something is off.
    public func warning(_ message: String) {
        sink("\(stage): warning: \(message)")
    }

    public static let silent = ProgressLog(stage: "", quiet: true) { _ in }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
