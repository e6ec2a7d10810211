import Foundation

/// A small inline-SVG chart kit: bars (single or grouped) with confidence whiskers, and
/// x–y charts with several series (lines, markers, whiskers in both directions).
///
/// Everything a chart draws that carries data has `class="mark"` and a `<title>` tooltip
/// with its values, so a browser test can count marks and a reader can hover for numbers.
/// Colours are the Okabe–Ito palette (distinguishable with the common colour-vision
/// deficiencies), and lines also differ by dash pattern so they survive greyscale printing.
/// Output is plain text built from fixed-format numbers, so it is byte-deterministic.
enum SVGChart {
    /// Okabe & Ito (2008), "Color Universal Design", reordered so the first colours are the
    /// most distinct on white (yellow last).
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
    static let dashes = ["", "6 3", "2 2", "8 3 2 3"]

    static func color(_ index: Int) -> String { palette[index % palette.count] }
    static func dash(_ index: Int) -> String { dashes[(index / palette.count + index) % dashes.count] }

    /// A horizontal (`.y`) or vertical (`.x`) reference line, e.g. the four-fifths line.
    struct Reference {
        enum Axis { case x, y }
        var axis: Axis
        var value: Double
        var label: String
        var color: String = "#B2182B"
    }

    struct BarDatum {
        var value: Double?
        var ci: ReportInterval?
        var tooltip: String
    }

    struct BarSeries {
        var name: String
        var values: [BarDatum]
    }

    struct Point {
        var x: Double
        var y: Double
        var xCI: ReportInterval? = nil
        var yCI: ReportInterval? = nil
        var tooltip: String
        var label: String? = nil
    }

    struct Series {
        var name: String
        var points: [Point]
        var connect: Bool = true
        var markers: Bool = false
        /// Explicit colour (e.g. grey for dominated runs); else the palette by index.
        var color: String? = nil
        /// Extra class on this series' marks (`dominated`, `front`).
        var markClass: String? = nil
        /// Explicit dash pattern ("" for solid); else one by index.
        var dash: String? = nil
    }

    // MARK: Scales

    struct Scale {
        var domainLow: Double
        var domainHigh: Double
        var rangeLow: Double
        var rangeHigh: Double

        func callAsFunction(_ value: Double) -> Double {
            let span = domainHigh - domainLow
            guard span > 0 else { return (rangeLow + rangeHigh) / 2 }
            return rangeLow + (value - domainLow) / span * (rangeHigh - rangeLow)
        }

        /// Round-number ticks covering the domain (Heckbert, "Nice numbers for graph labels",
        /// Graphics Gems, 1990): step is 1, 2 or 5 × 10^k.
        func ticks(_ target: Int = 5) -> (values: [Double], digits: Int) {
            let step = Scale.niceStep((domainHigh - domainLow) / Double(max(target, 1)))
            guard step > 0, step.isFinite else { return ([domainLow], 2) }
            var values: [Double] = []
            var index = (domainLow / step).rounded(.up)
            while index * step <= domainHigh + step * 1e-9, values.count < 50 {
                values.append(index * step)
                index += 1
            }
            let digits = max(0, min(6, Int((-log10(step)).rounded(.up))))
            return (values, digits)
        }

        static func niceStep(_ raw: Double) -> Double {
            guard raw > 0, raw.isFinite else { return 1 }
            let magnitude = pow(10, floor(log10(raw)))
            let fraction = raw / magnitude
            let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
            return nice * magnitude
        }

        /// A domain widened to nice round ends around `low…high`.
        static func niceDomain(_ low: Double, _ high: Double, target: Int = 5) -> (Double, Double) {
            var low = low, high = high
            if !(low.isFinite && high.isFinite) { return (0, 1) }
            if high - low < 1e-12 {
                let pad = abs(high) > 0 ? abs(high) * 0.1 : 0.5
                low -= pad
                high += pad
            }
            let step = niceStep((high - low) / Double(target))
            return ((low / step).rounded(.down) * step, (high / step).rounded(.up) * step)
        }
    }

