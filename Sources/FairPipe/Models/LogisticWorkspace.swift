import Foundation

/// The feature rows a ``LogisticRegression`` fit reads: dense row-major, or compressed
/// sparse rows (CSR) when at most a quarter of the values are non-zero — one-hot encoded
/// categoricals, as in UCI Adult (95 columns, about 11 non-zeros a row). On a sparse design
/// scores and gradients cost O(nnz) and the Hessian O(Σᵢ nnzᵢ²) instead of O(n p²): on
/// Adult that is ~70× less work per Newton step. The fitted optimum is the same; only the
/// rounding of sums differs (zero terms are skipped).
///
/// Sparse rows keep their column indices ascending, so the Hessian pass writes the upper
/// triangle directly. Built (and checked for non-finite values) once, so an oracle that
/// fits the same features many times pays for it once.
struct DesignMatrix: Sendable {
    let rows: Int
    let cols: Int
    /// Dense row-major values (empty when sparse).
    let dense: [Double]
    /// CSR: row i's non-zeros are at `rowStart[i] ..< rowStart[i + 1]` (empty when dense).
    let rowStart: [Int]
    let columns: [Int32]
    let values: [Double]
    var isSparse: Bool { !rowStart.isEmpty }

    /// Non-zero fraction at or below which the design is stored sparse.
    static let sparseDensity = 0.25

    /// Checks every value is finite (naming the feature and row of the first that is not).
    init(_ X: Matrix, featureNames: [String]) throws {
        try Self.checkFinite(X, featureNames: featureNames)
        self.init(validated: X)
    }

    /// A design over values already checked finite; `allowSparse: false` keeps it dense
    /// whatever its density (tests compare the two layouts).
    init(validated X: Matrix, allowSparse: Bool = true) {
        rows = X.rows
        cols = X.cols
        let nonZero = X.storage.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        guard allowSparse, cols >= 4, Double(nonZero) <= Self.sparseDensity * Double(X.storage.count) else {
            dense = X.storage
            rowStart = []
            columns = []
            values = []
            return
        }
        dense = []
        var rowStart = [Int](repeating: 0, count: X.rows + 1)
        var columns = [Int32]()
        var values = [Double]()
        columns.reserveCapacity(nonZero)
        values.reserveCapacity(nonZero)
        for i in 0..<X.rows {
            for j in 0..<X.cols where X.storage[i * X.cols + j] != 0 {
                columns.append(Int32(j))
                values.append(X.storage[i * X.cols + j])
            }
            rowStart[i + 1] = values.count
        }
        self.rowStart = rowStart
        self.columns = columns
        self.values = values
    }

    static func checkFinite(_ X: Matrix, featureNames: [String]) throws {
        let firstBad: Int? = X.withUnsafeBufferPointer { x in x.firstIndex { !$0.isFinite } }
        if let index = firstBad {
            throw ModelError.nonFiniteFeature(
                feature: featureNames[index % X.cols], row: index / X.cols, value: X.storage[index])
        }
    }

    /// Runs `body` with raw views of the rows, valid for the call only.
    func withRows<R>(_ body: (RowView) -> R) -> R {
        dense.withUnsafeBufferPointer { d in
            rowStart.withUnsafeBufferPointer { r in
                columns.withUnsafeBufferPointer { c in
                    values.withUnsafeBufferPointer { v in
                        body(
                            RowView(
                                p: cols, sparse: isSparse, dense: d.baseAddress, rowStart: r.baseAddress,
                                columns: c.baseAddress, values: v.baseAddress))
                    }
                }
            }
        }
    }
}

/// Unsafe pointers into a ``DesignMatrix``, shared by the parallel chunks of one pass
/// (which only read it).
struct RowView: @unchecked Sendable {
    let p: Int
    let sparse: Bool
    let dense: UnsafePointer<Double>?
    let rowStart: UnsafePointer<Int>?
    let columns: UnsafePointer<Int32>?
    let values: UnsafePointer<Double>?

