import FairPipe
import Foundation

/// Renders the multi-run page for 200 synthetic runs (the budget: under a second)
/// and a single-run report from a synthetic evaluation, and reports time and size.
func reportBench() throws {
    var rng = Xoshiro256StarStar(seed: 2026, stream: "report-bench")
    var runs: [RunSummary] = []
    for index in 0..<200 {
        let strength = Double(index / 5) / 39
        let accuracy = 0.82 - 0.06 * strength + 0.01 * (rng.nextUnitDouble() - 0.5)
        let disparity = 0.25 * (1 - strength) + 0.02 + 0.01 * rng.nextUnitDouble()
        runs.append(
            RunSummary(
                id: "run-\(index)", label: "strength \(index / 5) seed \(index % 5)",
                parameters: [
                    "mitigation.strength": String(strength), "experiment.seed": String(index % 5),
                    "mitigation.method": "exponentiated_gradient", "model.C": "1.0",
                ],
                metrics: [
                    "accuracy": RunMetric(
                        value: accuracy, ci: ReportInterval(lower: accuracy - 0.02, upper: accuracy + 0.02)),
                    "demographic_parity_difference": RunMetric(
                        value: disparity, ci: ReportInterval(lower: disparity - 0.03, upper: disparity + 0.03)),
                ],
                passed: disparity < 0.1))
    }
    let config = ReportConfig()
    _ = renderRunsHTML(runs: runs, config: config)  // warm-up
    let (seconds, html) = measure { renderRunsHTML(runs: runs, config: config) }
    report(
        "report.runs_html",
        [
            "runs": "200", "seconds": String(format: "%.4f", seconds),
            "bytes": String(html.utf8.count), "peak_mib": String(format: "%.1f", peakMemoryMiB()),
        ])

    // Single-run report from the committed fixtures when run from the repository root.
    let folder = "Tests/Fixtures/report"
    guard FileManager.default.fileExists(atPath: "\(folder)/metrics.json") else { return }
    let paths = ReportPaths(
        metrics: "\(folder)/metrics.json", curves: "\(folder)/curves.json", audit: "\(folder)/audit.json",
        mitigatedMetrics: "\(folder)/metrics_mitigated.json", tradeoff: "\(folder)/tradeoff.json",
        recommendations: "\(folder)/recommendations.json",
        manifests: ["make-dataset", "train", "evaluate", "mitigate"].map { "\(folder)/manifests/\($0).json" })
    let (loadSeconds, inputs) = try measure { try ReportInputs.load(paths) }
    let (renderSeconds, single) = measure { renderHTML(inputs, config: config) }
    report(
        "report.single_html",
        [
            "load_seconds": String(format: "%.4f", loadSeconds),
            "render_seconds": String(format: "%.4f", renderSeconds), "bytes": String(single.utf8.count),
        ])
}
