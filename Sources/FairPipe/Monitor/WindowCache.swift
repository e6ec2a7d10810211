import Foundation

/// The per-window results of earlier runs, so appending a day to a long log recomputes only
/// the windows whose rows changed (and the comparisons, which span windows).
///
/// An entry is a window's full result (measures and drift tests), a function of the window's
/// rows, the reference, the stage's configuration slice and the tool version; its key is the
/// SHA-256 of all four, the rows entering through their content hash. A hit therefore gives
/// the bytes a full run would compute. Entries are written atomically; a damaged or
/// unreadable entry is a miss.
struct WindowCache {
    var folder: String
    /// SHA-256 of the configuration slice, the reference's content and the tool version.
    var context: String

    init(folder: String, config: JSONValue, reference: String) throws {
        self.folder = folder
        context = sha256Hex(Data((try configHash(config) + "|" + reference + "|" + Manifest.toolVersion).utf8))
    }

    func path(window: String, contentHash: String) -> String {
        let key = sha256Hex(Data((context + "|" + window + "|" + contentHash).utf8))
        return URL(fileURLWithPath: folder).appendingPathComponent("\(key).json").path
    }

    func load(window: String, contentHash: String) -> MonitorWindowReport? {
        guard let data = FileManager.default.contents(atPath: path(window: window, contentHash: contentHash)),
            let report = try? JSONDecoder().decode(MonitorWindowReport.self, from: data),
            report.id == window, report.contentHash == contentHash
        else { return nil }
        return report
    }

    func store(_ report: MonitorWindowReport) throws {
        try AtomicFile.write(
            try CanonicalJSON.data(report), to: path(window: report.id, contentHash: report.contentHash))
    }
}