    /// xᵢ·w.
    @inline(__always)
    func dot(_ i: Int, _ w: UnsafePointer<Double>?) -> Double {
        guard let w else { return 0 }
        if sparse, let rowStart, let columns, let values {
            var s = 0.0
            for k in rowStart[i]..<rowStart[i + 1] { s += values[k] * w[Int(columns[k])] }
            return s
        }
        guard let dense else { return 0 }
        return LogisticRegression.dot(dense + i * p, w, p)
    }

    /// g[0..<p] += r·xᵢ.
    @inline(__always)
    func addScaled(_ i: Int, _ r: Double, into g: UnsafeMutablePointer<Double>) {
        if sparse, let rowStart, let columns, let values {
            for k in rowStart[i]..<rowStart[i + 1] { g[Int(columns[k])] += r * values[k] }
            return
        }
        guard let dense else { return }
        let row = dense + i * p
        for j in 0..<p { g[j] += r * row[j] }
    }
}

/// Buffers reused across the Newton iterations of one fit, and the parallel passes over the rows of a ``DesignMatrix``.
struct Workspace {
    let rows: Int
    /// q = p + 1: features plus the intercept.
    let width: Int
    let chunkCount: Int
    /// Scores zᵢ = xᵢ·w + b at the current point.
    var scores: [Double]
    /// Scores of the Newton direction, uᵢ = xᵢ·dw + db.
    var directionScores: [Double]
    /// Curvature weights sᵢ pᵢ(1 − pᵢ), disjoint per chunk.
    var curvature: [Double]
    /// Per chunk: loss, gradient (q), Hessian upper triangle (q × q).
    var partials: [Double]

    var stride: Int { 1 + width + width * width }

    init(rows: Int, width: Int) {
        self.rows = rows
        self.width = width
        chunkCount = (rows + LogisticRegression.chunkRows - 1) / LogisticRegression.chunkRows
        scores = [Double](repeating: 0, count: rows)
        directionScores = [Double](repeating: 0, count: rows)
        curvature = [Double](repeating: 0, count: rows)
        partials = [Double](repeating: 0, count: chunkCount * (1 + width + width * width))
    }

    func chunk(_ c: Int) -> Range<Int> {
        let lo = c * LogisticRegression.chunkRows
        return lo..<min(lo + LogisticRegression.chunkRows, rows)
    }

