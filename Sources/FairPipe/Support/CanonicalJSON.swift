import Foundation

/// The one JSON encoding every artefact uses: sorted keys, two-space indentation,
/// unescaped slashes, snake_case keys for camelCase properties, and a trailing newline.
/// Same value → same bytes, on every run and machine.
public enum CanonicalJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .custom { path in
            SnakeKey(configKey(path.last?.stringValue ?? ""))
        }
        encoder.nonConformingFloatEncodingStrategy = .throw
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in
            let key = path.last?.stringValue ?? ""
            return SnakeKey(camelCase(key))
        }
        return decoder
    }

    public static func data<T: Encodable>(_ value: T) throws -> Data {
        var data = try encoder().encode(value)
        data.append(0x0A)
        return data
    }

    /// Canonical bytes of a value whose coding keys are already the wire names (types
    /// with explicit snake_case `CodingKeys`): sorted keys, no key conversion.
    public static func verbatimData<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try data(value), as: UTF8.self)
    }

    /// `text` as a JSON string literal (also a valid YAML double-quoted scalar): quotes,
    /// backslashes and control characters escaped, everything else verbatim.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `min_group_size` → `minGroupSize` (the inverse of ``configKey(_:)`` on such names).
    static func camelCase(_ key: String) -> String {
        guard key.contains("_") else { return key }
        var result = ""
        var upperNext = false
        for character in key {
            if character == "_" && !result.isEmpty {
                upperNext = true
            } else {
                result.append(contentsOf: upperNext ? character.uppercased() : String(character))
                upperNext = false
            }
        }
        return result
    }
}

private struct SnakeKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
