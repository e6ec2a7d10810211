import Foundation

/// The report section "Why the groups differ", drawn from `explain`'s explanations.json: the
/// gap attributions with their intervals, permutation importance for accuracy beside that for
/// each disparity, and partial-dependence curves per group for the top features.
extension HTMLReport {
    func whySection() -> String {
        guard let x = inputs.explanations else {
            return note(
                "No explanations were given (the explain stage writes explanations.json); feature attributions are omitted."
            )
        }
        let proxies = x.concerns.count
        var out =
            "<p>Model \(e(x.model)), \(e(x.split)) split, \(x.rows) rows: \(proxies == 0 ? "no feature was found carrying a gap as a proxy" : "\(proxies) proxy feature\(proxies == 1 ? "" : "s") carr\(proxies == 1 ? "ies" : "y") part of a gap (listed under Top concerns)").</p>"
        // On demand: the verdict's concerns already name the proxies.
        out += fold(
            "Proxies, attribution of the gap, permutation importance, partial dependence",
            concernsList(x) + gapCharts(x) + importanceCharts(x) + dependenceCharts(x))
        for text in x.notes { out += note(text) }
        return out
    }

    private func concernsList(_ x: Explanations) -> String {
        guard !x.concerns.isEmpty else { return "" }
        var out = "<h3>Proxies that carry the gap</h3><ol class=\"concerns\">"
        for concern in x.concerns { out += "<li>\(e(concern.recommendation))</li>" }
        return out + "</ol>"
    }

    private func gapCharts(_ x: Explanations) -> String {
        var out = "<h3>Attribution of the gap</h3>"
        guard !x.attribution.gaps.isEmpty else { return out + note(x.attribution.note) }
        out +=
            "<p>\(e(x.attribution.note)). Whiskers are \(ReportNumber.fixed(x.attribution.confidence * 100, 0))% bootstrap intervals (\(x.attribution.bootstrap) resamples within each group).</p><div class=\"grid\">"
        for (index, gap) in x.attribution.gaps.enumerated() {
            let top = Array(gap.features.prefix(10))
            func interval(_ ci: [Double]?) -> ReportInterval? {
                guard let ci, ci.count == 2 else { return nil }
                return ReportInterval(lower: ci[0], upper: ci[1])
            }
            let bars = top.map { f in
                SVGChart.BarDatum(
                    value: f.margin, ci: interval(f.marginCI),
                    tooltip:
                        "\(f.feature): \(ReportNumber.fixed(f.margin, digits)) log-odds \(ReportNumber.interval(interval(f.marginCI), digits)); score \(ReportNumber.fixed(f.score, digits))"
                )
            }
            out += figure(
                SVGChart.bars(
                    id: "why-gap\(index)", title: "\(gap.attribute): \(gap.higher) − \(gap.lower), by feature",
                    subtitle:
                        "mean margin gap \(ReportNumber.fixed(gap.marginGap, digits)) log-odds; mean score gap \(ReportNumber.fixed(gap.scoreGap, digits))",
                    categories: top.map(\.feature), series: [.init(name: "margin gap share", values: bars)],
                    yLabel: "log-odds contributed"),
                caption:
                    "Each bar is one feature's part of the gap in mean log-odds between \(gap.higher) (n = \(gap.nHigher)) and \(gap.lower) (n = \(gap.nLower)); the bars of all features add up to the gap exactly. Positive bars favour \(gap.higher)."
            )
        }
        return out + "</div>"
    }

