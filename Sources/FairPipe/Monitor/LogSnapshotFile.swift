import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reading and writing a ``LogSnapshot`` file (format in its documentation).
extension LogSnapshot {
    /// Writes the snapshot atomically, streaming the columns (no second copy of the log).
    static func store(_ log: PredictionLog, header: LogSnapshotHeader, path: String) throws {
        let json = try CanonicalJSON.data(header)
        try AtomicFile.write(to: path) { handle in
            var prefix = Data(magic)
            withUnsafeBytes(of: UInt64(json.count).littleEndian) { prefix.append(contentsOf: $0) }
            try handle.write(contentsOf: prefix + json)
            try write(log.times, to: handle)
            for attribute in log.attributes { try write(attribute.codes, to: handle) }
            try write(log.labels, to: handle)
            try write(log.labelled.map { $0 ? UInt8(1) : 0 }, to: handle)
            if let scores = log.scores { try write(scores, to: handle) }
            try write(log.decisions, to: handle)
            for feature in log.features {
                switch feature.values {
                case .numeric(let values): try write(values, to: handle)
                case .categorical(let codes, _): try write(codes, to: handle)
                }
            }
        }
    }

    private static func write<T>(_ values: [T], to handle: FileHandle) throws {
        try values.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = min(raw.count, offset + (16 << 20))
                try handle.write(contentsOf: Data(raw[offset..<end]))
                offset = end
            }
        }
    }

    /// The snapshot at `path` when it was written for `key` by this tool version; throws on
    /// anything else (a missing, foreign or damaged snapshot is simply not used).
    static func load(_ path: String, key: String) throws -> LogSnapshot {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SnapshotReader.Damaged() }
        defer { try? handle.close() }
        var reader = SnapshotReader(handle: handle)
        guard try reader.bytes(magic.count) == Data(magic) else { throw SnapshotReader.Damaged() }
        let length = try reader.integer()
        let header = try JSONDecoder().decode(LogSnapshotHeader.self, from: try reader.bytes(length))
        guard header.key == key, header.format == 1 else { throw SnapshotReader.Damaged() }
        let n = header.rows
        let times: [Double] = try reader.array(n)
        let attributes = try header.attributes.map { a in
            SensitiveColumn(name: a.name, groups: a.levels ?? [], codes: try reader.array(n))
        }
        let labels: [UInt8] = try reader.array(n)
        let labelled: [UInt8] = try reader.array(n)
        let scores: [Double]? = header.hasScores ? try reader.array(n) : nil
        let decisions: [UInt8] = try reader.array(n)
        let features = try header.features.map { f -> LogFeature in
            switch f.type {
            case .numeric: return LogFeature(name: f.name, values: .numeric(try reader.array(n)))
            case .categorical:
                return LogFeature(
                    name: f.name, values: .categorical(codes: try reader.array(n), levels: f.levels ?? []))
            }
        }
        guard try reader.bytes(1).isEmpty else { throw SnapshotReader.Damaged() }
        let log = PredictionLog(
            times: times, attributes: attributes, labels: labels, labelled: labelled.map { $0 == 1 }, scores: scores,
            decisions: decisions, features: features, labelLevels: header.labelLevels)
        return LogSnapshot(header: header, log: log)
    }
}

/// Sequential reads from a snapshot file, straight into the arrays (the file is not mapped,
/// so it is not held twice); any short read is ``Damaged``.
private struct SnapshotReader {
    struct Damaged: Error {}
    let handle: FileHandle

    /// Up to `count` bytes (fewer only at the end of the file).
    func bytes(_ count: Int) throws -> Data {
        guard count >= 0 else { throw Damaged() }
        return try handle.read(upToCount: count) ?? Data()
    }

    func integer() throws -> Int {
        let raw = try bytes(8)
        guard raw.count == 8 else { throw Damaged() }
        var value: UInt64 = 0
        for (k, byte) in raw.enumerated() { value |= UInt64(byte) << (8 * UInt64(k)) }
        guard value < 1 << 40 else { throw Damaged() }
        return Int(value)
    }

    func array<T>(_ count: Int) throws -> [T] {
        let size = count * MemoryLayout<T>.stride
        let fd = handle.fileDescriptor
        var complete = true
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var done = 0
            while done < size, let base = raw.baseAddress {
                let got = Glibc.read(fd, base + done, min(size - done, 1 << 30))
                if got <= 0 { break }
                done += got
            }
            complete = done == size
            // Every element is written (zero-filled on a short read, which is then rejected).
            if !complete, let base = raw.baseAddress { memset(base + done, 0, size - done) }
            initialized = count
        }
        guard complete else { throw Damaged() }
        return values
    }
}
