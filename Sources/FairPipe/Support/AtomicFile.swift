import Foundation

/// Atomic file output: every artefact is written to a temporary file in the same
/// folder and renamed over its final name, so a stage that fails or is killed never
/// leaves a file that `make` would take for finished.
public enum AtomicFile {
    /// Writes `data` to `path` atomically, creating parent folders as needed.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { try $0.write(contentsOf: data) }
    }

    /// Writes `path` atomically through `body`, which streams the content into the handle of
    /// a temporary file (for outputs too large to build in memory first).
    public static func write(to path: String, body: (FileHandle) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw FileError.unwritable(path: path, reason: "cannot create folder \(folder.path)")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary.path)
        else { throw FileError.unwritable(path: path, reason: "cannot create \(temporary.path)") }
        do {
            try body(handle)
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? FairPipeError { throw error }
            throw FileError.unwritable(path: path, reason: error.localizedDescription)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw FileError.unwritable(path: path, reason: reason)
        }
    }

    /// Writes UTF-8 `text` to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}