    // MARK: Frame pieces

    static func f(_ value: Double) -> String { ReportNumber.coordinate(value) }
    static func e(_ text: String) -> String { ReportEscape.html(text) }

    static func open(id: String, width: Double, height: Double, title: String, subtitle: String?) -> String {
        var out =
            "<svg class=\"chart\" id=\"\(e(id))\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-labelledby=\"\(e(id))-t\">"
        out += "<title id=\"\(e(id))-t\">\(e(title))</title>"
        out += "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\"/>"
        out += "<text class=\"ctitle\" x=\"12\" y=\"20\">\(e(title))</text>"
        if let subtitle {
            out += "<text class=\"csub\" x=\"12\" y=\"35\">\(e(subtitle))</text>"
        }
        return out
    }

    /// Approximate width of `text` at the 11px chart font, for layout only.
    static func textWidth(_ text: String, size: Double = 11) -> Double { Double(text.count) * size * 0.58 }

    static func truncated(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// Legend rows laid out left to right, wrapping; returns the markup and its height.
    static func legend(
        _ items: [(name: String, color: String, dash: String, marker: Bool)], x: Double, y: Double,
        width: Double
    ) -> (svg: String, height: Double) {
        guard !items.isEmpty else { return ("", 0) }
        var out = "<g class=\"legend\">"
        var cx = x, cy = y
        for item in items where !item.name.isEmpty {  // unnamed series (ICE curves) stay out of the legend
            let label = truncated(item.name, 32)
            let w = 26 + textWidth(label) + 14
            if cx + w > x + width, cx > x {
                cx = x
                cy += 16
            }
            if item.marker {
                out += "<circle cx=\"\(f(cx + 9))\" cy=\"\(f(cy - 4))\" r=\"4\" fill=\"\(item.color)\"/>"
            } else {
                let dashAttr = item.dash.isEmpty ? "" : " stroke-dasharray=\"\(item.dash)\""
                out +=
                    "<line x1=\"\(f(cx))\" y1=\"\(f(cy - 4))\" x2=\"\(f(cx + 18))\" y2=\"\(f(cy - 4))\" stroke=\"\(item.color)\" stroke-width=\"3\"\(dashAttr)/>"
            }
            out += "<text x=\"\(f(cx + 24))\" y=\"\(f(cy))\">\(e(label))<title>\(e(item.name))</title></text>"
            cx += w
        }
        out += "</g>"
        return (out, cy - y + 16)
    }

    static func yAxis(_ scale: Scale, left: Double, right: Double, label: String, percent: Bool = false) -> String {
        var out = "<g class=\"axis y\">"
        let (ticks, digits) = scale.ticks(5)
        for tick in ticks {
            let y = scale(tick)
            out += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(right))\" y2=\"\(f(y))\"/>"
            out +=
                "<text class=\"tick\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(ReportNumber.fixed(tick, digits))</text>"
        }
        let mid = (scale.rangeLow + scale.rangeHigh) / 2
        out +=
            "<text class=\"alabel\" transform=\"translate(\(f(left - 44)),\(f(mid))) rotate(-90)\" text-anchor=\"middle\">\(e(label))</text>"
        out +=
            "<line class=\"axisline\" x1=\"\(f(left))\" y1=\"\(f(scale.rangeLow))\" x2=\"\(f(left))\" y2=\"\(f(scale.rangeHigh))\"/>"
        return out + "</g>"
    }

    static func xAxis(_ scale: Scale, top: Double, bottom: Double, label: String) -> String {
        var out = "<g class=\"axis x\">"
        let (ticks, digits) = scale.ticks(6)
        for tick in ticks {
            let x = scale(tick)
            out += "<line class=\"grid\" x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(bottom))\"/>"
            out +=
                "<text class=\"tick\" x=\"\(f(x))\" y=\"\(f(bottom + 15))\" text-anchor=\"middle\">\(ReportNumber.fixed(tick, digits))</text>"
        }
        out +=
            "<line class=\"axisline\" x1=\"\(f(scale.rangeLow))\" y1=\"\(f(bottom))\" x2=\"\(f(scale.rangeHigh))\" y2=\"\(f(bottom))\"/>"
        out +=
            "<text class=\"alabel\" x=\"\(f((scale.rangeLow + scale.rangeHigh) / 2))\" y=\"\(f(bottom + 34))\" text-anchor=\"middle\">\(e(label))</text>"
        return out + "</g>"
    }

