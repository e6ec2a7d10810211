import Foundation

/// The clock every time-derived value comes from. When `SOURCE_DATE_EPOCH` is set
/// (reproducible-builds.org), it replaces the wall clock and durations are omitted, so a
/// whole run is byte-identical.
public struct RunClock: Sendable {
    /// Seconds since 1970 from `SOURCE_DATE_EPOCH`, if set.
    public let fixedEpoch: Int?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if let text = environment["SOURCE_DATE_EPOCH"] {
            guard let seconds = Int(text.trimmingCharacters(in: .whitespaces)), seconds >= 0 else {
                throw ConfigError.invalidValue(
                    key: "SOURCE_DATE_EPOCH", expected: "a non-negative integer (seconds since 1970)",
                    found: "`\(text)`",
                    source: .environment(variable: "SOURCE_DATE_EPOCH"))
            }
            fixedEpoch = seconds
        } else {
            fixedEpoch = nil
        }
    }

    public var isFixed: Bool { fixedEpoch != nil }

    public func now() -> Date {
        fixedEpoch.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date()
    }

    /// ISO 8601 UTC with second precision (`2026-11-25T07:40:28Z`).
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
