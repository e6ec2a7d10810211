import Foundation

/// A public fairness benchmark: its files, the columns its loader produces and the
/// label, sensitive attributes and features used when `pipeline.yml` leaves them at the
/// synthetic source's defaults.
public struct BenchmarkDataset: Equatable, Sendable {
    public var source: DataSource
    /// The upstream files, in the order the parser reads them.
    public var files: [RemoteFile]
    /// Every column of the parsed table.
    public var columns: [String]
    public var label: LabelSpec
    public var sensitive: [String]
    /// Default features: never the label nor a default sensitive attribute (even one the
    /// config no longer lists as sensitive: making it a feature is an explicit choice), and
    /// without the configured sensitive attributes unless `use_sensitive_as_feature`.
    public var features: [String]
    /// Rows of the full upstream files after the dataset's own filter (documentation and
    /// tests: the loader never enforces it, so a mirror's subset still loads).
    public var expectedRows: Int

    /// The dataset a source names (nil for `synthetic` and `csv`).
    public static func named(_ source: DataSource) -> BenchmarkDataset? {
        switch source {
        case .adult: return AdultDataset.spec
        case .compas: return CompasDataset.spec
        case .german: return GermanDataset.spec
        case .synthetic, .csv: return nil
        }
    }

    /// The config with this dataset's label, sensitive attributes and features wherever the
    /// config keeps the defaults (which name the synthetic source's columns `label`,
    /// `group` and `sex`; `label` and `group` exist in no benchmark, so a default can never
    /// be a deliberate choice here), and with `data.checksums` applied to the files.
    public func resolve(_ config: DataConfig) -> DataConfig {
        var resolved = config
        let defaults = DataConfig()
        if config.label == defaults.label { resolved.label = label }
        if config.sensitive == defaults.sensitive { resolved.sensitive = sensitive }
        if config.features == nil {
            let excluded = Set([resolved.label.column] + (config.useSensitiveAsFeature ? [] : resolved.sensitive))
            resolved.features = features.filter { !excluded.contains($0) }
        }
        return resolved
    }

    /// The files with `data.checksums` overriding their pinned SHA-256.
    public func files(checksums: [String: String]) -> [RemoteFile] {
        files.map { file in
            var file = file
            if let pinned = checksums[file.name] { file.sha256 = pinned.lowercased() }
            return file
        }
    }

    /// Throws unless every column the resolved config names is one this dataset has.
    func validate(resolving config: DataConfig) throws {
        let resolved = resolve(config)
        let known = Set(columns)
        func check(_ name: String, key: String) throws {
            guard known.contains(name) else {
                let hint = DatasetLoader.closestName(to: name, in: columns).map { " (did you mean `\($0)`?)" } ?? ""
                throw ConfigError.invalidValue(
                    key: key, expected: "a column of `\(source.rawValue)`\(hint)", found: "`\(name)`")
            }
        }
        try check(resolved.label.column, key: "label.column")
        for name in resolved.sensitive { try check(name, key: "sensitive") }
        for name in resolved.features ?? [] { try check(name, key: "features") }
        for name in config.checksums.keys.sorted() where !files.contains(where: { $0.name == name }) {
            throw ConfigError.invalidValue(
                key: "checksums.\(name)",
                expected: "a file of `\(source.rawValue)` (\(files.map(\.name).joined(separator: ", ")))",
                found: "`\(name)`")
        }
    }

    /// Parses the files' bytes (in ``files`` order) into a table of ``columns``.
    public func parse(_ contents: [Data], names: [String]) throws -> Table {
        switch source {
        case .adult: return try AdultDataset.parse(contents, names: names)
        case .compas: return try CompasDataset.parse(contents[0], name: names[0])
        case .german: return try GermanDataset.parse(contents[0], name: names[0])
        case .synthetic, .csv:
            throw DataError.inconsistentTable(reason: "`\(source.rawValue)` is not a benchmark dataset")
        }
    }
}

/// Malformed benchmark files: a line of the wrong shape or an unknown code. Exit status
/// `dataError` (65).
public enum BenchmarkError: FairPipeError, Equatable {
    case malformed(file: String, line: Int, expected: String, found: String)
    case missingColumn(file: String, column: String)

    public var exitStatus: ExitStatus { .dataError }

    public var description: String {
        switch self {
        case .malformed(let file, let line, let expected, let found):
            return "\(file):\(line): expected \(expected), found \(found)"
        case .missingColumn(let file, let column):
            return "\(file): no column `\(column)`"
        }
    }
}

