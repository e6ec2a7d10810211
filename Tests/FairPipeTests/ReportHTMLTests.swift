import Foundation
import Testing

@testable import FairPipe

extension StudyRuns {
    /// Occurrences of `needle` in `haystack`.
    static func count(_ needle: String, in haystack: String) -> Int {
        haystack.components(separatedBy: needle).count - 1
    }
}

@Suite struct ReportHTMLTests {
    @Test func fullReportHasEverySectionInOrder() throws {
        let inputs = try StudyRuns.studyInputs()
        let html = renderHTML(inputs, config: ReportConfig())
        var last = html.startIndex
        for (id, _) in HTMLReport.sections {
            let range = try #require(html.range(of: "<section id=\"\(id)\">"), "missing section \(id)")
            #expect(range.lowerBound > last, "section \(id) out of order")
            last = range.lowerBound
        }
        for chart in ["c0-sel", "c0-di", "c0-err", "c0-roc", "c0-cal", "c-sweep", "c-mitigation", "c-tradeoff"] {
            #expect(html.contains("id=\"\(chart)\""), "missing chart \(chart)")
        }
        #expect(html.contains("(shipped model, after group thresholds)"))
        #expect(html.contains("Baseline (before mitigation): FAIL — "))
        #expect(html.contains("group thresholds"))
        #expect(html.contains(try #require(inputs.manifests.first).git.commit))
        #expect(html.contains("✓ matches upstream"))
        #expect(!html.contains("✗ differs"))
    }

