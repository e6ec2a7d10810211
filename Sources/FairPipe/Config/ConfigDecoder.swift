import Foundation

/// An enum a user picks by name in `pipeline.yml`. Conforming lets the decoder list the
/// valid names and suggest the closest one when a value is misspelt.
public protocol ConfigEnum: CaseIterable, RawRepresentable, Codable, Sendable where RawValue == String {}

/// A configuration value type whose `init()` gives every field its default, so a partial
/// mapping can be completed from it. Every ``ConfigSection`` is one.
public protocol ConfigDefaultable: Encodable {
    init()
}

/// Converts a Swift property name to its YAML key: `minGroupSize` → `min_group_size`.
/// Names without lowercase letters (`C`) are kept as they are.
func configKey(_ swiftName: String) -> String {
    guard swiftName.contains(where: \.isLowercase) else { return swiftName }
    var result = ""
    var previousWasLowerOrDigit = false
    for character in swiftName {
        if character.isUppercase {
            if previousWasLowerOrDigit { result.append("_") }
            result.append(contentsOf: character.lowercased())
            previousWasLowerOrDigit = false
        } else {
            result.append(character)
            previousWasLowerOrDigit = character.isLowercase || character.isNumber
        }
    }
    return result
}

/// Records which keys decoding asked for, and which environment variables it used, so
/// the loader can reject keys no type reads and suggest the closest valid one.
final class ConfigAccessLog {
    /// Dotted path of a mapping → the keys its type asked for.
    var requested: [String: Set<String>] = [:]
    /// Mappings read as dictionaries: every key is valid there.
    var openMappings: Set<String> = []
    var usedEnvironment: Set<String> = []

    func request(_ key: String, in mapping: [String]) {
        requested[mapping.joined(separator: "."), default: []].insert(key)
    }
}

/// A `Decoder` over a ``ConfigNode`` tree. Command-line values win over environment
/// variables (`FAIRNESS_<PATH>`), which win over the file, which wins over the defaults.
///
/// The defaults are a parallel tree (`fallback`) consulted key by key, not merged in:
/// a mapping the user writes for a dictionary-valued key (`synthetic.groups`) replaces
/// the default dictionary instead of adding to it, while a struct-valued key
/// (`fairness.bootstrap`) still takes its missing fields from the defaults.
struct ConfigDecoder: Decoder {
    let node: ConfigNode
    let fallback: ConfigNode?
    let path: [String]
    let environment: [String: String]
    let log: ConfigAccessLog

