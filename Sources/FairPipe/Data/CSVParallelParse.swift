import Foundation

/// ``CSVReader``'s multi-threaded path: the body is split into record-aligned chunks
/// (``CSVChunks/split(_:pieces:)``), each parsed on its own thread with speculative typing,
/// and the chunks are joined into the table the one-thread reader would build:
///
/// - a column that met text in any chunk is categorical everywhere (the chunks that read
///   it as numbers are parsed again with it categorical, as the one-thread restart does);
/// - categorical levels are merged in chunk order, so they stay in first-appearance order
///   of the file and the codes equal the one-thread codes;
/// - any error (invalid UTF-8, malformed record, non-number in a declared column, a
///   non-finite number, no rows) returns `nil` and the caller parses again on one thread,
///   which reports the first error in file order with its line, as always.
enum CSVParallelParse {
    /// The table, or `nil` when the input has an error the one-thread reader must report.
    /// At most `pieces` chunks of at least `chunkBytes` (one if the body is smaller).
    static func table(_ bytes: Bytes, path: String, options: CSVReadOptions, pieces: Int, chunkBytes: Int) -> Table? {
        guard let (layout, body, _) = try? CSVLayout.read(bytes, path: path, options: options),
            UTF8Check.firstInvalidOffset(bytes.p, bytes.n - body.n) == nil
        else { return nil }
        let ranges = CSVChunks.split(body, pieces: min(pieces, max(1, body.n / max(chunkBytes, 1))))
        var chunks = parse(body, ranges, layout: layout, categorical: ranges.map { _ in layout.declaredCategorical })
        guard var parsed = chunks else { return nil }
        // A column categorical in any chunk is categorical in all: reparse the chunks that
        // read it as numbers (their text must be interned, not formatted back from numbers).
        while true {
            let categorical = layout.header.indices.map { i in parsed.contains { $0.categorical[i] } }
            let stale = parsed.indices.filter { parsed[$0].categorical != categorical }
            if stale.isEmpty { break }
            chunks = parse(body, stale.map { ranges[$0] }, layout: layout, categorical: stale.map { _ in categorical })
            guard let again = chunks else { return nil }
            for (k, chunk) in zip(stale, again) { parsed[k] = chunk }
        }
        return merge(parsed, layout: layout)
    }

    /// Parses `ranges` of `body` concurrently; `nil` if any has an error.
    private static func parse(
        _ body: Bytes, _ ranges: [Range<Int>], layout: CSVLayout, categorical: [[Bool]]
    ) -> [ParsedRecords]? {
        let results = try? ParallelMap.map(ranges.count) { k -> ParsedRecords? in
            let chunk = Bytes(p: body.p + ranges[k].lowerBound, n: ranges[k].count)
            guard UTF8Check.firstInvalidOffset(chunk.p, chunk.n) == nil else { return nil }
            return try? layout.parseRecords(chunk, line: 1, categorical: categorical[k])
        }
        guard let results, results.allSatisfy({ $0 != nil }) else { return nil }
        return results.compactMap { $0 }
    }

    /// Concatenates the chunks' columns (one column per task); `nil` when there are no rows
    /// or a numeric column holds a non-finite number.
    private static func merge(_ chunks: [ParsedRecords], layout: CSVLayout) -> Table? {
        let rows = chunks.reduce(0) { $0 + $1.rows }
        let selected = layout.header.indices.filter { layout.selected[$0] }
        guard rows > 0, let first = chunks.first,
            !selected.contains(where: { i in chunks.contains { $0.nonFinite[i] != nil } })
        else { return nil }
        let columns = try? ParallelMap.map(selected.count) { s -> Column in
            let i = selected[s]
            let values: ColumnValues =
                first.categorical[i]
                ? mergeCategorical(chunks, column: i, rows: rows) : mergeNumeric(chunks, column: i, rows: rows)
            return Column(name: layout.header[i], values: values)
        }
        return columns.map { Table(validated: $0, rowCount: rows) }
    }

    private static func mergeNumeric(_ chunks: [ParsedRecords], column i: Int, rows: Int) -> ColumnValues {
        let numbers = [Double](unsafeUninitializedCapacity: rows) { buffer, count in
            for chunk in chunks {
                let raw = chunk.store.columns[i]
                if let source = raw.numbers, let target = buffer.baseAddress {
                    (target + count).initialize(from: source, count: raw.count)
                    count += raw.count
                }
                chunk.store.release(i)
            }
        }
        return .numeric(numbers)
    }

    /// Levels in chunk order then first-seen order within each chunk: the file's
    /// first-appearance order. Each chunk's codes are mapped onto the merged levels.
    private static func mergeCategorical(_ chunks: [ParsedRecords], column i: Int, rows: Int) -> ColumnValues {
        var merged: [String] = []
        var index: [String: Int32] = [:]
        var codes: [Int32] = []
        codes.reserveCapacity(rows)
        for chunk in chunks {
            let remap = chunk.store.levels[i].levels.map { level -> Int32 in
                if let code = index[level] { return code }
                let code = Int32(merged.count)
                index[level] = code
                merged.append(level)
                return code
            }
            let raw = chunk.store.columns[i]
            if let source = raw.codes {
                let cells = UnsafeBufferPointer(start: source, count: raw.count)
                if remap.indices.allSatisfy({ remap[$0] == Int32($0) }) {
                    codes.append(contentsOf: cells)
                } else {
                    codes.append(contentsOf: cells.lazy.map { $0 < 0 ? $0 : remap[Int($0)] })
                }
            }
            chunk.store.release(i)
        }
        return .categorical(codes: codes, levels: merged)
    }
}
