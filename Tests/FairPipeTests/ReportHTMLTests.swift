import Foundation
import Testing
@testable import FairPipe

/// Loads the hand-built report fixtures (Tests/Fixtures/report, made by make_fixtures.py).
enum ReportFixtures {
    static func path(_ name: String) -> String { Fixtures.url("report/\(name)").path }

    static var allPaths: ReportPaths {
        ReportPaths(metrics: path("metrics.json"), curves: path("curves.json"), audit: path("audit.json"),
                    mitigatedMetrics: path("metrics_mitigated.json"), tradeoff: path("tradeoff.json"),
                    recommendations: path("recommendations.json"),
                    manifests: ["make-dataset", "train", "evaluate", "mitigate"].map { path("manifests/\($0).json") })
    }

    static func full() throws -> ReportInputs { try ReportInputs.load(allPaths) }

    static func metrics(replacing target: String? = nil, with replacement: String = "") throws -> MetricsView {
        var text = try String(contentsOf: Fixtures.url("report/metrics.json"), encoding: .utf8)
        if let target { text = text.replacingOccurrences(of: target, with: replacement) }
        return MetricsView(json: try ReportJSON.parse(Data(text.utf8), path: "metrics.json"))
    }

    /// Occurrences of `needle` in `haystack`.
    static func count(_ needle: String, in haystack: String) -> Int {
        haystack.components(separatedBy: needle).count - 1
    }
}

@Suite struct ReportHTMLTests {
    @Test func fullReportHasEverySectionInOrder() throws {
        let html = renderHTML(try ReportFixtures.full(), config: ReportConfig())
        var last = html.startIndex
        for (id, _) in HTMLReport.sections {
            let range = try #require(html.range(of: "<section id=\"\(id)\">"), "missing section \(id)")
            #expect(range.lowerBound > last, "section \(id) out of order")
            last = range.lowerBound
        }
        for chart in ["c0-sel", "c0-di", "c0-err", "c0-roc", "c0-cal", "c-sweep", "c-mitigation", "c-tradeoff"] {
            #expect(html.contains("id=\"\(chart)\""), "missing chart \(chart)")
        }
        #expect(html.contains("Gate failed: demographic parity difference for race"))
        #expect(html.contains("exponentiated gradient"))
        #expect(html.contains("3f6c2a9d1b8e4f7a0c5d2e9b6a3f8c1d4e7b0a25"))
        #expect(html.contains("✓ matches upstream"))
        #expect(html.contains("zip_code ~ race: cramers_v 0.41 ≥ 0.3"))
    }

    @Test func reportHasNoExternalReferences() throws {
        let plain = renderHTML(try ReportFixtures.full(), config: ReportConfig())
        for needle in ["http://", "https://", "src=", "url(", "@import", "<link", "<img", "<iframe", "//cdn"] {
            #expect(!plain.contains(needle), "found \(needle)")
        }
        // URLs in user text stay readable but never appear as `scheme://` bytes or as tags.
        var inputs = try ReportFixtures.full()
        inputs.recommendations.append(RecommendationView(method: "see https://example.org/x", reason: "src=\"http://evil\" <img src=x>"))
        let html = renderHTML(inputs, config: ReportConfig())
        for needle in ["http://", "https://", "://", "<img", "src=\""] {
            #expect(!html.contains(needle), "found \(needle)")
        }
        #expect(html.contains("see https:&#47;/example.org/x"))
    }

    @Test func renderingIsDeterministic() throws {
        let first = renderHTML(try ReportFixtures.full(), config: ReportConfig())
        let second = renderHTML(try ReportFixtures.full(), config: ReportConfig())
        #expect(first == second)
        #expect(renderMarkdown(try ReportFixtures.full()) == renderMarkdown(try ReportFixtures.full()))
        #expect(renderJUnit(try ReportFixtures.full()) == renderJUnit(try ReportFixtures.full()))
    }

    @Test func hostileGroupNamesAreEscaped() throws {
        let hostile = "<script>alert(\"x\")</script>&'"
        var inputs = try ReportFixtures.full()
        inputs.metrics = try ReportFixtures.metrics(replacing: "\"Hispanic\"", with: "\"<script>alert(\\\"x\\\")</script>&'\"")
        var config = ReportConfig()
        config.title = "<b>title</b>"
        config.caveats = ["</section><script>"]
        let html = renderHTML(inputs, config: config)
        #expect(!html.contains(hostile))
        #expect(ReportFixtures.count("<script>", in: html) == 1)  // only the report's own sorting script
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"))
        #expect(!html.contains("<b>title</b>"))
        #expect(ReportFixtures.count("<section id=", in: html) == HTMLReport.sections.count)
        #expect(!renderJUnit(inputs).contains("<script>"))
    }

