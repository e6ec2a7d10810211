import Foundation

/// What to read from a CSV file and how to type it.
public struct CSVReadOptions: Sendable, Equatable {
    /// Read only these columns (in header order); `nil` reads all. Other fields are still
    /// tokenised (the record structure must be valid) but never converted or stored.
    public var columns: [String]?
    /// Declared column types; undeclared columns are typed automatically: numeric when
    /// every non-missing value is a number, else categorical.
    public var types: [String: ColumnType]

    public init(columns: [String]? = nil, types: [String: ColumnType] = [:]) {
        self.columns = columns
        self.types = types
    }
}

/// RFC 4180 CSV reading into a columnar ``Table``.
///
/// Dialect: a header row; `,` separators; fields optionally quoted with `"` (a quote
/// inside a quoted field is doubled, and quoted fields may hold commas and newlines);
/// records end with LF, CRLF or a lone CR; the final record may lack a line ending; a
/// leading UTF-8 byte-order mark is skipped. An empty field (`` or `""`) is a missing
/// value. Blank lines are skipped when the header has more than one column (with a single
/// column a blank line is a missing value). A `"` inside an unquoted field is kept as text
/// (lenient, like most readers). Numbers are decimal (`-1.5e3`, `.5`, `7`, quoted or not,
/// no surrounding spaces: ` 7` is text); `nan`/`inf` in a numeric column are errors, never
/// silent non-finite values.
///
/// Typing: a column declared in ``CSVReadOptions/types`` is read as declared (a
/// non-number in a numeric column is an error naming line and column). Other columns are
/// read speculatively as numeric; the first value that is not a number makes the column
/// categorical and parsing restarts with that column categorical (at most once per such
/// column; in practice categorical columns flip on the first row, so the restart is free).
///
/// Threads: an input of 4 MiB or more is split into record-aligned chunks (quote-aware,
/// ``CSVChunks``) parsed on `FAIRPIPE_THREADS` threads (default: every core), then joined
/// into the same table, bit for bit, as one thread builds: a column that meets text in any
/// chunk is categorical everywhere, levels stay in first-appearance order. On any error
/// the input is parsed again on one thread, so the error and its line are the same too.
/// `FAIRPIPE_THREADS=1` reads on one thread. ``CSVChunkReader`` reads a file chunk by chunk
/// in bounded memory.
///
/// Performance: one pass over the bytes (memory-mapped) with pointer arithmetic into raw
/// column buffers; an unquoted decimal of up to 19 digits is recognised, delimited and
/// converted in one step; other numbers by Clinger's fast path (digits below 2^53, power of ten within
/// 10^±22) or an exact 128-by-64-bit division (up to 19 digits after the point), `strtod`
/// only beyond; categorical cells interned by a byte-keyed hash table (no `String` per
/// repeated level). All three paths round correctly, so results equal `strtod`'s bit for
/// bit. O(bytes) time; memory: the mapped file plus the stored columns. Measured with
/// `fairpipe-bench csv` (release).
public enum CSVReader {
    /// Reads the file at `path`; errors name it as `displayPath` (default: `path`), so a
    /// stage can report the path the user wrote rather than the resolved one. A missing
    /// file throws ``FileError/notFound(path:)``.
    public static func read(
        path: String, displayPath: String? = nil, options: CSVReadOptions = CSVReadOptions()
    ) throws -> Table {
        let shown = displayPath ?? path
        guard FileManager.default.fileExists(atPath: path) else { throw FileError.notFound(path: shown) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw FileError.unreadable(path: shown, reason: error.localizedDescription)
        }
        return try parse(data, path: shown, options: options)
    }

    /// Parses CSV bytes; `path` is only used in error messages.
    public static func parse(
        _ data: Data, path: String = "<memory>", options: CSVReadOptions = CSVReadOptions()
    ) throws -> Table {
        try data.withUnsafeBytes { raw in
            try parse(raw, path: path, options: options)
        }
    }

