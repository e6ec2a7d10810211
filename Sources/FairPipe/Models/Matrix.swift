/// A dense matrix of `Double`s in row-major order: row `i` is the contiguous slice
/// `storage[i * cols ..< (i + 1) * cols]`.
///
/// Just what the models need: a design matrix with one row per sample and one column per
/// feature. Rows are contiguous because every hot loop (the Newton Hessian `XᵀSX`, the
/// scores `Xw`) walks a whole row at a time. Copy-on-write comes from the backing `Array`.
public struct Matrix: Equatable, Sendable {
    /// Number of rows (samples).
    public let rows: Int
    /// Number of columns (features).
    public let cols: Int
    /// Row-major values, `rows * cols` of them.
    public private(set) var storage: [Double]

    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.rows = max(rows, 0)
        self.cols = max(cols, 0)
        self.storage = Array(repeating: value, count: self.rows * self.cols)
    }

    /// A matrix over row-major `storage`; throws ``ModelError/shapeMismatch(expected:found:)``
    /// unless `storage.count == rows * cols`.
    public init(rows: Int, cols: Int, storage: [Double]) throws {
        guard rows >= 0, cols >= 0, storage.count == rows * cols else {
            throw ModelError.shapeMismatch(
                expected: "\(rows) × \(cols) = \(max(rows, 0) * max(cols, 0)) values",
                found: "\(storage.count) values")
        }
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A matrix from an array of rows; throws ``ModelError/shapeMismatch(expected:found:)``
    /// when the rows differ in length. An empty array gives a `0 × cols` matrix.
    public init(rowArrays: [[Double]], cols: Int? = nil) throws {
        let width = cols ?? rowArrays.first?.count ?? 0
        var storage: [Double] = []
        storage.reserveCapacity(rowArrays.count * width)
        for (index, row) in rowArrays.enumerated() {
            guard row.count == width else {
                throw ModelError.shapeMismatch(
                    expected: "row \(index) with \(width) values", found: "\(row.count) values")
            }
            storage.append(contentsOf: row)
        }
        try self.init(rows: rowArrays.count, cols: width, storage: storage)
    }

    /// The element at `(row, col)`. Indices are checked by the array (a programming error,
    /// not reachable from user input when callers loop over `rows`/`cols`).
    public subscript(row: Int, col: Int) -> Double {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// Row `i` as an array slice (no copy until mutated).
    public func row(_ i: Int) -> ArraySlice<Double> {
        storage[i * cols..<(i + 1) * cols]
    }

    /// Column `j` as a fresh array. O(rows), strided access.
    public func column(_ j: Int) -> [Double] {
        (0..<rows).map { storage[$0 * cols + j] }
    }

    /// Calls `body` with row `i` as a buffer, without copying.
    public func withRow<R>(_ i: Int, _ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[i * cols..<(i + 1) * cols]))
        }
    }

    /// Calls `body` with all values, row-major, without copying.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with mutable access to all values, row-major.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Double>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }

    /// The rows at `indices`, in that order (repeats allowed: a bootstrap sample).
    public func selectingRows<S: Sequence>(_ indices: S) -> Matrix where S.Element == Int {
        var values: [Double] = []
        var count = 0
        for i in indices {
            values.append(contentsOf: storage[i * cols..<(i + 1) * cols])
            count += 1
        }
        // Safe: exactly `cols` values were appended per row.
        return Matrix(unchecked: count, cols, values)
    }

    /// The transpose, `cols × rows`.
    public func transposed() -> Matrix {
        var values = [Double](repeating: 0, count: storage.count)
        for i in 0..<rows {
            for j in 0..<cols {
                values[j * rows + i] = storage[i * cols + j]
            }
        }
        return Matrix(unchecked: cols, rows, values)
    }

    /// `self · v` for a vector of length `cols`; nil on a length mismatch.
    public func multiplied(by v: [Double]) -> [Double]? {
        guard v.count == cols else { return nil }
        var out = [Double](repeating: 0, count: rows)
        storage.withUnsafeBufferPointer { x in
            v.withUnsafeBufferPointer { v in
                for i in 0..<rows {
                    var s = 0.0
                    let base = i * cols
                    for j in 0..<cols { s += x[base + j] * v[j] }
                    out[i] = s
                }
            }
        }
        return out
    }

    /// Internal initialiser for shapes that are correct by construction.
    init(unchecked rows: Int, _ cols: Int, _ storage: [Double]) {
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }
}
