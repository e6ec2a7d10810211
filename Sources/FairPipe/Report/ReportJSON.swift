import Foundation

/// A parsed JSON value, the common currency of the report's tolerant readers.
///
/// The report reads files written by other stages (and by other tools), so it parses
/// them once into this enum and then picks out what it understands: a field of the wrong
/// type becomes `nil` instead of failing the whole report. Objects keep a dictionary, and
/// every reader that iterates one sorts its keys, so no hash order reaches an output.
public enum ReportJSON: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ReportJSON])
    case object([String: ReportJSON])

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decoding through `JSONDecoder` works (the view types use it to be `Decodable`), but
    /// probes each value's kind by catching errors; files are read with ``parse(_:path:)``.
    public init(from decoder: Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [ReportJSON] = []
            while !array.isAtEnd {
                items.append(try array.decode(ReportJSON.self))
            }
            self = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: ReportJSON] = [:]
            for key in object.allKeys {
                members[key.stringValue] = try object.decode(ReportJSON.self, forKey: key)
            }
            self = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Double.self) {
            self = .number(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    /// Parses `data`, naming `path` and the byte offset in the error when it is not JSON.
    public static func parse(_ data: Data, path: String) throws -> ReportJSON {
        var parser = ReportJSONParser(bytes: [UInt8](data))
        do {
            return try parser.parseDocument()
        } catch let failure as ReportJSONParser.Failure {
            throw ReportError.malformed(path: path, reason: "not valid JSON at byte \(failure.offset): \(failure.message)")
        }
    }

    // MARK: Accessors that never fail

    public subscript(key: String) -> ReportJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var double: Double? {
        switch self {
        case .number(let value): return value.isFinite ? value : nil
        case .string(let text): return Double(text).flatMap { $0.isFinite ? $0 : nil }
        default: return nil
        }
    }

    public var int: Int? {
        guard let value = double, value.rounded() == value, abs(value) < 9e15 else { return nil }
        return Int(value)
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// A string, or a number or boolean spelled as one (group names may be numeric codes).
    public var string: String? {
        switch self {
        case .string(let text): return text
        case .number(let value): return ReportNumber.plain(value)
        case .bool(let value): return value ? "true" : "false"
        default: return nil
        }
    }

    public var array: [ReportJSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var object: [String: ReportJSON]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// Object members in key order.
    public var sortedMembers: [(key: String, value: ReportJSON)] {
        guard let members = object else { return [] }
        return members.keys.sorted().compactMap { key in members[key].map { (key, $0) } }
    }

    /// A two-element numeric array as an interval (`[lower, upper]`), or an object
    /// `{"lower":…, "upper":…}`.
    public var interval: ReportInterval? {
        if let items = array, items.count == 2, let lower = items[0].double, let upper = items[1].double {
            return ReportInterval(lower: lower, upper: upper)
        }
        if let lower = (self["lower"] ?? self["low"])?.double, let upper = (self["upper"] ?? self["high"])?.double {
            return ReportInterval(lower: lower, upper: upper)
        }
        return nil
    }

    /// A stable pretty rendering with sorted keys, for showing configs.
    public func pretty(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return ReportNumber.plain(value)
        case .string(let text): return ReportJSON.quote(text)
        case .array(let items):
            if items.isEmpty { return "[]" }
            let isFlat = items.allSatisfy { $0.array == nil && $0.object == nil }
            if isFlat { return "[" + items.map { $0.pretty() }.joined(separator: ", ") + "]" }
            return "[\n" + items.map { inner + $0.pretty(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object:
            let members = sortedMembers
            if members.isEmpty { return "{}" }
            return "{\n" + members.map { "\(inner)\(ReportJSON.quote($0.key)): \($0.value.pretty(indent: inner))" }
                .joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func quote(_ text: String) -> String { CanonicalJSON.quoted(text) }
}

/// A closed confidence interval `[lower, upper]`.
public struct ReportInterval: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public init(lower: Double, upper: Double) {
        self.lower = min(lower, upper)
        self.upper = max(lower, upper)
    }
    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }
    public func overlaps(_ other: ReportInterval) -> Bool { lower <= other.upper && other.lower <= upper }
}

/// Errors of reading the report's inputs.
public enum ReportError: FairPipeError, Equatable {
    case missing(path: String)
    case malformed(path: String, reason: String)
    case unwritable(path: String, reason: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .missing: return .noInput
        case .malformed: return .dataError
        case .unwritable: return .ioError
        }
    }

    public var description: String {
        switch self {
        case .missing(let path): return "\(path): no such file"
        case .malformed(let path, let reason): return "\(path): \(reason)"
        case .unwritable(let path, let reason): return "\(path): cannot write: \(reason)"
        }
    }
}
