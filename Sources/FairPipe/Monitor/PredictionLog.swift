import Foundation

/// A production prediction log: evaluate's predictions columns plus a timestamp; labels may be
/// missing (recent rows usually lack them), and any other column is a feature tested for drift.
public struct PredictionLog: Equatable, Sendable {
    /// Seconds since 1970, UTC.
    public var times: [Double]
    public var attributes: [SensitiveColumn]
    /// 0/1 where `labelled[i]`, else 0 (unused).
    public var labels: [UInt8]
    public var labelled: [Bool]
    public var scores: [Double]?
    public var decisions: [UInt8]
    public var features: [LogFeature]
    /// The label column's values in first-seen order (nil: the log has no label column).
    var labelLevels: [String]?

    public var count: Int { times.count }
}

/// One drift-tested column of the log.
public struct LogFeature: Equatable, Sendable {
    public var name: String
    public var values: ColumnValues
}

public enum MonitorError: FairPipeError, Equatable {
    case badTimestamp(path: String, line: Int, column: String, found: String)
    case noRows(path: String, range: String)
    case singleGroup(window: String, attribute: String, group: String)
    case referenceTooShort(rule: String, windows: Int, needed: Int)
    case referenceCoversLog(windows: Int, reference: Int)
    case featureNotInReference(feature: String, reference: String)
    case unknownFeature(path: String, feature: String, available: [String])
    case pushFailed(url: String, reason: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .referenceTooShort, .referenceCoversLog: return .usage
        case .pushFailed: return .unavailable
        default: return .dataError
        }
    }

    public var description: String {
        switch self {
        case .badTimestamp(let path, let line, let column, let found):
            return "\(path):\(line): column `\(column)` must be an RFC 3339 timestamp or YYYY-MM-DD, found `\(found)`"
        case .noRows(let path, let range):
            return "\(path): no rows in \(range)"
        case .singleGroup(let window, let attribute, let group):
            return
                "window \(window): attribute `\(attribute)` has a single group (`\(group)`), nothing to compare; use a longer monitor.window"
        case .referenceTooShort(let rule, let windows, let needed):
            return
                "monitor.alerts.\(rule): the reference has \(windows) window(s), the rule needs at least \(needed); widen monitor.reference or lower monitor.alerts.\(rule).min_windows"
        case .referenceCoversLog(let windows, let reference):
            return
                "monitor.reference.first_windows = \(reference) but the log has only \(windows) window(s): nothing left to monitor; lower it or use a shorter monitor.window"
        case .featureNotInReference(let feature, let reference):
            return
                "\(reference): feature `\(feature)` of the log is absent from the reference; list the features to test in monitor.features"
        case .unknownFeature(let path, let feature, let available):
            let hint = closestMatch(to: feature, among: available).map { " (did you mean `\($0)`?)" } ?? ""
            return "\(path): monitor.features names `\(feature)`, which is not a column\(hint)"
        case .pushFailed(let url, let reason):
            return "push to \(url) failed: \(reason) (local artefacts are written)"
        }
    }
}

extension PredictionLog {
    /// Reads a log CSV. `spec` gives evaluate's columns; `time` the timestamp column;
    /// `features` the drift-tested columns (nil: every other column but `row_id`).
    /// An empty label cell, or a log without the label column, means "not labelled yet".
    public static func read(
        _ data: Data, path: String, columns spec: PredictionColumns, time: String, features: [String]?
    ) throws -> PredictionLog {
        let table = try CSVReader.parse(data, path: path, options: CSVReadOptions(types: types(spec, time: time)))
        return try PredictionLog(table: table, path: path, columns: spec, time: time, features: features)
    }

    /// The column types the log's roles need; other columns are typed from their values.
    static func types(_ spec: PredictionColumns, time: String) -> [String: ColumnType] {
        var types: [String: ColumnType] = [spec.label: .categorical, time: .categorical]
        for name in spec.sensitive { types[name] = .categorical }
        return types
    }

    /// The log held by a parsed table (see ``read(_:path:columns:time:features:)``).
    init(table: Table, path: String, columns spec: PredictionColumns, time: String, features: [String]?) throws {
        let n = table.rowCount
        guard n > 0 else { throw MonitorError.noRows(path: path, range: "the file") }
        times = try Self.times(table, path: path, time: time)
        labels = [UInt8](repeating: 0, count: n)
        labelled = [Bool](repeating: false, count: n)
        if let column = table[spec.label], case .categorical(let codes, let levels) = column.values {
            let positiveValue = Predictions.positiveLabel(spec.positive, levels: levels)
            let others = levels.filter { $0 != positiveValue }
            guard others.count <= 1 else {
                throw PredictionsError.labelClasses(
                    path: path, column: spec.label, positive: positiveValue, found: levels)
            }
            let positive = levels.firstIndex(of: positiveValue).map(Int32.init) ?? -2
            for i in 0..<n where codes[i] >= 0 {
                labelled[i] = true
                labels[i] = codes[i] == positive ? 1 : 0
            }
            labelLevels = levels
        }
        (scores, decisions) = try Predictions.scoresAndDecisions(table, path: path, spec: spec)
        attributes = try Predictions.sensitiveColumns(table, path: path, spec: spec)
        let roles = Set(
            [time, spec.label, spec.score ?? "score", spec.decision ?? "decision", "row_id"] + spec.sensitive)
        let names = features ?? table.columnNames.filter { !roles.contains($0) }
        self.features = try names.map { name -> LogFeature in
            guard let column = table[name] else {
                throw MonitorError.unknownFeature(path: path, feature: name, available: table.columnNames)
            }
            return LogFeature(name: name, values: column.values)
        }
    }

