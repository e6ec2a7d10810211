/// Errors of fitting and applying models. All are problems with the data handed to the
/// model (exit status `dataError`); rows are numbered from 0 in the order they were given.
public enum ModelError: FairPipeError, Equatable {
    /// A matrix or vector has the wrong shape.
    case shapeMismatch(expected: String, found: String)
    /// `labels`, `weights` or `featureNames` has a count that does not match the matrix.
    case countMismatch(what: String, expected: Int, found: Int)
    /// There are no rows to learn from.
    case noRows
    /// A label other than 0 or 1.
    case invalidLabel(row: Int, value: UInt8)
    /// Only one label class carries positive weight, so no classifier can be learned.
    case singleClass(label: UInt8)
    /// A feature value that is NaN or infinite.
    case nonFiniteFeature(feature: String, row: Int, value: Double)
    /// A sample weight that is NaN or infinite.
    case nonFiniteWeight(row: Int, value: Double)
    /// A negative sample weight.
    case negativeWeight(row: Int, value: Double)
    /// All sample weights are zero.
    case zeroTotalWeight
    /// The features a model was fitted on are not the ones it is applied to.
    case featureMismatch(expected: [String], found: [String])
    /// The solver met an overflow (feature values so large that scores are not finite).
    case numericalFailure(message: String)

    public var exitStatus: ExitStatus { .dataError }

    public var description: String {
        switch self {
        case .shapeMismatch(let expected, let found):
            return "matrix shape: expected \(expected), found \(found)"
        case .countMismatch(let what, let expected, let found):
            return "\(what): expected \(expected) (one per row), found \(found)"
        case .noRows:
            return "no rows to fit a model on"
        case .invalidLabel(let row, let value):
            return "row \(row): label must be 0 or 1, found \(value)"
        case .singleClass(let label):
            return "labels: only class \(label) has positive weight; a classifier needs both 0 and 1"
        case .nonFiniteFeature(let feature, let row, let value):
            return "row \(row), feature `\(feature)`: expected a finite number, found \(value)"
        case .nonFiniteWeight(let row, let value):
            return "row \(row): sample weight must be finite, found \(value)"
        case .negativeWeight(let row, let value):
            return "row \(row): sample weight must be ≥ 0, found \(value)"
        case .zeroTotalWeight:
            return "sample weights: expected a positive total, found all zero"
        case .featureMismatch(let expected, let found):
            return "features: model expects \(expected.count) [\(Self.preview(expected))], "
                + "found \(found.count) [\(Self.preview(found))]"
        case .numericalFailure(let message):
            return "model fit: \(message)"
        }
    }

    private static func preview(_ names: [String]) -> String {
        names.count <= 6 ? names.joined(separator: ", ") : names.prefix(6).joined(separator: ", ") + ", …"
    }
}
