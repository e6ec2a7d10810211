import FairPipe
import Foundation

/// A seeded logistic dataset for timing: standard normal features, labels from σ(x·β + b).
private func syntheticLogistic(rows: Int, cols: Int, seed: UInt64) throws -> (Matrix, [UInt8], [String]) {
    var rng = Xoshiro256StarStar(seed: seed)
    var values = [Double](repeating: 0, count: rows * cols)
    var labels = [UInt8](repeating: 0, count: rows)
    let beta = (0..<cols).map { (Double($0 % 7) - 3) / Double(cols).squareRoot() }
    for i in 0..<rows {
        var z = -0.5
        for j in 0..<cols {
            let v = rng.nextGaussian()
            values[i * cols + j] = v
            z += beta[j] * v
        }
        labels[i] = rng.nextUnitDouble() < LogisticModel.sigmoid(z) ? 1 : 0
    }
    return (try Matrix(rows: rows, cols: cols, storage: values), labels, (0..<cols).map { "f\($0)" })
}

/// CPU seconds (user + system, all threads) used by this process so far. Reported beside
/// wall time because the benchmark machine is shared: wall time moves with other people's
/// load, CPU time much less.
private func cpuSeconds() -> Double {
    Double(clock()) / Double(CLOCKS_PER_SEC)
}

/// `fairpipe-bench train`: logistic-regression fit time on 1,000,000 × 50, and 50 oracle
/// calls on 50,000 × 100 with changing fractional weights (cold vs warm start), as
/// exponentiated gradient makes them.
func trainBenchmark() throws {
    let trainer = LogisticRegression(config: LogisticRegressionConfig())

    let (big, bigLabels, bigNames) = try syntheticLogistic(rows: 1_000_000, cols: 50, seed: 1)
    var cpu = cpuSeconds()
    let (seconds, model) = try measure {
        try trainer.fit(big, labels: bigLabels, featureNames: bigNames)
    }
    report(
        "train.fit_1000000x50",
        [
            "seconds": String(format: "%.3f", seconds),
            "cpu_seconds": String(format: "%.3f", cpuSeconds() - cpu),
            "iterations": "\(model.solver.iterations)",
            "hessians": "\(model.solver.hessianEvaluations)",
            "converged": "\(model.solver.converged)",
            "gradient_norm": String(format: "%.2e", model.solver.gradientNorm),
            "peak_mib": String(format: "%.0f", peakMemoryMiB()),
        ])

    let (X, labels, names) = try syntheticLogistic(rows: 50_000, cols: 100, seed: 2)
    cpu = cpuSeconds()
    let (single, one) = try measure { try trainer.fit(X, labels: labels, featureNames: names) }
    report(
        "train.fit_50000x100",
        [
            "seconds": String(format: "%.3f", single),
            "cpu_seconds": String(format: "%.3f", cpuSeconds() - cpu),
            "iterations": "\(one.solver.iterations)",
            "hessians": "\(one.solver.hessianEvaluations)",
        ])

    // 50 oracle calls, round r with weights 1 + 0.02·r·U(0,1) (fresh draws each round, as
    // exponentiated gradient re-weights every call), cold and warm started.
    var rng = Xoshiro256StarStar(seed: 3)
    let weightSets: [[Double]] = (0..<50).map { round in
        (0..<X.rows).map { _ in 1 + 0.02 * Double(round) * rng.nextUnitDouble() }
    }
    for warm in [false, true] {
        var iterations = 0
        var hessians = 0
        let cpu = cpuSeconds()
        let (total, _) = try measure {
            var previous: LogisticModel? = nil
            for weights in weightSets {
                let fit = try trainer.fit(
                    X, labels: labels, weights: weights, featureNames: names, warmStart: warm ? previous : nil)
                iterations += fit.solver.iterations
                hessians += fit.solver.hessianEvaluations
                previous = fit
            }
        }
        report(
            warm ? "train.oracle_50x_50000x100_warm" : "train.oracle_50x_50000x100_cold",
            [
                "seconds": String(format: "%.3f", total),
                "per_fit": String(format: "%.3f", total / 50),
                "cpu_seconds": String(format: "%.3f", cpuSeconds() - cpu),
                "iterations": "\(iterations)",
                "hessians": "\(hessians)",
            ])
    }
}
