/// The charts and mitigation sections of the HTML report.
extension HTMLReport {
    func figure(_ svg: String, caption: String) -> String {
        "<figure>\(svg)<figcaption>\(e(caption))</figcaption></figure>"
    }

    func tooltip(_ group: String, _ name: String, _ metric: (any Measured)?) -> String {
        guard let metric, let value = metric.value else {
            return "\(group): \(name) undefined" + (metric?.reason.map { " (\($0))" } ?? "")
        }
        let ci = metric.interval.map { " \(level) CI \(ReportNumber.interval($0, digits))" } ?? ""
        return "\(group): \(name) \(ReportNumber.fixed(value, digits))\(ci)"
    }

    /// Gate bounds on `metric` for `attribute`, as reference lines.
    func gateLines(_ metric: String, attribute: String) -> [SVGChart.Reference] {
        guard let gates = inputs.metrics?.gates else { return [] }
        var lines: [SVGChart.Reference] = []
        var seen = Set<String>()
        for gate in gates where gate.metric == metric && (gate.attribute == nil || gate.attribute == attribute) {
            for (bound, word) in [(gate.min, "min"), (gate.max, "max")] {
                guard let bound else { continue }
                let label = "gate \(word) \(ReportNumber.fixed(bound, digits))"
                if seen.insert(label).inserted {
                    lines.append(.init(axis: .y, value: bound, label: label, color: "#6a3d9a"))
                }
            }
        }
        return lines
    }

    /// The size of each per-attribute chart, three to a row at 1280 px.
    static let keyChart = (width: 380.0, barHeight: 300.0, xyHeight: 350.0)

    /// The attribute the key charts show: the first one a failed gate of the shipped model
    /// names, else the first one any gate names, else the first attribute.
    func focusIndex(_ metrics: MetricsReport) -> Int {
        let gates = metrics.gates
        for names in [gates.filter { !$0.passed }.compactMap(\.attribute), gates.compactMap(\.attribute)] {
            if let name = names.first, let index = metrics.attributes.firstIndex(where: { $0.name == name }) {
                return index
            }
        }
        return 0
    }

    /// The key charts of the shipped model for the focus attribute (selection rate with the
    /// baseline beside it, TPR and FPR, ROC, calibration, threshold sweep); every other chart
    /// of every attribute folded below them.
    func chartsSection() -> String {
        guard let metrics = inputs.shipped, !metrics.attributes.isEmpty else {
            return note("No metrics.json was given; charts are omitted.")
        }
        let focus = focusIndex(metrics)
        let attribute = metrics.attributes[focus]
        let shown = inputs.shippedCurves
        var out =
            "<p>\(e(shippedName.capitalizedFirst)) by <b>\(e(attribute.name))</b>\(metrics.gates.contains { $0.attribute == attribute.name } ? ", the attribute its gates judge" : ""). Error bars are \(level) confidence intervals; hover any bar, point or line for its values.</p>"
        if let model = shown?.model {
            out += note(
                "The mitigated evaluation wrote no curves.json, so ROC, calibration and the threshold sweep show the \(model)."
            )
        }
        out += "<div class=\"grid key\">"
        out += selectionFigure(attribute, index: focus) + errorRateFigure(attribute, index: focus)
        if let curves = shown?.curves.attribute(attribute.name) { out += curveFigures(curves, index: focus) }
        if let curves = shown?.curves, !curves.thresholds.isEmpty, !curves.attributes.isEmpty {
            out += sweepFigure(curves, only: attribute.name)
        }
        if !inputs.standalone, let tradeoff = inputs.mitigation?.tradeoff, !tradeoff.points.isEmpty {
            out += tradeoffFigure(tradeoff).chart
        }
        out += "</div>"
        if shown == nil {
            out += note(
                "No curves.json was given (evaluate writes it when the predictions have scores); ROC, calibration and threshold-sweep charts are omitted."
            )
        } else if shown?.curves.thresholds.isEmpty ?? true {
            out += note("curves.json has no threshold sweep.")
        }
        var more = impactFigure(attribute, index: focus)
        if let curves = shown?.curves, !curves.thresholds.isEmpty, curves.attributes.count > 1 {
            more += sweepFigure(curves, only: nil)
        }
        if !more.isEmpty {
            out += fold(
                "More charts for \(attribute.name): disparate impact\(more.contains("c-sweep-all") ? ", threshold sweep of every attribute" : "")",
                "<div class=\"grid key\">\(more)</div>")
        }
        for (index, other) in metrics.attributes.enumerated() where index != focus {
            var charts =
                selectionFigure(other, index: index) + impactFigure(other, index: index)
                + errorRateFigure(other, index: index)
            if let curves = shown?.curves.attribute(other.name) { charts += curveFigures(curves, index: index) }
            out += fold(
                "Charts for \(other.name): selection rate, disparate impact, TPR and FPR, ROC, calibration",
                "<div class=\"grid key\">\(charts)</div>")
        }
        return out
    }

