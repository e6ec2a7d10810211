/// Errors of the mitigation methods: inputs they cannot honestly fit or apply.
///
/// Each message is one line naming what was expected and what was found. An unmet fairness
/// tolerance is *not* an error: it is reported in the fitted artefact (`toleranceMet`).
public enum MitigationError: FairPipeError, Equatable {
    /// Nothing to fit on.
    case emptyInput(method: String)
    /// Two parallel inputs of different lengths (`labels` has 10 rows, `scores` 12).
    case lengthMismatch(method: String, input: String, expected: Int, found: Int)
    /// A label other than 0 or 1.
    case nonBinaryLabel(method: String, row: Int, found: UInt8)
    /// A score that is NaN or infinite.
    case nonFiniteValue(method: String, input: String, row: Int)
    /// A group code outside `0 ..< groupNames.count`, or one the fitted artefact never saw.
    case unknownGroup(method: String, row: Int, code: Int32)
    /// A group whose labels are all one class where the method needs both.
    case degenerateLabels(method: String, group: String, found: String)
    /// A group with no rows in the fitting data.
    case emptyGroup(method: String, group: String)
    /// Pooling small or single-class groups (``MitigationGroups``) left one group: nothing to
    /// equalise between.
    case allGroupsPooled(method: String, groups: Int, split: String)
    /// A parameter outside its range (checked again here because the library can be used
    /// without a validated config).
    case invalidParameter(method: String, name: String, expected: String, found: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .invalidParameter: return .usage
        default: return .dataError
        }
    }

    public var description: String {
        switch self {
        case .emptyInput(let method):
            return "\(method): no rows to fit on"
        case .lengthMismatch(let method, let input, let expected, let found):
            return "\(method): `\(input)` must have \(expected) rows, found \(found)"
        case .nonBinaryLabel(let method, let row, let found):
            return "\(method): label at row \(row) must be 0 or 1, found \(found)"
        case .nonFiniteValue(let method, let input, let row):
            return "\(method): `\(input)` at row \(row) must be a finite number, found NaN or infinity"
        case .unknownGroup(let method, let row, let code):
            return "\(method): group code \(code) at row \(row) is not one the method was fitted on"
        case .degenerateLabels(let method, let group, let found):
            return
                "\(method): group `\(group)` needs both label classes, found only \(found); mitigate pools single-class groups "
                + "(and, with fairness.exclude_small_groups: true, groups under fairness.min_group_size) into `(other)`, so here too few rows are left: "
                + "raise fairness.min_group_size with exclude_small_groups, or leave an attribute out of data.sensitive"
        case .emptyGroup(let method, let group):
            return "\(method): group `\(group)` has no rows in the fitting data"
        case .invalidParameter(let method, let name, let expected, let found):
            return "\(method): `\(name)` must be \(expected), found \(found)"
        case .allGroupsPooled(let method, let groups, let split):
            return
                "\(method): all \(groups) groups of the \(split) split are small or single-class and were pooled into one, so there is nothing to equalise; "
                + "lower fairness.min_group_size or set fairness.exclude_small_groups: false, or leave an attribute with many values (a zip code?) out of data.sensitive"
        }
    }
}

/// Input checks shared by the methods, so every method rejects bad input the same way.
enum MitigationInput {
    static func check(
        method: String, scores: [Double], labels: [UInt8]?, groups: [Int32], groupCount: Int
    ) throws {
        guard !scores.isEmpty else { throw MitigationError.emptyInput(method: method) }
        if let labels, labels.count != scores.count {
            throw MitigationError.lengthMismatch(
                method: method, input: "labels", expected: scores.count, found: labels.count)
        }
        guard groups.count == scores.count else {
            throw MitigationError.lengthMismatch(
                method: method, input: "groups", expected: scores.count, found: groups.count)
        }
        for (row, score) in scores.enumerated() where !score.isFinite {
            throw MitigationError.nonFiniteValue(method: method, input: "scores", row: row)
        }
        if let labels {
            for (row, label) in labels.enumerated() where label > 1 {
                throw MitigationError.nonBinaryLabel(method: method, row: row, found: label)
            }
        }
        for (row, code) in groups.enumerated() where code < 0 || Int(code) >= groupCount {
            throw MitigationError.unknownGroup(method: method, row: row, code: code)
        }
    }
}