    /// Parses CSV bytes; `path` is only used in error messages. Inputs of 4 MiB or more are
    /// parsed on ``ParallelMap/threadCount`` threads (`FAIRPIPE_THREADS`), with the same result.
    public static func parse(
        _ raw: UnsafeRawBufferPointer, path: String, options: CSVReadOptions = CSVReadOptions()
    ) throws -> Table {
        try parse(raw, path: path, options: options, threads: ParallelMap.threadCount)
    }

    /// Inputs below `parallelBytes` are read on one thread; others in chunks of about
    /// `chunkBytes`, at most four per thread.
    static func parse(
        _ raw: UnsafeRawBufferPointer, path: String, options: CSVReadOptions, threads: Int,
        parallelBytes: Int = 4 << 20, chunkBytes: Int = 1 << 20
    ) throws -> Table {
        guard let base = raw.baseAddress, raw.count > 0 else { throw CSVError.empty(path: path) }
        let bytes = Bytes(p: base.assumingMemoryBound(to: UInt8.self), n: raw.count).skippingByteOrderMark()
        guard bytes.n > 0 else { throw CSVError.empty(path: path) }
        if threads > 1 && bytes.n >= parallelBytes,
            let table = CSVParallelParse.table(
                bytes, path: path, options: options, pieces: threads * 4, chunkBytes: chunkBytes)
        {
            return table
        }
        if let bad = UTF8Check.firstInvalidOffset(bytes.p, bytes.n) {
            throw CSVError.invalidUTF8(path: path, line: bytes.line(atOffset: bad))
        }
        let (layout, body, bodyLine) = try CSVLayout.read(bytes, path: path, options: options)
        let records = try layout.parseRecords(body, line: bodyLine, categorical: layout.declaredCategorical)
        return try records.table(layout)
    }
}

/// The header of a CSV input and what the options make of it: which columns are stored and
/// which are declared numeric or categorical. Shared by every chunk of one input.
struct CSVLayout: Sendable {
    let path: String
    let header: [String]
    let selected: [Bool]
    let declaredNumeric: [Bool]
    let declaredCategorical: [Bool]

    init(header: [String], path: String, options: CSVReadOptions) throws {
        self.path = path
        self.header = header
        var selected = [Bool](repeating: options.columns == nil, count: header.count)
        if let wanted = options.columns {
            for name in wanted {
                guard let i = header.firstIndex(of: name) else {
                    throw CSVError.unknownColumn(path: path, column: name, available: header)
                }
                selected[i] = true
            }
        }
        self.selected = selected
        declaredNumeric = header.map { options.types[$0] == .numeric }
        declaredCategorical = header.map { options.types[$0] == .categorical }
    }

    /// Reads the header of `bytes` (BOM already skipped): the layout, the body after the
    /// header and the body's first line. Header only: ``CSVError/noRows(path:)``.
    static func read(_ bytes: Bytes, path: String, options: CSVReadOptions) throws -> (CSVLayout, Bytes, Int) {
        var parser = Parser(bytes: bytes, path: path)
        let header = try parser.readHeader()
        guard parser.position < bytes.n else { throw CSVError.noRows(path: path) }
        let layout = try CSVLayout(header: header, path: path, options: options)
        return (layout, Bytes(p: bytes.p + parser.position, n: bytes.n - parser.position), parser.line)
    }