    /// Seconds since 1970 of every row; each distinct timestamp text is parsed once.
    private static func times(_ table: Table, path: String, time: String) throws -> [Double] {
        guard let timeColumn = table[time], case .categorical(let timeCodes, let timeLevels) = timeColumn.values else {
            throw PredictionsError.missingColumn(
                path: path, column: time, role: "time (monitor.time / --time)", available: table.columnNames)
        }
        var levelTimes = [Double](repeating: .nan, count: timeLevels.count)
        for (k, text) in timeLevels.enumerated() {
            if let t = Timestamp.parse(text) { levelTimes[k] = t }
        }
        var times = [Double](repeating: 0, count: table.rowCount)
        for i in times.indices {
            let code = Int(timeCodes[i])
            guard code >= 0, !levelTimes[code].isNaN else {
                throw MonitorError.badTimestamp(
                    path: path, line: i + 2, column: time, found: code >= 0 ? timeLevels[code] : "")
            }
            times[i] = levelTimes[code]
        }
        return times
    }

    /// The rows `rows` as engine input; unlabelled rows carry label 0 (only label-free metrics
    /// are read from a set with unlabelled rows).
    func predictionSet(_ rows: [Int]) -> PredictionSet {
        PredictionSet(
            labels: rows.map { labels[$0] }, decisions: rows.map { decisions[$0] },
            scores: scores.map { s in rows.map { s[$0] } },
            attributes: attributes.map { a in
                SensitiveColumn(name: a.name, groups: a.groups, codes: rows.map { a.codes[$0] })
            })
    }
}

extension PredictionLog {
    /// These rows followed by `tail`'s (parsed with the same columns and types), coded as one
    /// parse of both would code them: groups sorted over both, feature levels in first-seen
    /// order. Nil when a parse of the whole would read the labels differently (another
    /// positive value, or a third label class, which it reports as an error).
    func appending(_ tail: PredictionLog, positive: String) -> PredictionLog? {
        guard attributes.map(\.name) == tail.attributes.map(\.name), features.map(\.name) == tail.features.map(\.name),
            (scores == nil) == (tail.scores == nil), (labelLevels == nil) == (tail.labelLevels == nil)
        else { return nil }
        var out = self
        if let levels = labelLevels, let more = tail.labelLevels {
            let union = levels + more.filter { !levels.contains($0) }
            let value = Predictions.positiveLabel(positive, levels: union)
            guard value == Predictions.positiveLabel(positive, levels: levels),
                value == Predictions.positiveLabel(positive, levels: more),
                union.filter({ $0 != value }).count <= 1
            else { return nil }
            out.labelLevels = union
        }
        out.times += tail.times
        out.labels += tail.labels
        out.labelled += tail.labelled
        out.decisions += tail.decisions
        if let more = tail.scores { out.scores? += more }
        out.attributes = zip(attributes, tail.attributes).map { Self.merged($0, $1) }
        for k in features.indices {
            guard let values = Self.appended(features[k].values, tail.features[k].values) else { return nil }
            out.features[k].values = values
        }
        return out
    }

    /// Both columns' codes over the sorted union of their groups.
    private static func merged(_ a: SensitiveColumn, _ b: SensitiveColumn) -> SensitiveColumn {
        let groups = Array(Set(a.groups + b.groups)).sorted()
        func recoded(_ column: SensitiveColumn) -> [Int32] {
            let map = column.groups.map { g in Int32(groups.firstIndex(of: g) ?? 0) }
            return column.codes.map { map[Int($0)] }
        }
        return SensitiveColumn(name: a.name, groups: groups, codes: recoded(a) + recoded(b))
    }

    /// `b` after `a`: numbers concatenated, or `b`'s new levels after `a`'s (first-seen order).
    private static func appended(_ a: ColumnValues, _ b: ColumnValues) -> ColumnValues? {
        switch (a, b) {
        case (.numeric(let x), .numeric(let y)): return .numeric(x + y)
        case (.categorical(let x, let levels), .categorical(let y, let more)):
            var union = levels
            var index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
            let map = more.map { level -> Int32 in
                if let code = index[level] { return code }
                index[level] = Int32(union.count)
                union.append(level)
                return Int32(union.count - 1)
            }
            return .categorical(codes: x + y.map { $0 < 0 ? -1 : map[Int($0)] }, levels: union)
        default: return nil
        }
    }
}