    /// Reference lines at the same place share one line and one joined label.
    static func merged(_ references: [Reference]) -> [Reference] {
        var out: [Reference] = []
        for reference in references {
            if let index = out.firstIndex(where: {
                $0.axis == reference.axis && abs($0.value - reference.value) < 1e-12
            }) {
                out[index].label += " · " + reference.label
            } else {
                out.append(reference)
            }
        }
        return out
    }

    static func reference(_ reference: Reference, x: Scale, y: Scale) -> String {
        switch reference.axis {
        case .y:
            let py = y(reference.value)
            guard py >= min(y.rangeLow, y.rangeHigh) - 0.5, py <= max(y.rangeLow, y.rangeHigh) + 0.5 else { return "" }
            return
                "<g class=\"ref\"><line x1=\"\(f(x.rangeLow))\" y1=\"\(f(py))\" x2=\"\(f(x.rangeHigh))\" y2=\"\(f(py))\" stroke=\"\(reference.color)\"/>"
                + "<text x=\"\(f(x.rangeHigh - 4))\" y=\"\(f(py - 4))\" text-anchor=\"end\" fill=\"\(reference.color)\">\(e(reference.label))</text>"
                + "<title>\(e(reference.label))</title></g>"
        case .x:
            let px = x(reference.value)
            guard px >= min(x.rangeLow, x.rangeHigh) - 0.5, px <= max(x.rangeLow, x.rangeHigh) + 0.5 else { return "" }
            return
                "<g class=\"ref\"><line x1=\"\(f(px))\" y1=\"\(f(y.rangeLow))\" x2=\"\(f(px))\" y2=\"\(f(y.rangeHigh))\" stroke=\"\(reference.color)\"/>"
                + "<text x=\"\(f(px + 4))\" y=\"\(f(y.rangeHigh + 12))\" fill=\"\(reference.color)\">\(e(reference.label))</text>"
                + "<title>\(e(reference.label))</title></g>"
        }
    }

    // MARK: Bars