    /// Parses the records of `body` (which starts at a record and holds whole records; its
    /// first line is `line`), typing undeclared columns speculatively: a column that meets
    /// text becomes categorical and the pass restarts.
    func parseRecords(
        _ body: Bytes, line: Int, categorical start: [Bool], targets: [UnsafeMutablePointer<Double>?]? = nil,
        capacity: Int? = nil
    ) throws -> ParsedRecords {
        var categorical = start
        var parser = Parser(bytes: body, path: path)
        // Row estimate from the first record's length, so column buffers rarely grow. A real
        // record has at least `width` bytes (separators and line end); a shorter first line
        // (blank, malformed) says nothing, so start small and let the buffers grow.
        let firstRecordEnd = memchr(body.p, 0x0A, body.n).map { UnsafeRawPointer($0) - UnsafeRawPointer(body.p) }
        let firstRecordLength = (firstRecordEnd ?? body.n) + 1
        let estimatedRows = capacity ?? (firstRecordLength >= header.count ? body.n / firstRecordLength + 16 : 1024)
        while true {
            parser.position = 0
            parser.line = line
            let store = ColumnStore(
                names: header, selected: selected, categorical: categorical, declaredNumeric: declaredNumeric,
                capacity: estimatedRows, targets: targets)
            switch try parser.readBody(into: store) {
            case .restart(let column):
                categorical[column] = true
            case .done(let rows):
                let nonFinite = header.indices.map { i -> (line: Int, value: String)? in
                    let raw = store.columns[i]
                    guard raw.mode == 1 && raw.nonFiniteLine > 0 else { return nil }
                    let field = Parser.Field(
                        start: raw.nonFiniteStart, end: raw.nonFiniteEnd, escaped: false, endsRecord: false)
                    return (raw.nonFiniteLine, parser.text(field))
                }
                return ParsedRecords(
                    store: store, rows: rows, endLine: parser.line, categorical: categorical, nonFinite: nonFinite)
            }
        }
    }
}

/// The parsed records of one input or chunk: raw column buffers in header order, the types
/// the columns ended with, and the first non-finite number of each column still numeric.
final class ParsedRecords: @unchecked Sendable {
    let store: ColumnStore
    let rows: Int
    /// The line after the last record.
    let endLine: Int
    let categorical: [Bool]
    let nonFinite: [(line: Int, value: String)?]

    init(store: ColumnStore, rows: Int, endLine: Int, categorical: [Bool], nonFinite: [(line: Int, value: String)?]) {
        self.store = store
        self.rows = rows
        self.endLine = endLine
        self.categorical = categorical
        self.nonFinite = nonFinite
    }

    /// The selected columns as a table; no rows or a non-finite number (first column in
    /// header order) is an error.
    func table(_ layout: CSVLayout) throws -> Table {
        guard rows > 0 else { throw CSVError.noRows(path: layout.path) }
        var columns: [Column] = []
        for i in layout.header.indices where layout.selected[i] {
            if let (line, value) = nonFinite[i] {
                throw CSVError.nonFiniteNumber(path: layout.path, line: line, column: layout.header[i], value: value)
            }
            columns.append(store.column(i))
        }
        return Table(validated: columns, rowCount: rows)
    }
}

/// A byte range of the input, never escaping the `withUnsafeBytes` scope of a parse.
struct Bytes: @unchecked Sendable {
    let p: UnsafePointer<UInt8>
    let n: Int

    /// 1-based line of byte `offset` (only computed for error messages).
    func line(atOffset offset: Int) -> Int {
        var line = 1
        var i = 0
        while i < offset && i < n {
            if p[i] == 0x0A { line += 1 }
            i += 1
        }
        return line
    }

    /// The bytes after a leading UTF-8 byte-order mark, if there is one.
    func skippingByteOrderMark() -> Bytes {
        guard n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF else { return self }
        return Bytes(p: p + 3, n: n - 3)
    }
}

/// One column's storage while parsing: raw growable buffers, so appending a cell costs no
/// reference counting or uniqueness check in the hot loop. Owned by ``ColumnStore``.
struct RawColumn {
    /// 0 = not read, 1 = numeric, 2 = categorical.
    var mode: UInt8
    var declaredNumeric: Bool
    var count = 0
    var capacity: Int
    var numbers: UnsafeMutablePointer<Double>?
    var codes: UnsafeMutablePointer<Int32>?
    /// Whether `numbers` is this column's to free (not a caller's buffer, see ``ColumnStore``).
    var ownsNumbers = true
    /// First non-finite number (line 0 = none), reported only if the column stays numeric.
    var nonFiniteLine = 0
    var nonFiniteStart = 0
    var nonFiniteEnd = 0

