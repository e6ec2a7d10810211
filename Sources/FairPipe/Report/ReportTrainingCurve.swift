/// The model card's training curve: a gradient-boosted model's log-loss per boosting
/// iteration (train, and the validation split early stopping watched), read from `model.json`.
extension HTMLReport {
    func trainingCurveItem() -> String {
        guard case .gradientBoosting(let model)? = inputs.model else { return "" }
        let curve = model.trainingCurve
        func series(_ name: String, _ losses: [Double]) -> SVGChart.Series {
            SVGChart.Series(
                name: name,
                points: losses.enumerated().map { i, loss in
                    SVGChart.Point(
                        x: Double(i), y: loss,
                        tooltip: "\(name), iteration \(i): log-loss \(ReportNumber.fixed(loss, 5))")
                })
        }
        var lines = [series("train", curve.train)]
        if let validation = curve.validation { lines.append(series("validation", validation)) }
        let p = model.parameters
        let svg = SVGChart.xy(
            id: "training-curve", title: "Training curve", subtitle: "gradient boosting, \(model.trees.count) trees",
            series: lines, xLabel: "boosting iteration (0 = baseline)", yLabel: "log-loss")
        var caption =
            "Mean log-loss after each tree (learning_rate \(p.learningRate), max_leaf_nodes \(p.maxLeafNodes.map(String.init) ?? "none"), min_samples_leaf \(p.minSamplesLeaf))."
        if model.stoppedEarly {
            caption +=
                " Early stopping ended the fit: the validation loss had not improved by more than \(p.tol) for \(p.nIterNoChange) iterations."
        }
        return "<dt>Training curve</dt><dd>" + figure(svg, caption: caption) + "</dd>"
    }
}
