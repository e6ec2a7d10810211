import Foundation

/// One swept setting: a dotted config key and its value as YAML text, exactly what
/// `--set key=value` takes (`mitigation.group_thresholds.tolerance=0.05`, `data.sensitive=[group, sex]`).
public struct SweepOverride: Codable, Equatable, Hashable, Sendable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// The `--set` argument.
    public var argument: String { "\(key)=\(value)" }
}

/// A sweep file (`sweeps/NAME.yml`): a name, a base configuration and the runs to make,
/// given as a grid (cartesian product), an explicit list, or a list crossed with a grid.
///
/// ```yaml
/// name: tolerance
/// base: pipeline.yml            # optional
/// grid:
///   mitigation.method: [group_thresholds, reweighing]
///   experiment.seed: [1, 2, 3]
/// runs:                         # optional; each is crossed with the grid
///   - {mitigation.method: reweighing}
/// ```
public struct SweepSpec: Equatable, Sendable {
    /// Names the output folder `outputs/sweeps/<name>`.
    public var name: String
    /// The configuration file every run starts from; nil means `pipeline.yml` if present,
    /// else built-in defaults (as for the stages).
    public var base: String?
    /// Every swept key, in order of first appearance in the file.
    public var sweptKeys: [String]
    /// The runs' overrides, in spec order (grid: last key varies fastest).
    public var runs: [[SweepOverride]]
    /// The file it came from (for messages).
    public var origin: String

    public init(
        name: String, base: String? = nil, sweptKeys: [String], runs: [[SweepOverride]], origin: String = "<sweep>"
    ) {
        self.name = name
        self.base = base
        self.sweptKeys = sweptKeys
        self.runs = runs
        self.origin = origin
    }

    /// Reads and parses a sweep file.
    public static func load(path: String) throws -> SweepSpec {
        try parse(yaml: YAMLLimits.readFile(path), origin: path)
    }

    /// Parses sweep YAML; `origin` names the file in messages.
    public static func parse(yaml: String, origin: String) throws -> SweepSpec {
        let root: ConfigNode
        do {
            root = try ConfigNode.parse(yaml: yaml, origin: origin) { .file(path: origin, line: $0, column: $1) }
        } catch ConfigError.syntax(_, let line, let message) {
            throw SweepError.invalidSpec(path: origin, line: line, message: "invalid YAML: \(message)")
        } catch let error as ConfigError {
            throw SweepError.invalidSpec(path: origin, line: 0, message: error.description)
        }
        var parser = SweepParser(origin: origin)
        let (name, base) = try parser.header(root)
        let explicit = try parser.explicitRuns(root)
        let axes = try parser.gridAxes(root, explicitKeys: Set(parser.sweptKeys))
        guard root.child("grid") != nil || root.child("runs") != nil else {
            throw parser.fail(root, "a sweep needs `grid:` or `runs:`")
        }
        var points: [[SweepOverride]] = [[]]
        for axis in axes {
            points = points.flatMap { point in axis.map { point + [$0] } }
        }
        let runs = explicit.flatMap { run in points.map { run + $0 } }
        return SweepSpec(name: name, base: base, sweptKeys: parser.sweptKeys, runs: runs, origin: origin)
    }

    /// A value as YAML text that parses back to the same value under `--set`: plain where
    /// that is unambiguous, else double-quoted; lists and mappings in flow style.
    static func yamlText(_ node: ConfigNode, origin: String, inFlow: Bool = false) throws -> String {
        switch node {
        case .null:
            return "null"
        case .scalar(let text, _):
            let safe =
                inFlow
                ? !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "._-+/@&".contains($0) }
                : (try? ConfigNode.parse(yaml: text, origin: origin) { _, _ in .defaults }) == .scalar(text, .defaults)
            return safe ? text : quoted(text)
        case .sequence(let items, _):
            return "[" + (try items.map { try yamlText($0, origin: origin, inFlow: true) }).joined(separator: ", ")
                + "]"
        case .mapping(let pairs, _):
            return "{"
                + (try pairs.map { "\(quotedKey($0.key)): \(try yamlText($0.value, origin: origin, inFlow: true))" })
                .joined(separator: ", ") + "}"
        }
    }

    private static func quotedKey(_ key: String) -> String {
        key.allSatisfy { $0.isLetter || $0.isNumber || "._-@&".contains($0) } && !key.isEmpty ? key : quoted(key)
    }

    /// A YAML double-quoted scalar (JSON string escaping is valid YAML).
    private static func quoted(_ text: String) -> String { CanonicalJSON.quoted(text) }
}