    @inline(__always)
    mutating func append(_ value: Double) {
        if count == capacity { grow() }
        numbers.unsafelyUnwrapped[count] = value
        count += 1
    }

    @inline(__always)
    mutating func append(code: Int32) {
        if count == capacity { grow() }
        codes.unsafelyUnwrapped[count] = code
        count += 1
    }

    mutating func grow() {
        let newCapacity = max(capacity * 2, 16)
        if let old = numbers {
            let new = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
            new.moveInitialize(from: old, count: count)
            if ownsNumbers { old.deallocate() }
            numbers = new
            ownsNumbers = true
        }
        if let old = codes {
            let new = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
            new.moveInitialize(from: old, count: count)
            old.deallocate()
            codes = new
        }
        capacity = newCapacity
    }
}

/// The columns of one parsing pass; frees its buffers when the pass ends (done, restart or error).
final class ColumnStore: @unchecked Sendable {
    let names: [String]
    let columns: UnsafeMutablePointer<RawColumn>
    let width: Int
    /// Per-column level tables, a raw buffer so the hot loop pays no exclusivity checks.
    let levels: UnsafeMutablePointer<LevelTable>

    /// `targets[i]`, when given, is where numeric column `i` is written (at least `capacity`
    /// values, owned by the caller: the parallel reader's final column at this chunk's rows).
    init(
        names: [String], selected: [Bool], categorical: [Bool], declaredNumeric: [Bool], capacity: Int,
        targets: [UnsafeMutablePointer<Double>?]? = nil
    ) {
        self.names = names
        width = names.count
        columns = .allocate(capacity: width)
        levels = .allocate(capacity: width)
        levels.initialize(repeating: LevelTable(), count: width)
        for i in 0..<width {
            let mode: UInt8 = !selected[i] ? 0 : (categorical[i] ? 2 : 1)
            let target = mode == 1 ? targets?[i] : nil
            columns.advanced(by: i).initialize(
                to: RawColumn(
                    mode: mode, declaredNumeric: declaredNumeric[i], capacity: capacity,
                    numbers: mode == 1 ? target ?? .allocate(capacity: capacity) : nil,
                    codes: mode == 2 ? .allocate(capacity: capacity) : nil, ownsNumbers: target == nil))
        }
    }

    deinit {
        for i in 0..<width { release(i) }
        columns.deinitialize(count: width)
        columns.deallocate()
        levels.deinitialize(count: width)
        levels.deallocate()
    }

    /// Frees column `i`'s raw buffers (after they were copied out).
    func release(_ i: Int) {
        if columns[i].ownsNumbers { columns[i].numbers?.deallocate() }
        columns[i].codes?.deallocate()
        columns[i].numbers = nil
        columns[i].codes = nil
    }

    /// Column `i` as a `Column`; its raw buffer is freed at once, so peak memory holds at
    /// most one column twice rather than the whole table.
    func column(_ i: Int) -> Column {
        let raw = columns[i]
        defer { release(i) }
        if raw.mode == 2, let codes = raw.codes {
            return Column(
                name: names[i],
                values: .categorical(
                    codes: Array(UnsafeBufferPointer(start: codes, count: raw.count)), levels: levels[i].levels))
        }
        let numbers = raw.numbers.map { Array(UnsafeBufferPointer(start: $0, count: raw.count)) } ?? []
        return Column(name: names[i], values: .numeric(numbers))
    }
}