    /// Selection rate by group, with four-fifths of the reference rate as the line to clear;
    /// the baseline's bars beside the shipped model's when a mitigation ships.
    func selectionFigure(_ attribute: AttributeReport, index: Int) -> String {
        let band = inputs.shipped?.fourFifthsBand ?? FourFifthsRule()
        func datum(_ group: GroupReport?, _ name: String) -> SVGChart.BarDatum {
            let metric = group?.metric("selection_rate")
            return SVGChart.BarDatum(
                value: metric?.value, ci: metric?.interval,
                tooltip: tooltip(name, "selection rate", metric))
        }
        var series = [
            SVGChart.BarSeries(
                name: inputs.shipsMitigated ? "shipped" : "selection rate",
                values: attribute.groups.map { datum($0, $0.group) })
        ]
        if inputs.shipsMitigated, let before = inputs.baseline?.attribute(attribute.name) {
            series.insert(
                .init(
                    name: "baseline",
                    values: attribute.groups.map { group in
                        datum(before.groups.first { $0.group == group.group }, "\(group.group) (baseline)")
                    }), at: 0)
        }
        var references = gateLines("selection_rate", attribute: attribute.name)
        if let reference = attribute.reference,
            let rate = attribute.groups.first(where: { $0.group == reference })?.metric("selection_rate")?.value
        {
            references.append(
                .init(
                    axis: .y, value: rate * band.min,
                    label: "\(ReportNumber.fixed(band.min, 2)) × \(SVGChart.truncated(reference, 18)) rate"))
            references.append(
                .init(
                    axis: .y, value: rate * band.max,
                    label: "\(ReportNumber.fixed(band.max, 2)) × \(SVGChart.truncated(reference, 18)) rate"))
        }
        return figure(
            SVGChart.bars(
                id: "c\(index)-sel", title: "Selection rate by \(attribute.name)",
                categories: attribute.groups.map(\.group),
                series: series, yLabel: "selection rate (share predicted 1)", references: references,
                width: HTMLReport.keyChart.width, height: HTMLReport.keyChart.barHeight),
            caption:
                "Share of each group predicted favourable\(series.count > 1 ? ", before and after mitigation" : ""). The dashed lines are \(ReportNumber.fixed(band.min, 2)) and \(ReportNumber.fixed(band.max, 2)) times the reference group's rate; bars outside them fail the four-fifths rule."
        )
    }

