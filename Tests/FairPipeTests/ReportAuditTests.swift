import Foundation
import Testing

@testable import FairPipe

/// The Data section's rendering of make-dataset's `audit.json`, read through ``AuditReport``
/// from a real make-dataset run (``StudyRuns``).
@Suite struct ReportAuditTests {
    static func audit() throws -> AuditReport {
        try #require(try StudyRuns.studyInputs().audit)
    }

    static func render(_ audit: AuditReport, fold: Bool = false) -> String {
        AuditSection(audit: audit, digits: 3, foldGroups: fold).render()
    }

    @Test func findingsComeFirstAsTrafficLights() throws {
        let audit = try Self.audit()
        let html = Self.render(audit)
        let findings = try #require(html.range(of: "<h4>Findings</h4>"))
        for later in [
            "Groups in the whole dataset", "<h4>Label balance</h4>", "<h4>Missing values</h4>", "<h4>Proxies</h4>",
            "<h4>Train/test shift</h4>",
        ] {
            let range = try #require(html.range(of: later), "missing \(later)")
            #expect(range.lowerBound > findings.upperBound, "\(later) before the findings")
        }
        // One light per check; the synthetic data's injected proxy is flagged.
        #expect(StudyRuns.count("<span class=\"dot ", in: html) == AuditCheck.allCases.count)
        #expect(audit.findings.contains { $0.check == .proxy })
        #expect(html.contains("feature–attribute pair"))
        #expect(html.contains(ReportEscape.html(try #require(audit.findings.first { $0.check == .proxy }).message)))
    }

    @Test func evaluationGroupTablesFoldTheAuditsOwn() throws {
        let html = renderHTML(try StudyRuns.studyInputs(), config: ReportConfig())
        #expect(html.contains("<details class=\"fold\"><summary>Data audit: "))
        #expect(
            html.contains(
                "<details class=\"fold\"><summary>Groups in the whole dataset before splitting, 1500 rows: group, sex"))
    }

    @Test func groupTablesShowShareBarsAndSmallFlags() throws {
        var audit = try Self.audit()
        let html = Self.render(audit)
        #expect(html.contains("<h4>Groups in the whole dataset before splitting, 1500 rows</h4>"))
        #expect(html.contains("<span class=\"share\" style=\"width:80px\"></span>"))  // the largest group
        #expect(html.contains("positive share"))
        audit.attributes[0].groups[0].small = true
        #expect(Self.render(audit).contains("<span class=\"tag\">small group</span>"))
    }

    @Test func missingnessListsOnlyFeaturesWithMissingValues() throws {
        var audit = try Self.audit()
        #expect(Self.render(audit).contains("No missing values in any feature."))
        let attribute = audit.attributes[0]
        audit.missingness.append(
            AuditReport.Missingness(
                feature: "prior_count", attribute: attribute.name, overall: 0.1,
                groups: Dictionary(uniqueKeysWithValues: attribute.groups.map { ($0.name, 0.1) })))
        audit.droppedRows = 12
        let html = Self.render(audit)
        let part = String(html[try #require(html.range(of: "<h4>Missing values</h4>")).upperBound...])
        #expect(part.contains(">prior_count</td>"))
        #expect(part.contains("12 rows were dropped before the audit."))
    }

    @Test func associationsAreSortedCappedAndFlagged() throws {
        var audit = try Self.audit()
        let flagged = audit.associations.filter(\.proxy).count
        for k in 0..<30 {
            audit.associations.append(
                AuditReport.Association(
                    feature: "f\(k)", attribute: "sex", measure: "cramers_v",
                    value: 0.0001 * Double(k), normalizedMutualInformation: 0, proxy: false))
        }
        let html = Self.render(audit)
        let start = try #require(html.range(of: "<h4>Proxies</h4>"))
        let end = try #require(html.range(of: "<h4>Train/test shift</h4>"))
        let part = String(html[start.upperBound..<end.lowerBound])
        #expect(StudyRuns.count("<tr class=\"flag\">", in: part) == flagged)
        #expect(part.contains("showing \(max(10, flagged)) of \(audit.associations.count) pairs."))
        #expect(part.contains(">proxy<"))
    }

    @Test func shiftShowsOnlyFlaggedTestsWhenMany() throws {
        var audit = try Self.audit()
        for k in 0..<20 {
            audit.shift.append(
                AuditReport.Shift(
                    feature: "g\(k)", test: "chi_square", statistic: 1, pValue: 0.5,
                    pValueAdjusted: 1, exact: nil, shifted: false))
        }
        audit.shift[0].shifted = true
        let html = Self.render(audit)
        let part = String(html[try #require(html.range(of: "<h4>Train/test shift</h4>")).upperBound...])
        #expect(StudyRuns.count("<tr class=\"flag\">", in: part) == 1)
        #expect(part.contains("other features showed no significant shift (1 of \(audit.shift.count) flagged)."))
    }

    @Test func userTextIsEscaped() throws {
        var audit = try Self.audit()
        let evil = "<script>x</script> https://e.org"
        audit.attributes[0].groups[0].name = evil
        audit.findings.append(AuditReport.Finding(check: .proxy, message: evil))
        audit.associations[0].feature = evil
        audit.label.column = evil
        let html = Self.render(audit)
        #expect(!html.contains("<script>"))
        #expect(!html.contains("://"))
        #expect(html.contains("&lt;script&gt;x&lt;/script&gt;"))
    }
}
