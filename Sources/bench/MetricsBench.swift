import FairPipe
import Foundation

/// The fairness engine on 1,000,000 prediction rows: two attributes (2 × 4 = 8 intersectional
/// groups), scores present, B = 1000 stratified bootstrap replicates, curves included.
/// Reports wall time and peak RSS; CSV parsing is not included (the evaluate stage's share).
func metricsBench() throws {
    let n = 1_000_000
    var rng = Xoshiro256StarStar(seed: 2026, stream: "metrics-bench")
    var labels = [UInt8](repeating: 0, count: n), decisions = labels
    var scores = [Double](repeating: 0, count: n)
    var sex = [Int32](repeating: 0, count: n), race = sex
    for i in 0..<n {
        sex[i] = Int32(rng.nextIndex(below: 2))
        race[i] = Int32(rng.nextIndex(below: 4))
        let logit = rng.nextGaussian() - 0.3 * Double(sex[i]) + 0.2 * Double(race[i]) - 0.3
        let y: UInt8 = rng.nextUnitDouble() < 1 / (1 + exp(-logit)) ? 1 : 0
        let s = 1 / (1 + exp(-(0.8 * logit + 1.2 * (Double(y) - 0.5) + 0.7 * rng.nextGaussian())))
        labels[i] = y
        scores[i] = (s * 1000).rounded() / 1000
        decisions[i] = scores[i] >= 0.5 ? 1 : 0
    }
    let set = PredictionSet(
        labels: labels, decisions: decisions, scores: scores,
        attributes: [
            SensitiveColumn(name: "sex", groups: ["Female", "Male"], codes: sex),
            SensitiveColumn(name: "race", groups: ["A", "B", "C", "D"], codes: race),
        ])
    let before = peakMemoryMiB()
    var config = FairnessConfig()
    config.thresholds = ["demographic_parity_difference": GateSpec(max: 0.1), "disparate_impact": GateSpec(min: 0.8)]
    let (seconds, result) = try measure { try evaluateFairnessAndCurves(set, config: config, seed: 1) }
    let json = try result.metrics.jsonData()
    let curves = try result.curves?.jsonData()
    var noBootstrap = config
    noBootstrap.bootstrap.samples = 0
    let (pointSeconds, _) = try measure { try evaluateFairness(set, config: noBootstrap, seed: 1) }
    report(
        "metrics",
        [
            "rows": "\(n)", "groups": "2+4+8", "bootstrap": "\(config.bootstrap.samples)",
            "seconds": String(format: "%.3f", seconds),
            "seconds_without_bootstrap": String(format: "%.3f", pointSeconds),
            "peak_mib": String(format: "%.0f", peakMemoryMiB()), "input_mib": String(format: "%.0f", before),
            "metrics_json_kib": "\(json.count / 1024)", "curves_json_kib": "\((curves?.count ?? 0) / 1024)",
            "passed": "\(result.metrics.passed)",
        ])
}

/// The sampler alone: 1000 stratified multinomial draws over 8 cells × 200 atoms of 625 rows.
func metricsSamplerBench() {
    var rng = Xoshiro256StarStar(seed: 1)
    let weights = [Int](repeating: 625, count: 200)
    var counts: [Int] = []
    var checksum = 0
    let (seconds, _) = measure {
        for _ in 0..<1000 {
            for _ in 0..<8 {
                Sampling.multinomial(trials: 125_000, weights: weights, into: &counts, using: &rng)
                checksum &+= counts[0]
            }
        }
    }
    report(
        "metrics-sampler",
        [
            "binomials": "1600000", "seconds": String(format: "%.3f", seconds),
            "ns_per_binomial": String(format: "%.0f", seconds * 1e9 / 1.6e6), "checksum": "\(checksum)",
        ])
}
