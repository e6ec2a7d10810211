import Foundation

/// The Makefile's per-stage config stamps: a file holding the hash of the configuration
/// a stage reads, rewritten only when that hash changes, so `make` reruns exactly the
/// stages whose configuration changed.
public enum ConfigStamp {
    public static func write(hash: String, to path: String) throws {
        let content = hash + "\n"
        if let existing = FileManager.default.contents(atPath: path), existing == Data(content.utf8) { return }
        try AtomicFile.write(content, to: path)
    }
}