/// Fetching and loading the benchmark datasets (`data.source: adult | compas | german`).
///
/// Files are cached in `<root>/<data.cache>/<source>/` under their upstream names, fetched on
/// first use from their canonical URL or from `data.mirror`, and verified against their
/// pinned SHA-256 (or `data.checksums`).
public enum BenchmarkDatasets {
    /// The cache folder of `source`, absolute, and as shown in messages.
    public static func cacheFolder(
        _ source: DataSource, config: DataConfig, root: String
    ) -> (path: String, shown: String) {
        let shown = config.cache.hasSuffix("/") ? config.cache + source.rawValue : config.cache + "/" + source.rawValue
        let path = shown.hasPrefix("/") ? shown : URL(fileURLWithPath: root).appendingPathComponent(shown).path
        return (path, shown)
    }

    /// Makes sure every file of `source` is in the cache (downloading and verifying what is
    /// missing) and returns their local paths in ``BenchmarkDataset/files`` order. This is
    /// `make data`'s prefetch: no parsing, no outputs.
    @discardableResult
    public static func fetch(
        _ source: DataSource, config: DataConfig, root: String, downloader: Downloader = Downloader()
    ) throws -> [String] {
        guard let dataset = source.benchmark else {
            throw ConfigError.invalidValue(
                key: "data.source", expected: "adult, compas or german", found: "`\(source.rawValue)`")
        }
        let folder = cacheFolder(source, config: config, root: root)
        let files = dataset.files(checksums: config.checksums)
        var paths: [String] = []
        for (i, file) in files.enumerated() {
            do {
                paths.append(try downloader.ensure(file, in: folder.path, shown: folder.shown, mirror: config.mirror))
            } catch DownloadError.fetchFailed(let file, let from, let destination, let reason, _) {
                let missing = files[(i + 1)...].filter {
                    !FileManager.default.fileExists(
                        atPath: URL(fileURLWithPath: folder.path).appendingPathComponent($0.name).path)
                }
                throw DownloadError.fetchFailed(
                    file: file, from: from, destination: destination, reason: reason,
                    alsoMissing: missing.map { "\(folder.shown)/\($0.name)\(DownloadError.expecting($0.sha256))" })
            }
        }
        return paths
    }

    /// Fetches (when needed) and parses `config.source` into the raw table, before label
    /// mapping and missing-value handling. Returns the table and the local file paths.
    public static func table(
        _ config: DataConfig, root: String, downloader: Downloader = Downloader()
    ) throws -> (table: Table, files: [String]) {
        guard let dataset = config.source.benchmark else {
            throw ConfigError.invalidValue(
                key: "data.source", expected: "adult, compas or german", found: "`\(config.source.rawValue)`")
        }
        let paths = try fetch(config.source, config: config, root: root, downloader: downloader)
        let shown = cacheFolder(config.source, config: config, root: root).shown
        var contents: [Data] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw FileError.unreadable(path: path, reason: "permission denied or not a file")
            }
            contents.append(data)
        }
        let names = dataset.files.map { shown + "/" + $0.name }
        var table = try dataset.parse(contents, names: names)
        // `data.types` retypes parsed columns (e.g. a coded rating as categorical).
        for (name, type) in config.types.sorted(by: { $0.key < $1.key }) {
            guard let column = table[name], column.type != type else { continue }
            switch type {
            case .categorical:
                try table.setColumn(column.asCategorical())
            case .numeric:
                var numbers = [Double](repeating: .nan, count: column.count)
                for row in 0..<column.count {
                    guard let text = column.string(at: row) else { continue }
                    guard let value = Double(text), value.isFinite else {
                        throw DataError.columnType(
                            column: name, expected: "numbers (data.types)", found: "`\(text)` on data row \(row + 1)")
                    }
                    numbers[row] = value
                }
                try table.setColumn(Column(name: name, numbers: numbers))
            }
        }
        return (table, paths)
    }
}

/// Line splitting shared by the plain-text formats (Adult, German): LF or CRLF endings,
/// a final line without an ending allowed.
enum TextLines {
    /// Calls `body(lineNumber, line)` for each line (1-based), `\r` stripped.
    static func forEach(_ data: Data, _ body: (Int, Substring) throws -> Void) throws {
        let text = String(decoding: data, as: UTF8.self)
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            try body(number, line.hasSuffix("\r") ? line.dropLast() : line)
        }
    }
}
