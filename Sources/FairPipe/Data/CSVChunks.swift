import Foundation

/// Record boundaries of CSV bytes, found the way ``Parser`` reads records: a `"` opens a
/// quoted field only at the start of a field (elsewhere it is text); inside one, `""` is
/// a quote and newlines are data; a record ends at LF, CRLF or a lone CR. Every range
/// handed out starts at a record and ends after one, so each can be parsed on its own.
enum CSVChunks {
    /// Splits `body` (which starts at a record) into at most `pieces` record-aligned,
    /// non-empty ranges of about equal size covering all of it. Without any `"` in the
    /// bytes (one `memchr`) the cuts are the first LF after each target offset; otherwise
    /// one scan that follows the quoting. Lone-CR files without quotes are one range.
    static func split(_ body: Bytes, pieces: Int) -> [Range<Int>] {
        guard pieces > 1 && body.n > 1 else { return body.n > 0 ? [0..<body.n] : [] }
        let step = body.n / pieces
        var cuts: [Int] = []
        if memchr(body.p, 0x22, body.n) == nil {
            var from = step
            while from < body.n, cuts.count < pieces - 1, let lf = memchr(body.p + from, 0x0A, body.n - from) {
                let cut = UnsafeRawPointer(lf) - UnsafeRawPointer(body.p) + 1
                cuts.append(cut)
                from = max(cut, (cuts.count + 1) * step)
            }
        } else {
            var target = step
            forEachBoundary(body.p, body.n) { offset in
                guard offset >= target else { return true }
                cuts.append(offset)
                target = max(offset, (cuts.count + 1) * step)
                return cuts.count < pieces - 1
            }
        }
        var ranges: [Range<Int>] = []
        var start = 0
        for cut in cuts + [body.n] where cut > start {
            ranges.append(start..<cut)
            start = cut
        }
        return ranges
    }

    /// How many bytes of `p[0..<n]` equal `byte`, eight at a time: a byte of `x = word ^
    /// byte·0x0101…` is zero exactly when the high bit of `((x & 0x7F…) + 0x7F…) | x` is clear.
    static func count(_ byte: UInt8, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        let raw = UnsafeRawPointer(p)
        let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        var count = 0
        var i = 0
        while i + 8 <= n {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ pattern
            count &+= (~(((x & low) &+ low) | x | low)).nonzeroBitCount
            i += 8
        }
        while i < n {
            if p[i] == byte { count += 1 }
            i += 1
        }
        return count
    }

    /// The end of the last complete record in `p[0..<n]`, which starts at a record and is
    /// followed by more bytes (so a final CR may be the first half of a CRLF and is not an
    /// end); 0 when there is none.
    static func lastBoundary(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        guard memchr(p, 0x22, n) != nil else {
            var i = n - 1
            while i >= 0 {
                if p[i] == 0x0A || (p[i] == 0x0D && i + 1 < n) { return i + 1 }
                i -= 1
            }
            return 0
        }
        var last = 0
        forEachBoundary(p, n) { offset in
            last = offset
            return true
        }
        return last
    }

    /// Calls `body` with the offset after each record end in `p[0..<n]` (which starts at a
    /// record) until it returns false. A CR at the very end is not reported (a LF may follow).
    /// After malformed quoting the boundaries are guesses; the parser reports the error.
    @inline(__always)
    static func forEachBoundary(_ p: UnsafePointer<UInt8>, _ n: Int, _ body: (Int) -> Bool) {
        var i = 0
        var fieldStart = true
        while i < n {
            let b = p[i]
            if fieldStart && b == 0x22 {
                i += 1
                while i < n {
                    if p[i] == 0x22 {
                        if i + 1 < n && p[i + 1] == 0x22 {
                            i += 2
                            continue
                        }
                        break
                    }
                    i += 1
                }
                i += 1  // past the closing quote (or beyond the end: unterminated)
                fieldStart = false
                continue
            }
            i += 1
            fieldStart = b == 0x2C || b == 0x0A || b == 0x0D
            if b == 0x0A {
                if !body(i) { return }
            } else if b == 0x0D {
                guard i < n else { return }
                if p[i] == 0x0A { i += 1 }
                if !body(i) { return }
            }
        }
    }
}

/// Reads a CSV file as a sequence of record-aligned chunks, each a Table of the selected columns.
///
/// The file is read with `read(2)` into one reusable buffer of `chunkBytes` (grown
/// only for a record longer than the buffer, up to 1 GiB), so memory stays a few chunks
/// whatever the file size. The dialect, options and error messages are ``CSVReader``'s.
/// Errors are found chunk by chunk: the first error of the file is the first reported,
/// with the line ``CSVReader/read(path:displayPath:options:)`` names, except that invalid
/// UTF-8 no longer outranks an error in an earlier chunk (the one-pass reader checks the
/// whole file first). Copies of a reader share its file position.
public struct CSVChunkReader {
    public let header: [String]
    /// 1-based file line of the first record of the chunk `next()` last returned.
    public private(set) var firstLine: Int
    private let layout: CSVLayout
    private let window: CSVFileWindow
    private var nextLine: Int
    private var rows = 0

