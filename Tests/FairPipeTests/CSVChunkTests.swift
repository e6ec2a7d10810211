import Foundation
import Testing

@testable import FairPipe

/// Record-aligned chunking, the chunk reader and the parallel reader all give what the
/// one-thread reader gives for the same bytes: the same rows, types, levels and errors.
@Suite struct CSVChunkTests {
    /// BOM, CRLF, a lone CR, quoted commas, newlines and `""`, a quote inside an unquoted
    /// field, blank lines, an empty field, and a final record without a line ending.
    static let tricky =
        "\u{FEFF}id,text,score\r\n1,\"a,b\",0.5\r\n2,\"two\nlines\",\n\n3,plain,1e3\r4,\"say \"\"hi\"\"\",-2\n"
        + "5,x\"y,7\r\n\r\n6,\"\",.25\n7,\"\"\"\",8"

    func rows(_ table: Table) -> [[String?]] {
        (0..<table.rowCount).map { row in table.columns.map { $0.string(at: row) } }
    }

    func write(_ text: String, _ name: String = #function) throws -> String {
        let url = try Fixtures.temporaryFolder(name).appendingPathComponent("t.csv")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func readAll(_ path: String, options: CSVReadOptions = CSVReadOptions(), chunkBytes: Int) throws -> [[String?]] {
        var reader = try CSVChunkReader(path: path, displayPath: "t.csv", options: options, chunkBytes: chunkBytes)
        var all: [[String?]] = []
        while let chunk = try reader.next() {
            #expect(chunk.columnNames == reader.header)
            all += rows(chunk)
        }
        return all
    }

    func parse(_ text: String, threads: Int, options: CSVReadOptions = CSVReadOptions()) throws -> Table {
        try Data(text.utf8).withUnsafeBytes { raw in
            try CSVReader.parse(
                raw, path: "t.csv", options: options, threads: threads, parallelBytes: 0, chunkBytes: 16)
        }
    }

    @Test func splitsAtRecordBoundariesForEveryPieceCount() throws {
        let whole = try rows(CSVReader.parse(Data(Self.tricky.utf8), path: "t.csv"))
        let bytes = Array(Self.tricky.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            let all = Bytes(p: buffer.baseAddress.unsafelyUnwrapped, n: buffer.count).skippingByteOrderMark()
            let options = CSVReadOptions(types: ["text": .categorical])
            let (layout, body, _) = try CSVLayout.read(all, path: "t.csv", options: options)
            for pieces in 1...body.n {
                let ranges = CSVChunks.split(body, pieces: pieces)
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == body.n)
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                var joined: [[String?]] = []
                for range in ranges {
                    let chunk = Bytes(p: body.p + range.lowerBound, n: range.count)
                    let records = try layout.parseRecords(chunk, line: 1, categorical: layout.declaredCategorical)
                    if records.rows > 0 { joined += rows(try records.table(layout)) }
                }
                #expect(joined == whole, "pieces \(pieces)")
            }
        }
    }

    @Test func lastBoundaryIsTheLastRecordEndOfEveryPrefix() {
        let bytes = Array(Self.tricky.utf8.dropFirst(3))
        bytes.withUnsafeBufferPointer { buffer in
            let p = buffer.baseAddress.unsafelyUnwrapped
            var ends: [Int] = []
            CSVChunks.forEachBoundary(p, buffer.count) {
                ends.append($0); return true
            }
            for length in 1...buffer.count {
                // A record end counts when the bytes after it are known (a CR may precede a LF).
                let expected = ends.last { $0 < length || ($0 == length && bytes[length - 1] == 0x0A) } ?? 0
                #expect(CSVChunks.lastBoundary(p, length) == expected, "prefix \(length)")
            }
        }
    }

    @Test func chunkReaderGivesTheReadersRowsForEveryChunkSize() throws {
        let path = try write(Self.tricky)
        let options = CSVReadOptions(types: ["text": .categorical])
        let whole = try rows(CSVReader.read(path: path, options: options))
        for chunkBytes in 1...Self.tricky.utf8.count + 1 {
            #expect(try readAll(path, options: options, chunkBytes: chunkBytes) == whole, "chunk \(chunkBytes)")
        }
    }

