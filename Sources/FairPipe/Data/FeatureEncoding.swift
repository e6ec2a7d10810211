import Foundation

/// A design matrix: `rows × cols` values in row-major order, and the column names.
public struct EncodedFeatures: Equatable, Sendable {
    public var rows: Int
    public var cols: Int
    /// Row-major: row r, column c at `values[r * cols + c]`.
    public var values: [Double]
    /// `x1` for a numeric feature, `cat1=a` for a one-hot column.
    public var names: [String]

    public init(rows: Int, cols: Int, values: [Double], names: [String]) {
        self.rows = rows
        self.cols = cols
        self.values = values
        self.names = names
    }

    public subscript(row: Int, col: Int) -> Double { values[row * cols + col] }
}

/// How one input column becomes model features.
public struct EncodedColumn: Codable, Equatable, Sendable {
    public var name: String
    public var type: ColumnType
    /// Numeric: mean of the (imputed) training values.
    public var mean: Double?
    /// Numeric: standard deviation (ddof = 0) of the (imputed) training values; 1 when
    /// that is 0, so a constant column encodes as 0 instead of NaN.
    public var scale: Double?
    /// Numeric: the training median that replaces a missing value (`nil` under `drop`).
    public var fill: Double?
    /// Categorical: the training levels in sorted order, one output column each.
    public var levels: [String]?
    /// Categorical: the level that replaces a missing value — the training mode under
    /// `impute`, `missing` under `category`, `nil` under `drop`.
    public var fillLevel: String?

    /// Output column names: the name for numeric, `name=level` per level for categorical.
    public var outputNames: [String] {
        type == .numeric ? [name] : (levels ?? []).map { "\(name)=\($0)" }
    }
}

/// Feature encoding fitted on the TRAINING split only and applied unchanged to every split
/// (no information from validation or test leaks into the features).
///
/// Numeric columns: missing values filled with the training median (numpy's median: the
/// mean of the two middle values for an even count), then standardised
/// `(x − mean) / std` with mean and population std (ddof = 0) of the filled training
/// values — scikit-learn's `SimpleImputer(strategy="median")` then `StandardScaler()`.
/// Categorical columns: one-hot over the training levels in sorted order. A level never
/// seen in training encodes as all zeros (the model has no weight for it). Missing values
/// follow ``MissingPolicy``: `impute` uses the training mode, `category` the level
/// `missing` (a column of its own when training had missing values, else all zeros),
/// `drop` throws (rows with missing values should have been dropped before splitting).
/// Saved as JSON with sorted keys, so the same fit gives the same bytes.
public struct FeatureEncoding: Codable, Equatable, Sendable {
    public var missing: MissingPolicy
    public var columns: [EncodedColumn]

    public init(missing: MissingPolicy, columns: [EncodedColumn]) {
        self.missing = missing
        self.columns = columns
    }

    /// All output column names, in order.
    public var featureNames: [String] { columns.flatMap(\.outputNames) }

