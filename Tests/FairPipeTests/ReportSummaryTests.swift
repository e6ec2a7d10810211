import Foundation
import Testing
@testable import FairPipe

@Suite struct ReportSummaryTests {
    @Test func junitHasOneCaseperGateWithValueBoundAndInterval() throws {
        let xml = renderJUnit(try ReportFixtures.full())
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"))
        #expect(xml.contains("<testsuite name=\"fairpipe.gates\" tests=\"3\" failures=\"1\""))
        #expect(ReportFixtures.count("<testcase ", in: xml) == 6)  // baseline and mitigated evaluations
        #expect(xml.contains("failure message=\"demographic_parity_difference · race = 0.336, required ≤ 0.100, 95% CI [0.296, 0.376]\""))
        #expect(renderJUnit(ReportInputs()).contains("tests=\"0\""))
    }

    @Test func markdownSummarisesVerdictGatesAndMitigation() throws {
        let markdown = renderMarkdown(try ReportFixtures.full())
        #expect(markdown.hasPrefix("# FairPipe fairness report\n\n**🔴 FAIL — 1 of 3 gates failed**"))
        #expect(markdown.contains("| ❌ | demographic_parity_difference · race | 0.336 | [0.296, 0.376] | ≤ 0.100 |"))
        #expect(markdown.contains("## Top concerns"))
        #expect(markdown.contains("## Mitigation: exponentiated gradient"))
        #expect(!markdown.contains("<span") && !markdown.contains("<b>"))
        #expect(renderMarkdown(ReportInputs()).contains("No metrics.json was given"))
    }

    @Test func verdictPutsFailedGatesFirst() throws {
        let verdict = ReportVerdict(metrics: try ReportFixtures.metrics(), config: ReportConfig())
        #expect(verdict.status == .fail)
        #expect(verdict.concerns.count == 3)
        #expect(verdict.concerns.first?.text.hasPrefix("Gate failed: demographic parity difference for race is 0.336") == true)
        #expect(verdict.concerns.dropFirst().allSatisfy { $0.text.contains("four-fifths rule fails") })
    }
}

@Suite struct ReportWriterTests {
    @Test func writesEachConfiguredFormatOnce() throws {
        let folder = try Fixtures.temporaryFolder()
        var config = ReportConfig()
        config.formats = [.junit, .html, .junit]
        let paths = try ReportWriter.write(try ReportFixtures.full(), config: config, folder: folder.path)
        #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent } == ["junit.xml", "report.html"])
        let html = try String(contentsOfFile: paths[1], encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
    }
}
