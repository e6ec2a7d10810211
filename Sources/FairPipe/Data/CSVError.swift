/// Malformed CSV input. Every case names the file and, where one exists, the 1-based
/// physical line (the header is line 1; a record spanning lines is named by its first).
public enum CSVError: FairPipeError, Equatable {
    /// The file has no bytes (or only a byte-order mark).
    case empty(path: String)
    /// A header and no data rows.
    case noRows(path: String)
    /// Header field `column` (1-based) is empty.
    case emptyHeaderName(path: String, column: Int)
    /// Two header fields share a name.
    case duplicateHeaderName(path: String, name: String, firstColumn: Int, secondColumn: Int)
    /// A record with the wrong number of fields.
    case wrongFieldCount(path: String, line: Int, expected: Int, found: Int)
    /// A quoted field that never closes; `line` is where it opened.
    case unterminatedQuote(path: String, line: Int)
    /// Text between a closing quote and the next separator (`"ab"c`).
    case textAfterQuote(path: String, line: Int, column: String)
    /// Bytes that are not UTF-8.
    case invalidUTF8(path: String, line: Int)
    /// A non-number in a column declared numeric.
    case notANumber(path: String, line: Int, column: String, value: String)
    /// `nan`, `inf` or similar in a numeric column.
    case nonFiniteNumber(path: String, line: Int, column: String, value: String)
    /// A requested column the header does not have.
    case unknownColumn(path: String, column: String, available: [String])

    public var exitStatus: ExitStatus { .dataError }

    public var description: String {
        switch self {
        case .empty(let path):
            return "\(path): empty file, expected a header row and data rows"
        case .noRows(let path):
            return "\(path): header only, expected at least one data row"
        case .emptyHeaderName(let path, let column):
            return "\(path):1: header field \(column) is empty, expected a column name"
        case .duplicateHeaderName(let path, let name, let first, let second):
            return "\(path):1: column name `\(name)` appears twice (fields \(first) and \(second))"
        case .wrongFieldCount(let path, let line, let expected, let found):
            return "\(path):\(line): expected \(expected) fields, found \(found)"
        case .unterminatedQuote(let path, let line):
            return "\(path):\(line): quoted field never closes (unterminated quote)"
        case .textAfterQuote(let path, let line, let column):
            return "\(path):\(line): column `\(column)`: text after closing quote, expected `,` or end of line"
        case .invalidUTF8(let path, let line):
            return "\(path):\(line): invalid UTF-8"
        case .notANumber(let path, let line, let column, let value):
            return "\(path):\(line): column `\(column)` is numeric, found `\(value)`"
        case .nonFiniteNumber(let path, let line, let column, let value):
            return
                "\(path):\(line): column `\(column)`: non-finite number `\(value)`, expected a finite number or an empty field"
        case .unknownColumn(let path, let column, let available):
            return "\(path): no column `\(column)`; columns are \(available.joined(separator: ", "))"
        }
    }
}
