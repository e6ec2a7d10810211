import Crypto
import Foundation

/// The parsed prediction log of the previous run, kept in the monitor's cache folder, so a log
/// that only grew since (production logs are appended to) is not parsed again: only the bytes
/// after the old end are, and their rows are appended to the cached ones.
///
/// The snapshot is used only when the log's first ``LogSnapshotHeader/prefixBytes`` bytes
/// still hash to ``LogSnapshotHeader/prefixSHA256`` (one SHA-256 pass over the log, which the
/// manifest's input digest reuses), the prefix ended a record, and parsing the new bytes
/// with the columns typed as before codes them exactly as a parse of the whole log would.
/// Otherwise, or on any problem with the new bytes, the whole log is parsed as without a cache
/// (which reports errors with their real line numbers). The resulting ``PredictionLog`` is
/// the one a full parse gives, so every output is byte-identical either way.
///
/// File format: the magic `FPLOG1\n`, the header's canonical JSON length (8 bytes, little
/// endian) and JSON, then the columns' raw little-endian values in ``LogSnapshotHeader`` order.
struct LogSnapshot {
    static let fileName = "log-snapshot.bin"
    static let magic = Array("FPLOG1\n".utf8)

    var header: LogSnapshotHeader
    var log: PredictionLog

    /// Reads the log at `path`, from the snapshot in `folder` where it still applies, and
    /// writes the snapshot of the result back. Records the log (and its digest) as an input.
    static func readLog(
        path: String, columns spec: PredictionColumns, time: String, features: [String]?, folder: String,
        run: StageRun, log progress: ProgressLog
    ) throws -> PredictionLog {
        let key = try parseKey(columns: spec, time: time, features: features)
        let snapshotPath = URL(fileURLWithPath: folder).appendingPathComponent(fileName).path
        let previous = try? load(snapshotPath, key: key)
        let digest = try PrefixDigest(path: path, prefixBytes: previous?.header.prefixBytes)
        run.recordInput(
            path, digest: FileDigest(path: path, sha256: digest.file, bytes: digest.bytes, relativeTo: run.root))
        if let previous, digest.prefix == previous.header.prefixSHA256, digest.prefixEndsRecord {
            if digest.bytes == previous.header.prefixBytes {
                progress.info("log unchanged since the last run: \(previous.log.count) rows from \(fileName)")
                return previous.log
            }
            if let grown = previous.appendingTail(
                of: path, bytes: digest.bytes, columns: spec, time: time, features: features)
            {
                progress.info(
                    "log grew: \(previous.log.count) rows from \(fileName), \(grown.count - previous.log.count) new rows parsed"
                )
                try store(grown, header: previous.header.describing(grown, grownTo: digest), path: snapshotPath)
                return grown
            }
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw FileError.unreadable(path: path, reason: error.localizedDescription)
        }
        let table = try CSVReader.parse(
            data, path: path, options: CSVReadOptions(types: PredictionLog.types(spec, time: time)))
        let parsed = try PredictionLog(table: table, path: path, columns: spec, time: time, features: features)
        let header = LogSnapshotHeader(
            key: key, digest: digest, headerBytes: Self.headerLength(data), table: table, log: parsed)
        try store(parsed, header: header, path: snapshotPath)
        return parsed
    }

    /// What shapes a parse besides the bytes: the roles, the features and the tool version.
    static func parseKey(columns spec: PredictionColumns, time: String, features: [String]?) throws -> String {
        let parts: [String] =
            [
                Manifest.toolVersion, time, spec.label, spec.decision ?? "", spec.score ?? "", spec.positive,
                NumberFormat.string(spec.threshold), spec.sensitive.joined(separator: "\u{1}"),
                features?.joined(separator: "\u{1}") ?? "\u{2}",
            ]
        return sha256Hex(Data(parts.joined(separator: "\u{0}").utf8))
    }

    /// Bytes up to and including the header record's line end (quotes respected).
    static func headerLength(_ data: Data) -> Int {
        var quoted = false
        for (i, byte) in data.enumerated() {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if byte == 0x0A && !quoted { return i + 1 }
        }
        return data.count
    }

