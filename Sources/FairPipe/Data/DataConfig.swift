/// Where `make-dataset` gets its rows.
public enum DataSource: String, Codable, Equatable, Sendable, CaseIterable {
    /// ``SyntheticGenerator``: rows with a known, configurable bias (the default).
    case synthetic
    /// A user CSV at `data.path`.
    case csv
    /// UCI Adult (census income), `adult.data` + `adult.test`; see ``AdultDataset``.
    case adult
    /// ProPublica COMPAS, `compas-scores-two-years.csv`; see ``CompasDataset``.
    case compas
    /// Statlog German credit, `german.data`; see ``GermanDataset``.
    case german

    /// The benchmark dataset this source names, or nil for `synthetic` and `csv`.
    public var benchmark: BenchmarkDataset? { BenchmarkDataset.named(self) }
}

/// What to do with missing values (empty CSV fields).
public enum MissingPolicy: String, Codable, Equatable, Sendable, CaseIterable {
    /// Drop every row with a missing label, sensitive or feature value before splitting.
    case drop
    /// Fill with the training split's median (numeric) or most frequent level
    /// (categorical, ties to the first level in sorted order). Rows missing the label or a
    /// sensitive value are dropped: neither can be honestly imputed.
    case impute
    /// Missing categorical values (features and sensitive attributes) become their own
    /// level `missing`; missing numerics are imputed with the training median. Rows missing
    /// the label are dropped.
    case category
}

/// The label column and its favourable value.
public struct LabelSpec: Codable, Equatable, Sendable {
    /// The label's column name.
    public var column: String = "label"
    /// The text of the favourable (positive, 1) class; every other value is 0. For a
    /// numeric column it is compared as a number (`1` matches `1.0`).
    public var positive: String = "1"

    public init() {}
    public init(column: String, positive: String) {
        self.column = column
        self.positive = positive
    }
}

/// Fractions of the stratified train/validation/test split.
public struct SplitConfig: Codable, Equatable, Sendable {
    public var train: Double = 0.6
    public var validation: Double = 0.2
    public var test: Double = 0.2

    public init() {}
    public init(train: Double, validation: Double, test: Double) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// Throws unless each fraction is > 0 and they sum to 1 ± 1e-9. `prefix` is the key
    /// path of this struct within its section (`split`).
    public func validate(prefix: String = "split") throws {
        for (key, value) in [("train", train), ("validation", validation), ("test", test)] {
            guard value.isFinite && value > 0 && value < 1 else {
                throw ConfigError.invalidValue(
                    key: "\(prefix).\(key)", expected: "a fraction in (0, 1)", found: NumberFormat.string(value))
            }
        }
        let sum = train + validation + test
        guard Swift.abs(sum - 1) <= 1e-9 else {
            throw ConfigError.inconsistent(
                key: prefix, message: "train + validation + test must be 1, found \(NumberFormat.string(sum))")
        }
    }
}

/// The `data:` section of `pipeline.yml`.
public struct DataConfig: ConfigSection {
    /// `synthetic` (default), `csv`, or a benchmark: `adult`, `compas`, `german`.
    public var source: DataSource = .synthetic
    /// The CSV file for `source: csv` (relative to the repository root).
    public var path: String? = nil
    /// The label column and its positive value. The synthetic source always writes
    /// `label` with values 0/1, so the default fits it.
    public var label: LabelSpec = LabelSpec()
    /// Sensitive attribute columns. The default fits the synthetic source, which writes
    /// two attributes, `group` and `sex`, so reports include their intersections
    /// (the brief suggested `["group"]`; both are generated, so both are audited).
    public var sensitive: [String] = ["group", "sex"]
    /// Feature columns; `nil` means every column but the label, the sensitive columns
    /// (unless `useSensitiveAsFeature`) and `row_id`.
    public var features: [String]? = nil
    /// Declared column types; other columns are numeric when every non-missing value is
    /// a number, else categorical.
    public var types: [String: ColumnType] = [:]
    /// What to do with missing values.
    public var missing: MissingPolicy = .impute
    /// Whether the sensitive attributes are also model features (off: fairness through
    /// unawareness is the usual baseline, and proxies still leak).
    public var useSensitiveAsFeature: Bool = false
    /// Train/validation/test fractions.
    public var split: SplitConfig = SplitConfig()
    /// Settings of the synthetic generator (read only when `source: synthetic`).
    public var synthetic: SyntheticConfig = SyntheticConfig()
    /// Base URL under which benchmark files are fetched by their original names
    /// (`<mirror>/adult.data`) instead of their canonical URLs. Also set by the environment
    /// variable `FAIRNESS_DATA_MIRROR`.
    public var mirror: String? = nil
    /// Where downloaded benchmark files are cached, one folder per dataset
    /// (`data/raw/adult/adult.data`), relative to the repository root.
    public var cache: String = "data/raw"
    /// SHA-256 (hex) per benchmark file name, overriding or supplying the pinned value
    /// (for a file whose upstream checksum FairPipe could not verify, or a mirror's copy).
    public var checksums: [String: String] = [:]
    /// The data audit make-dataset writes as `audit.json`.
    public var audit: AuditConfig = AuditConfig()

