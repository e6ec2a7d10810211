/// Errors of `explain`: malformed models or inputs it cannot explain (exit status `dataError`).
public enum ExplainError: FairPipeError, Equatable {
    /// A tree of a tree model does not describe a tree TreeSHAP can read.
    case invalidTree(tree: Int, reason: String)
    /// The model's columns are not the dataset encoding's.
    case columnMismatch(expected: Int, found: Int)
    /// The explained split has too few rows.
    case tooFewRows(rows: Int)
    /// A tree model reads a column that is neither a raw feature nor an encoded column.
    case unknownTreeColumn(name: String)

    public var exitStatus: ExitStatus { .dataError }

    public var description: String {
        switch self {
        case .invalidTree(let tree, let reason): return "tree \(tree): \(reason)"
        case .columnMismatch(let expected, let found):
            return "model columns: the dataset encoding has \(expected), the model reads \(found)"
        case .tooFewRows(let rows): return "explain needs at least 2 rows in the explained split, found \(rows)"
        case .unknownTreeColumn(let name):
            return "the tree model reads `\(name)`, which is not a feature of the dataset encoding"
        }
    }
}
