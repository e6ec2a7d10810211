import FairPipe
import Foundation

/// Biased synthetic scores for the mitigation benchmarks: `groups` groups with shifted base
/// rates and scores, scores rounded to 4 decimals (many ties, as real model outputs have).
private func benchScores(rows: Int, groups: Int, seed: UInt64) -> (scores: [Double], labels: [UInt8], groups: [Int32]) {
    var rng = Xoshiro256StarStar(seed: seed, stream: "mitigation-bench")
    var scores = [Double](repeating: 0, count: rows), labels = [UInt8](repeating: 0, count: rows)
    var codes = [Int32](repeating: 0, count: rows)
    for i in 0..<rows {
        let g = rng.nextIndex(below: groups)
        let label: UInt8 = rng.nextUnitDouble() < 0.3 + 0.1 * Double(g) ? 1 : 0
        let logit = 1.6 * (label == 1 ? 1.0 : -1.0) + 0.3 * Double(g) - 0.5 + 1.4 * rng.nextGaussian()
        scores[i] = ((1 / (1 + exp(-logit))) * 10_000).rounded() / 10_000
        labels[i] = label
        codes[i] = Int32(g)
    }
    return (scores, labels, codes)
}

/// `threshold_optimizer` fit (on 1,000,000 validation rows) and apply (on 1,000,000 test rows),
/// for 2 and 4 groups and both constraint families; then `group_thresholds` on the same data.
func thresholdOptimizerBench() throws {
    let rows = 1_000_000
    for groupCount in [2, 4] {
        let names = (0..<groupCount).map { "g\($0)" }
        let validation = benchScores(rows: rows, groups: groupCount, seed: 1)
        let test = benchScores(rows: rows, groups: groupCount, seed: 2)
        for constraint in [FairnessTarget.demographicParity, .equalizedOdds] {
            let optimizer = ThresholdOptimizer(constraint: constraint, objective: .accuracyScore, gridSize: 1000)
            let (fitSeconds, model) = try measure {
                try optimizer.fit(
                    scores: validation.scores, labels: validation.labels, groups: validation.groups, groupNames: names)
            }
            var rng = Xoshiro256StarStar(seed: 42, stream: "threshold_optimizer")
            let (applySeconds, decisions) = try measure {
                try model.apply(scores: test.scores, groups: test.groups, rng: &rng)
            }
            let selected = decisions.reduce(0) { $0 + Int($1) }
            report(
                "threshold_optimizer",
                [
                    "rows": "\(rows)", "groups": "\(groupCount)", "constraint": constraint.rawValue,
                    "fit_s": String(format: "%.3f", fitSeconds), "apply_s": String(format: "%.3f", applySeconds),
                    "total_s": String(format: "%.3f", fitSeconds + applySeconds),
                    "selection_rate": String(format: "%.4f", Double(selected) / Double(rows)),
                    "peak_mib": String(format: "%.0f", peakMemoryMiB()),
                ])
        }
        for target in [FairnessTarget.demographicParity, .equalizedOdds] {
            let (seconds, model) = try measure {
                try GroupThresholds(target: target, tolerance: 0.02)
                    .fit(
                        scores: validation.scores, labels: validation.labels, groups: validation.groups,
                        groupNames: names)
            }
            report(
                "group_thresholds",
                [
                    "rows": "\(rows)", "groups": "\(groupCount)", "target": target.rawValue,
                    "fit_s": String(format: "%.3f", seconds), "exact": "\(model.exact)",
                    "tolerance_met": "\(model.toleranceMet)", "accuracy": String(format: "%.4f", model.accuracy),
                ])
        }
    }
}
