/// One sensitive attribute of the prediction rows, dictionary-coded: `groups[codes[i]]` is
/// row i's group. The coded form is the fast path; ``init(name:values:)`` codes strings.
public struct SensitiveColumn: Equatable, Sendable {
    public var name: String
    public var groups: [String]
    public var codes: [Int32]

    public init(name: String, groups: [String], codes: [Int32]) {
        self.name = name; self.groups = groups; self.codes = codes
    }

    /// Codes string values; groups are sorted by name so the coding is deterministic.
    public init(name: String, values: [String]) throws {
        for (i, v) in values.enumerated() where v.isEmpty {
            throw MetricsError.emptyGroupName(attribute: name, row: i + 1)
        }
        let groups = Array(Set(values)).sorted()
        var index: [String: Int32] = [:]
        for (i, g) in groups.enumerated() { index[g] = Int32(i) }
        self.init(name: name, groups: groups, codes: values.map { index[$0] ?? 0 })
    }
}

/// Row-major numeric features, for the consistency score.
public struct FeatureMatrix: Equatable, Sendable {
    public var rows: Int
    public var columns: Int
    public var values: [Double]
    public init(rows: Int, columns: Int, values: [Double]) {
        self.rows = rows; self.columns = columns; self.values = values
    }
    public init(_ rows: [[Double]]) throws {
        let columns = rows.first?.count ?? 0
        for (i, row) in rows.enumerated() where row.count != columns {
            throw MetricsError.featureShape(row: i + 1, expected: columns, found: row.count)
        }
        self.init(rows: rows.count, columns: columns, values: rows.flatMap { $0 })
    }
}

/// The in-memory input of the fairness engine: one entry per prediction row.
public struct PredictionSet: Equatable, Sendable {
    /// True labels, 0 or 1 (1 = favourable).
    public var labels: [UInt8]
    /// Decisions, 0 or 1 (1 = favourable).
    public var decisions: [UInt8]
    /// Scores P(y = 1) in [0, 1], if the model gives them.
    public var scores: [Double]?
    public var attributes: [SensitiveColumn]
    public var features: FeatureMatrix?

    public init(
        labels: [UInt8], decisions: [UInt8], scores: [Double]? = nil, attributes: [SensitiveColumn],
        features: FeatureMatrix? = nil
    ) {
        self.labels = labels; self.decisions = decisions; self.scores = scores
        self.attributes = attributes; self.features = features
    }

    /// Throws the first problem found, naming its row (1-based).
    public func validate() throws {
        let n = labels.count
        guard n > 0 else { throw MetricsError.noRows }
        guard decisions.count == n else {
            throw MetricsError.lengthMismatch(column: "decision", expected: n, found: decisions.count)
        }
        if let scores, scores.count != n {
            throw MetricsError.lengthMismatch(column: "score", expected: n, found: scores.count)
        }
        for i in 0..<n where labels[i] > 1 { throw MetricsError.invalidLabel(row: i + 1, found: "\(labels[i])") }
        for i in 0..<n where decisions[i] > 1 {
            throw MetricsError.invalidDecision(row: i + 1, found: "\(decisions[i])")
        }
        if let scores {
            for i in 0..<n where !(scores[i] >= 0 && scores[i] <= 1) {
                throw MetricsError.invalidScore(row: i + 1, found: "\(scores[i])")
            }
        }
        var seen = Set<String>()
        for column in attributes {
            guard seen.insert(column.name).inserted else { throw MetricsError.duplicateAttribute(name: column.name) }
            guard column.codes.count == n else {
                throw MetricsError.lengthMismatch(column: column.name, expected: n, found: column.codes.count)
            }
            let g = Int32(column.groups.count)
            for i in 0..<n where column.codes[i] < 0 || column.codes[i] >= g {
                throw MetricsError.invalidGroupCode(
                    attribute: column.name, row: i + 1, found: column.codes[i], groups: Int(g))
            }
            if let empty = column.groups.firstIndex(of: "") {
                let row = column.codes.firstIndex(of: Int32(empty)).map { $0 + 1 } ?? 0
                throw MetricsError.emptyGroupName(attribute: column.name, row: row)
            }
        }
        if let features {
            guard features.rows == n else {
                throw MetricsError.lengthMismatch(column: "features", expected: n, found: features.rows)
            }
            guard features.values.count == features.rows * features.columns else {
                throw MetricsError.featureShape(
                    row: 0, expected: features.rows * features.columns, found: features.values.count)
            }
        }
    }
}
