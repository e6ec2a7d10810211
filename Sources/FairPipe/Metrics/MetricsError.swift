/// Errors of the fairness measurement engine: bad prediction input. All are data errors
/// (exit status 65); rows are numbered from 1 in the order given.
public enum MetricsError: FairPipeError, Equatable {
    case noRows
    case lengthMismatch(column: String, expected: Int, found: Int)
    case invalidLabel(row: Int, found: String)
    case invalidDecision(row: Int, found: String)
    case invalidScore(row: Int, found: String)
    case emptyGroupName(attribute: String, row: Int)
    case invalidGroupCode(attribute: String, row: Int, found: Int32, groups: Int)
    case duplicateAttribute(name: String)
    case unknownReference(attribute: String, found: String, groups: [String])
    case unknownReferenceAttribute(attribute: String, attributes: [String])
    case tooManyGroups(attribute: String, groups: Int, limit: Int)
    case featureShape(row: Int, expected: Int, found: Int)

    public var exitStatus: ExitStatus { .dataError }

    public var description: String {
        switch self {
        case .noRows:
            return "predictions: no rows to evaluate"
        case .lengthMismatch(let column, let expected, let found):
            return "predictions: column `\(column)` has \(found) values, expected \(expected) (one per label)"
        case .invalidLabel(let row, let found):
            return "predictions row \(row): label must be 0 or 1, found \(found)"
        case .invalidDecision(let row, let found):
            return "predictions row \(row): decision must be 0 or 1, found \(found)"
        case .invalidScore(let row, let found):
            return "predictions row \(row): score must be a number in [0, 1], found \(found)"
        case .emptyGroupName(let attribute, let row):
            return "predictions row \(row): sensitive attribute `\(attribute)` has an empty group name"
        case .invalidGroupCode(let attribute, let row, let found, let groups):
            return "predictions row \(row): attribute `\(attribute)` has group code \(found), expected 0..<\(groups)"
        case .duplicateAttribute(let name):
            return "predictions: sensitive attribute `\(name)` given twice"
        case .unknownReference(let attribute, let found, let groups):
            return
                "fairness.reference.\(attribute): no group `\(found)` in the data (groups: \(groups.joined(separator: ", ")))"
        case .unknownReferenceAttribute(let attribute, let attributes):
            return
                "fairness.reference: no attribute or intersection `\(attribute)` in the data (have: \(attributes.joined(separator: ", ")))"
        case .tooManyGroups(let attribute, let groups, let limit):
            return
                "sensitive attribute `\(attribute)` has \(groups) groups, more than fairness.max_groups = \(limit); is it really a sensitive attribute (an ID column?)"
        case .featureShape(let row, let expected, let found):
            return "features row \(row): expected \(expected) values, found \(found)"
        }
    }
}
