import FairPipe
import Foundation

/// `fairpipe-bench gbdt`: gradient-boosting fit time and peak memory on a dense synthetic
/// table, scikit-learn's HistGradientBoostingClassifier parameters with early stopping off.
///
/// With `FAIRPIPE_BENCH_GBDT_DATA=prefix` it reads `prefix.X` (row-major little-endian
/// float64) and `prefix.y` (one byte per row) written by
/// Tests/Fixtures/bench/gbdt_peers.py, so FairPipe, scikit-learn and LightGBM fit the same
/// rows; `FAIRPIPE_BENCH_GBDT_COLS` gives the column count (default 50). Without it, a
/// seeded 1,000,000 × 50 table is generated here.
///
/// Peak memory is the process's resident high-water mark during the fit alone: it is reset
/// through /proc/self/clear_refs after the data is loaded, as the peer script does, so all
/// three figures include the input matrix and nothing read before it.
func gradientBoostingBench() throws {
    let environment = ProcessInfo.processInfo.environment
    let (X, labels) =
        try environment["FAIRPIPE_BENCH_GBDT_DATA"].map {
            try readBinaryTable(prefix: $0, cols: Int(environment["FAIRPIPE_BENCH_GBDT_COLS"] ?? "50") ?? 50)
        } ?? syntheticBoostingTable(rows: 1_000_000, cols: 50, seed: 7)
    let names = (0..<X.cols).map { "f\($0)" }
    var config = GradientBoostingConfig()
    config.earlyStopping = .off
    let threads = Int(environment["FAIRPIPE_BENCH_THREADS"] ?? "") ?? ProcessInfo.processInfo.activeProcessorCount
    let trainer = GradientBoosting(config: config, threads: threads)

    resetPeakMemory()
    let cpu = Double(clock()) / Double(CLOCKS_PER_SEC)
    let (seconds, model) = try measure {
        try trainer.fit(X, labels: labels, weights: nil, featureNames: names, warmStart: nil)
    }
    let cpuUsed = Double(clock()) / Double(CLOCKS_PER_SEC) - cpu
    let peak = peakMemoryMiB()
    let probabilities = try model.predictProbability(X)
    var logLoss = 0.0
    for (p, y) in zip(probabilities, labels) {
        logLoss -= y == 1 ? log(max(p, 1e-15)) : log(max(1 - p, 1e-15))
    }
    report(
        "gbdt.fit_\(X.rows)x\(X.cols)",
        [
            "seconds": String(format: "%.2f", seconds),
            "cpu_seconds": String(format: "%.2f", cpuUsed),
            "threads": "\(threads)",
            "trees": "\(model.trees.count)",
            "train_logloss": String(format: "%.5f", logLoss / Double(labels.count)),
            "peak_fit_mib": String(format: "%.0f", peak),
        ])
}

/// Reads `prefix.X` (float64, row-major) and `prefix.y` (bytes) straight into the matrix.
private func readBinaryTable(prefix: String, cols: Int) throws -> (Matrix, [UInt8]) {
    let labels = [UInt8](try Data(contentsOf: URL(fileURLWithPath: prefix + ".y")))
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: prefix + ".X"))
    defer { try? handle.close() }
    var values = [Double](repeating: 0, count: labels.count * cols)
    try values.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let chunk = try handle.read(upToCount: min(1 << 26, buffer.count - offset)) ?? Data()
            guard !chunk.isEmpty else { throw CocoaError(.fileReadCorruptFile) }
            chunk.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + chunk.count)]))
            offset += chunk.count
        }
    }
    return (try Matrix(rows: labels.count, cols: cols, storage: values), labels)
}

/// Standard normal features; labels from σ of a sum of thresholds and interactions, so
/// trees have structure to find.
private func syntheticBoostingTable(rows: Int, cols: Int, seed: UInt64) throws -> (Matrix, [UInt8]) {
    var rng = Xoshiro256StarStar(seed: seed)
    var values = [Double](repeating: 0, count: rows * cols)
    var labels = [UInt8](repeating: 0, count: rows)
    for i in 0..<rows {
        for j in 0..<cols { values[i * cols + j] = rng.nextGaussian() }
        let base = i * cols
        var z = values[base] + 0.5 * values[base + 1] * values[base + 2] - (values[base + 3] > 0.5 ? 1 : 0)
        for j in 4..<min(cols, 10) { z += 0.2 * values[base + j] }
        labels[i] = rng.nextUnitDouble() < LogisticModel.sigmoid(z) ? 1 : 0
    }
    return (try Matrix(rows: rows, cols: cols, storage: values), labels)
}

/// Resets the resident-set high-water mark (Linux: writing 5 to /proc/self/clear_refs).
private func resetPeakMemory() {
    try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
}