    /// Bars per category, one bar per series, each with an optional CI whisker.
    /// Values may be negative (signed differences); bars grow from zero.
    static func bars(
        id: String, title: String, subtitle: String? = nil, categories: [String], series: [BarSeries],
        yLabel: String, yDomain: (Double, Double)? = nil, references: [Reference] = [],
        width: Double = 540, height: Double = 300
    ) -> String {
        let longest = categories.map(\.count).max() ?? 0
        let rotate = categories.count > 6 || Double(longest) * 6.4 > (width - 100) / Double(max(categories.count, 1))
        let labelLimit = rotate ? 22 : 30
        let bottomPad: Double = rotate ? 20 + min(Double(longest), Double(labelLimit)) * 4.6 : 46
        let showLegend = series.count > 1
        let legendItems =
            showLegend
            ? series.enumerated().map { (name: $0.element.name, color: color($0.offset), dash: "", marker: false) } : []
        let top0: Double = subtitle == nil ? 34 : 48
        let (legendSVG, legendHeight) = legend(legendItems, x: 70, y: top0 + 6, width: width - 90)
        let top = top0 + legendHeight + 8
        let left: Double = 70, right = width - 16
        let bottom = height - bottomPad

        var low = 0.0, high = 0.0
        for s in series {
            for datum in s.values {
                for v in [datum.value, datum.ci?.lower, datum.ci?.upper].compactMap({ $0 }) {
                    low = min(low, v)
                    high = max(high, v)
                }
            }
        }
        for r in references where r.axis == .y {
            low = min(low, r.value)
            high = max(high, r.value)
        }
        let domain = yDomain ?? Scale.niceDomain(low, high == low ? low + 1 : high)
        let y = Scale(domainLow: domain.0, domainHigh: domain.1, rangeLow: bottom, rangeHigh: top)
        let xScale = Scale(domainLow: 0, domainHigh: 1, rangeLow: left, rangeHigh: right)

        var out = open(id: id, width: width, height: height, title: title, subtitle: subtitle)
        out += legendSVG
        out += yAxis(y, left: left, right: right, label: yLabel)
        let band = (right - left) / Double(max(categories.count, 1))
        let groupWidth = min(band * 0.78, 90 * Double(max(series.count, 1)))
        let barWidth = groupWidth / Double(max(series.count, 1))
        let zero = y(min(max(0, domain.0), domain.1))
        for (c, category) in categories.enumerated() {
            let bandLeft = left + Double(c) * band
            let cx = bandLeft + band / 2
            let label = truncated(category, labelLimit)
            if rotate {
                out +=
                    "<text class=\"tick\" transform=\"translate(\(f(cx + 3)),\(f(bottom + 10))) rotate(-35)\" text-anchor=\"end\">\(e(label))<title>\(e(category))</title></text>"
            } else {
                out +=
                    "<text class=\"tick\" x=\"\(f(cx))\" y=\"\(f(bottom + 16))\" text-anchor=\"middle\">\(e(label))<title>\(e(category))</title></text>"
            }
            for (s, item) in series.enumerated() {
                guard c < item.values.count else { continue }
                let datum = item.values[c]
                let bx = bandLeft + (band - groupWidth) / 2 + Double(s) * barWidth + barWidth * 0.06
                let bw = barWidth * 0.88
                guard let value = datum.value else {
                    out +=
                        "<text class=\"na\" x=\"\(f(bx + bw / 2))\" y=\"\(f(zero - 4))\" text-anchor=\"middle\">n/a<title>\(e(datum.tooltip))</title></text>"
                    continue
                }
                let vy = y(value)
                let rectTop = min(vy, zero), rectHeight = max(abs(zero - vy), 0.5)
                out +=
                    "<rect class=\"mark bar\" x=\"\(f(bx))\" y=\"\(f(rectTop))\" width=\"\(f(bw))\" height=\"\(f(rectHeight))\" fill=\"\(color(s))\"><title>\(e(datum.tooltip))</title></rect>"
                if let ci = datum.ci {
                    let wx = bx + bw / 2, cap = min(bw * 0.25, 6)
                    let y1 = y(ci.lower), y2 = y(ci.upper)
                    out +=
                        "<path class=\"whisker\" d=\"M\(f(wx)) \(f(y1))V\(f(y2))M\(f(wx - cap)) \(f(y1))H\(f(wx + cap))M\(f(wx - cap)) \(f(y2))H\(f(wx + cap))\"/>"
                }
            }
        }
        out += "<line class=\"axisline\" x1=\"\(f(left))\" y1=\"\(f(zero))\" x2=\"\(f(right))\" y2=\"\(f(zero))\"/>"
        for r in merged(references) { out += reference(r, x: xScale, y: y) }
        return out + "</svg>"
    }

    // MARK: X–Y

