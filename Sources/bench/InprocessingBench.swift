import FairPipe
import Foundation

/// Reads the benchmark data written by
/// Tests/Fixtures/mitigation/inprocessing/bench_fairlearn_eg.py (raw little-endian float64:
/// X row-major, then y, then the group), so both tools time the same rows; without the file,
/// generates data of the same shape and distribution from the seeded stream.
private func inprocessingBenchData(rows n: Int, cols p: Int) throws -> (X: Matrix, y: [UInt8], g: [Int32]) {
    if let path = ProcessInfo.processInfo.environment["INPROCESSING_BENCH_DATA"] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let values: [Double] = data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map {
                Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))
            }
        }
        guard values.count == n * p + 2 * n else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let X = try Matrix(rows: n, cols: p, storage: Array(values[0..<(n * p)]))
        return (X, values[(n * p)..<(n * p + n)].map { UInt8($0) }, values[(n * p + n)...].map { Int32($0) })
    }
    var rng = Xoshiro256StarStar(seed: 1, stream: "inprocessing-bench")
    let beta = (0..<p).map { _ in 2 * rng.nextGaussian() / Double(p).squareRoot() }
    var storage = [Double](repeating: 0, count: n * p)
    var y = [UInt8](repeating: 0, count: n), g = [Int32](repeating: 0, count: n)
    for i in 0..<n {
        let group = rng.nextUnitDouble() < 0.4 ? 1.0 : 0.0
        var logit = 0.8 * group - 0.3
        for j in 0..<p {
            var x = rng.nextGaussian()
            if j < 5 { x += 0.8 * group }
            storage[i * p + j] = x
            logit += beta[j] * x
        }
        y[i] = rng.nextUnitDouble() < 1 / (1 + exp(-logit)) ? 1 : 0
        g[i] = Int32(group)
    }
    return (try Matrix(rows: n, cols: p, storage: storage), y, g)
}

/// `exponentiated_gradient` (demographic parity, fairlearn's defaults eps 0.01, max_iter 50,
/// eta0 2) on 50,000 × 100 rows, oracle = weighted logistic regression (C 1, tol 1e-10), with
/// and without warm starts; then `grid_search` (10 points) on the same rows.
func inprocessingBench() throws {
    let n = 50_000, p = 100
    let data = try inprocessingBenchData(rows: n, cols: p)
    let names = (0..<p).map { "x\($0)" }
    // Oracle tolerance 1e-10 (the pipeline default, as fairlearn with newton-cholesky,
    // tol=1e-10) and 1e-4 (as loose as scikit-learn's default lbfgs tol).
    for (warm, tol) in [(true, 1e-10), (false, 1e-10), (true, 1e-4)] {
        var eg = ExponentiatedGradient(target: .demographicParity)
        eg.warmStart = warm
        eg.oracle.logisticRegression.tol = tol
        let (seconds, model) = try measure {
            try eg.fit(data.X, labels: data.y, groups: data.g, groupNames: ["0", "1"], featureNames: names)
        }
        report(
            "exponentiated_gradient",
            [
                "rows": "\(n)", "cols": "\(p)", "warm_start": "\(warm)", "oracle_tol": "\(tol)",
                "fit_s": String(format: "%.3f", seconds),
                "oracle_calls": "\(model.oracleCalls)", "oracle_fits": "\(model.oracleFits)",
                "iterations": "\(model.iterations)",
                "predictors": "\(model.predictors.count)",
                "newton_steps": "\(model.predictors.compactMap { $0.model?.solver.iterations }.reduce(0, +))",
                "hessians": "\(model.predictors.compactMap { $0.model?.solver.hessianEvaluations }.reduce(0, +))",
                "error": String(format: "%.6f", model.trainingError),
                "violation": String(format: "%.6f", model.trainingViolation),
                "best_gap": String(format: "%.3g", model.bestGap),
                "peak_mib": String(format: "%.0f", peakMemoryMiB()),
            ])
    }
    let (seconds, grid) = try measure {
        try GridSearch(target: .demographicParity).fit(
            data.X, labels: data.y, groups: data.g, groupNames: ["0", "1"], featureNames: names)
    }
    report(
        "grid_search",
        [
            "rows": "\(n)", "cols": "\(p)", "grid_size": "10", "fit_s": String(format: "%.3f", seconds),
            "best_error": String(format: "%.6f", grid.best.error),
            "best_violation": String(format: "%.6f", grid.best.violation),
        ])
}

/// The other in-processing methods on 10,000 × 20 rows of the same distribution (first 20
/// columns of the generated data), default parameters.
func inprocessingMethodsBench() throws {
    let n = 10_000, p = 20
    let full = try inprocessingBenchData(rows: 50_000, cols: 100)
    var storage: [Double] = []
    storage.reserveCapacity(n * p)
    for i in 0..<n { storage.append(contentsOf: full.X.row(i).prefix(p)) }
    let X = try Matrix(rows: n, cols: p, storage: storage)
    let y = Array(full.y.prefix(n)), g = Array(full.g.prefix(n))
    let names = (0..<p).map { "x\($0)" }
    for method in [
        MitigationMethod.exponentiatedGradient, .gridSearch, .fairLogisticRegression, .prejudiceRemover,
        .adversarialDebiasing,
    ] {
        var config = MitigationConfig()
        config.method = method
        config.target = .demographicParity
        let (seconds, model) = try measure {
            try Inprocessing.fit(
                config: config, seed: 1, X, labels: y, groups: g, groupNames: ["0", "1"], featureNames: names)
        }
        let scores = try model.scores(X, groups: g)
        var rate = [0.0, 0.0], count = [0.0, 0.0]
        for i in 0..<n {
            rate[Int(g[i])] += scores[i] >= 0.5 ? 1 : 0
            count[Int(g[i])] += 1
        }
        report(
            "inprocessing",
            [
                "method": method.rawValue, "rows": "\(n)", "cols": "\(p)", "fit_s": String(format: "%.3f", seconds),
                "train_dp_difference": String(format: "%.4f", abs(rate[0] / count[0] - rate[1] / count[1])),
            ])
    }
}
