import Foundation
import Testing

@testable import FairPipe

@Suite struct CSVWriterTests {
    @Test func quotesOnlyWhenNeeded() throws {
        let table = try Table(columns: [
            Column(name: "id", numbers: [1, 2.5]),
            Column(name: "s", strings: ["plain", "a,b"]),
            Column(name: "q", strings: ["say \"hi\"", "line\nbreak"]),
        ])
        #expect(CSVWriter.string(table) == "id,s,q\n1,plain,\"say \"\"hi\"\"\"\n2.5,\"a,b\",\"line\nbreak\"\n")
    }

    @Test func numbersPrintShortestRoundTrip() {
        #expect(NumberFormat.string(1) == "1")
        #expect(NumberFormat.string(-3) == "-3")
        #expect(NumberFormat.string(0.1) == "0.1")
        #expect(NumberFormat.string(1e-5) == "1e-05")
        #expect(NumberFormat.string(1e300) == "1e+300")
        #expect(NumberFormat.string(-0.0) == "-0")
        #expect(NumberFormat.string(0.1 + 0.2) == "0.30000000000000004")
        #expect(NumberFormat.string(9_007_199_254_740_992) == "9007199254740992.0")
    }

    @Test func byteAppendMatchesStringForm() {
        var rng = Xoshiro256StarStar(seed: 5, stream: "format")
        var values: [Double] = [
            0, -0.0, 1, -1, 9_007_199_254_740_991, -9_007_199_254_740_991, 9_007_199_254_740_992, 1e20, 0.5, -2.25,
        ]
        for _ in 0..<2_000 {
            values.append((rng.nextGaussian() * 1e6).rounded())
            values.append(rng.nextGaussian() * 1e3)
        }
        for value in values {
            var out: [UInt8] = []
            NumberFormat.append(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == NumberFormat.string(value))
        }
    }

    @Test func missingValuesWriteEmptyFields() throws {
        let table = try Table(columns: [
            Column(name: "a", numbers: [.nan, 1]),
            Column(name: "b", strings: ["x", nil]),
        ])
        #expect(CSVWriter.string(table) == "a,b\n,x\n1,\n")
    }

    @Test func roundTripKeepsAwkwardStringsAndExactNumbers() throws {
        let awkward: [String?] = [
            "comma, inside", "\"quoted\"", "multi\nline", "crlf\r\nline", " leading space", "trailing ",
            "naïve 東京 🎉", "'single'", "tab\there", nil, "x\"", "\"", ",", "=1+2",
        ]
        var numbers: [Double] = [0, -0.0, 1, 0.1, 1e-300, 123456.789, -2.5e17, .pi, .leastNonzeroMagnitude, .nan]
        numbers += Array(repeating: 42, count: awkward.count - numbers.count)
        let table = try Table(columns: [
            Column(name: "text, with \"header\"", strings: awkward),
            Column(name: "v", numbers: numbers),
        ])
        let folder = try Fixtures.temporaryFolder()
        let path = folder.appendingPathComponent("round.csv").path
        try CSVWriter.write(table, to: path)
        let back = try CSVReader.read(path: path)
        #expect(back.columnNames == table.columnNames)
        #expect(back.rowCount == table.rowCount)
        for row in 0..<table.rowCount {
            #expect(back.columns[0].string(at: row) == awkward[row])
        }
        guard case .numeric(let read) = back["v"]?.values else { Issue.record("v not numeric"); return }
        for (a, b) in zip(read, numbers) {
            #expect(a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN))
        }
        // Writing what was read gives the same bytes.
        #expect(CSVWriter.data(back) == CSVWriter.data(table))
    }
}