    /// Disparate impact against the reference group; empty when no group has one.
    func impactFigure(_ attribute: AttributeReport, index: Int) -> String {
        guard attribute.vsReference.contains(where: { $0.disparateImpact?.value != nil }) else { return "" }
        let band = inputs.shipped?.fourFifthsBand ?? FourFifthsRule()
        let impact = attribute.vsReference.map { versus in
            SVGChart.BarDatum(
                value: versus.disparateImpact?.value, ci: versus.disparateImpact?.interval,
                tooltip: tooltip(versus.group, "disparate impact", versus.disparateImpact))
        }
        var lines: [SVGChart.Reference] = [
            .init(axis: .y, value: band.min, label: "four-fifths \(ReportNumber.fixed(band.min, 2))"),
            .init(axis: .y, value: band.max, label: "four-fifths \(ReportNumber.fixed(band.max, 2))"),
            .init(axis: .y, value: 1, label: "parity 1.00", color: "#555555"),
        ]
        lines += gateLines("disparate_impact", attribute: attribute.name)
        return figure(
            SVGChart.bars(
                id: "c\(index)-di",
                title: "Disparate impact vs \(attribute.reference ?? "reference") (\(attribute.name))",
                categories: attribute.vsReference.map(\.group),
                series: [.init(name: "disparate impact", values: impact)],
                yLabel: "selection-rate ratio (×)", references: lines,
                width: HTMLReport.keyChart.width, height: HTMLReport.keyChart.barHeight),
            caption:
                "Each group's selection rate divided by the reference group's. 1 is parity; below \(ReportNumber.fixed(band.min, 2)) or above \(ReportNumber.fixed(band.max, 2)) fails the four-fifths rule."
        )
    }

    /// True and false positive rates side by side.
    func errorRateFigure(_ attribute: AttributeReport, index: Int) -> String {
        let rates = ["true_positive_rate": "TPR", "false_positive_rate": "FPR"]
        let series = ["true_positive_rate", "false_positive_rate"].map { key in
            SVGChart.BarSeries(
                name: "\(rates[key] ?? key) (\(MetricNames.words(key)))",
                values: attribute.groups.map { group in
                    SVGChart.BarDatum(
                        value: group.metric(key)?.value, ci: group.metric(key)?.interval,
                        tooltip: tooltip(group.group, rates[key] ?? key, group.metric(key)))
                })
        }
        return figure(
            SVGChart.bars(
                id: "c\(index)-err", title: "TPR and FPR by \(attribute.name)",
                categories: attribute.groups.map(\.group),
                series: series, yLabel: "rate", yDomain: (0, 1),
                references: gateLines("true_positive_rate", attribute: attribute.name),
                width: HTMLReport.keyChart.width, height: HTMLReport.keyChart.barHeight),
            caption:
                "Equalized odds asks both bars to match across groups; equal opportunity asks only the TPR bars to match."
        )
    }

    func curveFigures(_ curves: AttributeCurves, index: Int) -> String {
        var out = ""
        let roc = curves.groups.filter { !$0.rocPoints.isEmpty }
        if !roc.isEmpty {
            let series = roc.map { group in
                let points = group.rocPoints.map { CurvePoint(x: $0.fpr, y: $0.tpr) }
                let name = group.group + (group.auc.map { " · AUC \(ReportNumber.fixed($0, 3))" } ?? "")
                return SVGChart.Series(
                    name: name,
                    points: SVGChart.thin(points, limit: config.maxCurvePoints).map {
                        SVGChart.Point(
                            x: $0.x, y: $0.y,
                            tooltip:
                                "\(group.group): FPR \(ReportNumber.fixed($0.x, 3)), TPR \(ReportNumber.fixed($0.y, 3))"
                        )
                    })
            }
            out += unitSquareChart(
                id: "c\(index)-roc", title: "ROC curves by \(curves.name)", series: series,
                axes: ("false positive rate", "true positive rate"), diagonal: "chance (TPR = FPR)",
                caption:
                    "Each curve traces TPR against FPR as the threshold moves; the diagonal is chance. Curves apart mean the scores rank members of one group better than another."
            )
        }
        let calibration = curves.groups.filter { group in
            group.reliability.contains { $0.meanScore != nil && $0.fractionPositive != nil }
        }
        if !calibration.isEmpty {
            let series = calibration.map { group in
                SVGChart.Series(
                    name: group.group,
                    points: group.reliability.compactMap { bin in
                        guard let score = bin.meanScore, let rate = bin.fractionPositive else { return nil }
                        let count = ", \(bin.count) rows"
                        return SVGChart.Point(
                            x: score, y: rate,
                            tooltip:
                                "\(group.group): mean score \(ReportNumber.fixed(score, 3)), observed \(ReportNumber.fixed(rate, 3))\(count)"
                        )
                    }, markers: true)
            }
            out += unitSquareChart(
                id: "c\(index)-cal", title: "Calibration by \(curves.name)", series: series,
                axes: ("mean predicted score", "observed positive rate"), diagonal: "perfect calibration",
                caption:
                    "Points on the diagonal are well calibrated; a group consistently above or below it is under- or over-scored."
            )
        }
        return out
    }