    /// Several series on shared linear axes: lines, markers and whiskers (x and/or y CIs).
    /// `diagonal` draws y = x (chance for ROC, perfect calibration for reliability diagrams).
    static func xy(
        id: String, title: String, subtitle: String? = nil, series: [Series], xLabel: String, yLabel: String,
        xDomain: (Double, Double)? = nil, yDomain: (Double, Double)? = nil, references: [Reference] = [],
        diagonal: String? = nil, width: Double = 540, height: Double = 340
    ) -> String {
        let legendItems = series.enumerated().map { i, s in
            (name: s.name, color: s.color ?? color(i), dash: s.connect ? (s.dash ?? dash(i)) : "", marker: !s.connect)
        }
        let top0: Double = subtitle == nil ? 34 : 48
        let (legendSVG, legendHeight) = legend(legendItems, x: 70, y: top0 + 6, width: width - 90)
        let top = top0 + legendHeight + 8
        let left: Double = 70, right = width - 20, bottom = height - 46

        func extent(_ values: [Double]) -> (Double, Double) {
            guard let lo = values.min(), let hi = values.max() else { return (0, 1) }
            return Scale.niceDomain(lo, hi)
        }
        let xs =
            series.flatMap { $0.points.flatMap { [$0.x, $0.xCI?.lower, $0.xCI?.upper].compactMap { $0 } } }
            + references.filter { $0.axis == .x }.map(\.value)
        let ys =
            series.flatMap { $0.points.flatMap { [$0.y, $0.yCI?.lower, $0.yCI?.upper].compactMap { $0 } } }
            + references.filter { $0.axis == .y }.map(\.value)
        let xd = xDomain ?? extent(xs)
        let yd = yDomain ?? extent(ys)
        let x = Scale(domainLow: xd.0, domainHigh: xd.1, rangeLow: left, rangeHigh: right)
        let y = Scale(domainLow: yd.0, domainHigh: yd.1, rangeLow: bottom, rangeHigh: top)

        var out = open(id: id, width: width, height: height, title: title, subtitle: subtitle)
        out += legendSVG
        out += yAxis(y, left: left, right: right, label: yLabel)
        out += xAxis(x, top: top, bottom: bottom, label: xLabel)
        if let diagonal {
            let lo = max(xd.0, yd.0), hi = min(xd.1, yd.1)
            if hi > lo {
                out +=
                    "<line class=\"diag\" x1=\"\(f(x(lo)))\" y1=\"\(f(y(lo)))\" x2=\"\(f(x(hi)))\" y2=\"\(f(y(hi)))\"><title>\(e(diagonal))</title></line>"
            }
        }
        for r in merged(references) { out += reference(r, x: x, y: y) }
        for (i, s) in series.enumerated() { out += xySeries(s, index: i, x: x, y: y) }
        // Point labels last, each placed where it overlaps no label placed before it.
        var placer = LabelPlacer(plot: (left, top, right, bottom))
        for s in series {
            for p in s.points {
                guard let label = p.label else { continue }
                out += placer.place(label, at: (x(p.x), y(p.y)))
            }
        }
        return out + "</svg>"
    }

    /// One series of ``xy(id:title:subtitle:series:xLabel:yLabel:xDomain:yDomain:references:diagonal:width:height:)``:
    /// its line, whiskers and markers in a `<g class="series">`.
    static func xySeries(_ s: Series, index i: Int, x: Scale, y: Scale) -> String {
        let stroke = s.color ?? color(i)
        let extra = s.markClass.map { " \($0)" } ?? ""
        var out = "<g class=\"series\">"
        if s.connect, s.points.count > 1 {
            var d = ""
            for (k, p) in s.points.enumerated() {
                d += (k == 0 ? "M" : "L") + "\(f(x(p.x))) \(f(y(p.y)))"
            }
            let pattern = s.dash ?? dash(i)
            let dashAttr = pattern.isEmpty ? "" : " stroke-dasharray=\"\(pattern)\""
            out +=
                "<path class=\"mark line\(extra)\" d=\"\(d)\" stroke=\"\(stroke)\"\(dashAttr)><title>\(e(s.name))</title></path>"
        }
        for p in s.points {
            let px = x(p.x), py = y(p.y)
            if let ci = p.yCI {
                out +=
                    "<path class=\"whisker\(extra)\" d=\"M\(f(px)) \(f(y(ci.lower)))V\(f(y(ci.upper)))M\(f(px - 3)) \(f(y(ci.lower)))H\(f(px + 3))M\(f(px - 3)) \(f(y(ci.upper)))H\(f(px + 3))\" style=\"stroke:\(stroke)\"/>"
            }
            if let ci = p.xCI {
                out +=
                    "<path class=\"whisker\(extra)\" d=\"M\(f(x(ci.lower))) \(f(py))H\(f(x(ci.upper)))M\(f(x(ci.lower))) \(f(py - 3))V\(f(py + 3))M\(f(x(ci.upper))) \(f(py - 3))V\(f(py + 3))\" style=\"stroke:\(stroke)\"/>"
            }
            if s.markers || !s.connect {
                out +=
                    "<circle class=\"mark point\(extra)\" cx=\"\(f(px))\" cy=\"\(f(py))\" r=\"4.5\" fill=\"\(stroke)\"><title>\(e(p.tooltip))</title></circle>"
            }
        }
        return out + "</g>"
    }

