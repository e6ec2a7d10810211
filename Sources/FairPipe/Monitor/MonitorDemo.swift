import Foundation

/// A prediction log to try the monitor on: the synthetic source (`data.synthetic`, with its
/// `drift` schedule counted in log rows) cut into days, scored by a fixed stand-in model.
public enum MonitorDemo {
    public struct Plan: Sendable {
        public var days = 90
        public var rowsPerDay = 2_000
        /// First day, `YYYY-MM-DD`.
        public var start = "2026-01-01"
        /// The last this many days have no label yet (empty label cells).
        public var unlabelledDays = 7
        public init() {}
    }

    /// Writes the log CSV to `path` (atomically, one day at a time so memory stays one day's):
    /// `ts, x1…, proxy, cat1…, group, sex, label, score, decision`. Day d is generated from its
    /// own stream `monitor-demo/day<d>` of `seed`, so a longer log starts with the same rows.
    /// The stand-in model scores σ(Σ_j 2·x_j/j − 0.2), the log-odds a linear discriminant
    /// would learn from the true labels, and decides score ≥ `threshold`. O(days × rows).
    public static func writeLog(
        _ synthetic: SyntheticConfig, plan: Plan, threshold: Double, seed: UInt64, to path: String
    ) throws {
        guard plan.days >= 1, plan.rowsPerDay >= 1 else {
            throw ConfigError.invalidValue(
                key: "days/rows-per-day", expected: "integers ≥ 1", found: "\(plan.days)/\(plan.rowsPerDay)")
        }
        guard let start = Timestamp.parse(plan.start), plan.start.utf8.count == 10 else {
            throw ConfigError.invalidValue(key: "start", expected: "a date YYYY-MM-DD", found: "`\(plan.start)`")
        }
        try synthetic.validate(prefix: "data.synthetic")
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary.path)
        else {
            throw FileError.unwritable(path: path, reason: "cannot create \(temporary.path)")
        }
        do {
            for day in 0..<plan.days {
                var config = synthetic
                config.rows = plan.rowsPerDay
                let first = day * plan.rowsPerDay
                if let drift = synthetic.drift {
                    config.drift =
                        drift.fromRow < first + plan.rowsPerDay
                        ? {
                            var d = drift; d.fromRow = max(0, drift.fromRow - first); return d
                        }() : nil
                }
                let data = try SyntheticGenerator.generate(
                    config, seed: Xoshiro256StarStar.derive(seed: seed, stream: "monitor-demo/day\(day)"))
                let table = try dayTable(data.table, day: day, start: start, plan: plan, threshold: threshold)
                var bytes = CSVWriter.data(table)
                if day > 0, let newline = bytes.firstIndex(of: 0x0A) { bytes.removeSubrange(0...newline) }
                handle.write(Data(bytes))
            }
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw FileError.unwritable(path: path, reason: String(cString: strerror(errno)))
        }
    }

    static func dayTable(_ generated: Table, day: Int, start: Double, plan: Plan, threshold: Double) throws -> Table {
        let n = generated.rowCount
        let date = String(Timestamp.format(start + Double(day) * 86_400).prefix(10))
        let times = (0..<n).map { i -> String in
            let s = i * 86_400 / n
            return date + String(format: "T%02d:%02d:%02dZ", s / 3600, (s % 3600) / 60, s % 60)
        }
        var logit = [Double](repeating: -0.2, count: n)
        var j = 1
        while case .numeric(let x)? = generated["x\(j)"]?.values {
            for i in 0..<n { logit[i] += 2 * x[i] / Double(j) }
            j += 1
        }
        let scores = logit.map { 1 / (1 + exp(-$0)) }
        var columns = [Column(name: "ts", values: .categorical(codes: (0..<n).map(Int32.init), levels: times))]
        for column in generated.columns where column.name != "row_id" && column.name != "label" {
            columns.append(column)
        }
        let unlabelled = day >= plan.days - plan.unlabelledDays
        if case .numeric(let labels)? = generated["label"]?.values {
            columns.append(Column(name: "label", numbers: unlabelled ? [Double](repeating: .nan, count: n) : labels))
        }
        columns.append(Column(name: "score", numbers: scores))
        columns.append(Column(name: "decision", numbers: scores.map { $0 >= threshold ? 1 : 0 }))
        return try Table(columns: columns)
    }
}