    public init() {}

    /// This config with a benchmark source's defaults filled in (label, sensitive
    /// attributes, features; see ``BenchmarkDataset/resolve(_:)``); itself for `synthetic`
    /// and `csv`. Checks across sections should read `data.resolved.sensitive`.
    public var resolved: DataConfig { source.benchmark?.resolve(self) ?? self }

    public func validate() throws {
        try audit.validate(prefix: "audit")
        if let mirror, !(mirror.hasPrefix("http://") || mirror.hasPrefix("https://") || mirror.hasPrefix("file://")) {
            throw ConfigError.invalidValue(
                key: "mirror", expected: "an http://, https:// or file:// base URL", found: "`\(mirror)`")
        }
        for (name, hash) in checksums.sorted(by: { $0.key < $1.key }) where !SHA256Hex.isValid(hash) {
            throw ConfigError.invalidValue(
                key: "checksums.\(name)", expected: "64 hexadecimal digits (SHA-256)", found: "`\(hash)`")
        }
        guard !cache.isEmpty else {
            throw ConfigError.invalidValue(key: "cache", expected: "a folder path", found: "an empty string")
        }
        switch source {
        case .csv:
            guard let path, !path.isEmpty else {
                throw ConfigError.inconsistent(key: "path", message: "`source: csv` needs `path`, the CSV file to read")
            }
        case .synthetic:
            if let path {
                throw ConfigError.inconsistent(
                    key: "path",
                    message: "`path: \(path)` is only read with `source: csv`; remove it or set `source: csv`")
            }
            try synthetic.validate(prefix: "synthetic")
            guard label.column == "label" else {
                throw ConfigError.inconsistent(
                    key: "label.column",
                    message: "the synthetic source writes its label as `label`, found `\(label.column)`")
            }
            guard label.positive == "1" else {
                throw ConfigError.inconsistent(
                    key: "label.positive",
                    message: "the synthetic label's positive value is `1`, found `\(label.positive)`")
            }
            let attributes = synthetic.attributeNames
            for name in sensitive where !attributes.contains(name) {
                throw ConfigError.invalidValue(
                    key: "sensitive",
                    expected: "columns the synthetic source writes (\(attributes.joined(separator: ", ")))",
                    found: "`\(name)`")
            }
        case .adult, .compas, .german:
            if let path {
                throw ConfigError.inconsistent(
                    key: "path",
                    message:
                        "`path: \(path)` is only read with `source: csv`; `\(source.rawValue)` is downloaded into `\(cache)`"
                )
            }
            if let benchmark = source.benchmark {
                try benchmark.validate(resolving: self)
                return try benchmark.resolve(self).validateColumns()
            }
        }
        try validateColumns()
    }

    /// The checks that do not depend on the source: label, sensitive and feature names.
    func validateColumns() throws {
        guard !label.column.isEmpty else {
            throw ConfigError.invalidValue(key: "label.column", expected: "a column name", found: "an empty string")
        }
        guard !label.positive.isEmpty else {
            throw ConfigError.invalidValue(
                key: "label.positive", expected: "the positive class's text", found: "an empty string")
        }
        guard !sensitive.isEmpty else {
            throw ConfigError.invalidValue(key: "sensitive", expected: "at least one column", found: "an empty list")
        }
        try checkNames(sensitive, key: "sensitive")
        if sensitive.contains(label.column) {
            throw ConfigError.inconsistent(
                key: "sensitive", message: "the label `\(label.column)` cannot be a sensitive attribute")
        }
        if let features {
            guard !features.isEmpty else {
                throw ConfigError.invalidValue(
                    key: "features", expected: "at least one column, or no key for all", found: "an empty list")
            }
            try checkNames(features, key: "features")
            if features.contains(label.column) {
                throw ConfigError.inconsistent(
                    key: "features", message: "the label `\(label.column)` cannot be a feature")
            }
            if !useSensitiveAsFeature, let both = features.first(where: sensitive.contains) {
                throw ConfigError.inconsistent(
                    key: "features",
                    message: "`\(both)` is sensitive; set `use_sensitive_as_feature: true` to use it as a feature")
            }
        }
        if types.keys.contains("") {
            throw ConfigError.invalidValue(key: "types", expected: "column names", found: "an empty name")
        }
        try split.validate(prefix: "split")
    }

    private func checkNames(_ names: [String], key: String) throws {
        var seen = Set<String>()
        for name in names {
            guard !name.isEmpty else {
                throw ConfigError.invalidValue(key: key, expected: "column names", found: "an empty name")
            }
            guard seen.insert(name).inserted else {
                throw ConfigError.invalidValue(key: key, expected: "distinct column names", found: "`\(name)` twice")
            }
        }
    }
}
