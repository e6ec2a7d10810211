import Foundation

/// The predictions CSV every stage exchanges and any outside model can supply:
/// `row_id`, the sensitive columns, `label` (0/1), `score` (optional, in [0, 1]) and
/// `decision` (0/1; `True`/`False` as pandas writes booleans are read as 1/0). Rows without
/// labels (deployment rows, `mitigate --apply`) have no `label` column.
public struct Predictions: Equatable, Sendable {
    public var rowIDs: [Double]
    public var attributes: [SensitiveColumn]
    /// One per row; empty when the rows are not labelled (``labelled`` false).
    public var labels: [UInt8]
    /// Whether the rows carry labels: false only for a file read with
    /// ``PredictionColumns/labelOptional`` that has no label column.
    public var labelled = true
    public var scores: [Double]?
    public var decisions: [UInt8]
    /// As read from CSV: the label column's values (sorted), and the decision column (nil when
    /// decisions are the scores thresholded). For shard statistics' settings and label checks.
    public var labelLevels: [String] = []
    public var decisionColumn: String?

    public init(rowIDs: [Double], attributes: [SensitiveColumn], labels: [UInt8], scores: [Double]?, decisions: [UInt8])
    {
        self.rowIDs = rowIDs
        self.attributes = attributes
        self.labels = labels
        self.scores = scores
        self.decisions = decisions
    }

    public var count: Int { rowIDs.count }

    /// The input of the fairness engine.
    public func predictionSet(features: FeatureMatrix? = nil) -> PredictionSet {
        PredictionSet(labels: labels, decisions: decisions, scores: scores, attributes: attributes, features: features)
    }

    /// The same rows with other decisions (and optionally other scores).
    public func with(decisions: [UInt8], scores: [Double]?? = nil) -> Predictions {
        var copy = self
        copy.decisions = decisions
        if let scores { copy.scores = scores }
        return copy
    }

    /// One group code per row over every sensitive attribute combined (`Female&Black`),
    /// and the names of those groups in code order; for methods that need a single group.
    public func combinedGroups() -> (codes: [Int32], names: [String]) {
        guard attributes.count > 1 else {
            return (attributes.first?.codes ?? [Int32](repeating: 0, count: count), attributes.first?.groups ?? ["all"])
        }
        var keys = [String](repeating: "", count: count)
        for row in 0..<count {
            keys[row] = attributes.map { $0.groups[Int($0.codes[row])] }.joined(separator: "&")
        }
        let names = Array(Set(keys)).sorted()
        var index: [String: Int32] = [:]
        for (code, name) in names.enumerated() { index[name] = Int32(code) }
        return (keys.map { index[$0] ?? 0 }, names)
    }

    /// CSV bytes, columns in the fixed order.
    public func csvData() throws -> Data {
        var columns = [Column(name: "row_id", numbers: rowIDs)]
        for attribute in attributes {
            columns.append(
                Column(name: attribute.name, values: .categorical(codes: attribute.codes, levels: attribute.groups)))
        }
        if labelled { columns.append(Column(name: "label", numbers: labels.map(Double.init))) }
        if let scores { columns.append(Column(name: "score", numbers: scores)) }
        columns.append(Column(name: "decision", numbers: decisions.map(Double.init)))
        return Data(CSVWriter.data(try Table(columns: columns)))
    }
}

/// How to read a predictions CSV: which columns hold what.
public struct PredictionColumns: Equatable, Sendable {
    public var label = "label"
    /// The 0/1 decision column; when `nil` it is `decision` if present, else decisions
    /// come from the scores and `threshold`.
    public var decision: String?
    /// The score column; when `nil` it is `score` if present.
    public var score: String?
    public var sensitive: [String]
    /// The label value meaning "favourable" (1).
    public var positive = "1"
    public var threshold = 0.5
    /// The sensitive columns came from `data.sensitive`, not `--sensitive` (said when one is missing).
    public var sensitiveFromConfig = false
    /// A missing label column means the rows are not labelled yet (`mitigate --apply` on
    /// deployment rows) instead of an error.
    public var labelOptional = false

    public init(sensitive: [String]) { self.sensitive = sensitive }
}

public enum PredictionsError: FairPipeError, Equatable {
    case missingColumn(path: String, column: String, role: String, available: [String])
    case badValue(path: String, column: String, row: Int, expected: String, found: String)
    case noDecisions(path: String)
    case noScores(path: String)
    case labelClasses(path: String, column: String, positive: String, found: [String])
    /// An empty cell where a value is required; `line` counts the header as line 1.
    case emptyCell(path: String, column: String, role: String, line: Int)

    public var exitStatus: ExitStatus { .dataError }

