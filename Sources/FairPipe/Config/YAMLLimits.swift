import CYaml
import Foundation

/// Bounds on every YAML document FairPipe reads (`pipeline.yml`, sweep files, `--set`
/// values, environment variables), so a hostile file fails in milliseconds.
///
/// CI runs configurations from pull requests, so a config is untrusted input. Three attacks
/// are bounded: a file too large to be a configuration (read no further than the limit), an
/// alias bomb (nested anchors and aliases, `&a [*b, *b, …]`, that expand to 10⁸ values from a
/// few hundred bytes), and deep nesting. The limits are far above any real study: the
/// shipped `pipeline.yml` is about 6 KB and 300 values.
public enum YAMLLimits {
    /// The largest YAML file read, in bytes (1 MiB).
    public static let maxBytes = 1 << 20
    /// The most values (scalars, lists and mappings) a document may hold once its aliases are
    /// expanded. Each alias counts as the whole value it repeats.
    public static let maxValues = 100_000
    /// The deepest nesting of lists and mappings.
    public static let maxDepth = 100

    /// The UTF-8 text of the YAML file at `path`, read no further than ``maxBytes``
    /// (so `/dev/zero` or a multi-gigabyte file fails at once).
    /// Throws ``FileError`` when it cannot be read, ``ConfigError/tooLarge(path:limit:)``
    /// or ``ConfigError/syntax(path:line:message:)`` (not UTF-8).
    public static func readFile(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileError.notFound(path: path)
        }
        guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: path) else {
            throw FileError.unreadable(path: path, reason: "permission denied or not a file")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw FileError.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        guard data.count <= maxBytes else {
            throw ConfigError.tooLarge(path: path, limit: maxBytes)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError.syntax(path: path, line: 0, message: "the file is not UTF-8 text")
        }
        return text
    }

    /// Checks `yaml` against the limits before it is composed into a tree.
    ///
    /// Walks libyaml's event stream once (linear in the text, no tree built), keeping for
    /// each anchor the number of values it stands for, so an alias adds its anchor's size
    /// without being expanded. Stops at the first limit passed. Syntax errors are left to
    /// the composer, which reports them with their line.
    /// Throws ``ConfigError/syntax(path:line:message:)`` naming `origin` and the line.
    static func check(_ yaml: String, origin: String) throws {
        guard !yaml.isEmpty else { return }
        func depthError(line: Int) -> ConfigError {
            .syntax(path: origin, line: line, message: "lists and mappings nest deeper than \(maxDepth) levels")
        }
        var text = yaml
        try text.withUTF8 { bytes in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            var counter = ValueCounter()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    // libyaml's own nesting limit (1000) can trip before the first event
                    // (its scanner looks ahead over `[[[…`); say it in the same words.
                    let problem = parser.problem.map { String(cString: $0) } ?? ""
                    guard problem.hasPrefix("Maximum nesting level") else { return }
                    throw depthError(line: Int(parser.problem_mark.line) + 1)
                }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SCALAR_EVENT:
                    counter.add(1, anchor: anchorName(event.data.scalar.anchor))
                case YAML_ALIAS_EVENT:
                    counter.addAlias(anchorName(event.data.alias.anchor))
                case YAML_SEQUENCE_START_EVENT:
                    counter.open(anchor: anchorName(event.data.sequence_start.anchor))
                case YAML_MAPPING_START_EVENT:
                    counter.open(anchor: anchorName(event.data.mapping_start.anchor))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    counter.close()
                default:
                    continue
                }
                if counter.depth > maxDepth { throw depthError(line: line) }
                if counter.total > maxValues {
                    throw ConfigError.syntax(
                        path: origin, line: line,
                        message: "the document holds more than \(maxValues) values once its aliases are expanded"
                            + " (an alias bomb?)")
                }
            }
        }
    }

    private static func anchorName(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

/// Counts the values of a YAML event stream, aliases expanded, without expanding them.
private struct ValueCounter {
    /// Open lists and mappings: their anchor and the values inside them so far (themselves included).
    private var open: [(anchor: String?, values: Int)] = []
    /// Values per anchor (a later anchor of the same name shadows an earlier one, as in YAML).
    private var anchors: [String: Int] = [:]
    /// Values in closed top-level documents.
    private var closed = 0

    var depth: Int { open.count }
    /// Every value seen so far, counting open collections' partial contents.
    var total: Int { closed + open.reduce(0) { $0 + $1.values } }

    mutating func add(_ values: Int, anchor: String?) {
        if let anchor { anchors[anchor] = values }
        if open.isEmpty {
            closed += values
        } else {
            open[open.count - 1].values += values
        }
    }

    /// An undefined alias counts as one value; the composer reports it.
    mutating func addAlias(_ anchor: String?) {
        add(anchor.flatMap { anchors[$0] } ?? 1, anchor: nil)
    }

    mutating func open(anchor: String?) {
        open.append((anchor, 1))
    }

    mutating func close() {
        guard let last = open.popLast() else { return }
        add(last.values, anchor: last.anchor)
    }
}
