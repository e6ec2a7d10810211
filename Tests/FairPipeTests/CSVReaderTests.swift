import Foundation
import Testing

@testable import FairPipe

@Suite struct CSVReaderTests {
    func parse(_ text: String, options: CSVReadOptions = CSVReadOptions()) throws -> Table {
        try CSVReader.parse(Data(text.utf8), path: "t.csv", options: options)
    }

    func strings(_ table: Table, _ name: String) -> [String?] {
        guard let column = table[name] else { return [] }
        return (0..<table.rowCount).map { column.string(at: $0) }
    }

    func expectError(_ expected: CSVError, _ text: String, options: CSVReadOptions = CSVReadOptions()) {
        #expect(throws: expected) { try parse(text, options: options) }
    }

    @Test func readsNumericAndCategoricalColumns() throws {
        let table = try parse("a,b,c\n1,x,2.5\n-3,y,1e3\n")
        #expect(table.columnNames == ["a", "b", "c"])
        #expect(table.rowCount == 2)
        #expect(table["a"]?.values == .numeric([1, -3]))
        #expect(table["b"]?.values == .categorical(codes: [0, 1], levels: ["x", "y"]))
        #expect(table["c"]?.values == .numeric([2.5, 1000]))
    }

    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        let table = try parse("id,text\n1,\"a,b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,plain\n")
        #expect(strings(table, "text") == ["a,b", "say \"hi\"", "two\nlines", "plain"])
    }

    @Test func crlfAndLoneCRLineEndings() throws {
        let crlf = try parse("a,b\r\n1,2\r\n3,4\r\n")
        #expect(crlf["b"]?.values == .numeric([2, 4]))
        let cr = try parse("a,b\r1,2\r3,4")
        #expect(cr["a"]?.values == .numeric([1, 3]))
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let table = try CSVReader.parse(Data([0xEF, 0xBB, 0xBF] + Array("x,y\n1,2\n".utf8)), path: "t.csv")
        #expect(table.columnNames == ["x", "y"])
    }

    @Test func missingTrailingNewlineAndEmptyFields() throws {
        let table = try parse("a,b,c\n1,,x\n,2,\n,,")
        #expect(table.rowCount == 3)
        guard case .numeric(let a) = table["a"]?.values else { Issue.record("a not numeric"); return }
        #expect(a[0] == 1 && a[1].isNaN && a[2].isNaN)
        #expect(strings(table, "c") == ["x", nil, nil])
        #expect(table["c"]?.isMissing(1) == true)
    }

    @Test func quotedEmptyFieldIsMissing() throws {
        let table = try parse("a,b\n\"\",x\n2,\"\"\n")
        #expect(table["a"]?.isMissing(0) == true)
        #expect(table["b"]?.isMissing(1) == true)
    }

    @Test func blankLinesAreSkipped() throws {
        let table = try parse("a,b\n1,2\n\n3,4\n\r\n")
        #expect(table.rowCount == 2)
        let single = try parse("a\n1\n\n2\n")
        #expect(single.rowCount == 3)
        #expect(single["a"]?.isMissing(1) == true)
    }

    @Test func columnFlipsToCategoricalOnLateText() throws {
        let table = try parse("a,b\n1,2\n2,3\n007,x\n")
        #expect(table["a"]?.type == .numeric)
        #expect(strings(table, "b") == ["2", "3", "x"])
    }

    @Test func declaredTypesAreHonoured() throws {
        let table = try parse("zip,n\n01234,1\n", options: CSVReadOptions(types: ["zip": .categorical]))
        #expect(strings(table, "zip") == ["01234"])
        expectError(
            .notANumber(path: "t.csv", line: 3, column: "n", value: "x"),
            "zip,n\n1,1\n2,x\n", options: CSVReadOptions(types: ["n": .numeric]))
    }

    @Test func columnSelectionReadsOnlyNamedColumns() throws {
        let table = try parse("a,b,c\n1,x,3\n4,y,6\n", options: CSVReadOptions(columns: ["c", "a"]))
        #expect(table.columnNames == ["a", "c"])
        expectError(
            .unknownColumn(path: "t.csv", column: "z", available: ["a", "b", "c"]),
            "a,b,c\n1,2,3\n", options: CSVReadOptions(columns: ["z"]))
    }

    @Test func numbersParseExactly() throws {
        let texts = [
            "0.1", "1e-5", "123456789012345678901234", "2.2250738585072014e-308", "4.9e-324",
            "1.7976931348623157e308", "-0", ".5", "5.", "+7", "9007199254740993", "0.30000000000000004",
        ]
        let table = try parse("v\n" + texts.joined(separator: "\n") + "\n")
        guard case .numeric(let values) = table["v"]?.values else { Issue.record("not numeric"); return }
        for (text, value) in zip(texts, values) {
            #expect(value == strtod(text, nil), "\(text)")
        }
        #expect(values[6].sign == .minus)
    }

    /// The fast paths (Clinger; the 128-by-64 division for up to 19 digits) must agree with
    /// strtod bit for bit, including ties and long mantissas.
    @Test func fastNumberPathsAgreeWithStrtod() {
        var rng = Xoshiro256StarStar(seed: 99, stream: "numbers")
        var texts = [
            "0.5118216247002567", "0.95046369632593531", "9999999999999999999e-19", "1.0000000000000002",
            "0.1000000000000000055511151231257827", "4503599627370496.5", "4503599627370497.5",
            "9007199254740993e-3", "18446744073709551615e-19", "1e-19", "123.456e-5",
        ]
        for _ in 0..<20_000 {
            let digits = 1 + rng.nextIndex(below: 19)
            var mantissa = ""
            for _ in 0..<digits { mantissa.append(Character(Unicode.Scalar(UInt8(48 + rng.nextIndex(below: 10))))) }
            let point = rng.nextIndex(below: digits + 1)
            let text = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
            texts.append(rng.nextIndex(below: 4) == 0 ? text + "e-\(rng.nextIndex(below: 12))" : text)
            texts.append(NumberFormat.string(rng.nextUnitDouble() * 100))
        }
        var mismatches = 0
        for text in texts {
            let expected = strtod(text, nil)
            guard case .finite(let value) = NumberParser.parse(text), value.bitPattern == expected.bitPattern else {
                mismatches += 1
                if mismatches < 5 { Issue.record("\(text): \(NumberParser.parse(text)) != \(expected)") }
                continue
            }
        }
        #expect(mismatches == 0)
    }

    @Test func notNumbersStayText() throws {
        for text in ["1.2.3", "e5", "1e", "-", "1 ", "0x10", "1,5"] {
            let table = try parse("v\n\"\(text)\"\n")
            #expect(table["v"]?.type == .categorical, "\(text)")
        }
    }

    @Test func nonFiniteNumbersAreErrors() {
        expectError(.nonFiniteNumber(path: "t.csv", line: 3, column: "b", value: "NaN"), "a,b\n1,2\n2,NaN\n3,4\n")
        expectError(.nonFiniteNumber(path: "t.csv", line: 2, column: "a", value: "-inf"), "a\n-inf\n")
        expectError(.nonFiniteNumber(path: "t.csv", line: 2, column: "a", value: "1e999"), "a\n1e999\n")
    }

    @Test func emptyFileAndHeaderOnly() {
        expectError(.empty(path: "t.csv"), "")
        expectError(.empty(path: "t.csv"), "\u{FEFF}")
        expectError(.noRows(path: "t.csv"), "a,b\n")
        expectError(.noRows(path: "t.csv"), "a,b")
        expectError(.noRows(path: "t.csv"), "a,b\n\n\n")
    }

    @Test func headerNamesMustBeNonEmptyAndDistinct() {
        expectError(.emptyHeaderName(path: "t.csv", column: 2), "a,,c\n1,2,3\n")
        expectError(.duplicateHeaderName(path: "t.csv", name: "a", firstColumn: 1, secondColumn: 3), "a,b,a\n1,2,3\n")
    }

    @Test func wrongFieldCountNamesTheLine() {
        expectError(.wrongFieldCount(path: "t.csv", line: 4, expected: 3, found: 2), "a,b,c\n1,2,3\n4,5,6\n7,8\n")
        expectError(.wrongFieldCount(path: "t.csv", line: 2, expected: 2, found: 3), "a,b\n1,2,\n")
        // A record spanning lines is named by its first line; later lines count on.
        expectError(.wrongFieldCount(path: "t.csv", line: 4, expected: 2, found: 1), "a,b\n1,\"x\ny\"\n3\n")
    }

    @Test func unterminatedQuoteNamesWhereItOpened() {
        expectError(.unterminatedQuote(path: "t.csv", line: 3), "a,b\n1,2\n3,\"open\n4,5\n")
    }

    @Test func textAfterClosingQuoteIsAnError() {
        expectError(.textAfterQuote(path: "t.csv", line: 2, column: "b"), "a,b\n1,\"x\"y\n")
    }

    @Test func invalidUTF8NamesTheLine() {
        let bytes = Array("a,b\n1,2\n3,".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        #expect(throws: CSVError.invalidUTF8(path: "t.csv", line: 3)) {
            try CSVReader.parse(Data(bytes), path: "t.csv")
        }
        // Overlong encoding and a surrogate are rejected too; valid multi-byte text is not.
        #expect(UTF8Check.firstInvalidOffset([0xC0, 0xAF], 2) == 0)
        #expect(UTF8Check.firstInvalidOffset([0xED, 0xA0, 0x80], 3) == 0)
        let good = Array("naïve, 東京, 🎉".utf8)
        #expect(UTF8Check.firstInvalidOffset(good, good.count) == nil)
    }

    @Test func missingFileIsNoInput() {
        #expect(throws: FileError.notFound(path: "/nonexistent/x.csv")) {
            try CSVReader.read(path: "/nonexistent/x.csv")
        }
    }

    @Test func errorsAreDataErrorsWithOneLineMessages() {
        let error = CSVError.wrongFieldCount(path: "d.csv", line: 7, expected: 5, found: 4)
        #expect(error.exitStatus == .dataError)
        #expect(error.description == "d.csv:7: expected 5 fields, found 4")
    }

    struct Expected: Decodable {
        var header: [String]
        var rows: [[String]]
    }

    /// Tests/Fixtures/data/make_csv_fixture.py: BOM, CRLF, quotes, embedded newlines, empty
    /// fields, non-ASCII text, no final newline — read as Python's csv module reads it.
    @Test func agreesWithPythonCSVModuleOnQuirksFixture() throws {
        let expected = try Fixtures.json(Expected.self, "data/quirks_expected.json")
        let table = try CSVReader.read(
            path: Fixtures.url("data/quirks.csv").path, options: CSVReadOptions(types: ["score": .categorical]))
        #expect(table.columnNames == expected.header)
        #expect(table.rowCount == expected.rows.count)
        for (r, row) in expected.rows.enumerated() {
            for (c, text) in row.enumerated() {
                #expect(table.columns[c].string(at: r) == (text.isEmpty ? nil : text), "row \(r + 1) column \(c + 1)")
            }
        }
        let typed = try CSVReader.read(path: Fixtures.url("data/quirks.csv").path)
        guard case .numeric(let scores) = typed["score"]?.values else { Issue.record("score not numeric"); return }
        #expect(scores[1] == -1.25e-3 && scores[2].isNaN && scores[4] == 0.1)
    }
}
