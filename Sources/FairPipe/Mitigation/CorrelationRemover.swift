/// Linear correlation removal as fairlearn's `CorrelationRemover`: regress the features on
/// the centred sensitive columns S_c = S − mean(S) by least squares, X ≈ S_c·β, and keep
/// α·(X − S_c·β) + (1 − α)·X. At α = 1 every feature is uncorrelated with every sensitive
/// column on the fitting data. The sensitive columns are typically the one-hot encoding of
/// the sensitive attributes (``CorrelationRemover/oneHot(groups:groupCount:)``).
///
/// fairlearn takes numpy's minimum-norm `lstsq` solution; one-hot columns are collinear once
/// centred, so β is not unique. FairPipe solves on a maximal independent subset of the
/// centred columns (modified Gram–Schmidt, twice, with a relative rank tolerance of 1e-10),
/// setting β = 0 on the dropped ones. Both give the same S_c·β for every row whose sensitive
/// vector lies in the affine hull of the fitting rows' — every row whose categories were seen
/// in fitting, one-hot encoded — so transforms agree with fairlearn's to rounding (the test
/// pins 1e-9). O(n·k·(k + d)) for k sensitive and d feature columns.
public struct CorrelationRemover: Sendable {
    public var alpha: Double

    public init(alpha: Double = 1.0) { self.alpha = alpha }

    static let name = "correlation_remover"

    /// Row-major one-hot columns (one per group code, none dropped) for `groups`.
    public static func oneHot(groups: [Int32], groupCount: Int) -> [Double] {
        var result = [Double](repeating: 0, count: groups.count * groupCount)
        for (row, code) in groups.enumerated() where code >= 0 && Int(code) < groupCount {
            result[row * groupCount + Int(code)] = 1
        }
        return result
    }

    /// Fits on row-major `features` (`rows` × `columns`) and sensitive columns
    /// (`rows` × `sensitiveColumns`).
    public func fit(
        features: [Double], rows: Int, columns: Int, sensitive: [Double], sensitiveColumns: Int
    ) throws -> CorrelationRemoverModel {
        let name = Self.name
        guard alpha >= 0 && alpha <= 1 else {
            throw MitigationError.invalidParameter(
                method: name, name: "alpha", expected: "a number in [0, 1]", found: "\(alpha)")
        }
        guard rows > 0 else { throw MitigationError.emptyInput(method: name) }
        try CorrelationRemoverModel.checkShape(
            features: features, rows: rows, columns: columns, sensitive: sensitive, sensitiveColumns: sensitiveColumns)
        let k = sensitiveColumns
        var means = [Double](repeating: 0, count: k)
        for j in 0..<k {
            var sum = 0.0
            for i in 0..<rows { sum += sensitive[i * k + j] }
            means[j] = sum / Double(rows)
        }
        // Columns of S_c, orthonormalised in order; R holds the Gram–Schmidt coefficients.
        var basis: [[Double]] = []
        var kept: [Int] = []
        var r: [[Double]] = []  // r[a][b]: coefficient of basis a in kept column b (upper triangular)
        for j in 0..<k {
            var v = (0..<rows).map { sensitive[$0 * k + j] - means[j] }
            let norm0 = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var coefficients = [Double](repeating: 0, count: basis.count)
            for _ in 0..<2 {
                for (a, q) in basis.enumerated() {
                    var dot = 0.0
                    for i in 0..<rows { dot += q[i] * v[i] }
                    coefficients[a] += dot
                    for i in 0..<rows { v[i] -= dot * q[i] }
                }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm0 > 0 && norm > 1e-10 * norm0 else { continue }
            basis.append(v.map { $0 / norm })
            for a in r.indices { r[a].append(coefficients[a]) }
            r.append([Double](repeating: 0, count: kept.count) + [norm])
            kept.append(j)
        }
        // β_kept = R⁻¹ Qᵀ X by back substitution, one feature column at a time.
        let m = kept.count
        var beta = [Double](repeating: 0, count: k * columns)
        for c in 0..<columns {
            var qtx = [Double](repeating: 0, count: m)
            for a in 0..<m {
                var dot = 0.0
                for i in 0..<rows { dot += basis[a][i] * features[i * columns + c] }
                qtx[a] = dot
            }
            var solution = [Double](repeating: 0, count: m)
            for a in stride(from: m - 1, through: 0, by: -1) {
                var value = qtx[a]
                for b in (a + 1)..<max(a + 1, m) { value -= r[a][b] * solution[b] }
                solution[a] = value / r[a][a]
            }
            for (a, j) in kept.enumerated() { beta[j * columns + c] = solution[a] }
        }
        return CorrelationRemoverModel(
            alpha: alpha, columns: columns, sensitiveColumns: k, sensitiveMeans: means, beta: beta)
    }
}

/// The fitted projection: sensitive means and β (`sensitiveColumns` × `columns`, row-major).
public struct CorrelationRemoverModel: Codable, Equatable, Sendable {
    public var alpha: Double
    public var columns: Int
    public var sensitiveColumns: Int
    public var sensitiveMeans: [Double]
    public var beta: [Double]
    /// The encoded columns it transforms, in order, when `mitigation.correlation_remover.features`
    /// restricted them; absent: every feature column.
    public var columnNames: [String]? = nil

    static func checkShape(
        features: [Double], rows: Int, columns: Int, sensitive: [Double], sensitiveColumns: Int
    ) throws {
        let name = CorrelationRemover.name
        guard features.count == rows * columns else {
            throw MitigationError.lengthMismatch(
                method: name, input: "features", expected: rows * columns, found: features.count)
        }
        guard sensitive.count == rows * sensitiveColumns else {
            throw MitigationError.lengthMismatch(
                method: name, input: "sensitive", expected: rows * sensitiveColumns, found: sensitive.count)
        }
        for (index, value) in features.enumerated() where !value.isFinite {
            throw MitigationError.nonFiniteValue(method: name, input: "features", row: index / max(columns, 1))
        }
        for (index, value) in sensitive.enumerated() where !value.isFinite {
            throw MitigationError.nonFiniteValue(
                method: name, input: "sensitive", row: index / max(sensitiveColumns, 1))
        }
    }

    /// α·(X − (S − mean)·β) + (1 − α)·X, row-major, the sensitive columns not included.
    public func transform(features: [Double], rows: Int, sensitive: [Double]) throws -> [Double] {
        try Self.checkShape(
            features: features, rows: rows, columns: columns, sensitive: sensitive, sensitiveColumns: sensitiveColumns)
        var result = features
        for i in 0..<rows {
            for c in 0..<columns {
                var fitted = 0.0
                for j in 0..<sensitiveColumns {
                    fitted += (sensitive[i * sensitiveColumns + j] - sensitiveMeans[j]) * beta[j * columns + c]
                }
                let x = features[i * columns + c]
                result[i * columns + c] = alpha * (x - fitted) + (1 - alpha) * x
            }
        }
        return result
    }
}