    /// The log with the rows after `header.prefixBytes` appended, or nil when they cannot be
    /// appended exactly (the caller parses the whole log).
    func appendingTail(
        of path: String, bytes: Int, columns spec: PredictionColumns, time: String, features: [String]?
    ) -> PredictionLog? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: header.headerBytes), head.count == header.headerBytes,
            (try? handle.seek(toOffset: UInt64(header.prefixBytes))) != nil,
            let tail = try? handle.readToEnd(), header.prefixBytes + tail.count == bytes
        else { return nil }
        var types = PredictionLog.types(spec, time: time)
        for (name, type) in zip(header.columns, header.types) where types[name] == nil { types[name] = type }
        guard let table = try? CSVReader.parse(head + tail, path: path, options: CSVReadOptions(types: types)),
            let rows = try? PredictionLog(table: table, path: path, columns: spec, time: time, features: features)
        else { return nil }
        return log.appending(rows, positive: spec.positive)
    }
}

/// What a ``LogSnapshot`` describes: the log prefix it holds and how its columns were typed.
struct LogSnapshotHeader: Codable, Equatable {
    var format = 1
    /// ``LogSnapshot/parseKey(columns:time:features:)``.
    var key: String
    var prefixBytes: Int
    var prefixSHA256: String
    /// Length of the header record (prepended to the new bytes to parse them).
    var headerBytes: Int
    var rows: Int
    /// The file's columns and the type each was read as.
    var columns: [String]
    var types: [ColumnType]
    var hasScores: Bool
    /// The label column's values in first-seen order (nil: no label column).
    var labelLevels: [String]?
    /// Sensitive attributes and feature columns, in the log's order.
    var attributes: [LogSnapshotFeature]
    var features: [LogSnapshotFeature]

    enum CodingKeys: String, CodingKey {
        case format, key, rows, columns, types, attributes, features
        case labelLevels = "label_levels"
        case prefixBytes = "prefix_bytes"
        case prefixSHA256 = "prefix_sha256"
        case headerBytes = "header_bytes"
        case hasScores = "has_scores"
    }

    init(key: String, digest: PrefixDigest, headerBytes: Int, table: Table, log: PredictionLog) {
        self.key = key
        prefixBytes = digest.bytes
        prefixSHA256 = digest.file
        self.headerBytes = headerBytes
        rows = log.count
        columns = table.columnNames
        types = table.columns.map(\.type)
        hasScores = log.scores != nil
        labelLevels = log.labelLevels
        attributes = log.attributes.map { LogSnapshotFeature(name: $0.name, type: .categorical, levels: $0.groups) }
        features = log.features.map { feature in
            switch feature.values {
            case .numeric: return LogSnapshotFeature(name: feature.name, type: .numeric, levels: nil)
            case .categorical(_, let levels):
                return LogSnapshotFeature(name: feature.name, type: .categorical, levels: levels)
            }
        }
    }

    /// The header of `log`, the same file grown to what `digest` hashed.
    func describing(_ log: PredictionLog, grownTo digest: PrefixDigest) -> LogSnapshotHeader {
        var copy = self
        copy.prefixBytes = digest.bytes
        copy.prefixSHA256 = digest.file
        copy.rows = log.count
        copy.labelLevels = log.labelLevels
        copy.attributes = zip(attributes, log.attributes).map {
            LogSnapshotFeature(name: $0.name, type: .categorical, levels: $1.groups)
        }
        copy.features = zip(features, log.features).map { old, feature in
            if case .categorical(_, let levels) = feature.values {
                return LogSnapshotFeature(name: old.name, type: .categorical, levels: levels)
            }
            return old
        }
        return copy
    }
}

/// A sensitive attribute (its groups) or a feature column (its type; levels if categorical).
struct LogSnapshotFeature: Codable, Equatable {
    var name: String
    var type: ColumnType
    var levels: [String]?
}

/// One SHA-256 pass over a file giving the digest of the whole file and of its first
/// `prefixBytes` bytes (when the file is at least that long), and whether those end a line.
struct PrefixDigest {
    var file: String
    var bytes: Int
    var prefix: String?
    var prefixEndsRecord = false

    init(path: String, prefixBytes: Int?) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileManager.default.fileExists(atPath: path)
                ? FileError.unreadable(path: path, reason: "permission denied or not a file")
                : FileError.notFound(path: path)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total = 0
        while let block = try? handle.read(upToCount: 4 << 20), !block.isEmpty {
            if let cut = prefixBytes, prefix == nil, total + block.count >= cut, cut > 0 {
                let head = block.prefix(cut - total)
                var copy = hasher
                copy.update(data: head)
                prefix = copy.finalize().hexString
                prefixEndsRecord = head.last == 0x0A
            }
            hasher.update(data: block)
            total += block.count
        }
        file = hasher.finalize().hexString
        bytes = total
    }
}
