import Foundation

/// The root of a configuration document: a struct of ``ConfigSection``s.
public protocol ConfigRoot: Codable, Sendable {
    init()
    /// Validates every section, throwing errors whose keys are relative to `sectionName`.
    func validateSections(_ check: (String, any ConfigSection) throws -> Void) throws
    /// Checks that span sections (after each section validated on its own).
    func validateAcrossSections() throws
    /// Where an unknown key at `path` has moved to (a dotted path), when the layout changed;
    /// the unknown-key error then suggests it instead of the closest spelling.
    func relocatedKey(_ path: [String]) -> String?
}

extension ConfigRoot {
    public func validateAcrossSections() throws {}
    public func relocatedKey(_ path: [String]) -> String? { nil }
}

/// A decoded, validated configuration and the tree it came from.
public struct LoadedConfig<Root: ConfigRoot>: Sendable {
    public let value: Root
    /// The configuration file that was read, if any (relative paths as given).
    public let file: String?
    /// The file with the overrides laid over it (defaults not included); used to find
    /// where a key was set.
    public let tree: ConfigNode
}

/// Reads `pipeline.yml`, applies overrides and decodes it into typed sections.
///
/// Precedence, highest first: `--set section.key=value`, environment variables
/// `FAIRNESS_SECTION_KEY`, the YAML file, built-in defaults. Every key the types do
/// not read is an error naming the key, where it was set and the closest valid key.
public struct ConfigLoader: Sendable {
    public static let defaultPath = "pipeline.yml"
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Loads `path`, or `pipeline.yml` when `path` is nil and that file exists, or the
    /// built-in defaults when it does not.
    /// `readsDefaultFile: false` reads only a file `path` names. `acrossSections` replaces
    /// the root's ``ConfigRoot/validateAcrossSections()``.
    public func load<Root: ConfigRoot>(
        _ type: Root.Type, path: String?, overrides: [String], readsDefaultFile: Bool = true,
        acrossSections: ((Root) throws -> Void)? = nil
    ) throws -> LoadedConfig<Root> {
        let file: String?
        if let path {
            guard FileManager.default.fileExists(atPath: path) else { throw ConfigError.missingFile(path: path) }
            file = path
        } else {
            file = readsDefaultFile && FileManager.default.fileExists(atPath: Self.defaultPath) ? Self.defaultPath : nil
        }
        let text = try file.map(YAMLLimits.readFile) ?? ""
        return try load(
            type, yaml: text, origin: file ?? "<defaults>", file: file, overrides: overrides,
            acrossSections: acrossSections)
    }

    /// Loads from YAML text (`origin` names it in messages).
    public func load<Root: ConfigRoot>(
        _ type: Root.Type, yaml: String, origin: String, file: String? = nil, overrides: [String],
        acrossSections: ((Root) throws -> Void)? = nil
    ) throws -> LoadedConfig<Root> {
        let fileNode = try ConfigNode.parse(yaml: yaml, origin: origin) { .file(path: origin, line: $0, column: $1) }
        switch fileNode {
        case .mapping, .null: break
        default:
            throw ConfigError.syntax(path: origin, line: 1, message: "the top level must be a mapping of sections")
        }
        let defaults = try Self.defaultsTree(Root())
        var tree = ConfigNode.mapping([], .file(path: origin, line: 1, column: 1))
        if case .mapping = fileNode { tree = fileNode }
        for argument in overrides {
            tree = tree.merged(with: try Self.overrideTree(argument))
        }

        let log = ConfigAccessLog()
        let decoder = ConfigDecoder(node: tree, fallback: defaults, path: [], environment: environment, log: log)
        let value: Root
        do {
            value = try Root(from: decoder)
        } catch let error as ConfigError {
            throw error
        } catch let error as DecodingError {
            throw Self.translate(error, tree: tree)
        }
        try Self.rejectUnknownKeys(in: tree, path: [], log: log, relocated: value.relocatedKey)
        try rejectUnknownEnvironment(log: log)

        try value.validateSections { section, config in
            do {
                try config.validate()
            } catch let error as ConfigError {
                throw error.located(section: section) { dotted in
                    tree.node(at: dotted.split(separator: ".").map(String.init))?.source ?? .defaults
                }
            }
        }
        do {
            if let acrossSections { try acrossSections(value) } else { try value.validateAcrossSections() }
        } catch ConfigError.inconsistent(let key, let message, .defaults) {
            throw ConfigError.inconsistent(key: key, message: message, source: source(of: key, in: tree))
        }
        return LoadedConfig(value: value, file: file, tree: tree)
    }

