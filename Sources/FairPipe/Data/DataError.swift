/// Data that cannot be split or learned from honestly: missing columns, one label class,
/// too few rows, values the encoding cannot handle. Exit status `dataError` (65), or
/// `noInput` (66) when the input file does not exist.
public enum DataError: FairPipeError, Equatable {
    /// The CSV named by `data.path` does not exist.
    case fileNotFound(path: String)
    /// A column the config names (`role`: label, sensitive, feature) is not in the file.
    case missingColumn(path: String, column: String, role: String, available: [String], suggestion: String?)
    /// After mapping `label.positive`, every row has the same class.
    case singleClass(path: String, column: String, value: String)
    /// No row of the label column equals `label.positive`.
    case positiveNotFound(path: String, column: String, positive: String, found: [String])
    /// No rows left (after dropping rows with missing values, for instance).
    case noRows(path: String, reason: String)
    /// A split came out empty; the data are too small for the fractions.
    case emptySplit(split: String, rows: Int)
    /// A missing value the policy cannot handle (`missing: drop` at apply time).
    case missingValue(column: String, row: Int, policy: String)
    /// A column of the wrong type for the role the encoding gave it.
    case columnType(column: String, expected: String, found: String)
    /// A feature with no observed value in the training split (nothing to fit on).
    case noTrainingValues(column: String)
    /// Columns of unequal length or a repeated name when building a table.
    case inconsistentTable(reason: String)
    /// A `row_id` column that is not unique integers.
    case badRowID(path: String, reason: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .fileNotFound: return .noInput
        default: return .dataError
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file (data.path)"
        case .missingColumn(let path, let column, let role, let available, let suggestion):
            let hint = suggestion.map { " (did you mean `\($0)`?)" } ?? ""
            return "\(path): no \(role) column `\(column)`\(hint); columns are \(available.joined(separator: ", "))"
        case .singleClass(let path, let column, let value):
            return "\(path): label `\(column)` has a single class `\(value)`, expected two"
        case .positiveNotFound(let path, let column, let positive, let found):
            let shown = found.prefix(10).map { "`\($0)`" }.joined(separator: ", ")
            return "\(path): label `\(column)` never equals the positive value `\(positive)`; found \(shown)"
        case .noRows(let path, let reason):
            return "\(path): no rows left: \(reason)"
        case .emptySplit(let split, let rows):
            return "split `\(split)` would be empty with \(rows) rows; need more rows or a larger fraction"
        case .missingValue(let column, let row, let policy):
            return "column `\(column)` row \(row): missing value under `missing: \(policy)`"
        case .columnType(let column, let expected, let found):
            return "column `\(column)` must be \(expected), found \(found)"
        case .noTrainingValues(let column):
            return "column `\(column)` has no values in the training split"
        case .inconsistentTable(let reason):
            return "inconsistent table: \(reason)"
        case .badRowID(let path, let reason):
            return "\(path): column `row_id`: \(reason)"
        }
    }
}
