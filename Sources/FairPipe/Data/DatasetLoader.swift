import Foundation

/// A dataset ready to split: the label mapped to 0/1, sensitive attributes categorical,
/// missing values handled per ``MissingPolicy``, a `row_id` on every row.
public struct Dataset: Equatable, Sendable {
    /// Columns `row_id`, the features, the sensitive attributes not already among the
    /// features, and the label (numeric 0/1), in that order.
    public var table: Table
    /// The label column's name (`data.label.column`).
    public var label: String
    public var sensitive: [String]
    public var features: [String]
    /// Rows removed for missing values (label always; more under `missing: drop`).
    public var droppedRows: Int
    /// The CSV path, `synthetic`, or the benchmark's name (`adult`).
    public var source: String
    /// The files read (a CSV path, or a benchmark's cached files), absolute or as configured.
    public var inputFiles: [String] = []
}

/// Loads the rows `data:` describes and checks they can be split and learned from.
public enum DatasetLoader {
    /// Reads the configured source. `seed` drives the synthetic generator; `root`, when
    /// given, is prefixed to a relative `data.path`.
    ///
    /// A benchmark source (`adult`, `compas`, `german`) is fetched into its cache folder under
    /// `root` (default: the current directory) when absent, by `downloader`, and its defaults
    /// fill the label, sensitive attributes and features the config leaves at theirs
    /// (``BenchmarkDataset/resolve(_:)``).
    public static func load(
        _ config: DataConfig, seed: UInt64, root: String? = nil, downloader: Downloader = Downloader()
    ) throws -> Dataset {
        switch config.source {
        case .adult, .compas, .german:
            guard let benchmark = config.source.benchmark else {
                throw ConfigError.inconsistent(key: "data.source", message: "`\(config.source.rawValue)` has no loader")
            }
            let resolved = benchmark.resolve(config)
            let (table, files) = try BenchmarkDatasets.table(
                resolved, root: root ?? FileManager.default.currentDirectoryPath, downloader: downloader)
            var dataset = try prepare(table, config: resolved, path: config.source.rawValue)
            dataset.inputFiles = files
            return dataset
        case .synthetic:
            let data = try SyntheticGenerator.generate(config.synthetic, seed: seed)
            return try prepare(data.table, config: config, path: "synthetic")
        case .csv:
            guard let given = config.path else {
                throw ConfigError.inconsistent(key: "data.path", message: "`source: csv` needs `path`")
            }
            let path = given.hasPrefix("/") || root == nil ? given : "\(root ?? ".")/\(given)"
            guard FileManager.default.fileExists(atPath: path) else { throw DataError.fileNotFound(path: given) }
            var types = config.types
            for name in config.sensitive where types[name] == nil { types[name] = .categorical }
            let table = try CSVReader.read(path: path, displayPath: given, options: CSVReadOptions(types: types))
            var dataset = try prepare(table, config: config, path: given)
            dataset.inputFiles = [path]
            return dataset
        }
    }

    /// Applies the config to an in-memory table: checks columns, maps the label, handles
    /// missing values, adds `row_id`. `path` names the source in errors.
    public static func prepare(_ input: Table, config: DataConfig, path: String) throws -> Dataset {
        var table = input
        let (labelColumn, features) = try checkColumns(table, config: config, path: path)
        try addRowIDs(&table, path: path)
        let labelName = config.label.column
        try table.setColumn(Column(name: labelName, numbers: labelValues(labelColumn, config: config)))
        try categoriseSensitive(&table, config: config)

        // Rows to keep.
        var mustBePresent = [labelName] + config.sensitive
        if config.missing == .drop { mustBePresent += features }
        let checked = mustBePresent.compactMap { table[$0] }
        let keep = (0..<table.rowCount).filter { row in checked.allSatisfy { !$0.isMissing(row) } }
        let dropped = table.rowCount - keep.count
        guard !keep.isEmpty else {
            throw DataError.noRows(path: path, reason: "every row has a missing label, sensitive or feature value")
        }

        var ordered = ["row_id"] + features
        ordered += config.sensitive.filter { !features.contains($0) }
        ordered.append(labelName)
        var result = try table.selectingColumns(ordered)
        if dropped > 0 { result = result.selecting(rows: keep) }
        try checkBothClasses(result, original: labelColumn, config: config, path: path)
        return Dataset(
            table: result, label: labelName, sensitive: config.sensitive, features: features,
            droppedRows: dropped, source: path)
    }