    /// Where the value at the absolute dotted `key` was set: the file or `--set` that holds
    /// it, else the environment variable, else the defaults. A component may itself hold
    /// dots (`thresholds.vs_reference.disparate_impact@race`): the longest key that exists wins.
    func source(of key: String, in tree: ConfigNode) -> ConfigSource {
        let components = key.split(separator: ".").map(String.init)
        func find(_ node: ConfigNode, _ rest: ArraySlice<String>) -> ConfigNode? {
            if rest.isEmpty { return node }
            for end in stride(from: rest.endIndex, to: rest.startIndex, by: -1) {
                let name = rest[rest.startIndex..<end].joined(separator: ".")
                if let child = node.node(at: [name]), let found = find(child, rest[end...]) { return found }
            }
            return nil
        }
        if let node = find(tree, components[...]) { return node.source }
        let variable = ConfigDecoder.environmentName(for: components)
        return environment[variable] != nil ? .environment(variable: variable) : .defaults
    }

    /// The built-in defaults as a tree, by encoding `Root()`.
    static func defaultsTree<Root: ConfigRoot>(_ root: Root) throws -> ConfigNode {
        try ConfigNode.defaults(of: root)
    }

    /// `section.key=value` as a one-path tree; the value is parsed as YAML, so
    /// `--set data.sensitive=[sex,race]` gives a list.
    static func overrideTree(_ argument: String) throws -> ConfigNode {
        guard let equals = argument.firstIndex(of: "=") else {
            throw ConfigError.badOverride(argument: argument, message: "expected section.key=value")
        }
        let key = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
        let components = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard components.count >= 2, components.allSatisfy({ !$0.isEmpty }) else {
            throw ConfigError.badOverride(argument: argument, message: "the key must be a dotted path like `model.C`")
        }
        let text = String(argument[argument.index(after: equals)...])
        let value = try ConfigNode.parse(yaml: text, origin: "--set \(argument)") { _, _ in
            .commandLine(argument: argument)
        }
        return ConfigNode.wrapping(value, at: components)
    }

    private static func rejectUnknownKeys(
        in node: ConfigNode, path: [String], log: ConfigAccessLog, relocated: ([String]) -> String?
    ) throws {
        let dotted = path.joined(separator: ".")
        switch node {
        case .mapping(let pairs, _):
            let open = log.openMappings.contains(dotted)
            let known = log.requested[dotted] ?? []
            for (key, child) in pairs {
                if !open && !known.contains(key) {
                    let full = (path + [key]).joined(separator: ".")
                    let suggestion =
                        relocated(path + [key])
                        ?? closestMatch(to: key, among: known.sorted()).map {
                            (path + [$0]).joined(separator: ".")
                        }
                    throw ConfigError.unknownKey(key: full, source: child.source, suggestion: suggestion)
                }
                try rejectUnknownKeys(in: child, path: path + [key], log: log, relocated: relocated)
            }
        case .sequence(let items, _):
            for (index, item) in items.enumerated() {
                try rejectUnknownKeys(in: item, path: path + [String(index)], log: log, relocated: relocated)
            }
        case .scalar, .null:
            break
        }
    }

    private func rejectUnknownEnvironment(log: ConfigAccessLog) throws {
        let unused = environment.keys.filter { $0.hasPrefix("FAIRNESS_") && !log.usedEnvironment.contains($0) }.sorted()
        guard let variable = unused.first else { return }
        let valid = log.requested.flatMap { mapping, keys in
            keys.map { ConfigDecoder.environmentName(for: mapping.split(separator: ".").map(String.init) + [$0]) }
        }
        throw ConfigError.unknownKey(
            key: variable, source: .environment(variable: variable),
            suggestion: closestMatch(to: variable, among: valid.sorted()))
    }

    private static func translate(_ error: DecodingError, tree: ConfigNode) -> ConfigError {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            context = c
        @unknown default: return .syntax(path: "<config>", line: 0, message: "\(error)")
        }
        let path = context.codingPath.map(\.stringValue)
        let node = tree.node(at: path)
        return .typeMismatch(
            key: path.joined(separator: "."), source: node?.source ?? .defaults,
            expected: "a valid value", found: "\(node?.summary ?? "nothing") (\(context.debugDescription))")
    }
}