    /// The report stage's own output is what renderHTML gives for the same files.
    @Test func reportStageRendersTheRunItWasGiven() throws {
        let folder = try StudyRuns.studyFolder()
        var config = ReportConfig()
        config.title = "Report study"
        #expect(
            try StudyRuns.read(folder, "report/report.html") == renderHTML(try StudyRuns.studyInputs(), config: config))
        #expect(
            try StudyRuns.read(folder, "report/summary.md")
                == renderMarkdown(try StudyRuns.studyInputs(), config: config))
    }

    @Test func reportHasNoExternalReferences() throws {
        let plain = renderHTML(try StudyRuns.studyInputs(), config: ReportConfig())
        for needle in ["http://", "https://", "src=", "url(", "@import", "<link", "<img", "<iframe", "//cdn"] {
            #expect(!plain.contains(needle), "found \(needle)")
        }
        // URLs in user text stay readable but never appear as `scheme://` bytes or as tags.
        var config = ReportConfig()
        config.caveats = ["see https://example.org/x src=\"http://evil\" <img src=x>"]
        let html = renderHTML(try StudyRuns.studyInputs(), config: config)
        for needle in ["http://", "https://", "://", "<img", "src=\""] {
            #expect(!html.contains(needle), "found \(needle)")
        }
        #expect(html.contains("see https:&#47;/example.org/x"))
    }

    @Test func renderingIsDeterministic() throws {
        let first = try StudyRuns.studyInputs(), second = try StudyRuns.studyInputs()
        #expect(renderHTML(first, config: ReportConfig()) == renderHTML(second, config: ReportConfig()))
        #expect(renderMarkdown(first) == renderMarkdown(second))
        #expect(renderJUnit(first) == renderJUnit(second))
    }

    @Test func hostileTitleAndCaveatsAreEscaped() throws {
        var config = ReportConfig()
        config.title = "<b>title</b>"
        config.caveats = ["</section><script>"]
        let html = renderHTML(try StudyRuns.studyInputs(), config: config)
        #expect(StudyRuns.count("<script>", in: html) == 1)  // only the report's own sorting script
        #expect(!html.contains("<b>title</b>"))
        #expect(StudyRuns.count("<section id=", in: html) == HTMLReport.sections.count)
    }

    @Test func chartsDrawMarks() throws {
        let html = renderHTML(try StudyRuns.studyInputs(), config: ReportConfig())
        let charts = html.components(separatedBy: "<svg class=\"chart\"").dropFirst()
        #expect(charts.count >= 15)
        for chart in charts {
            let body = chart.components(separatedBy: "</svg>")[0]
            #expect(body.contains("class=\"mark") || body.contains("<path"), "a chart without marks")
            #expect(body.contains("<title"), "a chart without title")
        }
        // Selection-rate chart of `group`, the first key chart (after the before/after chart
        // beside the disparity table): per group a baseline and a shipped bar, each with a
        // whisker, and the band's two lines.
        #expect(try #require(charts.first).contains("id=\"c-mitigation\""))
        let first = try #require(charts.first { $0.contains("id=\"c0-sel\"") }).components(separatedBy: "</svg>")[0]
        #expect(StudyRuns.count("class=\"mark bar\"", in: first) == 4)
        #expect(StudyRuns.count("class=\"whisker\"", in: first) == 4)
        #expect(first.contains(">baseline<") && first.contains(">shipped<"))
        #expect(first.contains("0.80 × A rate") && first.contains("1.25 × A rate"))
    }

    /// Acceptance (#12, #17): the default study's threshold-sweep, ROC and calibration charts
    /// are drawn from the shipped (mitigated) model's own curves.json.
    @Test func curveChartsAreDrawnFromCurvesJSON() throws {
        let inputs = try StudyRuns.studyInputs()
        let curves = try #require(inputs.mitigatedCurves)
        let html = renderHTML(inputs, config: ReportConfig())
        #expect(!html.contains("curves.json has no threshold sweep"))
        #expect(!html.contains("The mitigated evaluation wrote no curves.json"))
        let sweep = try #require(
            html.components(separatedBy: "id=\"c-sweep\"").dropFirst().first?.components(separatedBy: "</svg>").first)
        // The key chart: accuracy and the focus attribute's disparities; every attribute's folded.
        #expect(sweep.contains("<title>accuracy</title>"))
        #expect(
            sweep.contains("group: demographic parity difference")
                && !sweep.contains("sex: demographic parity difference"))
        let all = try #require(
            html.components(separatedBy: "id=\"c-sweep-all\"").dropFirst().first?.components(separatedBy: "</svg>")
                .first)
        for attribute in curves.attributes {
            #expect(all.contains("\(ReportEscape.html(attribute.name)): demographic parity difference"))
        }
        // One vertex per threshold of curves.json (every accuracy is defined).
        let accuracyPath = try #require(
            sweep.components(separatedBy: "<path class=\"mark line\" d=\"").dropFirst().first?.components(
                separatedBy: "\""
            ).first)
        #expect(StudyRuns.count("L", in: accuracyPath) == curves.thresholds.count - 1)
        let roc = try #require(
            html.components(separatedBy: "id=\"c0-roc\"").dropFirst().first?.components(separatedBy: "</svg>").first)
        let auc = try #require(curves.attributes.first?.groups.first?.auc)
        #expect(roc.contains("AUC \(ReportNumber.fixed(auc, 3))"))
        #expect(html.contains("id=\"c0-cal\""))
    }

    @Test func missingOptionalInputsOmitTheirSections() throws {
        let inputs = ReportInputs(metrics: try StudyRuns.studyInputs().metrics)
        let html = renderHTML(inputs, config: ReportConfig())
        #expect(StudyRuns.count("<section id=", in: html) == HTMLReport.sections.count)
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

    @Test func singleRunReportIsUnderTwoMegabytes() throws {
        let html = renderHTML(try StudyRuns.studyInputs(), config: ReportConfig())
        #expect(html.utf8.count < 2_000_000)
        if let out = ProcessInfo.processInfo.environment["FAIRPIPE_REPORT_OUT"] {
            try AtomicFile.write(html, to: out)
        }
    }

    @Test func missingInputFileIsNamed() {
        #expect(throws: FileError.notFound(path: "/nonexistent/metrics.json")) {
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
        #expect(ReportNumber.percentLabel(0.95) == "95%")
        #expect(ReportNumber.percentLabel(0.9) == "90%")
        #expect(ReportNumber.percentLabel(0.975) == "97.5%")
    }

    @Test func configValidationNamesTheKey() {
        var config = ReportConfig()
        config.decimals = 12
        #expect(throws: ConfigError.self) { try config.validate() }
        #expect(throws: Never.self) { try ReportConfig().validate() }
    }
}
