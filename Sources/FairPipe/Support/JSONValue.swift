import Foundation

/// A JSON document as a value: used where artefacts embed data of varying shape (the
/// resolved config in a manifest) and to read other stages' JSON without their types.
public enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Integral values print without a fraction so seeds and counts stay integers.
            if value.rounded() == value, abs(value) < 9.0e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Any `Encodable` as a JSON value, through the canonical encoder.
    public init<T: Encodable>(encoding value: T) throws {
        self = try CanonicalJSON.decoderPlain().decode(JSONValue.self, from: CanonicalJSON.data(value))
    }

    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The object without `key` (unchanged if not an object).
    public func removing(_ key: String) -> JSONValue {
        guard case .object(var object) = self else { return self }
        object[key] = nil
        return .object(object)
    }

    /// The object with only `keys` kept.
    public func keeping(_ keys: Set<String>) -> JSONValue {
        guard case .object(let object) = self else { return self }
        return .object(object.filter { keys.contains($0.key) })
    }
}

extension CanonicalJSON {
    /// A decoder without key conversion, for JSON whose keys are used verbatim.
    static func decoderPlain() -> JSONDecoder { JSONDecoder() }
}