/// Interning of categorical levels straight from bytes: open addressing on an FNV-1a hash,
/// compared by bytes, so a repeated level costs no `String` and no `Hasher`. A new level
/// becomes a `String` once. Codes are first-seen order.
struct LevelTable {
    var slots: [Int32] = Array(repeating: -1, count: 16)
    var hashes: [UInt64] = []
    var starts: [Int] = []
    var storage: [UInt8] = []
    var levels: [String] = []

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for i in 0..<n { h = (h ^ UInt64(p[i])) &* 0x0000_0100_0000_01B3 }
        return h ^ (h >> 29)
    }

    mutating func code(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        let h = LevelTable.hash(p, n)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[i]
            if slot < 0 { break }
            let level = Int(slot)
            if hashes[level] == h {
                let start = starts[level], end = starts[level + 1]
                if end - start == n {
                    let same = storage.withUnsafeBufferPointer { buffer in
                        let q = buffer.baseAddress.unsafelyUnwrapped + start
                        if n > 16 { return memcmp(q, p, n) == 0 }
                        var k = 0
                        while k < n && q[k] == p[k] { k += 1 }
                        return k == n
                    }
                    if same { return slot }
                }
            }
            i = (i + 1) & mask
        }
        let code = Int32(levels.count)
        if starts.isEmpty { starts.append(0) }
        storage.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        starts.append(storage.count)
        hashes.append(h)
        levels.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        slots[i] = code
        if levels.count * 2 > slots.count { rehash() }
        return code
    }

    private mutating func rehash() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (level, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(level)
        }
    }
}

private let comma: UInt8 = 0x2C
private let quote: UInt8 = 0x22
private let lf: UInt8 = 0x0A
private let cr: UInt8 = 0x0D

/// The tokeniser: a cursor over the bytes and the current physical line.
struct Parser {
    enum BodyResult {
        case done(rows: Int)
        case restart(column: Int)
    }

    let bytes: Bytes
    let path: String
    var position = 0
    var line = 1

