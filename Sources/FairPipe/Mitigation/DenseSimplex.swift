/// A small dense two-phase simplex solver for the linear programs of
/// ``ExponentiatedGradient`` (fairlearn's `_Lagrangian.solve_linprog`, which calls SciPy's
/// HiGHS dual simplex).
///
///     minimise cᵀx  subject to  A_ub x ≤ b_ub,  A_eq x = b_eq,  x_j ≥ 0 unless j ∈ free.
///
/// Free variables are split into positive and negative parts. Every row gets an artificial
/// variable (phase 1 minimises their sum); Bland's rule picks entering and leaving columns,
/// so the method cannot cycle. The programs here have a few constraints and at most a few
/// hundred columns, so a dense tableau (O(rows × columns) per pivot) is the simple, exact
/// choice. When the optimum is not unique the vertex found may differ from HiGHS's; the
/// optimal value is the same.
enum DenseSimplex {
    /// The optimal `x`, or nil when the program is infeasible or unbounded.
    static func minimize(
        c: [Double], aUb: [[Double]], bUb: [Double], aEq: [[Double]], bEq: [Double], free: [Int] = []
    ) -> [Double]? {
        let nVars = c.count
        let isFree = (0..<nVars).map { free.contains($0) }
        // Column layout: original vars, negative parts of free vars, slacks, artificials.
        var negColumn = [Int](repeating: -1, count: nVars)
        var col = nVars
        for j in 0..<nVars where isFree[j] { negColumn[j] = col; col += 1 }
        let slackStart = col
        let mUb = aUb.count, mEq = aEq.count
        let m = mUb + mEq
        let artStart = slackStart + mUb
        let width = artStart + m  // number of variables
        var tableau = [[Double]](repeating: [Double](repeating: 0, count: width + 1), count: m + 1)
        for r in 0..<m {
            let row = r < mUb ? aUb[r] : aEq[r - mUb]
            var rhs = r < mUb ? bUb[r] : bEq[r - mUb]
            var values = [Double](repeating: 0, count: width + 1)
            for j in 0..<nVars {
                values[j] = row[j]
                if negColumn[j] >= 0 { values[negColumn[j]] = -row[j] }
            }
            if r < mUb { values[slackStart + r] = 1 }
            if rhs < 0 {
                for j in 0..<width { values[j] = -values[j] }
                rhs = -rhs
            }
            values[artStart + r] = 1
            values[width] = rhs
            tableau[r] = values
        }
        var basis = (0..<m).map { artStart + $0 }

        // Phase 1: minimise the sum of artificials. Objective row holds reduced costs.
        var phase1 = [Double](repeating: 0, count: width + 1)
        for r in 0..<m {
            for j in 0...width where j < artStart || j == width { phase1[j] -= tableau[r][j] }
        }
        tableau[m] = phase1
        guard run(&tableau, &basis, rows: m, allowed: width) else { return nil }
        if -tableau[m][width] > 1e-9 * max(1, bUb.map(abs).reduce(0, +) + bEq.map(abs).reduce(0, +)) {
            return nil  // infeasible
        }
        // Drive zero-level artificials out of the basis where a real column can replace them.
        for r in 0..<m where basis[r] >= artStart {
            if let j = (0..<artStart).first(where: { abs(tableau[r][$0]) > 1e-12 }) {
                pivot(&tableau, &basis, row: r, col: j, rows: m)
            }
        }
        // Phase 2: the true costs, artificial columns barred from entering.
        var costs = [Double](repeating: 0, count: width + 1)
        for j in 0..<nVars {
            costs[j] = c[j]
            if negColumn[j] >= 0 { costs[negColumn[j]] = -c[j] }
        }
        var objective = costs
        for r in 0..<m {
            let cb = costs[basis[r]]
            if cb != 0 { for j in 0...width { objective[j] -= cb * tableau[r][j] } }
        }
        tableau[m] = objective
        guard run(&tableau, &basis, rows: m, allowed: artStart) else { return nil }

        var values = [Double](repeating: 0, count: width)
        for r in 0..<m { values[basis[r]] = tableau[r][width] }
        return (0..<nVars).map { j in negColumn[j] >= 0 ? values[j] - values[negColumn[j]] : values[j] }
    }

    /// Simplex iterations with Bland's rule over columns `< allowed`; false if unbounded.
    private static func run(_ t: inout [[Double]], _ basis: inout [Int], rows m: Int, allowed: Int) -> Bool {
        let width = t[0].count - 1
        let tolerance = 1e-11
        for _ in 0..<100_000 {
            guard let entering = (0..<allowed).first(where: { t[m][$0] < -tolerance }) else { return true }
            var leaving = -1
            var best = Double.infinity
            for r in 0..<m where t[r][entering] > tolerance {
                let ratio = t[r][width] / t[r][entering]
                if ratio < best - 1e-14 || (abs(ratio - best) <= 1e-14 && leaving >= 0 && basis[r] < basis[leaving]) {
                    best = ratio
                    leaving = r
                }
            }
            if leaving < 0 { return false }
            pivot(&t, &basis, row: leaving, col: entering, rows: m)
        }
        return true
    }

    private static func pivot(_ t: inout [[Double]], _ basis: inout [Int], row: Int, col: Int, rows m: Int) {
        let width = t[0].count
        let p = t[row][col]
        for j in 0..<width { t[row][j] /= p }
        t[row][col] = 1
        for r in 0...m where r != row {
            let f = t[r][col]
            if f == 0 { continue }
            for j in 0..<width { t[r][j] -= f * t[row][j] }
            t[r][col] = 0
        }
        basis[row] = col
    }
}