    /// Checks the label, sensitive and feature columns exist (naming the closest column when
    /// one doesn't); returns the label column and the features (`data.features`, or every
    /// column but the label, `row_id` and, unless used as features, the sensitive ones).
    private static func checkColumns(
        _ table: Table, config: DataConfig, path: String
    ) throws -> (
        label: Column, features: [String]
    ) {
        let available = table.columnNames
        func require(_ name: String, role: String) throws -> Column {
            guard let column = table[name] else {
                throw DataError.missingColumn(
                    path: path, column: name, role: role, available: available,
                    suggestion: closestName(to: name, in: available))
            }
            return column
        }
        let labelName = config.label.column
        let labelColumn = try require(labelName, role: "label")
        for name in config.sensitive { _ = try require(name, role: "sensitive") }
        let excluded = Set([labelName, "row_id"] + (config.useSensitiveAsFeature ? [] : config.sensitive))
        let features = config.features ?? available.filter { !excluded.contains($0) }
        for name in features { _ = try require(name, role: "feature") }
        guard !features.isEmpty else {
            throw DataError.missingColumn(
                path: path, column: "(any feature)", role: "feature", available: available, suggestion: nil)
        }
        return (labelColumn, features)
    }

    /// row_id: the 0-based data row of the file, unless the file brings its own, which must be
    /// distinct integers.
    private static func addRowIDs(_ table: inout Table, path: String) throws {
        guard let ids = table["row_id"] else {
            try table.setColumn(Column(name: "row_id", numbers: (0..<table.rowCount).map(Double.init)))
            return
        }
        guard case .numeric(let values) = ids.values else {
            throw DataError.badRowID(path: path, reason: "must be integers, found text")
        }
        var seen = Set<Double>()
        for (row, value) in values.enumerated() {
            guard !value.isNaN, value == value.rounded() else {
                throw DataError.badRowID(path: path, reason: "row \(row + 1) is not an integer")
            }
            guard seen.insert(value).inserted else {
                throw DataError.badRowID(path: path, reason: "`\(NumberFormat.string(value))` appears twice")
            }
        }
    }

    /// The label as 0/1 (`data.label.positive` is 1); a missing label stays NaN so its row is
    /// dropped.
    private static func labelValues(_ labelColumn: Column, config: DataConfig) -> [Double] {
        let positiveNumber: Double? = {
            guard case .finite(let value) = NumberParser.parse(config.label.positive) else { return nil }
            return value
        }()
        var mapped = [Double](repeating: .nan, count: labelColumn.count)
        switch labelColumn.values {
        case .numeric(let numbers):
            for row in numbers.indices where !numbers[row].isNaN {
                // A non-numeric `positive` can never match a numeric label.
                mapped[row] = numbers[row] == positiveNumber ? 1 : 0
            }
        case .categorical(let codes, let levels):
            let positiveCode = levels.firstIndex(of: config.label.positive).map(Int32.init) ?? -2
            for row in codes.indices where codes[row] >= 0 {
                mapped[row] = codes[row] == positiveCode ? 1 : 0
            }
        }
        return mapped
    }

    /// Sensitive attributes are group names: categorical, `missing` as a level if asked.
    private static func categoriseSensitive(_ table: inout Table, config: DataConfig) throws {
        for name in config.sensitive {
            guard let column = table[name] else { continue }
            var categorical = column.asCategorical()
            if config.missing == .category, case .categorical(var codes, var levels) = categorical.values,
                codes.contains(-1)
            {
                let code = Int32(levels.firstIndex(of: "missing") ?? levels.count)
                if code == levels.count { levels.append("missing") }
                for i in codes.indices where codes[i] < 0 { codes[i] = code }
                categorical = Column(name: name, values: .categorical(codes: codes, levels: levels))
            }
            try table.setColumn(categorical)
        }
    }

    /// Refuses a label with no positive row (listing the values found in `original`, the
    /// column as read) or with only positive rows.
    private static func checkBothClasses(_ result: Table, original: Column, config: DataConfig, path: String) throws {
        let labelName = config.label.column
        guard case .numeric(let labels) = result[labelName]?.values else {
            throw DataError.inconsistentTable(reason: "label column `\(labelName)` lost")
        }
        let positives = labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        if positives == 0 {
            var found = Set<String>()
            for row in 0..<original.count where found.count < 64 {
                if let text = original.string(at: row) { found.insert(text) }
            }
            throw DataError.positiveNotFound(
                path: path, column: labelName, positive: config.label.positive, found: found.sorted())
        }
        if positives == labels.count {
            throw DataError.singleClass(path: path, column: labelName, value: config.label.positive)
        }
    }

    /// The candidate nearest to `name` by edit distance (case-insensitive), if within
    /// a third of the name's length (at least 2 edits).
    public static func closestName(to name: String, in candidates: [String]) -> String? {
        let target = Array(name.lowercased())
        var best: (distance: Int, name: String)?
        for candidate in candidates {
            let d = editDistance(target, Array(candidate.lowercased()))
            if d < (best?.distance ?? Int.max) { best = (d, candidate) }
        }
        guard let best, best.distance <= max(2, target.count / 3) else { return nil }
        return best.name
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