    /// Places point labels so they do not collide: each label tries the four corners next to
    /// its point, then positions further above and below joined to the point by a leader line,
    /// and takes the first whose box overlaps no earlier label and stays inside the plot.
    /// Deterministic (points in series order); quadratic in the number of labels, which the
    /// charts keep small.
    struct LabelPlacer {
        typealias Box = (x0: Double, y0: Double, x1: Double, y1: Double)
        let plot: (left: Double, top: Double, right: Double, bottom: Double)
        var placed: [Box] = []
        static let size = 10.0

        init(plot: (Double, Double, Double, Double)) { self.plot = (plot.0, plot.1, plot.2, plot.3) }

        /// Candidate offsets (dx, dy of the text's anchor from the point, end-anchored?).
        static let candidates: [(dx: Double, dy: Double, end: Bool)] = {
            var list: [(Double, Double, Bool)] = [(7, -6, false), (7, 14, false), (-7, -6, true), (-7, 14, true)]
            for step in 1...6 {
                let d = Double(step) * 13
                list += [(7, -6 - d, false), (7, 14 + d, false), (-7, -6 - d, true), (-7, 14 + d, true)]
            }
            return list
        }()

        static func overlaps(_ a: Box, _ b: Box) -> Bool { a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 }

        mutating func place(_ label: String, at point: (x: Double, y: Double)) -> String {
            let width = textWidth(label, size: Self.size)
            func box(_ c: (dx: Double, dy: Double, end: Bool)) -> Box {
                let ax = point.x + c.dx, ay = point.y + c.dy
                let x0 = c.end ? ax - width : ax
                return (x0, ay - Self.size, x0 + width, ay + 2)
            }
            func inside(_ b: Box) -> Bool {
                b.x0 >= plot.left && b.x1 <= plot.right + 16 && b.y0 >= plot.top - 14 && b.y1 <= plot.bottom
            }
            let chosen =
                Self.candidates.first { c in
                    let b = box(c); return inside(b) && !placed.contains { Self.overlaps($0, b) }
                }
                ?? Self.candidates[0]
            let b = box(chosen)
            placed.append(b)
            let ax = point.x + chosen.dx, ay = point.y + chosen.dy
            var out = ""
            if abs(chosen.dy) > 14 {
                // A leader from the point to the label's near edge.
                let ey = chosen.dy < 0 ? ay + 2 : ay - Self.size
                out +=
                    "<line class=\"leader\" x1=\"\(f(point.x))\" y1=\"\(f(point.y))\" x2=\"\(f(ax))\" y2=\"\(f(ey))\"/>"
            }
            let anchor = chosen.end ? " text-anchor=\"end\"" : ""
            return out + "<text class=\"plabel\" x=\"\(f(ax))\" y=\"\(f(ay))\"\(anchor)>\(e(label))</text>"
        }
    }

    /// Thins a curve to at most `limit` points, keeping both ends (ROC curves from large
    /// test sets have one point per distinct score; the eye cannot tell 200 from 20 000).
    static func thin(_ points: [CurvePoint], limit: Int) -> [CurvePoint] {
        guard points.count > limit, limit >= 2 else { return points }
        let stride = Double(points.count - 1) / Double(limit - 1)
        return (0..<limit).map { points[Int((Double($0) * stride).rounded())] }
    }
}

/// A point on a curve (ROC, calibration) before it is drawn.
public struct CurvePoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}