/// The sections of a sweep file, read in order; collects the swept keys as it goes.
private struct SweepParser {
    let origin: String
    /// Every swept key, in first-seen order (`runs` first, then `grid`).
    var sweptKeys: [String] = []

    func fail(_ node: ConfigNode?, _ message: String) -> SweepError {
        var line = 0
        if case .file(_, let l, _)? = node?.source { line = l }
        return .invalidSpec(path: origin, line: line, message: message)
    }

    /// Checks the top-level keys; returns `name` (a folder name) and `base` (a config path).
    func header(_ root: ConfigNode) throws -> (name: String, base: String?) {
        guard case .mapping(let top, _) = root else {
            throw fail(root, "a sweep file is a mapping with `name:` and `grid:` or `runs:`")
        }
        let known = ["name", "base", "grid", "runs"]
        for (key, value) in top where !known.contains(key) {
            let hint = closestMatch(to: key, among: known).map { " (did you mean `\($0)`?)" } ?? ""
            throw fail(
                value,
                "unknown key `\(key)`\(hint); a sweep file has \(known.map { "`\($0)`" }.joined(separator: ", "))")
        }
        guard case .scalar(let name, _)? = root.child("name") else {
            throw fail(root.child("name") ?? root, "`name:` (the sweep's folder name) is required")
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }), !name.hasPrefix(".")
        else {
            throw fail(
                root.child("name"), "`name` must be a folder name (letters, digits, `.`, `_`, `-`), found `\(name)`")
        }
        var base: String?
        if let node = root.child("base") {
            guard case .scalar(let text, _) = node, !text.isEmpty else {
                throw fail(node, "`base` must be a configuration file path")
            }
            base = text
        }
        return (name, base)
    }

    mutating func addKey(_ key: String, _ node: ConfigNode) throws {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw fail(node, "`\(key)` is not a dotted config key like `mitigation.tolerance`")
        }
        if !sweptKeys.contains(key) { sweptKeys.append(key) }
    }

    /// The explicit runs of `runs:`, or one empty run when there is none.
    mutating func explicitRuns(_ root: ConfigNode) throws -> [[SweepOverride]] {
        guard let node = root.child("runs") else { return [[]] }
        guard case .sequence(let items, _) = node, !items.isEmpty else {
            throw fail(node, "`runs` must be a non-empty list of mappings")
        }
        return try items.map { item in
            guard case .mapping(let pairs, _) = item else {
                throw fail(item, "each entry of `runs` must be a mapping of dotted keys to values")
            }
            return try pairs.map { key, value in
                try addKey(key, value)
                return SweepOverride(key: key, value: try SweepSpec.yamlText(value, origin: origin))
            }
        }
    }

    /// The grid: each key's values, to be crossed (last key fastest). A key may not be both in
    /// `runs` and in `grid`.
    mutating func gridAxes(_ root: ConfigNode, explicitKeys: Set<String>) throws -> [[SweepOverride]] {
        guard let node = root.child("grid") else { return [] }
        guard case .mapping(let pairs, _) = node, !pairs.isEmpty else {
            throw fail(node, "`grid` must be a mapping of dotted keys to lists of values")
        }
        var axes: [[SweepOverride]] = []
        for (key, value) in pairs {
            try addKey(key, value)
            if explicitKeys.contains(key) { throw fail(value, "`\(key)` is set both in `runs` and in `grid`") }
            let values: [ConfigNode]
            if case .sequence(let items, _) = value { values = items } else { values = [value] }
            guard !values.isEmpty else { throw fail(value, "`grid.\(key)` has no values") }
            axes.append(try values.map { SweepOverride(key: key, value: try SweepSpec.yamlText($0, origin: origin)) })
        }
        return axes
    }
}