    /// The input column types, to pin them when re-reading a split from CSV.
    public var columnTypes: [String: ColumnType] {
        Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.type) })
    }

    /// Fits on `train`, encoding `features` in the given order. O(rows × features + levels log levels).
    public static func fit(train: Table, features: [String], missing: MissingPolicy) throws -> FeatureEncoding {
        var encoded: [EncodedColumn] = []
        for name in features {
            guard let column = train[name] else {
                throw DataError.inconsistentTable(reason: "no feature column `\(name)` in the training split")
            }
            switch column.values {
            case .numeric(let numbers):
                let observed = numbers.filter { !$0.isNaN }
                guard !observed.isEmpty else { throw DataError.noTrainingValues(column: name) }
                let fill = missing == .drop ? nil : median(observed)
                let filled = numbers.map { $0.isNaN ? (fill ?? 0) : $0 }
                let values = missing == .drop ? observed : filled
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
                let std = variance.squareRoot()
                encoded.append(
                    EncodedColumn(
                        name: name, type: .numeric, mean: mean, scale: std > 0 ? std : 1, fill: fill, levels: nil,
                        fillLevel: nil))
            case .categorical(let codes, let tableLevels):
                var counts = [Int](repeating: 0, count: tableLevels.count)
                var missingCount = 0
                for code in codes {
                    if code < 0 { missingCount += 1 } else { counts[Int(code)] += 1 }
                }
                var levels = tableLevels.indices.filter { counts[$0] > 0 }.map { tableLevels[$0] }
                var fillLevel: String?
                switch missing {
                case .drop:
                    fillLevel = nil
                case .impute:
                    guard !levels.isEmpty else { throw DataError.noTrainingValues(column: name) }
                    // Mode; ties go to the first level in sorted order.
                    let best = tableLevels.indices.filter { counts[$0] > 0 }.min { a, b in
                        counts[a] != counts[b] ? counts[a] > counts[b] : tableLevels[a] < tableLevels[b]
                    }
                    fillLevel = best.map { tableLevels[$0] }
                case .category:
                    fillLevel = "missing"
                    if missingCount > 0 && !levels.contains("missing") { levels.append("missing") }
                }
                guard !levels.isEmpty else { throw DataError.noTrainingValues(column: name) }
                encoded.append(
                    EncodedColumn(
                        name: name, type: .categorical, mean: nil, scale: nil, fill: nil, levels: levels.sorted(),
                        fillLevel: fillLevel))
            }
        }
        return FeatureEncoding(missing: missing, columns: encoded)
    }

    /// Encodes `table` (any split, or new data with the same columns). O(rows × outputs).
    public func apply(to table: Table) throws -> EncodedFeatures {
        let names = featureNames
        let cols = names.count
        let rows = table.rowCount
        var values = [Double](repeating: 0, count: rows * cols)
        var offset = 0
        for spec in columns {
            guard let column = table[spec.name] else {
                throw DataError.inconsistentTable(reason: "no feature column `\(spec.name)` to encode")
            }
            switch spec.type {
            case .numeric:
                guard case .numeric(let numbers) = column.values else {
                    throw DataError.columnType(column: spec.name, expected: "numeric", found: "text")
                }
                let mean = spec.mean ?? 0, scale = spec.scale ?? 1
                for row in 0..<rows {
                    var x = numbers[row]
                    if x.isNaN {
                        guard let fill = spec.fill else {
                            throw DataError.missingValue(column: spec.name, row: row, policy: missing.rawValue)
                        }
                        x = fill
                    }
                    values[row * cols + offset] = (x - mean) / scale
                }
                offset += 1
            case .categorical:
                let levels = spec.levels ?? []
                guard case .categorical(let codes, let tableLevels) = column.asCategorical().values else { continue }
                var position: [String: Int] = [:]
                for (i, level) in levels.enumerated() { position[level] = i }
                let codeToOutput = tableLevels.map { position[$0] ?? -1 }
                let fillOutput = spec.fillLevel.flatMap { position[$0] } ?? -1
                for row in 0..<rows {
                    let code = codes[row]
                    var out: Int
                    if code < 0 {
                        guard spec.fillLevel != nil else {
                            throw DataError.missingValue(column: spec.name, row: row, policy: missing.rawValue)
                        }
                        out = fillOutput
                    } else {
                        out = codeToOutput[Int(code)]
                    }
                    if out >= 0 { values[row * cols + offset + out] = 1 }
                }
                offset += levels.count
            }
        }
        return EncodedFeatures(rows: rows, cols: cols, values: values, names: names)
    }

    /// JSON with sorted keys (pretty-printed), the form saved beside the splits.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }

    /// Reads an encoding saved by ``jsonData()``; `path` names the file in errors.
    public static func decode(_ data: Data, path: String) throws -> FeatureEncoding {
        do {
            return try JSONDecoder().decode(FeatureEncoding.self, from: data)
        } catch {
            throw FileError.malformed(path: path, reason: "not a feature encoding: \(error)")
        }
    }

    /// numpy's median: middle value, or the mean of the two middle values.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