    var codingPath: [any CodingKey] { path.map(PathKey.init) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        var defaults: [(key: String, value: ConfigNode)] = []
        if case .mapping(let pairs, _)? = fallback { defaults = pairs }
        switch node {
        case .mapping(let pairs, _):
            return KeyedDecodingContainer(KeyedContainer<Key>(pairs: pairs, defaults: defaults, decoder: self))
        case .null:
            return KeyedDecodingContainer(KeyedContainer<Key>(pairs: defaults, defaults: defaults, decoder: self))
        default:
            throw mismatch(expected: "a mapping")
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch node {
        case .sequence(let items, _): return UnkeyedContainer(items: items, decoder: self)
        case .null: return UnkeyedContainer(items: [], decoder: self)
        default: throw mismatch(expected: "a list")
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(decoder: self) }

    func mismatch(expected: String) -> ConfigError {
        .typeMismatch(key: dotted, source: node.source, expected: expected, found: node.summary)
    }

    var dotted: String { path.joined(separator: ".") }

    func child(_ node: ConfigNode, fallback: ConfigNode? = nil, key: String) -> ConfigDecoder {
        ConfigDecoder(node: node, fallback: fallback, path: path + [key], environment: environment, log: log)
    }

    /// The environment variable that can set the key at `path`.
    static func environmentName(for path: [String]) -> String {
        let body = path.joined(separator: "_").uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        return "FAIRNESS_" + String(body)
    }

    /// Decodes a scalar through `LosslessStringConvertible`, naming what was expected.
    func scalar<T>(_ expected: String, _ convert: (String) -> T?) throws -> T {
        guard case .scalar(let text, _) = node, let value = convert(text.trimmingCharacters(in: .whitespaces)) else {
            throw mismatch(expected: expected)
        }
        return value
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        // A struct inside a dictionary (`thresholds.<metric>: {max: 0.1}`) has no default
        // from its parent; take its fields' defaults from its own `init()`.
        if fallback == nil, case .mapping = node, let defaultable = T.self as? any ConfigDefaultable.Type {
            let defaults = try ConfigNode.defaults(of: defaultable.init())
            return try ConfigDecoder(node: node, fallback: defaults, path: path, environment: environment, log: log)
                .decodeValue(type)
        }
        if let enumType = T.self as? any ConfigEnum.Type {
            guard let value = try decodeEnum(enumType) as? T else { throw mismatch(expected: "\(T.self)") }
            return value
        }
        return try T(from: self)
    }

    private func decodeEnum<E: ConfigEnum>(_ type: E.Type) throws -> E {
        let names = E.allCases.map(\.rawValue)
        let text: String = try scalar("one of \(names.joined(separator: ", "))") { $0 }
        guard let value = E(rawValue: text) else {
            let hint = closestMatch(to: text, among: names).map { " (did you mean `\($0)`?)" } ?? ""
            throw ConfigError.typeMismatch(
                key: dotted, source: node.source,
                expected: "one of \(names.joined(separator: ", "))", found: "`\(text)`\(hint)")
        }
        return value
    }
}

private struct PathKey: CodingKey {
    let stringValue: String
    var intValue: Int? { Int(stringValue) }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// The user's keys (file and `--set`); `allKeys` lists only these.
    let pairs: [(key: String, value: ConfigNode)]
    /// The built-in defaults for this mapping, consulted for keys the user left out.
    let defaults: [(key: String, value: ConfigNode)]
    let decoder: ConfigDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        decoder.log.openMappings.insert(decoder.dotted)
        var names = pairs.map(\.key)
        // An open mapping's keys can also come from the environment, in lower case:
        // FAIRNESS_FAIRNESS_REFERENCE_RACE=Caucasian adds `race` to `fairness.reference`.
        let prefix = ConfigDecoder.environmentName(for: decoder.path) + "_"
        for variable in decoder.environment.keys.sorted() where variable.hasPrefix(prefix) {
            let key = variable.dropFirst(prefix.count).lowercased()
            let present = names.contains { ConfigDecoder.environmentName(for: decoder.path + [$0]) == variable }
            if !key.isEmpty && !present { names.append(key) }
        }
        return names.compactMap { Key(stringValue: $0) }
    }

    /// The YAML key for a coding key: dictionary keys are used as they are, property
    /// names are converted to snake_case.
    private func name(_ key: Key) -> String {
        let exact = key.stringValue
        if pairs.contains(where: { $0.key == exact }) || defaults.contains(where: { $0.key == exact }) { return exact }
        return configKey(exact)
    }

    /// The value for `key` after precedence: `--set` > environment > file > defaults,
    /// with the default for the same key (for nested fallbacks).
    private func resolved(_ key: Key) throws -> (name: String, node: ConfigNode, fallback: ConfigNode?)? {
        guard let (name, node) = try winner(key) else { return nil }
        return (name, node, defaults.first { $0.key == name }?.value)
    }

    private func winner(_ key: Key) throws -> (name: String, node: ConfigNode)? {
        let name = name(key)
        decoder.log.request(name, in: decoder.path)
        let fileNode = pairs.first { $0.key == name }?.value ?? defaults.first { $0.key == name }?.value
        let variable = ConfigDecoder.environmentName(for: decoder.path + [name])
        let text = decoder.environment[variable]
        if text != nil { decoder.log.usedEnvironment.insert(variable) }
        if let fileNode, case .commandLine = fileNode.source { return (name, fileNode) }
        if let text {
            let node = try ConfigNode.parse(yaml: text, origin: variable) { _, _ in .environment(variable: variable) }
            return (name, node)
        }
        return fileNode.map { (name, $0) }
    }

    func contains(_ key: Key) -> Bool { ((try? resolved(key)) ?? nil) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let (_, node, _) = try resolved(key) else { return true }
        if case .null = node { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let (name, node, fallback) = try resolved(key) else {
            throw ConfigError.typeMismatch(
                key: (decoder.path + [configKey(key.stringValue)]).joined(separator: "."),
                source: decoder.node.source, expected: "a value", found: "nothing")
        }
        return try decoder.child(node, fallback: fallback, key: name).decodeValue(type)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let (name, node, fallback) = try resolved(key) else { return nil }
        if case .null = node { return nil }
        return try decoder.child(node, fallback: fallback, key: name).decodeValue(type)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        guard let (name, node, fallback) = try resolved(key) else {
            throw decoder.mismatch(expected: "a mapping at `\(key.stringValue)`")
        }
        return try decoder.child(node, fallback: fallback, key: name).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        guard let (name, node, _) = try resolved(key) else {
            throw decoder.mismatch(expected: "a list at `\(key.stringValue)`")
        }
        return try decoder.child(node, key: name).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        guard let (name, node, fallback) = try resolved(key) else { return decoder }
        return decoder.child(node, fallback: fallback, key: name)
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let items: [ConfigNode]
    let decoder: ConfigDecoder
    var currentIndex = 0

    init(items: [ConfigNode], decoder: ConfigDecoder) {
        self.items = items
        self.decoder = decoder
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func next() throws -> ConfigDecoder {
        guard !isAtEnd else { throw decoder.mismatch(expected: "more list items") }
        defer { currentIndex += 1 }
        return decoder.child(items[currentIndex], key: String(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, case .null = items[currentIndex] else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let decoder: ConfigDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool {
        if case .null = decoder.node { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        try decoder.scalar("true or false") {
            switch $0 {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: return nil
            }
        }
    }

    func decode(_ type: String.Type) throws -> String { try decoder.scalar("a string") { $0 } }

    func decode(_ type: Double.Type) throws -> Double {
        try decoder.scalar("a finite number") { text in Double(text).flatMap { $0.isFinite ? $0 : nil } }
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode(_ type: Int.Type) throws -> Int { try integer() }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    private func integer<T: FixedWidthInteger>() throws -> T {
        let expected = T.isSigned ? "an integer" : "a non-negative integer"
        return try decoder.scalar(expected) { T($0.replacingOccurrences(of: "_", with: "")) }
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
}
