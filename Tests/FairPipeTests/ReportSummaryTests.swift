import Foundation
import Testing

@testable import FairPipe

@Suite struct ReportSummaryTests {
    @Test func junitHasOneCasePerGateWithValueBoundAndInterval() throws {
        let inputs = try StudyRuns.studyInputs()
        let metrics = try #require(inputs.metrics)
        let xml = renderJUnit(inputs)
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"))
        let failed = metrics.gates.filter { !$0.passed }.count
        #expect(
            xml.contains("<testsuite name=\"fairpipe.gates\" tests=\"\(metrics.gates.count)\" failures=\"\(failed)\""))
        let mitigated = try #require(inputs.mitigation?.after).gates.count
        #expect(StudyRuns.count("<testcase ", in: xml) == metrics.gates.count + mitigated)
        let dp = try #require(metrics.gates.first { $0.metric == "demographic_parity_difference" })
        let ci = try #require(dp.interval)
        #expect(
            xml.contains(
                "failure message=\"demographic_parity_difference · group = \(ReportNumber.fixed(dp.value, 3)), required ≤ 0.050, 95% CI \(ReportNumber.interval(ci, 3))\""
            ))
        #expect(renderJUnit(ReportInputs()).contains("tests=\"0\""))
    }

    @Test func markdownSummarisesVerdictGatesAndMitigation() throws {
        let markdown = renderMarkdown(try StudyRuns.studyInputs())
        #expect(markdown.hasPrefix("# FairPipe fairness report\n\n**"))
        #expect(markdown.contains("(shipped model, after group thresholds)**"))
        #expect(markdown.contains("Baseline (before mitigation): FAIL — "))
        #expect(markdown.contains("Mitigation changed accuracy "))
        #expect(markdown.contains("## Top concerns"))
        #expect(markdown.contains("## Groups"))
        #expect(markdown.contains("## Mitigation: group thresholds"))
        #expect(!markdown.contains("<span") && !markdown.contains("<b>"))
        #expect(renderMarkdown(ReportInputs()).contains("No metrics.json was given"))
    }

    /// evaluate writes its junit.xml and summary.md with the report's renderers.
    @Test func evaluateUsesTheOneRenderer() throws {
        let folder = try StudyRuns.studyFolder()
        let metrics = try MetricsReport.read(at: folder.appendingPathComponent("evaluation/metrics.json").path)
        let inputs = ReportInputs(metrics: metrics)
        #expect(try StudyRuns.read(folder, "evaluation/junit.xml") == renderJUnit(inputs))
        #expect(try StudyRuns.read(folder, "evaluation/summary.md") == renderMarkdown(inputs))
    }

    @Test func verdictPutsFailedGatesFirst() throws {
        let verdict = ReportVerdict(metrics: try StudyRuns.studyInputs().metrics, config: ReportConfig())
        #expect(verdict.status == .fail)
        #expect(verdict.concerns.count == 3)
        #expect(verdict.concerns.first?.text.hasPrefix("Gate failed: ") == true)
    }

    /// Any group name gives well-formed XML: markup, quotes, `]]>` and control characters.
    @Test func junitIsWellFormedWhateverTheGroupNames() throws {
        var metrics = try #require(try StudyRuns.studyInputs().metrics)
        let names = [
            "<script>alert(\"x\")</script>&'", "a]]>b", "bell\u{07}tab\tnl\nend", "e\u{01}\u{301}", "\u{FFFE}x",
            "zip https://e.org",
        ]
        metrics.gates = names.map { name in
            GateResult(
                gate: "disparate_impact@\(name)", metric: "disparate_impact", attribute: name, group: name, value: 2,
                ci: [1.5, 2.5],
                judged: 2, max: 1.25, min: 0.8, judgeBy: .estimate, passed: false, message: "\(name) failed ]]>")
        }
        var config = ReportConfig()
        config.title = "t]]>\u{0B}"
        let xml = renderJUnit(ReportInputs(metrics: metrics), config: config)
        #expect(XMLCheck.isWellFormed(xml), "\(xml)")
        #expect(xml.contains("a]]&gt;b"))
        #expect(!xml.contains("\u{07}") && !xml.contains("\u{01}") && !xml.contains("\u{FFFE}"))
    }
}

@Suite struct ReportWriterTests {
    @Test func writesEachConfiguredFormatOnce() throws {
        let folder = try Fixtures.temporaryFolder()
        var config = ReportConfig()
        config.formats = [.junit, .html, .junit]
        let paths = try ReportWriter.write(try StudyRuns.studyInputs(), config: config, folder: folder.path)
        #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent } == ["junit.xml", "report.html"])
        let html = try String(contentsOfFile: paths[1], encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
    }
}