    /// A key-size chart on [0, 1]² with its diagonal (ROC, calibration), as a captioned figure.
    func unitSquareChart(
        id: String, title: String, series: [SVGChart.Series], axes: (x: String, y: String), diagonal: String,
        caption: String
    ) -> String {
        figure(
            SVGChart.xy(
                id: id, title: title, series: series, xLabel: axes.x, yLabel: axes.y, xDomain: (0, 1),
                yDomain: (0, 1), diagonal: diagonal, width: HTMLReport.keyChart.width,
                height: HTMLReport.keyChart.xyHeight),
            caption: caption)
    }

    /// The threshold-sweep chart from curves.json: overall accuracy and, per attribute, the
    /// headline decision disparities at every threshold (plus the Pareto metric when it is
    /// one of the decision disparities curves.json sweeps).
    func sweepFigure(_ curves: CurvesReport, only: String?) -> String {
        var series: [SVGChart.Series] = []
        let thresholds = curves.thresholds
        func points(_ values: [Double?], _ label: String) -> [SVGChart.Point] {
            zip(thresholds, values).compactMap { t, value in
                value.map {
                    SVGChart.Point(
                        x: t, y: $0,
                        tooltip: "threshold \(ReportNumber.fixed(t, 3)): \(label) \(ReportNumber.fixed($0, digits))")
                }
            }
        }
        if let first = curves.attributes.first {
            let accuracy = points(first.accuracy, "accuracy")
            if !accuracy.isEmpty { series.append(.init(name: "accuracy", points: accuracy)) }
        }
        var keys = ["demographic_parity_difference", "equalized_odds_difference"]
        if !keys.contains(config.paretoMetric) { keys.append(config.paretoMetric) }
        for attribute in curves.attributes where only == nil || attribute.name == only {
            for key in keys {
                guard let values = attribute.disparities[key] else { continue }
                let label = "\(attribute.name) \(MetricNames.words(key))"
                series.append(
                    .init(name: "\(attribute.name): \(MetricNames.words(key))", points: points(values, label)))
            }
        }
        let svg = SVGChart.xy(
            id: only == nil ? "c-sweep-all" : "c-sweep",
            title: "Accuracy and disparity vs threshold"
                + (only.map { " (\(SVGChart.truncated($0, 16)))" } ?? ", all attributes"), series: series,
            xLabel: "decision threshold (score ≥ t → 1)", yLabel: "accuracy / disparity",
            xDomain: (0, 1), width: HTMLReport.keyChart.width, height: HTMLReport.keyChart.xyHeight)
        return figure(
            svg,
            caption:
                "Moving the single threshold trades accuracy against each disparity; a flat disparity line means the threshold alone will not fix it."
        )
    }

    // MARK: Mitigation

