import Foundation

/// RFC 4180 CSV writing, the inverse of ``CSVReader``.
///
/// A header row, `,` separators, `\n` line endings (after every record, including the
/// last). A field is quoted only when it must be: when it holds `,`, `"`, `\n` or `\r`
/// (quotes inside are doubled). Missing values are empty fields. Numbers print with
/// ``NumberFormat/string(_:)``, so the same table always gives the same bytes and reads
/// back to the same numbers. O(cells); the output is built in one byte buffer.
public enum CSVWriter {
    /// The CSV bytes of `table`.
    public static func data(_ table: Table) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(table.rowCount * max(table.columns.count, 1) * 8 + 64)
        for (i, column) in table.columns.enumerated() {
            if i > 0 { out.append(0x2C) }
            appendField(column.name, to: &out)
        }
        out.append(0x0A)
        for row in 0..<table.rowCount {
            for (i, column) in table.columns.enumerated() {
                if i > 0 { out.append(0x2C) }
                switch column.values {
                case .numeric(let numbers):
                    let value = numbers[row]
                    if !value.isNaN { NumberFormat.append(value, to: &out) }
                case .categorical(let codes, let levels):
                    let code = codes[row]
                    if code >= 0 { appendField(levels[Int(code)], to: &out) }
                }
            }
            out.append(0x0A)
        }
        return out
    }

    /// The CSV text of `table`.
    public static func string(_ table: Table) -> String {
        String(decoding: data(table), as: UTF8.self)
    }

    /// Writes `table` to `path` atomically (temporary file and rename).
    public static func write(_ table: Table, to path: String) throws {
        try AtomicFile.write(Data(data(table)), to: path)
    }

    /// Appends `text`, quoted when it holds a separator, quote or line break.
    static func appendField(_ text: String, to out: inout [UInt8]) {
        let utf8 = text.utf8
        let needsQuotes = utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            out.append(contentsOf: utf8)
            return
        }
        out.append(0x22)
        for byte in utf8 {
            out.append(byte)
            if byte == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
    }
}
