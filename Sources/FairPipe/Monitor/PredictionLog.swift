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
    /// Appends `tail`'s rows (parsed with the same columns), coded as one parse of both
    /// would code them: groups sorted over both, feature levels in first-seen order. Returns
    /// false, changing nothing, when a parse of the whole would read the rows differently: a
    /// column typed otherwise, another positive label, or a third label class (which it
    /// reports as an error). In place, so a log grown chunk by chunk is never copied.
    mutating func append(_ tail: PredictionLog, positive: String) -> Bool {
        guard attributes.map(\.name) == tail.attributes.map(\.name), features.map(\.name) == tail.features.map(\.name),
            (scores == nil) == (tail.scores == nil), (labelLevels == nil) == (tail.labelLevels == nil),
            zip(features, tail.features).allSatisfy({ Self.sameType($0.values, $1.values) })
        else { return false }
        if let levels = labelLevels, let more = tail.labelLevels {
            let union = levels + more.filter { !levels.contains($0) }
            let value = Predictions.positiveLabel(positive, levels: union)
            guard value == Predictions.positiveLabel(positive, levels: levels),
                value == Predictions.positiveLabel(positive, levels: more),
                union.filter({ $0 != value }).count <= 1
            else { return false }
            labelLevels = union
        }
        times += tail.times
        labels += tail.labels
        labelled += tail.labelled
        decisions += tail.decisions
        if let more = tail.scores { scores? += more }
        for k in attributes.indices { Self.append(tail.attributes[k], to: &attributes[k]) }
        for k in features.indices { Self.append(tail.features[k].values, to: &features[k].values) }
        return true
    }

    private static func sameType(_ a: ColumnValues, _ b: ColumnValues) -> Bool {
        switch (a, b) {
        case (.numeric, .numeric), (.categorical, .categorical): return true
        default: return false
        }
    }

    /// `b`'s codes after `a`'s, over the sorted union of their groups (`a` is recoded only
    /// when `b` brings a new group).
    private static func append(_ b: SensitiveColumn, to a: inout SensitiveColumn) {
        let groups = Array(Set(a.groups + b.groups)).sorted()
        func map(_ column: SensitiveColumn) -> [Int32] { column.groups.map { Int32(groups.firstIndex(of: $0) ?? 0) } }
        if groups != a.groups {
            let old = map(a)
            for i in a.codes.indices { a.codes[i] = old[Int(a.codes[i])] }
            a.groups = groups
        }
        let new = map(b)
        a.codes += b.codes.map { new[Int($0)] }
    }

    /// `b` after `a` (same type): numbers concatenated, or `b`'s new levels after `a`'s.
    private static func append(_ b: ColumnValues, to a: inout ColumnValues) {
        switch (a, b) {
        case (.numeric(var x), .numeric(let y)):
            a = .numeric([])
            x += y
            a = .numeric(x)
        case (.categorical(var x, var levels), .categorical(let y, let more)):
            a = .numeric([])
            var index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
            let map = more.map { level -> Int32 in
                if let code = index[level] { return code }
                index[level] = Int32(levels.count)
                levels.append(level)
                return Int32(levels.count - 1)
            }
            x += y.map { $0 < 0 ? -1 : map[Int($0)] }
            a = .categorical(codes: x, levels: levels)
        default: break
        }
    }
}

extension PredictionLog {
    /// Reads a log file in record-aligned chunks, appending each chunk's rows: the file itself
    /// is never held in memory, only the log. Equal to ``read(_:path:columns:time:features:)``
    /// on the whole file (errors name the same lines); when chunks would be typed or labelled
    /// differently from the whole, the whole file is parsed instead.
    static func read(
        path: String, columns spec: PredictionColumns, time: String, features: [String]?, chunkBytes: Int = 32 << 20
    ) throws -> PredictionLog {
        var reader = try CSVChunkReader(
            path: path, options: CSVReadOptions(types: types(spec, time: time)), chunkBytes: chunkBytes)
        var log: PredictionLog?
        while let table = try reader.next() {
            let part: PredictionLog
            do {
                part = try PredictionLog(table: table, path: path, columns: spec, time: time, features: features)
            } catch let error as PredictionsError {
                throw error.shifted(lines: reader.firstLine - 2)
            } catch MonitorError.badTimestamp(let path, let line, let column, let found) {
                throw MonitorError.badTimestamp(
                    path: path, line: line + reader.firstLine - 2, column: column, found: found)
            }
            guard log != nil else {
                log = part
                continue
            }
            guard log?.append(part, positive: spec.positive) == true else {
                return try readWhole(path, spec, time, features)
            }
        }
        guard let log else { throw MonitorError.noRows(path: path, range: "the file") }
        return log
    }

    private static func readWhole(
        _ path: String, _ spec: PredictionColumns, _ time: String, _ features: [String]?
    ) throws -> PredictionLog {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw FileError.unreadable(path: path, reason: error.localizedDescription)
        }
        return try read(data, path: path, columns: spec, time: time, features: features)
    }
}