    @Test func chartsDrawMarks() throws {
        let html = renderHTML(try ReportFixtures.full(), config: ReportConfig())
        let charts = html.components(separatedBy: "<svg class=\"chart\"").dropFirst()
        #expect(charts.count >= 15)
        for chart in charts {
            let body = chart.components(separatedBy: "</svg>")[0]
            #expect(body.contains("class=\"mark"), "a chart without marks")
            #expect(body.contains("<title"), "a chart without title")
        }
        // Selection-rate chart of race: one bar per group, each with a tooltip and a whisker.
        let race = try #require(charts.first).components(separatedBy: "</svg>")[0]
        #expect(ReportFixtures.count("class=\"mark bar\"", in: race) == 4)
        #expect(ReportFixtures.count("class=\"whisker\"", in: race) == 4)
        #expect(race.contains("0.80 × Caucasian rate"))
    }

    @Test func missingOptionalInputsOmitTheirSections() throws {
        let inputs = ReportInputs(metrics: try ReportFixtures.metrics())
        let html = renderHTML(inputs, config: ReportConfig())
        #expect(ReportFixtures.count("<section id=", in: html) == HTMLReport.sections.count)
        #expect(html.contains("No curves.json was given"))
        #expect(html.contains("No mitigation was run"))
        #expect(html.contains("No stage manifests were given"))
        #expect(html.contains("No data audit was given"))
        #expect(html.contains("No recommendations were given"))
        #expect(!html.contains("id=\"c0-roc\""))
        #expect(!html.contains("id=\"c-tradeoff\""))
        #expect(html.contains("id=\"c0-sel\""))

        let empty = renderHTML(ReportInputs(), config: ReportConfig())
        #expect(empty.contains("No metrics.json was given"))
        #expect(!empty.contains("class=\"mark"))
    }

    @Test func toleratesOddlyShapedInputs() throws {
        let json = try ReportJSON.parse(Data("""
        {"n": "12", "overall": {"accuracy": "oops", "f1": 0.5},
         "attributes": [{"name": 7, "groups": [{"group": 1, "n": 3, "metrics": {"selection_rate": 0.25}}, {"n": null}]}, "junk"],
         "gates": [{"metric": "x", "bound": {"max": 0.1}, "passed": "no"}]}
        """.utf8), path: "odd.json")
        let html = renderHTML(ReportInputs(metrics: MetricsView(json: json)), config: ReportConfig())
        #expect(html.contains("<section id=\"provenance\">"))
        #expect(html.contains("FAIL"))
    }

    @Test func singleRunReportIsUnderTwoMegabytes() throws {
        let html = renderHTML(try ReportFixtures.full(), config: ReportConfig())
        #expect(html.utf8.count < 2_000_000)
        if let out = ProcessInfo.processInfo.environment["FAIRPIPE_REPORT_OUT"] {
            try AtomicFile.write(html, to: out)
        }
    }

    @Test func missingInputFileIsNamed() {
        #expect(throws: ReportError.missing(path: "/nonexistent/metrics.json")) {
            try ReportInputs.load(ReportPaths(metrics: "/nonexistent/metrics.json"))
        }
    }

    @Test func numbersAreFormattedWithoutLocale() {
        #expect(ReportNumber.fixed(0.1235, 3) == "0.124")
        #expect(ReportNumber.fixed(-0.0004, 3) == "0.000")
        #expect(ReportNumber.fixed(-1.5, 0) == "-2")
        #expect(ReportNumber.fixed(12345.678, 2) == "12345.68")
        #expect(ReportNumber.fixed(nil) == "—")
        #expect(ReportNumber.fixed(.nan) == "—")
        #expect(ReportNumber.coordinate(10.50) == "10.5")
        #expect(ReportNumber.pValue(0.0001) == "< 0.001")
    }

    @Test func configValidationNamesTheKey() {
        var config = ReportConfig()
        config.fourFifths = 1.5
        #expect(throws: ConfigError.self) { try config.validate() }
        #expect(throws: Never.self) { try ReportConfig().validate() }
    }
}

@Suite struct ReportJSONTests {
    @Test func parsesScalarsArraysAndObjects() throws {
        let json = try ReportJSON.parse(Data(#"{"a": [1, -2.5e1, true, null, "x\"\u00e9\ud83d\ude00"], "b": {}, "c": NaN}"#.utf8), path: "t.json")
        #expect(json["a"] == .array([.number(1), .number(-25), .bool(true), .null, .string("x\"é😀")]))
        #expect(json["b"] == .object([:]))
        #expect(json["c"] == .null)
    }

    @Test func viewsAreDecodableWithJSONDecoder() throws {
        let decoded = try Fixtures.json(MetricsView.self, "report/metrics.json")
        #expect(decoded == (try ReportFixtures.metrics()))
        let curves = try Fixtures.json(CurvesView.self, "report/curves.json")
        #expect(curves.attributes.map(\.name) == ["race", "sex"])
        #expect(curves.thresholdSweep.count == 19)
    }

    @Test func malformedJSONNamesFileAndOffset() {
        #expect(throws: ReportError.malformed(path: "bad.json", reason: "not valid JSON at byte 7: expected ',' or '}' in object")) {
            try ReportJSON.parse(Data(#"{"a":1 "b":2}"#.utf8), path: "bad.json")
        }
    }
}