    public var description: String {
        switch self {
        case .missingColumn(let path, let column, let role, let available):
            let hint = closestMatch(to: column, among: available).map { " (did you mean `\($0)`?)" } ?? ""
            return "\(path): no \(role) column `\(column)`\(hint); columns are \(available.joined(separator: ", "))"
        case .badValue(let path, let column, let row, let expected, let found):
            return "\(path):\(row + 1): column `\(column)` must be \(expected), found `\(found)`"
        case .noScores(let path):
            return "\(path): post-processing needs scores; pass --score COL (probabilities in [0, 1])"
        case .noDecisions(let path):
            return
                "\(path): no `decision` column and no `score` column to threshold; pass --decision COL or --score COL"
        case .labelClasses(let path, let column, let positive, let found):
            return
                "\(path): label column `\(column)` must hold `\(positive)` and one other value, found \(found.map { "`\($0)`" }.joined(separator: ", "))"
        case .emptyCell(let path, let column, let role, let line):
            return "\(path):\(line): empty \(role) in column `\(column)`"
        }
    }
}

extension PredictionsError {
    /// The same error for a table whose first row is `lines` lines further down the file (a chunk).
    func shifted(lines: Int) -> PredictionsError {
        switch self {
        case .badValue(let path, let column, let row, let expected, let found):
            return .badValue(path: path, column: column, row: row + lines, expected: expected, found: found)
        case .emptyCell(let path, let column, let role, let line):
            return .emptyCell(path: path, column: column, role: role, line: line + lines)
        default:
            return self
        }
    }
}

extension Predictions {
    /// Reads and validates a predictions CSV. Line numbers in errors count the header as
    /// line 1.
    public static func read(_ data: Data, path: String, columns spec: PredictionColumns) throws -> Predictions {
        try read(table: try CSVReader.parse(data, path: path, options: readOptions(spec)), path: path, columns: spec)
    }

    /// The CSV options of a predictions file: label and sensitive columns are categorical.
    static func readOptions(_ spec: PredictionColumns) -> CSVReadOptions {
        var types: [String: ColumnType] = [spec.label: .categorical]
        for name in spec.sensitive { types[name] = .categorical }
        return CSVReadOptions(types: types)
    }

    /// Reads and validates predictions from a parsed table (a whole file, or one chunk of it:
    /// rows, and so line numbers in errors, count from the table's first row as line 2).
    static func read(table: Table, path: String, columns spec: PredictionColumns) throws -> Predictions {
        let available = table.columnNames
        func column(_ name: String, role: String) throws -> Column {
            try requiredColumn(table, name, role: role, path: path)
        }
        let n = table.rowCount
        let rowIDs: [Double]
        if let ids = table["row_id"], case .numeric(let values) = ids.values {
            rowIDs = values
        } else {
            rowIDs = (0..<n).map(Double.init)
        }
        if spec.labelOptional && table[spec.label] == nil {
            let (scores, decisions) = try scoresAndDecisions(table, path: path, spec: spec)
            var unlabelled = Predictions(
                rowIDs: rowIDs, attributes: try sensitiveColumns(table, path: path, spec: spec), labels: [],
                scores: scores, decisions: decisions)
            unlabelled.labelled = false
            return unlabelled
        }

        // Label: `positive` → 1, the one other value → 0.
        let labelColumn = try column(spec.label, role: "label")
        guard case .categorical(let labelCodes, let labelLevels) = labelColumn.values else {
            throw PredictionsError.missingColumn(path: path, column: spec.label, role: "label", available: available)
        }
        if let row = labelCodes.firstIndex(of: -1) {
            throw PredictionsError.emptyCell(path: path, column: spec.label, role: "label", line: row + 2)
        }
        let positive = positiveLabel(spec.positive, levels: labelLevels)
        let others = labelLevels.filter { $0 != positive }
        guard others.count <= 1 else {
            throw PredictionsError.labelClasses(path: path, column: spec.label, positive: positive, found: labelLevels)
        }
        let positiveCode = labelLevels.firstIndex(of: positive).map(Int32.init) ?? -2
        let labels = labelCodes.map { $0 == positiveCode ? UInt8(1) : 0 }

        let (scores, decisions) = try scoresAndDecisions(table, path: path, spec: spec)

        let attributes = try sensitiveColumns(table, path: path, spec: spec)
        var predictions = Predictions(
            rowIDs: rowIDs, attributes: attributes, labels: labels, scores: scores, decisions: decisions)
        predictions.labelLevels = labelLevels.sorted()
        predictions.decisionColumn = spec.decision ?? (table["decision"] != nil ? "decision" : nil)
        return predictions
    }

