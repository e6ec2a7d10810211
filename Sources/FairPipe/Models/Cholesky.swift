/// Cholesky factorisation `A = L Lᵀ` of a small dense symmetric positive-definite matrix,
/// used to solve the Newton system of ``LogisticRegression``. O(m³/3) for `m × m`.
struct Cholesky {
    /// The lower factor, row-major `m × m` (upper part zero).
    private(set) var lower: [Double]
    let size: Int

    /// Factors the symmetric `m × m` row-major `a` (only its lower triangle is read);
    /// nil when `a` is not numerically positive definite.
    init?(_ a: [Double], size m: Int) {
        var l = [Double](repeating: 0, count: m * m)
        for j in 0..<m {
            var d = a[j * m + j]
            for k in 0..<j { d -= l[j * m + k] * l[j * m + k] }
            guard d > 0, d.isFinite else { return nil }
            let ljj = d.squareRoot()
            l[j * m + j] = ljj
            for i in (j + 1)..<max(m, j + 1) {
                var s = a[i * m + j]
                for k in 0..<j { s -= l[i * m + k] * l[j * m + k] }
                l[i * m + j] = s / ljj
            }
        }
        lower = l
        size = m
    }

    /// The solution `x` of `L Lᵀ x = b`.
    func solve(_ b: [Double]) -> [Double] {
        let m = size
        var y = b
        for i in 0..<m {  // forward: L y = b
            var s = y[i]
            for k in 0..<i { s -= lower[i * m + k] * y[k] }
            y[i] = s / lower[i * m + i]
        }
        for i in stride(from: m - 1, through: 0, by: -1) {  // backward: Lᵀ x = y
            var s = y[i]
            for k in (i + 1)..<max(m, i + 1) { s -= lower[k * m + i] * y[k] }
            y[i] = s / lower[i * m + i]
        }
        return y
    }
}
