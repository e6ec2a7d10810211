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
        let job = Job(body: body, ranges: ranges, layout: layout)
        let numeric = layout.header.indices.filter { layout.selected[$0] && !layout.declaredCategorical[$0] }
        if numeric.count <= 256, let bounds = rowBounds(job) {
            return job.direct(bounds: bounds, numeric: numeric)
        }
        guard let parsed = job.parseAll(), let rows = rows(parsed, layout: layout) else { return nil }
        let values = values(parsed, layout: layout, rows: rows)
        let columns = layout.header.indices.filter { layout.selected[$0] }.compactMap { i in
            values[i].map { Column(name: layout.header[i], values: $0) }
        }
        return Table(validated: columns, rowCount: rows)
    }

    /// Per chunk, at most how many rows it holds, when the body has no CR: its LF count
    /// (each chunk but the last ends after a LF), plus one for the last. `nil` otherwise.
    private static func rowBounds(_ job: Job) -> [Int]? {
        let counts =
            (try? ParallelMap.map(job.ranges.count) { k -> Int? in
                let chunk = job.body.p + job.ranges[k].lowerBound, n = job.ranges[k].count
                return memchr(chunk, 0x0D, n) == nil ? CSVChunks.count(0x0A, chunk, n) : nil
            }) ?? []
        let bounds = counts.compactMap { $0 }
        guard !bounds.isEmpty && bounds.count == counts.count else { return nil }
        return bounds.indices.map { bounds[$0] + ($0 == bounds.count - 1 ? 1 : 0) }
    }

    /// One parallel parse: the body, its chunks and its layout.
    struct Job {
        let body: Bytes
        let ranges: [Range<Int>]
        let layout: CSVLayout

        /// Parses every chunk, then again those that read a column as numbers that another
        /// chunk found categorical (their text must be interned, not formatted back from
        /// numbers); `nil` on any error. `targets(k)` are chunk `k`'s numeric destinations.
        func parseAll(
            capacities: [Int]? = nil, targets: ((Int) -> [UnsafeMutablePointer<Double>?])? = nil
        ) -> [ParsedRecords]? {
            guard
                var parsed = parse(
                    ranges.indices.map { $0 }, categorical: layout.declaredCategorical,
                    capacities: capacities, targets: targets)
            else { return nil }
            while true {
                let categorical = layout.header.indices.map { i in parsed.contains { $0.categorical[i] } }
                let stale = parsed.indices.filter { parsed[$0].categorical != categorical }
                if stale.isEmpty { return parsed }
                guard let again = parse(stale, categorical: categorical, capacities: capacities, targets: targets)
                else { return nil }
                for (k, chunk) in zip(stale, again) { parsed[k] = chunk }
            }
        }

        /// Parses chunks `indices` concurrently; `nil` if any has an error.
        private func parse(
            _ indices: [Int], categorical: [Bool], capacities: [Int]?,
            targets: ((Int) -> [UnsafeMutablePointer<Double>?])?
        ) -> [ParsedRecords]? {
            let results = try? ParallelMap.map(indices.count) { j -> ParsedRecords? in
                let k = indices[j]
                let chunk = Bytes(p: body.p + ranges[k].lowerBound, n: ranges[k].count)
                guard UTF8Check.firstInvalidOffset(chunk.p, chunk.n) == nil else { return nil }
                return try? layout.parseRecords(
                    chunk, line: 1, categorical: categorical, targets: targets?(k), capacity: capacities?[k])
            }
            guard let results, results.allSatisfy({ $0 != nil }) else { return nil }
            return results.compactMap { $0 }
        }

        /// The numeric columns are parsed straight into the table's arrays, chunk `k` from
        /// row `bounds[0..<k].sum()` (no second copy of the largest part of the table); rows
        /// a chunk left unused (blank lines) are closed up afterwards.
        func direct(bounds: [Int], numeric: [Int]) -> Table? {
            var offsets = [0]
            for bound in bounds { offsets.append(offsets[offsets.count - 1] + bound) }
            var others: [Int: ColumnValues]?
            var rows = 0
            let arrays = LargeArrays.withUninitialized(numeric.count, capacity: offsets[bounds.count]) { pointers in
                var slot = [UnsafeMutablePointer<Double>?](repeating: nil, count: layout.header.count)
                for (j, i) in numeric.enumerated() { slot[i] = pointers[j] }
                guard
                    let parsed = parseAll(
                        capacities: bounds, targets: { k in slot.map { $0.map { $0 + offsets[k] } } }),
                    let total = CSVParallelParse.rows(parsed, layout: layout)
                else { return numeric.map { _ in 0 } }
                rows = total
                let stillNumeric = numeric.filter { !parsed[0].categorical[$0] }
                let filled =
                    (try? ParallelMap.map(stillNumeric.count) { j in
                        CSVParallelParse.compact(parsed, column: stillNumeric[j], into: slot[stillNumeric[j]])
                    }) ?? []
                others = CSVParallelParse.values(parsed, layout: layout, rows: total, skipping: Set(stillNumeric))
                return numeric.map { i in stillNumeric.firstIndex(of: i).map { filled[$0] } ?? 0 }
            }
            guard var values = others else { return nil }
            for (j, i) in numeric.enumerated() where values[i] == nil { values[i] = .numeric(arrays[j]) }
            let columns = layout.header.indices.filter { layout.selected[$0] }.compactMap { i in
                values[i].map { Column(name: layout.header[i], values: $0) }
            }
            return Table(validated: columns, rowCount: rows)
        }
    }

    /// Moves, chunk by chunk, the values of column `i` down to follow the previous chunk's
    /// (nothing moves when every chunk filled its bound); returns the rows.
    private static func compact(
        _ chunks: [ParsedRecords], column i: Int, into target: UnsafeMutablePointer<Double>?
    )
        -> Int
    {
        guard let target else { return 0 }
        var at = 0
        for chunk in chunks {
            let raw = chunk.store.columns[i]
            if let source = raw.numbers, source != target + at {
                (target + at).update(from: source, count: raw.count)  // memmove: downwards, may overlap
            }
            at += raw.count
            chunk.store.release(i)
        }
        return at
    }

    /// The rows of the joined chunks; `nil` when there are none or a numeric column holds a
    /// non-finite number (errors the one-thread reader reports).
    static func rows(_ chunks: [ParsedRecords], layout: CSVLayout) -> Int? {
        let rows = chunks.reduce(0) { $0 + $1.rows }
        let numeric = layout.header.indices.filter { layout.selected[$0] && !(chunks.first?.categorical[$0] ?? true) }
        guard rows > 0, !numeric.contains(where: { i in chunks.contains { $0.nonFinite[i] != nil } }) else {
            return nil
        }
        return rows
    }

    /// The selected columns but `skipping`, joined from the chunks (one column per task).
    static func values(
        _ chunks: [ParsedRecords], layout: CSVLayout, rows: Int, skipping: Set<Int> = []
    ) -> [Int: ColumnValues] {
        let wanted = layout.header.indices.filter { layout.selected[$0] && !skipping.contains($0) }
        let joined =
            (try? ParallelMap.map(wanted.count) { j -> ColumnValues in
                let i = wanted[j]
                return chunks[0].categorical[i]
                    ? mergeCategorical(chunks, column: i, rows: rows) : mergeNumeric(chunks, column: i, rows: rows)
            }) ?? []
        var values: [Int: ColumnValues] = [:]
        for (j, i) in wanted.enumerated() { values[i] = joined[j] }
        return values
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

/// Arrays filled in place by code that needs all of them at once.
enum LargeArrays {
    /// Calls `body` with uninitialised storage for `count` arrays of `capacity` doubles;
    /// `body` returns how many leading values it initialised in each. The storage is only
    /// touched where written, so an over-estimated capacity costs address space, not memory.
    static func withUninitialized(
        _ count: Int, capacity: Int, _ body: ([UnsafeMutablePointer<Double>]) -> [Int]
    ) -> [[Double]] {
        var arrays: [[Double]] = []
        func open(_ pointers: [UnsafeMutablePointer<Double>]) -> [Int] {
            guard pointers.count < count else { return body(pointers) }
            var filled: [Int] = []
            let array = [Double](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, initialized in
                guard let base = buffer.baseAddress else { return }
                filled = open(pointers + [base])
                initialized = filled[pointers.count]
            }
            arrays.append(array)
            return filled
        }
        _ = open([])
        return arrays.reversed()
    }
}