    func mitigationSection() -> String {
        guard let mitigation = inputs.mitigation else {
            return note(
                "No mitigation was run (or its outputs were not given); before/after comparison and trade-off curve are omitted."
            )
        }
        var out = ""
        if let method = mitigation.method { out += "<p>Method applied: <b>\(e(MetricNames.words(method)))</b>.</p>" }
        // The charts sit where they are read: before/after beside the disparity table, the
        // trade-off curve among the key charts; their tables are folded here.
        var tables = ""
        if let before = inputs.baseline, let after = mitigation.after {
            tables += beforeAfter(before: before, after: after).table
        } else {
            out += note("No before/after pair of evaluations was given.")
        }
        if let tradeoff = mitigation.tradeoff, !tradeoff.points.isEmpty {
            tables += tradeoffFigure(tradeoff).table
        } else {
            out += note("No trade-off sweep was given (tradeoff.json).")
        }
        if !tables.isEmpty {
            out +=
                "<p>The before/after chart is beside the disparity table, the trade-off curve among the key charts.</p>"
            out += fold("Before/after and trade-off tables", tables)
        }
        return out
    }

    /// Rows of the before/after comparison: overall accuracy, then each attribute's headline disparities.
    func comparisonRows(
        before: MetricsReport, after: MetricsReport, only: String? = nil
    ) -> [(label: String, key: String, before: (any Measured)?, after: (any Measured)?)] {
        var rows: [(String, String, (any Measured)?, (any Measured)?)] = []
        for key in ["accuracy", "balanced_accuracy", "selection_rate"] {
            let a = before.overall[key], b = after.overall[key]
            if a != nil || b != nil { rows.append(("overall \(MetricNames.short(key).lowercased())", key, a, b)) }
        }
        let headline = [
            "demographic_parity_difference", "equalized_odds_difference", "equal_opportunity_difference",
            "demographic_parity_ratio",
        ]
        for attribute in before.attributes where only == nil || attribute.name == only {
            let other = after.attribute(attribute.name)
            for key in headline {
                let a = attribute.disparity(key), b = other?.disparity(key)
                if a != nil || b != nil { rows.append(("\(attribute.name): \(MetricNames.short(key))", key, a, b)) }
            }
        }
        return rows
    }

    /// The before/after chart (overall and `only`'s headline disparities, at key-chart size)
    /// and the table of every attribute.
    func beforeAfter(before: MetricsReport, after: MetricsReport, only: String? = nil) -> (chart: String, table: String)
    {
        let rows = comparisonRows(before: before, after: after)
        guard !rows.isEmpty else { return ("", note("The two evaluations share no metrics to compare.")) }
        return (
            beforeAfterChart(comparisonRows(before: before, after: after, only: only), only: only),
            beforeAfterTable(rows)
        )
    }

    func beforeAfterChart(
        _ rows: [(label: String, key: String, before: (any Measured)?, after: (any Measured)?)], only: String?
    ) -> String {
        let series = [
            (
                "before",
                { (row: (label: String, key: String, before: (any Measured)?, after: (any Measured)?)) in row.before }
            ),
            (
                "after",
                { (row: (label: String, key: String, before: (any Measured)?, after: (any Measured)?)) in row.after }
            ),
        ].map { name, pick in
            SVGChart.BarSeries(
                name: name,
                values: rows.map { row in
                    SVGChart.BarDatum(
                        value: pick(row)?.value, ci: pick(row)?.interval,
                        tooltip: tooltip(name, row.label, pick(row)))
                })
        }
        return figure(
            SVGChart.bars(
                id: "c-mitigation", title: "Before vs after mitigation\(only.map { " (\($0))" } ?? "")",
                categories: rows.map { row in
                    only.map { row.label.replacingOccurrences(of: "\($0): ", with: "") } ?? row.label
                },
                series: series, yLabel: "value", width: HTMLReport.keyChart.width, height: HTMLReport.keyChart.xyHeight),
            caption:
                "Accuracy should stay high; differences should shrink towards 0 and ratios grow towards 1. Every attribute: the table under Mitigation."
        )
    }

