import Foundation
import Testing

@testable import FairPipe

/// The monitor's parsed-log snapshot: a grown log parses only its new bytes, and whatever
/// path is taken the log equals a parse of the whole file.
@Suite struct LogSnapshotTests {
    let header = "ts,group,sex,x,cat,label,score,decision\n"

    func row(_ day: Int, _ i: Int, group: String = "A", cat: String = "a", label: String = "1") -> String {
        String(format: "2026-01-%02dT%02d:00:00Z", 5 + day, i % 24)
            + ",\(group),\(i % 2 == 0 ? "f" : "m"),\(Double(i) / 7),\(cat),\(label),0.\(i % 10)5,\(i % 3 == 0 ? 1 : 0)\n"
    }

    func days(_ range: Range<Int>) -> String {
        range.map { d in
            (0..<12).map { row(d, $0, group: $0 % 3 == 0 ? "B" : "A", label: $0 % 4 == 0 ? "0" : "1") }.joined()
        }
        .joined()
    }

    /// Reads `text` (written to the log file) through the snapshot in `folder`; returns the log
    /// and the progress lines.
    func read(_ text: String, folder: URL) throws -> (PredictionLog, [String]) {
        let path = folder.appendingPathComponent("log.csv").path
        try AtomicFile.write(Data(text.utf8), to: path)
        let run = try StageRun(
            stage: .monitor, outputFolder: folder.appendingPathComponent("out").path, seed: 1, config: .object([:]),
            configFile: nil, root: folder.path, environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        let lines = LockedLines()
        let progress = ProgressLog(stage: "monitor", quiet: false) { lines.append($0) }
        let log = try LogSnapshot.readLog(
            path: path, columns: PredictionColumns(sensitive: ["group", "sex"]), time: "ts", features: nil,
            folder: folder.appendingPathComponent("cache").path, run: run, log: progress)
        return (log, lines.all)
    }

    func full(_ text: String) throws -> PredictionLog {
        try PredictionLog.read(
            Data(text.utf8), path: "log.csv", columns: PredictionColumns(sensitive: ["group", "sex"]), time: "ts",
            features: nil)
    }

    @Test func aGrownLogParsesOnlyTheNewRowsAndEqualsAFullParse() throws {
        let folder = try Fixtures.temporaryFolder(#function)
        let first = header + days(0..<3)
        _ = try read(first, folder: folder)
        // New rows bring a new group, a new feature level and a new label-free row.
        let grown = first + days(3..<4) + row(4, 1, group: "C", cat: "z", label: "")
        let (log, lines) = try read(grown, folder: folder)
        #expect(lines.contains { $0.contains("13 new rows parsed") }, "\(lines)")
        #expect(log == (try full(grown)))
        #expect(log.attributes[0].groups == ["A", "B", "C"])
        let (again, unchanged) = try read(grown, folder: folder)
        #expect(unchanged.contains { $0.contains("log unchanged") })
        #expect(again == log)
    }

    @Test func anEditedPrefixOrDamagedSnapshotFallsBackToAFullParse() throws {
        let folder = try Fixtures.temporaryFolder(#function)
        _ = try read(header + days(0..<3), folder: folder)
        let edited = header + days(0..<3).replacingOccurrences(of: ",B,", with: ",D,") + days(3..<4)
        let (log, lines) = try read(edited, folder: folder)
        #expect(!lines.contains { $0.contains("new rows parsed") })
        #expect(log == (try full(edited)))
        let snapshot = folder.appendingPathComponent("cache/\(LogSnapshot.fileName)")
        let bytes = try Data(contentsOf: snapshot)
        try bytes.prefix(bytes.count - 5).write(to: snapshot)
        let grown = edited + days(4..<5)
        let (after, _) = try read(grown, folder: folder)
        #expect(after == (try full(grown)))
    }

    @Test func anErrorInTheNewRowsNamesItsLineInTheWholeFile() throws {
        let folder = try Fixtures.temporaryFolder(#function)
        let first = header + days(0..<2)
        _ = try read(first, folder: folder)
        let bad = first + row(2, 0) + "yesterday,A,f,1,a,1,0.5,1\n"
        #expect(
            throws: MonitorError.badTimestamp(
                path: folder.appendingPathComponent("log.csv").path, line: 27, column: "ts", found: "yesterday")
        ) {
            try read(bad, folder: folder)
        }
    }

    @Test func aThirdLabelClassInTheNewRowsIsReportedAsAFullParseWould() throws {
        let folder = try Fixtures.temporaryFolder(#function)
        let first = header + days(0..<2)
        _ = try read(first, folder: folder)
        let bad = first + row(2, 0, label: "2")
        #expect(throws: PredictionsError.self) { try read(bad, folder: folder) }
    }
}

/// Progress lines collected from a sink that may be called from any thread.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