    @Test func chunkReaderReportsFirstLinesAndSelectsColumns() throws {
        let path = try write("a,b\n1,x\n2,y\n3,z\n")
        var reader = try CSVChunkReader(path: path, options: CSVReadOptions(columns: ["b"]), chunkBytes: 4)
        var lines: [Int] = []
        var values: [String?] = []
        while let chunk = try reader.next() {
            lines.append(reader.firstLine)
            #expect(chunk.columnNames == ["b"])
            values += (0..<chunk.rowCount).map { chunk.columns[0].string(at: $0) }
        }
        #expect(lines == [2, 3, 4])
        #expect(values == ["x", "y", "z"])
        #expect(try reader.next() == nil)
    }

    @Test func chunkReaderErrorsNameTheReadersLines() throws {
        let cases = [
            "", "\u{FEFF}", "a,b\n", "a,b\n\n\n", "a,a\n1,2\n", "a,b\n1,2\n3\n", "a,b\n1,2\n\"x\n\ny\"\n4,\"5\n",
            "a,b\n1,2\n3,\"4\"x\n", "a,b\n1,2\r\n3,nan\r\n4,5\n", "a,b\n1,2\n3,\u{80}\n",
        ]
        for text in cases {
            let path = try write(text, "errors\(text.utf8.count)")
            let options = CSVReadOptions(types: ["b": .numeric])
            var expected: Error?
            do { _ = try CSVReader.read(path: path, displayPath: "t.csv", options: options) } catch { expected = error }
            for chunkBytes in [1, 3, 8, 1 << 20] {
                var found: Error?
                do { _ = try readAll(path, options: options, chunkBytes: chunkBytes) } catch { found = error }
                #expect("\(String(describing: found))" == "\(String(describing: expected))", "\(text.debugDescription)")
            }
        }
        #expect(throws: FileError.notFound(path: "nowhere.csv")) {
            try CSVChunkReader(path: "/nonexistent/nowhere.csv", displayPath: "nowhere.csv", options: CSVReadOptions())
        }
    }

    /// A numeric-looking column that meets text only near the end, levels first seen in
    /// different chunks, missing values, quoted newlines.
    static func generated(rows: Int, flipAt: Int) -> String {
        var text = "id,code,group,note,score\n"
        for i in 0..<rows {
            let code = i == flipAt ? "x\(i % 3)" : (i % 11 == 0 ? "" : "\(i % 7)")
            let group = ["b", "a", "", "c", "d"][min(i / (rows / 4 + 1) + i % 2, 4)]
            let note = i % 13 == 0 ? "\"line\nbreak, \"\"q\"\"\"" : "n\(i % 5)"
            text += "\(i),\(code),\(group),\(note),\(Double(i) / 8)\n"
        }
        return text
    }

    /// Equal names, types, levels and codes, and numbers equal bit for bit (NaN included).
    static func identical(_ a: Table, _ b: Table) -> Bool {
        a.rowCount == b.rowCount && a.columns.count == b.columns.count
            && zip(a.columns, b.columns).allSatisfy { x, y in
                switch (x.values, y.values) {
                case (.numeric(let u), .numeric(let v)):
                    return x.name == y.name && u.map(\.bitPattern) == v.map(\.bitPattern)
                default:
                    return x == y
                }
            }
    }

    @Test func parallelParseEqualsTheOneThreadParse() throws {
        let cases = [(400, 390), (400, 0), (400, -1), (37, 20)].flatMap { rows, flipAt in
            let text = Self.generated(rows: rows, flipAt: flipAt)
            // LF only (numbers parsed in place), blank lines (rows closed up), CRLF (copied).
            let blank = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                .map { $0.offset % 37 == 5 ? $0.element + "\n" : String($0.element) }.joined(separator: "\n")
            return [(text, flipAt), (blank, flipAt), (text.replacingOccurrences(of: "\n", with: "\r\n"), flipAt)]
        }
        for (text, flipAt) in cases {
            for options in [
                CSVReadOptions(), CSVReadOptions(columns: ["score", "code"]),
                CSVReadOptions(types: ["id": .categorical]),
            ] {
                let sequential = try parse(text, threads: 1, options: options)
                for threads in [2, 3, 8] {
                    #expect(Self.identical(try parse(text, threads: threads, options: options), sequential))
                    // The parallel path itself ran (it is not the one-thread fallback).
                    let parallel = Array(text.utf8).withUnsafeBufferPointer { buffer in
                        CSVParallelParse.table(
                            Bytes(p: buffer.baseAddress.unsafelyUnwrapped, n: buffer.count), path: "t.csv",
                            options: options, pieces: threads * 4, chunkBytes: 16)
                    }
                    #expect(parallel.map { Self.identical($0, sequential) } == true)
                }
            }
            #expect(try parse(text, threads: 1)["code"]?.type == (flipAt >= 0 ? .categorical : .numeric))
        }
    }

    @Test func parallelParseReportsTheFirstErrorInFileOrder() {
        let body = (0..<300).map { "\($0),\($0 % 4)\n" }
        func text(_ edits: [Int: String]) -> String {
            "a,b\n" + body.indices.map { edits[$0] ?? body[$0] }.joined()
        }
        let cases: [(String, CSVReadOptions)] = [
            (text([40: "1,2,3\n", 250: "9\n"]), CSVReadOptions()),
            (text([250: "1,2,3\n", 40: "7,\"x\"y\n"]), CSVReadOptions()),
            (text([200: "1,inf\n", 30: "nan,1\n"]), CSVReadOptions()),
            (text([260: "1,x\n", 100: "2,y\n"]), CSVReadOptions(types: ["b": .numeric])),
            (text([260: "1,\u{80}\n", 10: "1,2,3\n"]), CSVReadOptions()),
            (text([280: "1,\"open\n"]), CSVReadOptions()),
        ]
        for (input, options) in cases {
            var expected: Error?
            do { _ = try parse(input, threads: 1, options: options) } catch { expected = error }
            #expect(expected != nil)
            var found: Error?
            do { _ = try parse(input, threads: 4, options: options) } catch { found = error }
            #expect("\(String(describing: found))" == "\(String(describing: expected))")
        }
    }

    /// The one-step numeric path gives NumberParser's `Double` bit for bit, and leaves
    /// everything it does not handle (exponents, > 19 digits, text, quotes) to it.
    @Test func oneStepNumbersEqualTheNumberParser() throws {
        var rng = Xoshiro256StarStar(seed: 7, stream: "csv.fast")
        var cells = [
            "0", "-0", "+0", "-0.0", "5.", ".5", "-.5", "007", "1.50", "9007199254740993", "18446744073709551615",
            "9999999999999999999", "0.1234567890123456789", "12345678901234567890", "1e5", "-", ".", "+", "1.2.3",
            "0.30000000000000004", "123456.7890123456789", "\"1\"", "x", "1x", "0.0000000000000000000001",
        ]
        for _ in 0..<3000 {
            let digits = Int(rng.next() % 20) + 1
            var text = rng.next() % 3 == 0 ? "-" : ""
            let point = Int(rng.next() % UInt64(digits + 1))
            for k in 0..<digits {
                if k == point { text += "." }
                text += String(rng.next() % 10)
            }
            cells.append(text)
        }
        let csv = "a,b\n" + cells.map { "\($0),\($0)\n" }.joined()
        let table = try CSVReader.parse(
            Data(csv.utf8), path: "t.csv", options: CSVReadOptions(types: ["b": .categorical]))
        let parsed = cells.map { cell -> Double? in
            if case .finite(let value) = NumberParser.parse(cell) { return value }
            return nil
        }
        if parsed.allSatisfy({ $0 != nil }) {
            Issue.record("the cells must include text so `a` is categorical in one file")
        }
        // Numbers only: the column stays numeric and takes the one-step path where it can.
        let numbers = cells.indices.filter { parsed[$0] != nil }
        let numeric = "a\n" + numbers.map { cells[$0] + "\n" }.joined()
        let column = try CSVReader.parse(Data(numeric.utf8), path: "t.csv")["a"]
        guard case .numeric(let values) = column?.values else {
            Issue.record("column `a` is not numeric")
            return
        }
        #expect(values.map(\.bitPattern) == numbers.map { parsed[$0]?.bitPattern ?? 0 })
        #expect(table["a"]?.type == .categorical)
    }

    @Test func countsBytesEightAtATime() {
        var rng = Xoshiro256StarStar(seed: 3, stream: "csv.count")
        let bytes = (0..<1000).map { _ in [0x0A, 0x0D, 0x8A, 0x0B, 0x00, 0xFF, 0x2C][Int(rng.next() % 7)] as UInt8 }
        bytes.withUnsafeBufferPointer { buffer in
            let p = buffer.baseAddress.unsafelyUnwrapped
            for n in [0, 1, 7, 8, 9, 63, 1000] {
                for byte: UInt8 in [0x0A, 0x0D, 0x8A, 0x00, 0xFF] {
                    #expect(CSVChunks.count(byte, p, n) == bytes[0..<n].filter { $0 == byte }.count)
                }
            }
        }
    }
}