    /// The optional score column (each in [0, 1]) and the 0/1 decisions (a column, or the
    /// scores thresholded at `spec.threshold`), as `read` takes them; shared with the monitor's log.
    static func scoresAndDecisions(_ table: Table, path: String, spec: PredictionColumns) throws -> ([Double]?, [UInt8])
    {
        func column(_ name: String, role: String) throws -> Column {
            try requiredColumn(table, name, role: role, path: path)
        }
        let n = table.rowCount
        // Scores: optional, each in [0, 1].
        let scoreName = spec.score ?? (table["score"] != nil ? "score" : nil)
        var scores: [Double]?
        if let scoreName {
            let values = try numbers(
                try column(scoreName, role: "score"), path: path, role: "score", expected: "a probability in [0, 1]")
            for (row, value) in values.enumerated() where !(value >= 0 && value <= 1) {
                throw PredictionsError.badValue(
                    path: path, column: scoreName, row: row + 1, expected: "a probability in [0, 1]",
                    found: value.isNaN ? "" : NumberFormat.string(value))
            }
            scores = values
        }

        // Decisions: a 0/1 column, or the scores thresholded.
        let decisionName = spec.decision ?? (table["decision"] != nil ? "decision" : nil)
        var decisions: [UInt8]
        if let decisionName {
            let values = try numbers(
                try column(decisionName, role: "decision"), path: path, role: "decision", expected: "0 or 1",
                booleans: true)
            decisions = []
            decisions.reserveCapacity(n)
            for (row, value) in values.enumerated() {
                guard value == 0 || value == 1 else {
                    throw PredictionsError.badValue(
                        path: path, column: decisionName, row: row + 1, expected: "0 or 1",
                        found: value.isNaN ? "" : NumberFormat.string(value))
                }
                decisions.append(value == 1 ? 1 : 0)
            }
        } else if let scores {
            decisions = scores.map { $0 >= spec.threshold ? 1 : 0 }
        } else {
            throw PredictionsError.noDecisions(path: path)
        }

        return (scores, decisions)
    }

    /// The sensitive columns of `spec`, each checked present (shared with the monitor's log).
    static func sensitiveColumns(_ table: Table, path: String, spec: PredictionColumns) throws -> [SensitiveColumn] {
        try spec.sensitive.map { name -> SensitiveColumn in
            let role =
                spec.sensitiveFromConfig ? "sensitive (from data.sensitive; name yours with --sensitive)" : "sensitive"
            let column = try requiredColumn(table, name, role: role, path: path)
            if let row = column.firstMissingRow {
                throw PredictionsError.emptyCell(path: path, column: name, role: "sensitive value", line: row + 2)
            }
            return try table.sensitiveColumn(name, path: path)
        }
    }

    static func requiredColumn(_ table: Table, _ name: String, role: String, path: String) throws -> Column {
        guard let column = table[name] else {
            throw PredictionsError.missingColumn(path: path, column: name, role: role, available: table.columnNames)
        }
        return column
    }

    /// The column as numbers, each cell required. With `booleans`, `True`/`False` (pandas),
    /// `true`/`false` and `TRUE`/`FALSE` (R) are 1 and 0.
    private static func numbers(
        _ column: Column, path: String, role: String, expected: String, booleans: Bool = false
    ) throws -> [Double] {
        if let row = column.firstMissingRow {
            throw PredictionsError.emptyCell(path: path, column: column.name, role: role, line: row + 2)
        }
        switch column.values {
        case .numeric(let values):
            return values
        case .categorical(let codes, let levels):
            let levelValues = levels.map { (booleans ? booleanValue($0) : nil) ?? Double($0) }
            return try codes.enumerated().map { row, code in
                guard let value = levelValues[Int(code)] else {
                    throw PredictionsError.badValue(
                        path: path, column: column.name, row: row + 1, expected: expected, found: levels[Int(code)])
                }
                return value
            }
        }
    }

    /// 1 for `True`/`true`/`TRUE`, 0 for `False`/`false`/`FALSE`, else nil.
    static func booleanValue(_ text: String) -> Double? {
        switch text {
        case "True", "true", "TRUE": return 1
        case "False", "false", "FALSE": return 0
        default: return nil
        }
    }

    /// The label value that is favourable: `positive`, except that the default `1` on a
    /// boolean column (`True`/`False`, as pandas writes it) means its true spelling.
    static func positiveLabel(_ positive: String, levels: [String]) -> String {
        guard positive == "1", !levels.contains("1"), !levels.isEmpty,
            levels.allSatisfy({ booleanValue($0) != nil })
        else { return positive }
        return levels.first { booleanValue($0) == 1 } ?? positive
    }
}