    func beforeAfterTable(
        _ rows: [(label: String, key: String, before: (any Measured)?, after: (any Measured)?)]
    ) -> String {
        let cells: [[HTMLCell]] = rows.map { row in
            let delta = row.after?.value.flatMap { a in row.before?.value.map { a - $0 } }
            var deltaCell = HTMLCell.number(delta, digits)
            if let delta, let a = row.before?.value, let b = row.after?.value {
                let better: Bool?
                if row.key == "selection_rate" {
                    better = nil  // neither direction is better in itself
                } else if row.key.contains("accuracy") {
                    better = delta >= 0
                } else {
                    better = MetricNames.unfairness(row.key, b) <= MetricNames.unfairness(row.key, a)
                }
                let sign = delta > 0 ? "+" : ""
                deltaCell.html =
                    "<span class=\"\(better.map { $0 ? "good" : "bad" } ?? "")\">\(sign)\(ReportNumber.fixed(delta, digits))</span>"
            }
            let beyond: String
            if let ci = row.before?.interval, let value = row.after?.value {
                beyond = ci.contains(value) ? "no" : "yes"
            } else {
                beyond = "—"
            }
            return [
                .text(row.label), .metric(row.before, digits), .metric(row.after, digits), deltaCell,
                .text(beyond, cssClass: nil),
            ]
        }
        return "<h3>Before and after</h3>"
            + HTMLTable.render(headers: ["Measure", "Before", "After", "Change", "Outside before-CI"], rows: cells)
    }

    /// The trade-off chart and its table.
    func tradeoffFigure(_ tradeoff: TradeoffCurve) -> (chart: String, table: String) {
        let target = MetricNames.words(tradeoff.disparityMetric)
        let points = tradeoff.points.compactMap { point -> SVGChart.Point? in
            guard let x = point.disparity.value, let y = point.accuracy.value else { return nil }
            let strength = ReportNumber.plain(point.strength)
            return SVGChart.Point(
                x: x, y: y, xCI: point.disparity.interval, yCI: point.accuracy.interval,
                tooltip:
                    "strength \(strength): accuracy \(ReportNumber.fixed(y, digits)) \(ReportNumber.interval(point.accuracy.interval, digits)), disparity \(ReportNumber.fixed(x, digits)) \(ReportNumber.interval(point.disparity.interval, digits))",
                label: tradeoff.points.count <= 12 ? strength : nil)
        }
        // Gate bounds on the target disparity (vertical) and on accuracy (horizontal).
        var references: [SVGChart.Reference] = []
        for gate in inputs.metrics?.gates ?? [] {
            let axis: SVGChart.Reference.Axis
            if gate.metric == tradeoff.disparityMetric {
                axis = .x
            } else if gate.metric == "accuracy", gate.attribute == nil {
                axis = .y
            } else {
                continue
            }
            for (bound, word) in [(gate.min, "min"), (gate.max, "max")] {
                if let bound {
                    references.append(
                        .init(
                            axis: axis, value: bound, label: "gate \(word) \(ReportNumber.fixed(bound, digits))",
                            color: "#6a3d9a"))
                }
            }
        }
        let chart = figure(
            SVGChart.xy(
                id: "c-tradeoff", title: "Trade-off: accuracy vs \(MetricNames.short(tradeoff.disparityMetric))",
                subtitle: "method: \(MetricNames.words(tradeoff.method)); labels are strengths",
                series: [.init(name: MetricNames.words(tradeoff.method), points: points, markers: true)],
                xLabel: target, yLabel: "accuracy", references: references, width: HTMLReport.keyChart.width,
                height: HTMLReport.keyChart.xyHeight),
            caption:
                "Each point is one mitigation strength, with \(level) CI whiskers on both axes. Up and to the left is better (more accurate, fairer)."
        )
        let rows: [[HTMLCell]] = tradeoff.points.map { point in
            [
                HTMLCell(html: ReportNumber.plain(point.strength), sort: ReportNumber.plain(point.strength)),
                .metric(point.accuracy, digits), .metric(point.disparity, digits),
            ]
        }
        return (
            chart,
            "<h3>Trade-off across strengths</h3>"
                + HTMLTable.render(
                    headers: ["Strength", "Accuracy", target.capitalizedFirst], rows: rows, textColumns: [])
        )
    }
}
