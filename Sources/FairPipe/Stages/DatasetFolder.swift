import Foundation

/// What make-dataset produced, recorded beside the splits so later stages need not
/// re-derive it from the configuration.
public struct DatasetSchema: Codable, Equatable, Sendable {
    /// The label column (0/1 in the split files; 1 = `positive`).
    public var label: String
    /// The original value that became label 1.
    public var positive: String
    public var sensitive: [String]
    public var features: [String]
    /// Column types of every column of the split files except `row_id` and the label.
    public var types: [String: ColumnType]
    /// `synthetic`, a CSV path, or a named benchmark dataset.
    public var source: String
    /// Rows per split, and rows dropped before splitting.
    public var rows: [String: Int]
}

/// The split names, as file names.
public enum SplitName: String, CaseIterable, Sendable {
    case train, validation, test
    public var fileName: String { "\(rawValue).csv" }
}

/// Reads a make-dataset output folder, recording every file read as an input of `run`.
public struct DatasetFolder {
    public static let schemaFile = "schema.json"
    public static let encodingFile = "encoding.json"

    public let path: String

    public init(path: String) { self.path = path }

    func file(_ name: String) -> String { URL(fileURLWithPath: path).appendingPathComponent(name).path }

    public func schema(recordingIn run: StageRun) throws -> DatasetSchema {
        try decodeJSON(DatasetSchema.self, at: file(Self.schemaFile), run: run)
    }

    public func encoding(recordingIn run: StageRun) throws -> FeatureEncoding {
        try decodeJSON(FeatureEncoding.self, at: file(Self.encodingFile), run: run)
    }

    /// One split as a table, with the column types make-dataset recorded.
    public func table(_ split: SplitName, schema: DatasetSchema, recordingIn run: StageRun) throws -> Table {
        let path = file(split.fileName)
        let data = try run.readInput(path)
        var types = schema.types
        types[schema.label] = .numeric
        types["row_id"] = .numeric
        return try CSVReader.parse(data, path: path, options: CSVReadOptions(types: types))
    }
}

/// Decodes a JSON artefact written by an earlier stage, recording it as an input.
public func decodeJSON<T: Decodable>(
    _ type: T.Type, at path: String, run: StageRun, decoder: JSONDecoder = CanonicalJSON.decoder()
) throws -> T {
    let data = try run.readInput(path)
    do {
        return try decoder.decode(T.self, from: data)
    } catch {
        throw FileError.malformed(path: path, reason: "not a valid \(T.self) file: \(error)")
    }
}

extension Table {
    /// A numeric 0/1 column as bytes (the label or a decision column of a split file).
    func binaryColumn(_ name: String, path: String) throws -> [UInt8] {
        guard let column = self[name] else {
            throw DataError.missingColumn(
                path: path, column: name, role: "label", available: columnNames,
                suggestion: closestMatch(to: name, among: columnNames))
        }
        guard case .numeric(let values) = column.values else {
            throw DataError.columnType(column: name, expected: "0/1", found: "text")
        }
        var result = [UInt8](repeating: 0, count: values.count)
        for (row, value) in values.enumerated() {
            guard value == 0 || value == 1 else {
                throw DataError.columnType(column: name, expected: "0 or 1", found: "\(value) on data row \(row + 1)")
            }
            result[row] = value == 1 ? 1 : 0
        }
        return result
    }

    /// A sensitive attribute as a metrics column (group names and codes).
    func sensitiveColumn(_ name: String, path: String) throws -> SensitiveColumn {
        guard let column = self[name] else {
            throw DataError.missingColumn(
                path: path, column: name, role: "sensitive", available: columnNames,
                suggestion: closestMatch(to: name, among: columnNames))
        }
        guard case .categorical(let codes, let levels) = column.asCategorical().values else {
            throw DataError.columnType(column: name, expected: "categorical", found: "numeric")
        }
        if let row = codes.firstIndex(of: -1) {
            throw DataError.missingValue(column: name, row: row + 1, policy: "sensitive attributes must not be empty")
        }
        // Groups in name order, so every stage and every input format codes them alike.
        let sorted = levels.indices.sorted { levels[$0] < levels[$1] }
        var recode = [Int32](repeating: 0, count: levels.count)
        for (newCode, oldCode) in sorted.enumerated() { recode[oldCode] = Int32(newCode) }
        return SensitiveColumn(name: name, groups: sorted.map { levels[$0] }, codes: codes.map { recode[Int($0)] })
    }
}

extension EncodedFeatures {
    /// The features as a model matrix.
    func matrix() throws -> Matrix { try Matrix(rows: rows, cols: cols, storage: values) }
}
