import Foundation
import Testing

@testable import FairPipe

@Suite struct ReportChartTests {
    @Test func ticksAreRoundNumbersCoveringTheDomain() {
        let scale = SVGChart.Scale(domainLow: 0, domainHigh: 1, rangeLow: 300, rangeHigh: 0)
        let ticks = scale.ticks(5)
        #expect(ticks.values == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(ticks.digits == 1)
        #expect(scale(0.5) == 150)
        #expect(SVGChart.Scale.niceDomain(-0.034, 1.0) == (-0.2, 1.0))
        #expect(SVGChart.Scale.niceDomain(0.5, 0.5).0 < 0.5)
    }

    @Test func barsDrawOneMarkPerValueAndNoteMissingOnes() {
        let svg = SVGChart.bars(
            id: "t", title: "T", categories: ["a", "b", "<c>"],
            series: [
                .init(
                    name: "s",
                    values: [
                        .init(value: 0.5, ci: ReportInterval(lower: 0.4, upper: 0.6), tooltip: "a: 0.5"),
                        .init(value: nil, ci: nil, tooltip: "b: undefined"),
                        .init(value: -0.2, ci: nil, tooltip: "c"),
                    ])
            ],
            yLabel: "rate",
            references: [
                .init(axis: .y, value: 0.4, label: "four-fifths"),
                .init(axis: .y, value: 0.4, label: "gate min"),
            ])
        #expect(StudyRuns.count("class=\"mark bar\"", in: svg) == 2)
        #expect(StudyRuns.count("class=\"whisker\"", in: svg) == 1)
        #expect(svg.contains(">n/a<title>b: undefined</title>"))
        #expect(svg.contains("four-fifths · gate min"))
        #expect(StudyRuns.count("<g class=\"ref\">", in: svg) == 1)
        #expect(svg.contains("&lt;c&gt;"))
        #expect(!svg.contains("xmlns"))  // inline SVG in HTML needs no namespace URL
    }

    @Test func longCurvesAreThinnedKeepingBothEnds() {
        let points = (0...1000).map { CurvePoint(x: Double($0) / 1000, y: Double($0) / 1000) }
        let thin = SVGChart.thin(points, limit: 200)
        #expect(thin.count == 200)
        #expect(thin.first == points.first && thin.last == points.last)
        #expect(SVGChart.thin(Array(points.prefix(10)), limit: 200).count == 10)
    }

    @Test func escapingBreaksURLsAndMarkup() {
        #expect(ReportEscape.html("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;")
        #expect(ReportEscape.html("https://x.org") == "https:&#47;/x.org")
        #expect(ReportEscape.html("ratio 1:2 / 3") == "ratio 1:2 / 3")
        #expect(ReportEscape.html("bell\u{07}") == "bell\u{FFFD}")
        #expect(ReportEscape.html("e\u{01}\u{301}") == "e\u{FFFD}\u{301}")  // a control fused into a grapheme
        #expect(ReportEscape.html("a]]>b") == "a]]&gt;b")
    }
}

@Suite struct ReportLabelPlacementTests {
    /// Boxes of the point labels an x–y chart drew, as the placer measures them.
    static func labelBoxes(_ svg: String) -> [(x0: Double, y0: Double, x1: Double, y1: Double)] {
        svg.components(separatedBy: "<text class=\"plabel\" ").dropFirst().compactMap { chunk in
            func attribute(_ name: String) -> Double? {
                chunk.components(separatedBy: "\(name)=\"").dropFirst().first?.components(separatedBy: "\"").first
                    .flatMap(Double.init)
            }
            guard let x = attribute("x"), let y = attribute("y"),
                let text = chunk.components(separatedBy: ">").dropFirst().first?.components(separatedBy: "<").first
            else { return nil }
            let width = SVGChart.textWidth(text, size: SVGChart.LabelPlacer.size)
            let x0 = chunk.contains("text-anchor=\"end\"") ? x - width : x
            return (x0, y - SVGChart.LabelPlacer.size, x0 + width, y + 2)
        }
    }

    /// The runs page and the trade-off chart label points: labels of close points must not
    /// overlap (they move to another side, or further off with a leader line).
    @Test func labelsOfClosePointsDoNotCollide() {
        let points = (0..<8).map { i in
            SVGChart.Point(
                x: 0.10 + Double(i) * 0.002, y: 0.80 + Double(i % 3) * 0.001, tooltip: "run \(i)",
                label: "tolerance=0.0\(i)")
        }
        let svg = SVGChart.xy(
            id: "t", title: "close points", series: [.init(name: "runs", points: points, markers: true)],
            xLabel: "x", yLabel: "y", xDomain: (0, 1), yDomain: (0, 1), width: 900, height: 460)
        let boxes = Self.labelBoxes(svg)
        #expect(boxes.count == points.count)
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                #expect(!SVGChart.LabelPlacer.overlaps(boxes[i], boxes[j]), "labels \(i) and \(j) overlap")
            }
        }
        #expect(svg.contains("<line class=\"leader\""))
        // Far-apart points keep the default place, beside the point, with no leader line.
        let apart = SVGChart.xy(
            id: "u", title: "apart",
            series: [
                .init(
                    name: "runs",
                    points: [
                        SVGChart.Point(x: 0.1, y: 0.2, tooltip: "a", label: "a"),
                        SVGChart.Point(x: 0.8, y: 0.9, tooltip: "b", label: "b"),
                    ], markers: true)
            ], xLabel: "x", yLabel: "y", xDomain: (0, 1), yDomain: (0, 1))
        #expect(!apart.contains("class=\"leader\""))
    }
}