    init(bytes: Bytes, path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// One field: its content range, whether it had doubled quotes to undo, and whether
    /// the record ended after it.
    struct Field {
        var start: Int
        var end: Int
        var escaped: Bool
        var endsRecord: Bool
    }

    /// Reads the field at `position` and its terminator. `recordLine` is for errors.
    @inline(__always)
    mutating func nextField(columnName: @autoclosure () -> String) throws -> Field {
        let p = bytes.p, n = bytes.n
        var pos = position
        var field: Field
        if pos < n && p[pos] == quote {
            let openLine = line
            pos += 1
            let start = pos
            var escaped = false
            while true {
                guard pos < n else { throw CSVError.unterminatedQuote(path: path, line: openLine) }
                let b = p[pos]
                if b == quote {
                    if pos + 1 < n && p[pos + 1] == quote {
                        escaped = true
                        pos += 2
                        continue
                    }
                    break
                }
                if b == lf { line += 1 }
                pos += 1
            }
            field = Field(start: start, end: pos, escaped: escaped, endsRecord: false)
            pos += 1
            if pos < n {
                let b = p[pos]
                if b != comma && b != lf && b != cr {
                    throw CSVError.textAfterQuote(path: path, line: line, column: columnName())
                }
            }
        } else {
            let start = pos
            while pos < n {
                let b = p[pos]
                if b == comma || b == lf || b == cr { break }
                pos += 1
            }
            field = Field(start: start, end: pos, escaped: false, endsRecord: false)
        }
        if pos >= n {
            field.endsRecord = true
        } else {
            let b = p[pos]
            pos += 1
            if b == comma {
                // more fields follow (possibly an empty one at the end of input)
            } else {
                if b == cr && pos < n && p[pos] == lf { pos += 1 }
                line += 1
                field.endsRecord = true
            }
        }
        position = pos
        return field
    }

    /// The text of a field, with doubled quotes undone.
    func text(_ field: Field) -> String {
        let buffer = UnsafeBufferPointer(start: bytes.p + field.start, count: field.end - field.start)
        guard field.escaped else { return String(decoding: buffer, as: UTF8.self) }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(buffer.count)
        var i = 0
        while i < buffer.count {
            unescaped.append(buffer[i])
            i += buffer[i] == quote ? 2 : 1
        }
        return String(decoding: unescaped, as: UTF8.self)
    }

    mutating func readHeader() throws -> [String] {
        var names: [String] = []
        var firstIndex: [String: Int] = [:]
        while true {
            let column = names.count + 1
            let field = try nextField(columnName: "#\(column)")
            let name = text(field)
            guard !name.isEmpty else { throw CSVError.emptyHeaderName(path: path, column: column) }
            if let first = firstIndex[name] {
                throw CSVError.duplicateHeaderName(path: path, name: name, firstColumn: first, secondColumn: column)
            }
            firstIndex[name] = column
            names.append(name)
            if field.endsRecord { break }
        }
        return names
    }

    /// Parses every record after the header into `store`.
    mutating func readBody(into store: ColumnStore) throws -> BodyResult {
        let p = bytes.p, n = bytes.n
        let width = store.width
        let columns = store.columns
        var rows = 0
        while position < n {
            let recordLine = line
            let first = p[position]
            if width > 1 && (first == lf || first == cr) {
                // blank line: skip
                position += 1
                if first == cr && position < n && p[position] == lf { position += 1 }
                line += 1
                continue
            }
            var column = 0
            while true {
                if column < width && columns[column].mode == 1, let endsRecord = fastNumber(into: &columns[column]) {
                    column += 1
                    if endsRecord { break }
                    continue
                }
                let field = try nextField(columnName: column < width ? store.names[column] : "#\(column + 1)")
                if column < width {
                    switch columns[column].mode {
                    case 1:
                        if try storeNumber(field, in: &columns[column], name: store.names[column], line: recordLine) {
                            return .restart(column: column)
                        }
                    case 2:
                        let code = level(field, in: &store.levels[column])
                        columns[column].append(code: code)
                    default:
                        break
                    }
                }
                column += 1
                if field.endsRecord { break }
            }
            guard column == width else {
                throw CSVError.wrongFieldCount(path: path, line: recordLine, expected: width, found: column)
            }
            rows += 1
        }
        return .done(rows: rows)
    }

    /// The common numeric field in one pass: unquoted `[-+]digits[.digits]` with at most 19
    /// digits, followed by a separator, a line end or the end of input. Stores the value
    /// (the same `Double` ``NumberParser/parse(_:_:)`` gives: the same significand and
    /// exponent through the same Clinger or division step), consumes the terminator and
    /// returns whether the record ended; `nil` (nothing consumed) for anything else.
    @inline(__always)
    mutating func fastNumber(into column: inout RawColumn) -> Bool? {
        let p = bytes.p, n = bytes.n
        var i = position
        var negative = false
        if i < n && (p[i] == 0x2D || p[i] == 0x2B) {
            negative = p[i] == 0x2D
            i += 1
        }
        var mantissa: UInt64 = 0
        let integerStart = i
        while i < n, case let d = p[i] &- 0x30, d < 10 {
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        var digits = i - integerStart
        var exponent = 0
        if i < n && p[i] == 0x2E {
            i += 1
            let fractionStart = i
            while i < n, case let d = p[i] &- 0x30, d < 10 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            exponent = fractionStart - i
            digits -= exponent
        }
        guard digits > 0 && digits <= 19 else { return nil }
        let terminator: UInt8 = i < n ? p[i] : lf
        guard terminator == comma || terminator == lf || terminator == cr else { return nil }
        var value: Double
        if mantissa == 0 {
            value = 0
        } else if mantissa <= (1 << 53) && exponent >= -22 {
            value = exponent < 0 ? Double(mantissa) / NumberParser.powers[-exponent] : Double(mantissa)
        } else if exponent < 0 {
            value = NumberParser.divide(mantissa, byPowerOfTen: -exponent)
        } else {
            return nil
        }
        column.append(negative ? -value : value)
        if i >= n {
            position = i
            return true
        }
        i += 1
        if terminator == comma {
            position = i
            return false
        }
        if terminator == cr && i < n && p[i] == lf { i += 1 }
        line += 1
        position = i
        return true
    }

    /// The level code of a categorical field (`-1` when empty).
    @inline(__always)
    func level(_ field: Field, in table: inout LevelTable) -> Int32 {
        if field.start == field.end { return -1 }
        guard field.escaped else { return table.code(bytes.p + field.start, field.end - field.start) }
        var unescaped = Array(text(field).utf8)
        return unescaped.withUnsafeMutableBufferPointer { buffer in
            table.code(UnsafePointer(buffer.baseAddress.unsafelyUnwrapped), buffer.count)
        }
    }

    /// Stores a numeric field; returns true when an auto-typed column meets text.
    @inline(__always)
    func storeNumber(
        _ field: Field, in column: inout RawColumn, name: @autoclosure () -> String, line: Int
    ) throws -> Bool {
        if field.start == field.end {
            column.append(.nan)
            return false
        }
        switch NumberParser.parse(bytes.p + field.start, field.end - field.start) {
        case .finite(let value):
            column.append(value)
        case .nonFinite:
            if column.nonFiniteLine == 0 {
                column.nonFiniteLine = line
                column.nonFiniteStart = field.start
                column.nonFiniteEnd = field.end
            }
            column.append(.nan)
        case .notANumber:
            if column.declaredNumeric {
                throw CSVError.notANumber(path: path, line: line, column: name(), value: text(field))
            }
            return true
        }
        return false
    }
}

/// Decimal number recognition and conversion on raw bytes.
enum NumberParser {
    enum Result: Equatable {
        case finite(Double)
        case nonFinite
        case notANumber
    }

    /// Exact powers of ten representable in a Double (10^0 ... 10^22).
    static let powers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]` (at least one mantissa digit), or
    /// `nan`/`inf`/`infinity` in any case with an optional sign (reported as non-finite).
    ///
    /// Clinger's fast path (1990): when the significant digits fit in an integer below 2^53
    /// and the decimal exponent is within ±22, one IEEE multiplication or division of two
    /// exact values is correctly rounded. Everything else goes to `strtod` on a
    /// NUL-terminated copy, which is correctly rounded in glibc and Darwin libc.
    static func parse(_ p: UnsafePointer<UInt8>, _ n: Int) -> Result {
        var i = 0
        var negative = false
        if n > 0 && (p[0] == 0x2D || p[0] == 0x2B) {
            negative = p[0] == 0x2D
            i = 1
        }
        guard i < n else { return .notANumber }
        let lead = p[i] | 0x20
        if lead == 0x6E || lead == 0x69 { return parseSpecial(p + i, n - i) }
        var mantissa: UInt64 = 0
        var digits = 0  // significant digits accumulated (leading zeros skipped)
        var sawDigit = false
        var exponent = 0
        var overflow = false
        while i < n {
            let d = p[i] &- 0x30
            guard d < 10 else { break }
            sawDigit = true
            if mantissa != 0 || d != 0 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d); digits += 1
                } else {
                    overflow = true; exponent += 1
                }
            }
            i += 1
        }
        if i < n && p[i] == 0x2E {
            i += 1
            while i < n {
                let d = p[i] &- 0x30
                guard d < 10 else { break }
                sawDigit = true
                if mantissa != 0 || d != 0 {
                    if digits < 19 {
                        mantissa = mantissa &* 10 &+ UInt64(d); digits += 1; exponent -= 1
                    } else {
                        overflow = true
                    }
                } else {
                    exponent -= 1
                }
                i += 1
            }
        }
        guard sawDigit else { return .notANumber }
        if i < n && (p[i] | 0x20) == 0x65 {
            i += 1
            var expNegative = false
            if i < n && (p[i] == 0x2D || p[i] == 0x2B) {
                expNegative = p[i] == 0x2D
                i += 1
            }
            var e = 0
            var sawExpDigit = false
            while i < n {
                let d = p[i] &- 0x30
                guard d < 10 else { break }
                sawExpDigit = true
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            guard sawExpDigit else { return .notANumber }
            exponent += expNegative ? -e : e
        }
        guard i == n else { return .notANumber }
        if mantissa == 0 { return .finite(negative ? -0.0 : 0.0) }
        if !overflow && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / powers[-exponent] : value * powers[exponent]
            return .finite(negative ? -value : value)
        }
        if !overflow && exponent < 0 && exponent >= -19 {
            let value = divide(mantissa, byPowerOfTen: -exponent)
            return .finite(negative ? -value : value)
        }
        let value = slowParse(p, n)
        return value.isFinite ? .finite(value) : .nonFinite
    }

    /// 10^0 ... 10^19 as integers.
    private static let integerPowers: [UInt64] = (0...19).map { k in (0..<k).reduce(UInt64(1)) { p, _ in p * 10 } }

    /// `m / 10^k` correctly rounded (to nearest, ties to even), for 1 ≤ m < 2^64 and
    /// 1 ≤ k ≤ 19: the quotient `q = ⌊m·2^s / 10^k⌋` is normalised to exactly 64 bits by
    /// choosing `s`; its top 53 bits are the significand, bit 10 the rounding bit, and the
    /// lower bits together with the division remainder the sticky bit. One 128-by-64-bit
    /// division instead of `strtod`, for the 16–19 digit decimals that scores and
    /// probabilities usually print as (Clinger's path needs the digits below 2^53).
    static func divide(_ m: UInt64, byPowerOfTen k: Int) -> Double {
        let d = integerPowers[k]
        let bm = 64 - m.leadingZeroBitCount
        let bd = 64 - d.leadingZeroBitCount
        var s = 64 + bd - bm - 1
        var (q, r) = shiftedQuotient(m, s, d)
        if q < (1 << 63) {
            s += 1
            (q, r) = shiftedQuotient(m, s, d)
        }
        var significand = q >> 11
        let roundBit = (q >> 10) & 1
        let sticky = (q & 0x3FF) != 0 || r != 0
        var binaryExponent = 11 - s
        if roundBit == 1 && (sticky || significand & 1 == 1) {
            significand += 1
            if significand == (1 << 53) {
                significand = 1 << 52
                binaryExponent += 1
            }
        }
        return Double(sign: .plus, exponent: binaryExponent, significand: Double(significand))
    }

    /// `⌊m·2^s / d⌋` and its remainder; the caller keeps the quotient below 2^64.
    @inline(__always)
    private static func shiftedQuotient(_ m: UInt64, _ s: Int, _ d: UInt64) -> (UInt64, UInt64) {
        let high: UInt64, low: UInt64
        if s >= 64 {
            high = m << UInt64(s - 64)
            low = 0
        } else {
            high = s == 0 ? 0 : m >> UInt64(64 - s)
            low = m << UInt64(s)
        }
        let (q, r) = d.dividingFullWidth((high: high, low: low))
        return (q, r)
    }

    /// Parses a whole string with the same grammar.
    static func parse(_ text: String) -> Result {
        var text = text
        return text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return .notANumber }
            return parse(base, buffer.count)
        }
    }

    private static func parseSpecial(_ p: UnsafePointer<UInt8>, _ n: Int) -> Result {
        var word = ""
        for i in 0..<n { word.unicodeScalars.append(Unicode.Scalar(p[i] | 0x20)) }
        return word == "nan" || word == "inf" || word == "infinity" ? .nonFinite : .notANumber
    }

    /// `strtod` on a NUL-terminated copy (the grammar was checked by the caller).
    private static func slowParse(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer in
            for i in 0..<n { buffer[i] = CChar(bitPattern: p[i]) }
            buffer[n] = 0
            guard let base = buffer.baseAddress else { return .nan }
            return strtod(base, nil)
        }
    }
}

/// UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF) with
/// a 32-bytes-at-a-time ASCII fast path.
enum UTF8Check {
    static func firstInvalidOffset(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i < n {
            while i + 32 <= n {
                let word =
                    raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
                guard word & 0x8080_8080_8080_8080 == 0 else { break }
                i += 32
            }
            while i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < n else { break }
            let b = p[i]
            if b < 0x80 { i += 1; continue }
            var length = 0
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            let second = p[i + 1]
            guard second >= low && second <= high else { return i }
            for k in 2..<length {
                guard p[i + k] & 0xC0 == 0x80 else { return i }
            }
            i += length
        }
        return nil
    }
}
