import Foundation

/// `FAIRPIPE_THREADS`, the cap on FairPipe's own parallel loops (``ParallelMap/threadCount``).
/// Outputs never depend on it; it trades wall time against sharing the machine.
public enum ThreadSetting {
    public static let environmentKey = "FAIRPIPE_THREADS"

    /// Refuses a `FAIRPIPE_THREADS` that is set but not an integer ≥ 1, which
    /// ``ParallelMap/threadCount`` would silently replace by every core. A stage that runs
    /// parallel fits calls it before any work.
    public static func check(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let text = environment[environmentKey] else { return }
        guard let threads = Int(text), threads >= 1 else {
            throw ConfigError.invalidValue(
                key: environmentKey, expected: "an integer ≥ 1 (threads; unset: every core)", found: "`\(text)`",
                source: .environment(variable: environmentKey))
        }
    }
}