    private func importanceCharts(_ x: Explanations) -> String {
        var out = "<h3>Permutation importance: accuracy and disparity</h3>"
        out +=
            "<p>The drop in each score when one feature is shuffled across rows (all its one-hot columns together), mean over \(x.permutation.nRepeats) shuffles, whiskers ± one standard deviation. A positive disparity bar means the feature carries part of that disparity: shuffling it makes the groups more alike.</p><div class=\"grid\">"
        let disparities = x.permutation.baseline.map(\.key).filter(\.isDisparity)
        for (index, key) in disparities.enumerated() {
            let ranked = x.permutation.features.sorted {
                (score($0, key)?.mean ?? -.infinity, $1.feature) > (score($1, key)?.mean ?? -.infinity, $0.feature)
            }.prefix(10)
            func datum(_ f: FeatureImportance, _ k: ScoreKey) -> SVGChart.BarDatum {
                let s = score(f, k)
                let ci = s.flatMap { s in
                    s.mean.flatMap { m in s.std.map { ReportInterval(lower: m - $0, upper: m + $0) } }
                }
                let from = ReportNumber.fixed(s?.baseline, digits), to = ReportNumber.fixed(s?.permutedMean, digits)
                return SVGChart.BarDatum(
                    value: s?.mean, ci: ci, tooltip: "\(f.feature): \(k.label) \(from) → \(to) when shuffled")
            }
            let accuracy = ScoreKey(metric: "accuracy")
            out += figure(
                SVGChart.bars(
                    id: "why-pi\(index)",
                    title: "Shuffling each feature: \(MetricNames.words(key.metric)) on \(key.attribute ?? "")",
                    categories: ranked.map(\.feature),
                    series: [
                        .init(name: "accuracy drop", values: ranked.map { datum($0, accuracy) }),
                        .init(name: "\(MetricNames.words(key.metric)) drop", values: ranked.map { datum($0, key) }),
                    ],
                    yLabel: "score drop when shuffled"),
                caption:
                    "Baseline \(key.label) \(ReportNumber.fixed(x.permutation.baseline.first { $0.key == key }?.value, digits)). Features ordered by how much of the disparity they carry."
            )
        }
        return out + "</div>"
    }

    private func score(_ feature: FeatureImportance, _ key: ScoreKey) -> ImportanceScore? {
        feature.scores.first { $0.key == key }
    }

    private func dependenceCharts(_ x: Explanations) -> String {
        var out = "<h3>Partial dependence by group</h3>"
        guard !x.partialDependence.isEmpty else {
            return out + note("No feature was selected for partial dependence (explain.top_k).")
        }
        out +=
            "<p>The model's mean score with the feature set to each value for every row of a group (thick lines), and individual rows' curves (ICE, thin). Where the groups' lines part, the model responds to the feature differently for them.</p><div class=\"grid\">"
        for (f, dependence) in x.partialDependence.enumerated() {
            for (a, attribute) in x.attributes.enumerated() {
                let groups = dependence.groups.filter { $0.attribute == attribute }
                let id = "why-pd\(f)-\(a)"
                let title = "\(dependence.feature) by \(attribute)"
                if let grid = dependence.grid {
                    var series: [SVGChart.Series] = []
                    for (g, group) in groups.enumerated() {
                        series.append(
                            .init(
                                name: "\(group.group) (n = \(group.n))",
                                points: zip(grid, group.average).map {
                                    .init(
                                        x: $0, y: $1,
                                        tooltip:
                                            "\(group.group): \(dependence.feature) = \(ReportNumber.fixed($0, digits)) → mean score \(ReportNumber.fixed($1, digits))"
                                    )
                                },
                                color: SVGChart.color(g), dash: ""))
                    }
                    for (g, group) in groups.enumerated() {
                        for curve in group.ice {
                            series.append(
                                .init(
                                    name: "", points: zip(grid, curve).map { .init(x: $0, y: $1, tooltip: "") },
                                    color: SVGChart.color(g), markClass: "ice", dash: ""))
                        }
                    }
                    out += figure(
                        SVGChart.xy(
                            id: id, title: title, series: series, xLabel: dependence.feature, yLabel: "score P(y = 1)"),
                        caption:
                            "Partial dependence of the score on \(dependence.feature) within each \(attribute) group, with \(groups.first?.ice.count ?? 0) sampled ICE curves per group."
                    )
                } else if let categories = dependence.categories {
                    let series = groups.map { group in
                        SVGChart.BarSeries(
                            name: "\(group.group) (n = \(group.n))",
                            values: zip(categories, group.average).map {
                                SVGChart.BarDatum(
                                    value: $1, ci: nil,
                                    tooltip:
                                        "\(group.group): \(dependence.feature) = \($0) → mean score \(ReportNumber.fixed($1, digits))"
                                )
                            })
                    }
                    out += figure(
                        SVGChart.bars(
                            id: id, title: title, categories: categories, series: series, yLabel: "mean score P(y = 1)"),
                        caption:
                            "Mean score of each \(attribute) group with every row set to each category of \(dependence.feature)."
                    )
                }
            }
        }
        return out + "</div>"
    }
}
