/// Where a configuration value came from, for error messages.
public enum ConfigSource: Sendable, Equatable, CustomStringConvertible {
    case file(path: String, line: Int, column: Int)
    case commandLine(argument: String)
    case environment(variable: String)
    case defaults

    public var description: String {
        switch self {
        case .file(let path, let line, let column): return "\(path):\(line):\(column)"
        case .commandLine(let argument): return "--set \(Self.redactingCredentials(argument))"
        case .environment(let variable): return "environment variable \(variable)"
        case .defaults: return "built-in defaults"
        }
    }

    /// `scheme://user:password@host` → `scheme://***@host`: a URL's credentials never reach a message.
    static func redactingCredentials(_ text: String) -> String {
        text.replacing(/:\/\/[^\/@\s]*@/, with: "://***@")
    }
}

/// Configuration errors. Every case names the dotted key path (`fairness.bootstrap.samples`);
/// the loader adds where the value came from.
public enum ConfigError: FairPipeError, Equatable {
    /// A key that no section defines; `suggestion` is the closest valid key, if any is close.
    case unknownKey(key: String, source: ConfigSource, suggestion: String?)
    /// A value of the wrong type (`model.C: abc`).
    case typeMismatch(key: String, source: ConfigSource, expected: String, found: String)
    /// A well-typed value outside its allowed range or set. Thrown by `validate()` with a
    /// key relative to the section; the loader makes it absolute and adds the source.
    case invalidValue(key: String, expected: String, found: String, source: ConfigSource = .defaults)
    /// A combination of settings that cannot work together, with what would work.
    case inconsistent(key: String, message: String, source: ConfigSource = .defaults)
    /// The file is not valid YAML or not a mapping at the top.
    case syntax(path: String, line: Int, message: String)
    /// A `--set` argument that is not `section.key=value`.
    case badOverride(argument: String, message: String)
    /// The file named by `--config` does not exist.
    case missingFile(path: String)
    /// A YAML file larger than `limit` bytes (``YAMLLimits/maxBytes``); it is not read.
    case tooLarge(path: String, limit: Int)

    /// A missing `--config` file is a missing input (66, as for any input file); every other
    /// configuration error is a usage error (64).
    public var exitStatus: ExitStatus {
        if case .missingFile = self { return .noInput }
        return .usage
    }

    public var description: String {
        switch self {
        case .unknownKey(let key, let source, let suggestion):
            let hint = suggestion.map { " (did you mean `\($0)`?)" } ?? ""
            return "\(source): unknown key `\(key)`\(hint)"
        case .typeMismatch(let key, let source, let expected, let found):
            return "\(source): `\(key)` must be \(expected), found \(found)"
        case .invalidValue(let key, let expected, let found, let source):
            return "\(source): `\(key)` must be \(expected), found \(found)"
        case .inconsistent(let key, let message, let source):
            return "\(source): `\(key)`: \(message)"
        case .syntax(let path, let line, let message):
            return "\(path)\(line > 0 ? ":\(line)" : ""): invalid YAML: \(message)"
        case .badOverride(let argument, let message):
            return "--set \(argument): \(message)"
        case .missingFile(let path):
            return "\(path): configuration file not found"
        case .tooLarge(let path, let limit):
            return "\(path): larger than \(limit / 1024) KiB, the limit for a YAML file; not read"
        }
    }

    /// The same error with its key prefixed by `section.` and its source filled in.
    public func located(section: String, source: (String) -> ConfigSource) -> ConfigError {
        switch self {
        case .invalidValue(let key, let expected, let found, _):
            let full = "\(section).\(key)"
            return .invalidValue(key: full, expected: expected, found: found, source: source(full))
        case .inconsistent(let key, let message, _):
            let full = "\(section).\(key)"
            return .inconsistent(key: full, message: message, source: source(full))
        default:
            return self
        }
    }
}

/// One section of `pipeline.yml` (`data`, `model`, `fairness`, …).
///
/// Conformers are plain value types: every stored property is a `var` with a default,
/// `init()` gives the built-in defaults, property names are the camelCase of the YAML keys
/// (`minGroupSize` ↔ `min_group_size`; an all-caps name such as `C` is kept as is), and
/// enums are `String`-backed with snake_case raw values. The loader fills keys the user
/// left out from `init()`, rejects keys the type never reads, and then calls `validate()`.
public protocol ConfigSection: Codable, Equatable, Sendable, ConfigDefaultable {
    init()
    /// Throws ``ConfigError/invalidValue(key:expected:found:source:)`` or
    /// ``ConfigError/inconsistent(key:message:source:)`` with a key relative to the section.
    func validate() throws
}

extension ConfigSection {
    public func validate() throws {}
}
