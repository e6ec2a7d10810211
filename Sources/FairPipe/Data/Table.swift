/// How a column's values are stored and interpreted.
public enum ColumnType: String, Codable, Equatable, Sendable, CaseIterable {
    /// Finite `Double`s; `NaN` marks a missing value.
    case numeric
    /// Dictionary-encoded strings: `Int32` codes into `levels`; code `-1` marks a missing value.
    case categorical
}

/// The values of one column, in columnar form.
public enum ColumnValues: Equatable, Sendable {
    /// Numbers; `Double.nan` marks a missing value (non-finite input is rejected on read).
    case numeric([Double])
    /// Codes into `levels` (`-1` = missing). The CSV reader lists levels in first-seen
    /// order, which is deterministic for a given file; consumers that need an order-free
    /// view (the feature encoding) sort them.
    case categorical(codes: [Int32], levels: [String])
}

/// One named column of a ``Table``.
public struct Column: Equatable, Sendable {
    public var name: String
    public var values: ColumnValues

    public init(name: String, values: ColumnValues) {
        self.name = name
        self.values = values
    }

    /// A numeric column.
    public init(name: String, numbers: [Double]) {
        self.init(name: name, values: .numeric(numbers))
    }

    /// A categorical column from strings (`nil` = missing); levels in first-seen order.
    public init(name: String, strings: [String?]) {
        var lookup: [String: Int32] = [:]
        var levels: [String] = []
        var codes: [Int32] = []
        codes.reserveCapacity(strings.count)
        for value in strings {
            guard let value else { codes.append(-1); continue }
            if let code = lookup[value] {
                codes.append(code)
            } else {
                let code = Int32(levels.count)
                lookup[value] = code
                levels.append(value)
                codes.append(code)
            }
        }
        self.init(name: name, values: .categorical(codes: codes, levels: levels))
    }

    public var count: Int {
        switch values {
        case .numeric(let numbers): return numbers.count
        case .categorical(let codes, _): return codes.count
        }
    }

    public var type: ColumnType {
        switch values {
        case .numeric: return .numeric
        case .categorical: return .categorical
        }
    }

    /// Whether row `row` is missing.
    public func isMissing(_ row: Int) -> Bool {
        switch values {
        case .numeric(let numbers): return numbers[row].isNaN
        case .categorical(let codes, _): return codes[row] < 0
        }
    }

    /// The first missing row, if any.
    public var firstMissingRow: Int? { (0..<count).first(where: isMissing) }

    /// The text of row `row` as the CSV writer prints it; `nil` when missing.
    public func string(at row: Int) -> String? {
        switch values {
        case .numeric(let numbers):
            let value = numbers[row]
            return value.isNaN ? nil : NumberFormat.string(value)
        case .categorical(let codes, let levels):
            let code = codes[row]
            return code < 0 ? nil : levels[Int(code)]
        }
    }

    /// The same column as categorical: numbers become their canonical text
    /// (``NumberFormat/string(_:)``), levels in first-seen order.
    public func asCategorical() -> Column {
        switch values {
        case .categorical: return self
        case .numeric(let numbers):
            return Column(name: name, strings: numbers.map { $0.isNaN ? nil : NumberFormat.string($0) })
        }
    }

    /// The rows at `rows`, in that order. Unused levels are kept so codes stay stable.
    public func selecting(rows: [Int]) -> Column {
        switch values {
        case .numeric(let numbers):
            return Column(name: name, values: .numeric(rows.map { numbers[$0] }))
        case .categorical(let codes, let levels):
            return Column(name: name, values: .categorical(codes: rows.map { codes[$0] }, levels: levels))
        }
    }
}

/// A columnar table: named columns of equal length. The data layer's one in-memory form
/// of a dataset, from the CSV reader or the synthetic generator to the split and encoding.
public struct Table: Equatable, Sendable {
    public private(set) var columns: [Column]
    public private(set) var rowCount: Int

    /// Throws ``DataError/inconsistentTable(reason:)`` when lengths differ or names repeat.
    public init(columns: [Column]) throws {
        let count = columns.first?.count ?? 0
        var seen = Set<String>()
        for column in columns {
            guard column.count == count else {
                throw DataError.inconsistentTable(
                    reason: "column `\(column.name)` has \(column.count) rows, expected \(count)")
            }
            guard seen.insert(column.name).inserted else {
                throw DataError.inconsistentTable(reason: "column `\(column.name)` appears twice")
            }
        }
        self.columns = columns
        self.rowCount = count
    }

    /// Internal initialiser for callers that already guarantee the invariants.
    init(validated columns: [Column], rowCount: Int) {
        self.columns = columns
        self.rowCount = rowCount
    }

    public var columnNames: [String] { columns.map(\.name) }

    public func index(of name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    public subscript(name: String) -> Column? {
        index(of: name).map { columns[$0] }
    }

    /// The rows at `rows`, in that order. O(rows × columns).
    public func selecting(rows: [Int]) -> Table {
        Table(validated: columns.map { $0.selecting(rows: rows) }, rowCount: rows.count)
    }

    /// Replaces the column of the same name, or appends `column` when none has its name.
    public mutating func setColumn(_ column: Column) throws {
        guard column.count == rowCount || columns.isEmpty else {
            throw DataError.inconsistentTable(
                reason: "column `\(column.name)` has \(column.count) rows, expected \(rowCount)")
        }
        if columns.isEmpty { rowCount = column.count }
        if let i = index(of: column.name) {
            columns[i] = column
        } else {
            columns.append(column)
        }
    }

    /// The table without the named columns (names not present are ignored).
    public func removingColumns(_ names: Set<String>) -> Table {
        Table(validated: columns.filter { !names.contains($0.name) }, rowCount: rowCount)
    }

    /// The named columns in the given order; throws when one is missing.
    public func selectingColumns(_ names: [String]) throws -> Table {
        var selected: [Column] = []
        for name in names {
            guard let column = self[name] else {
                throw DataError.inconsistentTable(reason: "no column `\(name)`")
            }
            selected.append(column)
        }
        return Table(validated: selected, rowCount: rowCount)
    }
}

/// The one text form of numbers in every file FairPipe writes.
public enum NumberFormat {
    /// Integral values below 2^53 in magnitude print as integers (`1`, `-3`, `0`); every
    /// other finite value prints as Swift's `description`, the shortest text that parses
    /// back to the same `Double` (`0.1`, `1e-05`, `1.5e+300`). So the same `Double`
    /// always prints the same text on every platform, and reading it back is exact.
    /// Non-finite values print as `nan`, `inf`, `-inf` (writers never emit them for data).
    public static func string(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(.towardZero) && Swift.abs(value) < 9_007_199_254_740_992 {
            if value == 0 { return value.sign == .minus ? "-0" : "0" }
            return String(Int64(value))
        }
        return value.description
    }

    /// Appends the bytes of ``string(_:)`` to `out`; integers skip the `String`.
    @inline(__always)
    public static func append(_ value: Double, to out: inout [UInt8]) {
        guard
            value == value.rounded(.towardZero) && Swift.abs(value) < 9_007_199_254_740_992
                && !(value == 0 && value.sign == .minus)
        else {
            out.append(contentsOf: string(value).utf8)
            return
        }
        var magnitude = UInt64(Swift.abs(value))
        if value < 0 { out.append(0x2D) }
        var digits: (UInt64, UInt64) = (0, 0)  // up to 16 digits, little end first
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            } while magnitude > 0
            var i = count - 1
            while i >= 0 {
                out.append(buffer[i])
                i -= 1
            }
        }
    }
}