    /// Σ sᵢ ℓᵢ and Σ sᵢ (pᵢ − tᵢ) x̃ᵢ at (w, b), summed chunk by chunk in chunk order; also
    /// stores the scores zᵢ and curvatures sᵢ pᵢ(1 − pᵢ) for ``hessian(_:)``. O(n p), parallel.
    mutating func evaluate(
        _ X: DesignMatrix, w: [Double], b: Double, t: [Double], s: [Double]
    ) -> (loss: Double, gradient: [Double]) {
        let p = width - 1
        let q = width
        let stride = self.stride
        let chunks = chunkCount
        let rows = self.rows
        X.withRows { x in
            w.withUnsafeBufferPointer { wb in
                t.withUnsafeBufferPointer { tb in
                    s.withUnsafeBufferPointer { sb in
                        scores.withUnsafeMutableBufferPointer { zb in
                            curvature.withUnsafeMutableBufferPointer { hb in
                                partials.withUnsafeMutableBufferPointer { pb in
                                    // Pointers are valid for the whole (synchronous) concurrentPerform; chunks write
                                    // disjoint ranges of z, curvature and partials.
                                    nonisolated(unsafe) let w = wb.baseAddress
                                    nonisolated(unsafe) let t = tb.baseAddress!, s = sb.baseAddress!,
                                        z = zb.baseAddress!
                                    nonisolated(unsafe) let h = hb.baseAddress!, parts = pb.baseAddress!
                                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                                        let lo = c * LogisticRegression.chunkRows
                                        let hi = min(lo + LogisticRegression.chunkRows, rows)
                                        Self.gradientPass(
                                            x: x, p: p, lo: lo, hi: hi, w: w, b: b, t: t, s: s, z: z, h: h,
                                            out: parts + c * stride)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        var loss = 0.0
        var gradient = [Double](repeating: 0, count: q)
        for c in 0..<chunks {
            let base = c * stride
            loss += partials[base]
            for j in 0..<q { gradient[j] += partials[base + 1 + j] }
        }
        return (loss, gradient)
    }

    /// The upper triangle of Σ sᵢ pᵢ(1 − pᵢ) x̃ᵢ x̃ᵢᵀ (row-major q × q) at the point of the
    /// last ``evaluate``, summed in chunk order. O(n p²), parallel: the hot loop of a fit.
    mutating func hessian(_ X: DesignMatrix) -> [Double] {
        let p = width - 1
        let q = width
        let stride = self.stride
        let chunks = chunkCount
        let rows = self.rows
        X.withRows { x in
            curvature.withUnsafeBufferPointer { hb in
                partials.withUnsafeMutableBufferPointer { pb in
                    nonisolated(unsafe) let h = hb.baseAddress!, parts = pb.baseAddress!
                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                        let lo = c * LogisticRegression.chunkRows
                        let hi = min(lo + LogisticRegression.chunkRows, rows)
                        let H = parts + c * stride + 1 + q
                        if x.sparse {
                            Self.sparseHessianPass(x: x, q: q, lo: lo, hi: hi, h: h, H: H)
                        } else {
                            Self.hessianPass(x: x.dense, p: p, q: q, lo: lo, hi: hi, h: h, H: H)
                        }
                    }
                }
            }
        }
        var upper = [Double](repeating: 0, count: q * q)
        for c in 0..<chunks {
            let base = c * stride + 1 + q
            for j in 0..<q {
                for k in j..<q { upper[j * q + k] += partials[base + j * q + k] }
            }
        }
        return upper
    }

    /// One chunk of ``evaluate``: rows `lo..<hi`; writes loss then gradient (q) to `out`.
    @inline(__always)
    static func gradientPass(
        x: RowView, p: Int, lo: Int, hi: Int, w: UnsafePointer<Double>?, b: Double,
        t: UnsafePointer<Double>, s: UnsafePointer<Double>, z: UnsafeMutablePointer<Double>,
        h: UnsafeMutablePointer<Double>, out: UnsafeMutablePointer<Double>
    ) {
        let g = out + 1
        g.update(repeating: 0, count: p + 1)
        var loss = 0.0
        for i in lo..<hi {
            let zi = b + x.dot(i, w)
            z[i] = zi
            // One exp and one log1p per row: e = exp(−|z|) never overflows.
            let e = exp(-abs(zi))
            let onePlus = 1 + e
            let prob = zi >= 0 ? 1 / onePlus : e / onePlus
            let margin = t[i] == 1 ? zi : -zi  // yᵢ zᵢ
            loss += s[i] * ((margin >= 0 ? 0 : -margin) + log1p(e))
            let r = s[i] * (prob - t[i])
            x.addScaled(i, r, into: g)
            g[p] += r
            h[i] = s[i] * (e / (onePlus * onePlus))
        }
        out[0] = loss
    }

    /// One chunk of ``hessian(_:)``: rows `lo..<hi` into the q × q block `H`.
    @inline(__always)
    static func hessianPass(
        x: UnsafePointer<Double>?, p: Int, q: Int, lo: Int, hi: Int,
        h: UnsafePointer<Double>, H: UnsafeMutablePointer<Double>
    ) {
        H.update(repeating: 0, count: q * q)
        // Four rows at a time, so each Hessian entry is loaded and stored once per four
        // rows; the inner loop over k is contiguous in both the data row and the Hessian
        // row, so it vectorises.
        var i = lo
        guard let x else {
            for i in lo..<hi { H[p * q + p] += h[i] }
            return
        }
        while i + 4 <= hi {
            let x0 = x + i * p, x1 = x0 + p, x2 = x1 + p, x3 = x2 + p
            let h0 = h[i], h1 = h[i + 1], h2 = h[i + 2], h3 = h[i + 3]
            for j in 0..<p {
                let c0 = h0 * x0[j], c1 = h1 * x1[j], c2 = h2 * x2[j], c3 = h3 * x3[j]
                let Hj = H + j * q
                for k in j..<p {
                    Hj[k] += (c0 * x0[k] + c1 * x1[k]) + (c2 * x2[k] + c3 * x3[k])
                }
                Hj[p] += (c0 + c1) + (c2 + c3)
            }
            H[p * q + p] += (h0 + h1) + (h2 + h3)
            i += 4
        }
        while i < hi {
            let x0 = x + i * p
            let h0 = h[i]
            for j in 0..<p {
                let c0 = h0 * x0[j]
                let Hj = H + j * q
                for k in j..<p { Hj[k] += c0 * x0[k] }
                Hj[p] += c0
            }
            H[p * q + p] += h0
            i += 1
        }
    }

    /// One chunk of ``hessian(_:)`` on a sparse design: for each row, every pair of its
    /// non-zeros (a ≤ b, so the upper triangle) plus the intercept column. O(Σᵢ nnzᵢ²).
    @inline(__always)
    static func sparseHessianPass(
        x: RowView, q: Int, lo: Int, hi: Int, h: UnsafePointer<Double>, H: UnsafeMutablePointer<Double>
    ) {
        H.update(repeating: 0, count: q * q)
        let p = q - 1
        guard let start = x.rowStart, let columns = x.columns, let values = x.values else { return }
        for i in lo..<hi {
            let hi_ = h[i]
            let end = start[i + 1]
            var a = start[i]
            while a < end {
                let c = hi_ * values[a]
                let Hj = H + Int(columns[a]) * q
                for k in a..<end { Hj[Int(columns[k])] += c * values[k] }
                Hj[p] += c
                a += 1
            }
            H[p * q + p] += hi_
        }
    }

    /// Stores uᵢ = xᵢ·dw + db for the step-halving trials. O(n p) (O(nnz) sparse), parallel.
    mutating func direction(_ X: DesignMatrix, dw: [Double], db: Double) {
        let rows = self.rows
        let chunks = chunkCount
        X.withRows { x in
            dw.withUnsafeBufferPointer { db_ in
                directionScores.withUnsafeMutableBufferPointer { ub in
                    nonisolated(unsafe) let d = db_.baseAddress, u = ub.baseAddress!
                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                        let lo = c * LogisticRegression.chunkRows
                        let hi = min(lo + LogisticRegression.chunkRows, rows)
                        for i in lo..<hi { u[i] = db + x.dot(i, d) }
                    }
                }
            }
        }
    }

    /// Σ sᵢ log(1 + exp(−yᵢ(zᵢ + step·uᵢ))), summed in chunk order. O(n), parallel.
    mutating func trialLoss(step: Double, t: [Double], s: [Double]) -> Double {
        let rows = self.rows
        let chunks = chunkCount
        let stride = self.stride
        scores.withUnsafeBufferPointer { zb in
            directionScores.withUnsafeBufferPointer { ub in
                t.withUnsafeBufferPointer { tb in
                    s.withUnsafeBufferPointer { sb in
                        partials.withUnsafeMutableBufferPointer { pb in
                            nonisolated(unsafe) let z = zb.baseAddress!, u = ub.baseAddress!
                            nonisolated(unsafe) let t = tb.baseAddress!, s = sb.baseAddress!
                            nonisolated(unsafe) let parts = pb.baseAddress!
                            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                                let lo = c * LogisticRegression.chunkRows
                                let hi = min(lo + LogisticRegression.chunkRows, rows)
                                var loss = 0.0
                                for i in lo..<hi {
                                    let zi = z[i] + step * u[i]
                                    let margin = t[i] == 1 ? zi : -zi
                                    loss += s[i] * ((margin >= 0 ? 0 : -margin) + log1p(exp(-abs(zi))))
                                }
                                parts[c * stride] = loss
                            }
                        }
                    }
                }
            }
        }
        var total = 0.0
        for c in 0..<chunkCount { total += partials[c * stride] }
        return total
    }
}
