import Yams

/// A configuration value tree that remembers where every value came from.
///
/// `pipeline.yml`, `--set` overrides, environment variables and the built-in defaults
/// all become `ConfigNode`s; merging them keeps each value's ``ConfigSource`` so an
/// error can point at the file and line, the flag or the variable that set it.
public indirect enum ConfigNode: Sendable, Equatable {
    case scalar(String, ConfigSource)
    case null(ConfigSource)
    case sequence([ConfigNode], ConfigSource)
    /// Keys keep their order of appearance; lookups are linear (configs are small).
    case mapping([(key: String, value: ConfigNode)], ConfigSource)

    public static func == (lhs: ConfigNode, rhs: ConfigNode) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(a, sa), .scalar(b, sb)): return a == b && sa == sb
        case let (.null(sa), .null(sb)): return sa == sb
        case let (.sequence(a, sa), .sequence(b, sb)): return a == b && sa == sb
        case let (.mapping(a, sa), .mapping(b, sb)):
            return sa == sb && a.count == b.count
                && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public var source: ConfigSource {
        switch self {
        case .scalar(_, let s), .null(let s), .sequence(_, let s), .mapping(_, let s): return s
        }
    }

    /// A short description of the value for error messages (`"abc"`, `a mapping`).
    public var summary: String {
        switch self {
        case .scalar(let text, _): return "`\(text)`"
        case .null: return "nothing (null)"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    public func child(_ key: String) -> ConfigNode? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// The node at a dotted path (`fairness.bootstrap.samples`), if any.
    public func node(at path: [String]) -> ConfigNode? {
        var current = self
        for component in path {
            switch current {
            case .mapping:
                guard let next = current.child(component) else { return nil }
                current = next
            case .sequence(let items, _):
                guard let index = Int(component), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    /// `other` laid over `self`: mappings merge key by key, anything else is replaced.
    public func merged(with other: ConfigNode) -> ConfigNode {
        guard case .mapping(var pairs, let source) = self,
            case .mapping(let overlay, let overlaySource) = other
        else { return other }
        for (key, value) in overlay {
            if let index = pairs.firstIndex(where: { $0.key == key }) {
                pairs[index].value = pairs[index].value.merged(with: value)
            } else {
                pairs.append((key, value))
            }
        }
        _ = overlaySource
        return .mapping(pairs, source)
    }

    /// A tree holding `value` at `path`, for a `--set` override or an environment variable.
    public static func wrapping(_ value: ConfigNode, at path: [String]) -> ConfigNode {
        path.reversed().reduce(value) { inner, key in .mapping([(key, inner)], value.source) }
    }
}

extension ConfigNode {
    /// A value's fields as a tree sourced `.defaults` (through canonical JSON, which YAML reads).
    static func defaults<T: Encodable>(of value: T) throws -> ConfigNode {
        let json = try CanonicalJSON.string(value)
        return try ConfigNode.parse(yaml: json, origin: "<defaults>") { _, _ in .defaults }
    }

    /// Parses YAML text within ``YAMLLimits``. `origin` names the file (or flag) in error messages.
    public static func parse(yaml: String, origin: String, source: (Int, Int) -> ConfigSource) throws -> ConfigNode {
        try YAMLLimits.check(yaml, origin: origin)
        let root: Yams.Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError.syntax(path: origin, line: error.line, message: error.problem)
        } catch {
            throw ConfigError.syntax(path: origin, line: 0, message: "\(error)")
        }
        guard let root else { return .null(source(1, 1)) }
        return try convert(root, origin: origin, source: source)
    }

    private static func convert(
        _ node: Yams.Node, origin: String, source: (Int, Int) -> ConfigSource
    ) throws -> ConfigNode {
        let here = source(node.mark?.line ?? 0, node.mark?.column ?? 0)
        switch node {
        case .scalar(let scalar):
            let text = scalar.string
            if scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(text) {
                return .null(here)
            }
            return .scalar(text, here)
        case .sequence(let sequence):
            return .sequence(try sequence.map { try convert($0, origin: origin, source: source) }, here)
        case .mapping(let mapping):
            var pairs: [(key: String, value: ConfigNode)] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ConfigError.syntax(
                        path: origin, line: key.mark?.line ?? 0, message: "mapping keys must be plain names")
                }
                if pairs.contains(where: { $0.key == keyScalar.string }) {
                    throw ConfigError.syntax(
                        path: origin, line: key.mark?.line ?? 0,
                        message: "key `\(keyScalar.string)` appears twice in the same mapping")
                }
                var child = try convert(value, origin: origin, source: source)
                // Errors point at the key (`C: -1` → the line and column of `C`).
                let keySource = source(key.mark?.line ?? 0, key.mark?.column ?? 0)
                switch child {
                case .mapping(let inner, _): child = .mapping(inner, keySource)
                case .sequence(let inner, _): child = .sequence(inner, keySource)
                case .scalar(let text, _): child = .scalar(text, keySource)
                case .null: child = .null(keySource)
                }
                pairs.append((keyScalar.string, child))
            }
            return .mapping(pairs, here)
        case .alias:
            throw ConfigError.syntax(
                path: origin, line: node.mark?.line ?? 0, message: "YAML aliases are not supported in configuration")
        }
    }
}

extension YamlError {
    fileprivate var line: Int {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return 0
        }
    }

    fileprivate var problem: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "key `\(duplicates.joined(separator: "`, `"))` appears twice in the same mapping"
        default:
            return "\(self)".split(whereSeparator: \.isNewline).joined(separator: " ")
        }
    }
}