    public init(path: String, displayPath: String? = nil, options: CSVReadOptions, chunkBytes: Int = 32 << 20) throws {
        let shown = displayPath ?? path
        guard FileManager.default.fileExists(atPath: path) else { throw FileError.notFound(path: shown) }
        window = try CSVFileWindow(path: path, shown: shown, capacity: max(chunkBytes, 1))
        let end = try window.completeRecords()
        let bytes = window.bytes(upTo: end).skippingByteOrderMark()
        guard bytes.n > 0 else { throw CSVError.empty(path: shown) }
        window.start = end - bytes.n
        // As in the one-pass reader, invalid UTF-8 (here: in the first window) comes first.
        if let bad = UTF8Check.firstInvalidOffset(bytes.p, bytes.n) {
            throw CSVError.invalidUTF8(path: shown, line: bytes.line(atOffset: bad))
        }
        var parser = Parser(bytes: bytes, path: shown)
        let names = try parser.readHeader()
        window.start += parser.position
        guard window.start < window.end || !window.atEnd else { throw CSVError.noRows(path: shown) }
        layout = try CSVLayout(header: names, path: shown, options: options)
        header = names
        firstLine = parser.line
        nextLine = parser.line
    }

    /// The next chunk (nil at the end of the file). Declared types are honoured; undeclared
    /// columns are typed per chunk. Categorical levels are per chunk (a consumer remaps them).
    /// Errors name the file line exactly as CSVReader.read would for the same bytes.
    public mutating func next() throws -> Table? {
        while true {
            let end = try window.completeRecords()
            guard end > window.start else {
                if rows == 0 { throw CSVError.noRows(path: layout.path) }
                return nil
            }
            let chunk = window.bytes(upTo: end)
            if let bad = UTF8Check.firstInvalidOffset(chunk.p, chunk.n) {
                let line = try window.line(atFileOffset: window.fileOffset + window.start + bad)
                throw CSVError.invalidUTF8(path: layout.path, line: line)
            }
            let records = try layout.parseRecords(chunk, line: nextLine, categorical: layout.declaredCategorical)
            window.start = end
            firstLine = nextLine
            nextLine = records.endLine
            guard records.rows > 0 else { continue }  // only blank lines
            rows += records.rows
            return try records.table(layout)
        }
    }
}

/// A window onto a file: bytes `[start, end)` of `buffer` are the unread part, `buffer[0]`
/// is file offset `fileOffset`.
final class CSVFileWindow {
    private let descriptor: Int32
    private let shown: String
    private(set) var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    var start = 0
    private(set) var end = 0
    private(set) var fileOffset = 0
    private(set) var atEnd = false
    /// The largest buffer a single record may force (hostile input fails, it does not swap).
    static let maximumCapacity = 1 << 30

    init(path: String, shown: String, capacity: Int) throws {
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FileError.unreadable(path: shown, reason: String(cString: strerror(errno)))
        }
        self.shown = shown
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    func bytes(upTo end: Int) -> Bytes { Bytes(p: buffer + start, n: end - start) }

    /// The end of the complete records in the window (all of it at the end of the file),
    /// reading more and growing the buffer as needed; `start` when nothing is left.
    func completeRecords() throws -> Int {
        while true {
            try refill()
            if atEnd { return end }
            let boundary = CSVChunks.lastBoundary(buffer + start, end - start)
            if boundary > 0 { return start + boundary }
            guard capacity < CSVFileWindow.maximumCapacity else {
                throw FileError.malformed(
                    path: shown,
                    reason:
                        "a record longer than \(CSVFileWindow.maximumCapacity >> 20) MiB at byte \(fileOffset + start)")
            }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: buffer + start, count: end - start)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
            fileOffset += start
            end -= start
            start = 0
        }
    }

    /// Moves the unread bytes to the front and reads until the buffer is full or the file ends.
    private func refill() throws {
        if start > 0 {
            memmove(buffer, buffer + start, end - start)
            fileOffset += start
            end -= start
            start = 0
        }
        while end < capacity && !atEnd {
            let count = read(descriptor, buffer + end, capacity - end)
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError.unreadable(path: shown, reason: String(cString: strerror(errno)))
            }
            if count == 0 { atEnd = true }
            end += count
        }
    }

    /// 1-based line of a file offset, counted as ``Bytes/line(atOffset:)`` does (for the
    /// rare error that needs it: reads the file from the start).
    func line(atFileOffset offset: Int) throws -> Int {
        let block = 1 << 20
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: block)
        defer { scratch.deallocate() }
        var line = 1
        var position = 0
        while position < offset {
            let count = pread(descriptor, scratch, min(block, offset - position), off_t(position))
            guard count > 0 else { throw FileError.unreadable(path: shown, reason: String(cString: strerror(errno))) }
            for i in 0..<count where scratch[i] == 0x0A { line += 1 }
            position += count
        }
        return line
    }
}
