import Foundation

/// Limited-memory BFGS (Nocedal & Wright 2006, Algorithm 7.4, two-loop recursion) with a
/// backtracking Armijo line search, for the smooth in-processing objectives (fair logistic
/// regression, prejudice remover) whose gradients are written out analytically.
///
/// Deterministic: no randomness, fixed operation order. Pairs with `sᵀy ≤ 1e-12·‖s‖‖y‖`
/// (possible on the non-convex objectives) are skipped so the inverse-Hessian model stays
/// positive definite. Cost per iteration: one or a few objective evaluations plus
/// O(memory × dimension).
struct LBFGS: Sendable {
    /// Stored (s, y) pairs.
    var memory: Int = 10
    var maxIterations: Int = 500
    /// Stop when `max_j |∂f/∂x_j| ≤ gradientTolerance · max(1, |f|)`.
    var gradientTolerance: Double = 1e-9
    /// Also stop after `stallIterations` consecutive steps each lowering f by less than
    /// `functionTolerance · max(1, |f|)`: on objectives with kinks (Zafar's min(0, ·)) the
    /// gradient test may never pass while the iterates no longer improve.
    var functionTolerance: Double = 1e-14
    var stallIterations: Int = 10

    struct Result: Sendable {
        var x: [Double]
        var value: Double
        var gradientNorm: Double
        var iterations: Int
        var converged: Bool
    }

    /// Minimises `f` from `x0`; `f` returns the value and gradient at a point.
    func minimize(_ x0: [Double], _ f: ([Double]) throws -> (value: Double, gradient: [Double])) rethrows -> Result {
        var x = x0
        var (value, gradient) = try f(x)
        var sHistory: [[Double]] = [], yHistory: [[Double]] = [], rhoHistory: [Double] = []
        var iterations = 0
        var converged = false
        var stalled = 0
        func norm(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
        while iterations < maxIterations {
            if norm(gradient) <= gradientTolerance * max(1, abs(value)) {
                converged = true
                break
            }
            // Two-loop recursion: d = −H g.
            var q = gradient
            var alphas = [Double](repeating: 0, count: sHistory.count)
            for k in stride(from: sHistory.count - 1, through: 0, by: -1) {
                let a = rhoHistory[k] * Self.dot(sHistory[k], q)
                alphas[k] = a
                for j in q.indices { q[j] -= a * yHistory[k][j] }
            }
            if let s = sHistory.last, let y = yHistory.last {
                let gammaScale = Self.dot(s, y) / Self.dot(y, y)
                for j in q.indices { q[j] *= gammaScale }
            } else {
                let scale = 1 / max(norm(gradient), 1)
                for j in q.indices { q[j] *= scale }
            }
            for k in 0..<sHistory.count {
                let b = rhoHistory[k] * Self.dot(yHistory[k], q)
                for j in q.indices { q[j] += sHistory[k][j] * (alphas[k] - b) }
            }
            var direction = q.map { -$0 }
            var slope = Self.dot(gradient, direction)
            if !(slope < 0) {
                // Not a descent direction (numerical trouble): restart with steepest descent.
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                let scale = 1 / max(norm(gradient), 1)
                direction = gradient.map { -$0 * scale }
                slope = Self.dot(gradient, direction)
            }
            var step = 1.0
            var accepted = false
            var next = x, nextValue = value, nextGradient = gradient
            for _ in 0..<60 {
                next = zip(x, direction).map { $0 + step * $1 }
                (nextValue, nextGradient) = try f(next)
                if nextValue.isFinite && nextValue <= value + 1e-4 * step * slope + 1e-15 * abs(value) {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            iterations += 1
            guard accepted else { break }
            let s = zip(next, x).map { $0 - $1 }
            let y = zip(nextGradient, gradient).map { $0 - $1 }
            let sy = Self.dot(s, y)
            if sy > 1e-12 * Self.dot(s, s).squareRoot() * Self.dot(y, y).squareRoot() {
                sHistory.append(s); yHistory.append(y); rhoHistory.append(1 / sy)
                if sHistory.count > memory {
                    sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst()
                }
            }
            let moved = s.contains { $0 != 0 }
            stalled = value - nextValue < functionTolerance * max(1, abs(value)) ? stalled + 1 : 0
            x = next
            value = nextValue
            gradient = nextGradient
            if !moved || stalled >= stallIterations {
                converged = true
                break
            }
        }
        return Result(x: x, value: value, gradientNorm: norm(gradient), iterations: iterations, converged: converged)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }
}
