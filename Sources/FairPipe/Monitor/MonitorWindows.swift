import Foundation

/// Timestamps of the prediction log, as seconds since 1970-01-01T00:00:00Z.
public enum Timestamp {
    /// Parses `YYYY-MM-DD` (00:00 UTC) or RFC 3339 `YYYY-MM-DD[T ]HH:MM:SS[.fff](Z|±HH:MM)`;
    /// a date-time without an offset is UTC. Nil when it is neither or a field is out of range.
    public static func parse(_ text: String) -> Double? {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var v = 0
            for k in at..<(at + count) {
                guard b[k] >= 48 && b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            return v
        }
        guard b.count >= 10, let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45,
            let day = digits(8, 2),
            (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month)
        else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if b.count == 10 { return seconds }
        guard b.count >= 19, b[10] == 84 || b[10] == 116 || b[10] == 32, let h = digits(11, 2), b[13] == 58,
            let mi = digits(14, 2), b[16] == 58,
            let s = digits(17, 2), h < 24, mi < 60, s < 61
        else { return nil }
        seconds += Double(h * 3600 + mi * 60 + s)
        var i = 19
        if i < b.count && b[i] == 46 {
            var scale = 0.1, fraction = 0.0
            i += 1
            let start = i
            while i < b.count && b[i] >= 48 && b[i] <= 57 { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
            guard i > start else { return nil }
            seconds += fraction
        }
        if i == b.count { return seconds }
        if (b[i] == 90 || b[i] == 122) && i + 1 == b.count { return seconds }
        guard b[i] == 43 || b[i] == 45, i + 6 == b.count, let oh = digits(i + 1, 2), b[i + 3] == 58,
            let om = digits(i + 4, 2), oh < 24, om < 60
        else {
            return nil
        }
        let offset = Double(oh * 3600 + om * 60)
        return b[i] == 43 ? seconds - offset : seconds + offset
    }

    /// The exclusive end of a range whose last element is `text`: a date covers its whole day.
    public static func rangeEnd(_ text: String) -> Double? {
        guard let t = parse(text) else { return nil }
        return text.utf8.count == 10 ? t + 86_400 : t
    }

    /// `2026-03-02T00:00:00Z` (whole seconds, UTC).
    public static func format(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let days = Int((Double(whole) / 86_400).rounded(.down))
        let rest = whole - days * 86_400
        let (y, m, d) = civilFromDays(days)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, rest / 3600, (rest % 3600) / 60, rest % 60)
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The inverse of ``daysFromCivil(year:month:day:)``.
    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// How the log is cut into windows (`monitor.window`).
public enum WindowSpec: Equatable, Sendable {
    case day
    case isoWeek
    case month
    case rows(Int)

    public init(parsing text: String) throws {
        let t = text.replacingOccurrences(of: " ", with: "").lowercased()
        switch t {
        case "1d": self = .day
        case "7d": self = .isoWeek
        case "30d": self = .month
        default:
            if t.hasPrefix("rows:"), let n = Int(t.dropFirst(5)), n >= 1 { self = .rows(n); return }
            throw ConfigError.invalidValue(key: "window", expected: "1d, 7d, 30d or rows:N", found: "`\(text)`")
        }
    }

    /// The calendar window holding instant t: its id, start and exclusive end (nil for `rows`).
    func calendarWindow(_ t: Double) -> (id: String, start: Double, end: Double)? {
        let day = Int((t / 86_400).rounded(.down))
        switch self {
        case .day:
            let (y, m, d) = Timestamp.civilFromDays(day)
            return (String(format: "%04d-%02d-%02d", y, m, d), Double(day) * 86_400, Double(day + 1) * 86_400)
        case .isoWeek:
            // 1970-01-01 was a Thursday: Monday-based weeks start at day ≡ 4 (mod 7).
            let monday = day - (((day - 4) % 7) + 7) % 7
            let thursday = monday + 3
            let (isoYear, _, _) = Timestamp.civilFromDays(thursday)
            let week = (thursday - Timestamp.daysFromCivil(year: isoYear, month: 1, day: 1)) / 7 + 1
            return (String(format: "%04d-W%02d", isoYear, week), Double(monday) * 86_400, Double(monday + 7) * 86_400)
        case .month:
            let (y, m, _) = Timestamp.civilFromDays(day)
            let start = Timestamp.daysFromCivil(year: y, month: m, day: 1)
            let end = start + Timestamp.daysInMonth(year: y, month: m)
            return (String(format: "%04d-%02d", y, m), Double(start) * 86_400, Double(end) * 86_400)
        case .rows:
            return nil
        }
    }
}

/// One window of the log: the rows it holds, in log order.
public struct LogWindow: Equatable, Sendable {
    public var id: String
    public var start: Double
    public var end: Double
    public var rows: [Int]

    /// Cuts rows (given their times) into windows, in time order. Calendar windows hold every
    /// row whose time falls in [start, end); `rows:N` windows are blocks of N rows after a
    /// stable sort by time (the last block may be shorter), spanning their first to last time.
    public static func cut(times: [Double], spec: WindowSpec) -> [LogWindow] {
        if case .rows(let n) = spec {
            let order = times.indices.sorted { times[$0] < times[$1] || (times[$0] == times[$1] && $0 < $1) }
            return stride(from: 0, to: order.count, by: n).map { first in
                let rows = Array(order[first..<min(first + n, order.count)]).sorted()
                let last = min(first + n, order.count) - 1
                return LogWindow(
                    id: "rows \(first + 1)-\(last + 1)", start: times[order[first]], end: times[order[last]], rows: rows
                )
            }
        }
        // A row's window depends only on its day: look it up once per run of equal days.
        var windows: [LogWindow] = []
        var indexByStart: [Double: Int] = [:]
        var lastDay = Int.min, current = -1
        for (i, t) in times.enumerated() {
            let day = Int((t / 86_400).rounded(.down))
            if day != lastDay {
                guard let w = spec.calendarWindow(t) else { continue }
                if let k = indexByStart[w.start] {
                    current = k
                } else {
                    current = windows.count
                    indexByStart[w.start] = current
                    windows.append(LogWindow(id: w.id, start: w.start, end: w.end, rows: []))
                }
                lastDay = day
            }
            windows[current].rows.append(i)
        }
        return windows.sorted { $0.start < $1.start }
    }
}
