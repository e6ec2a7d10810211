import FairPipe
import Foundation

/// A tree model and rows exported by Tests/Fixtures/explain/bench_treeshap.py (the same layout
/// as the trees.json fixture).
private struct ExportedForest: Decodable {
    struct Node: Decodable {
        var feature: Int, threshold: Double, left: Int, right: Int, value: Double, cover: Double
    }
    var rows: Int, features: Int, X: [Double], base_margin: Double, trees: [[Node]]
    var shap_values: [Double]?
}

/// `fairpipe-bench treeshap`: path-dependent TreeSHAP rows per second on the model and rows that
/// bench_treeshap.py exported (FAIRPIPE_TREESHAP_MODEL, default /tmp/fairpipe-treeshap-bench.json),
/// on one thread and on every core, and the largest difference from shap's values when the file
/// carries them.
func treeSHAPBench() throws {
    let path = ProcessInfo.processInfo.environment["FAIRPIPE_TREESHAP_MODEL"] ?? "/tmp/fairpipe-treeshap-bench.json"
    guard let data = FileManager.default.contents(atPath: path) else {
        report("treeshap", ["skipped": "no \(path); run Tests/Fixtures/explain/bench_treeshap.py first"])
        return
    }
    let exported = try JSONDecoder().decode(ExportedForest.self, from: data)
    let forest = try AttributionForest(
        trees: exported.trees.map { nodes in
            AttributionTree(
                nodes: nodes.map {
                    AttributionTreeNode(
                        feature: $0.feature, threshold: $0.threshold, left: $0.left, right: $0.right,
                        value: $0.value, cover: $0.cover)
                })
        },
        baseMargin: exported.base_margin, features: exported.features)
    let X = try Matrix(rows: exported.rows, cols: exported.features, storage: exported.X)
    for parallel in [false, true] {
        var best = Double.infinity
        var values: [Double] = []
        for _ in 0..<3 {
            let (seconds, result) = try measure { try forest.shapValues(X, parallel: parallel) }
            best = min(best, seconds)
            values = result
        }
        var fields: KeyValuePairs<String, String> = [
            "rows": "\(exported.rows)", "trees": "\(exported.trees.count)", "threads": parallel ? "all" : "1",
            "seconds": String(format: "%.3f", best), "rows_per_s": String(format: "%.0f", Double(exported.rows) / best),
        ]
        if let reference = exported.shap_values {
            let worst = zip(values, reference).map { abs($0 - $1) }.max() ?? .nan
            fields = [
                "rows": "\(exported.rows)", "trees": "\(exported.trees.count)", "threads": parallel ? "all" : "1",
                "seconds": String(format: "%.3f", best),
                "rows_per_s": String(format: "%.0f", Double(exported.rows) / best),
                "max_abs_diff_vs_shap": String(format: "%.1e", worst),
            ]
        }
        report("treeshap", fields)
    }
}
