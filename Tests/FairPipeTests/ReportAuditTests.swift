import Foundation
import Testing
@testable import FairPipe

/// The Data section's rendering of make-dataset's `audit.json` (Tests/Fixtures/report/audit.json).
@Suite struct ReportAuditTests {
    static func fixture() throws -> ReportJSON {
        try ReportJSON.parse(Fixtures.data("report/audit.json"), path: "audit.json")
    }

    static func render(_ json: ReportJSON, fold: Bool = false) -> String {
        AuditSection(audit: AuditView(json: json), digits: 3, foldGroups: fold).render()
    }

    /// Replaces `key` of the fixture's top-level object.
    static func fixture(setting key: String, to value: ReportJSON?) throws -> ReportJSON {
        var members = try fixture().object ?? [:]
        members[key] = value
        return .object(members)
    }

    @Test func fixtureIsMakeDatasetsSchema() throws {
        let report = try CanonicalJSON.decoder().decode(AuditReport.self, from: Fixtures.data("report/audit.json"))
        let view = AuditView(json: try Self.fixture())
        #expect(view.rows == report.rows)
        #expect(view.attributes.map(\.name) == report.attributes.map(\.name))
        #expect(view.associations?.count == report.associations.count)
        #expect(view.shift?.count == report.shift.count)
        #expect(view.findings?.map(\.message) == report.findings.map(\.message))
        #expect(view.label?.positiveShare == 0.41)
    }

    @Test func findingsComeFirstAsTrafficLights() throws {
        let html = Self.render(try Self.fixture())
        let findings = try #require(html.range(of: "<h4>Findings</h4>"))
        for later in ["Groups in the whole dataset", "<h4>Label balance</h4>", "<h4>Missing values</h4>", "<h4>Proxies</h4>", "<h4>Train/test shift</h4>"] {
            let range = try #require(html.range(of: later), "missing \(later)")
            #expect(range.lowerBound > findings.upperBound, "\(later) before the findings")
        }
        #expect(ReportFixtures.count("<span class=\"dot warn\"", in: html) == 3)  // small group, proxy, shift
        #expect(ReportFixtures.count("<span class=\"dot pass\"", in: html) == 1)  // label balance
        #expect(html.contains("<li>race=Other has 100 rows (&lt; 120)</li>"))
        #expect(html.contains("2 feature–attribute pairs flagged (association ≥ 0.3)"))
    }

    @Test func noGenericItemValueDump() throws {
        let html = renderHTML(try ReportFixtures.full(), config: ReportConfig())
        #expect(!html.contains("<th class=\"text\">Item</th>"))
        #expect(!html.contains(">normalized mutual information<"))
        #expect(html.contains("<h3>Data audit</h3>"))
        // The evaluation's group tables are shown, so the audit's are folded and labelled.
        #expect(html.contains("<details class=\"fold\"><summary>Groups in the whole dataset before splitting, 2000 rows: race, sex</summary>"))
    }

    @Test func groupTablesShowShareBarsAndSmallFlags() throws {
        let html = Self.render(try Self.fixture())
        #expect(html.contains("<h4>Groups in the whole dataset before splitting, 2000 rows</h4>"))
        #expect(html.contains("<tr class=\"flag\"><td class=\"text\" data-sort=\"Other\">Other</td><td data-sort=\"100\">100</td>"))
        #expect(html.contains("<span class=\"share\" style=\"width:80px\"></span>42.0%"))
        #expect(html.contains("<span class=\"tag\">small group</span>"))
        #expect(html.contains("positive share 41.0% (820 positive, 1180 negative)<span class=\"tag ok\">balanced</span>"))
    }

    @Test func missingnessListsOnlyFeaturesWithMissingValues() throws {
        let html = Self.render(try Self.fixture())
        let start = try #require(html.range(of: "<h4>Missing values</h4>"))
        let end = try #require(html.range(of: "<h4>Proxies</h4>"))
        let part = String(html[start.upperBound..<end.lowerBound])
        #expect(ReportFixtures.count("<table", in: part) == 1)
        #expect(part.contains(">prior_count</td>"))
        #expect(!part.contains(">age</td>") && !part.contains(">zip_code</td>"))
        #expect(part.contains("<th>race=Other</th>") && part.contains("<th>sex=M</th>"))
        #expect(part.contains("12 rows were dropped before the audit."))

        var clean = try Self.fixture().object ?? [:]
        clean["missingness"] = .array([.object(["feature": .string("age"), "attribute": .string("sex"), "overall": .number(0),
                                                "groups": .object(["F": .number(0), "M": .number(0)])])])
        clean["dropped_rows"] = .number(0)
        let none = Self.render(.object(clean))
        #expect(none.contains("<p>No missing values in any feature. No rows were dropped.</p>"))
    }

    @Test func associationsAreSortedCappedAndFlagged() throws {
        var members = try Self.fixture().object ?? [:]
        // 30 weak pairs plus the fixture's: only the top 10 and every flagged pair remain.
        var items = members["associations"]?.array ?? []
        for k in 0..<30 {
            items.append(.object(["feature": .string("f\(k)"), "attribute": .string("sex"), "measure": .string("cramers_v"),
                                  "value": .number(0.001 * Double(k)), "normalized_mutual_information": .number(0), "proxy": .bool(false)]))
        }
        members["associations"] = .array(items)
        let html = Self.render(.object(members))
        let start = try #require(html.range(of: "<h4>Proxies</h4>"))
        let end = try #require(html.range(of: "<h4>Train/test shift</h4>"))
        let part = String(html[start.upperBound..<end.lowerBound])
        #expect(ReportFixtures.count("<tr", in: part) == 11)  // header + 10
        #expect(ReportFixtures.count("<tr class=\"flag\">", in: part) == 2)
        #expect(part.contains("flagged as a proxy at ≥ 0.3 (proxy_threshold); showing 10 of 36 pairs."))
        let zip = try #require(part.range(of: ">zip_code<"))
        let prior = try #require(part.range(of: ">prior_count<"))
        #expect(zip.lowerBound < prior.lowerBound, "strongest first")
        #expect(part.contains("Cramér&#39;s V") && part.contains("correlation ratio η"))
    }

    @Test func shiftShowsOnlyFlaggedTestsWhenMany() throws {
        let few = Self.render(try Self.fixture())
        #expect(few.contains("<tr class=\"flag\"><td class=\"text\">prior_count</td><td class=\"text\">Kolmogorov–Smirnov</td>"))

        var tests = try Self.fixture()["shift"]?.array ?? []
        for k in 0..<20 {
            tests.append(.object(["feature": .string("g\(k)"), "test": .string("chi_square"), "statistic": .number(1),
                                  "p_value": .number(0.5), "p_value_adjusted": .number(1), "shifted": .bool(false)]))
        }
        let many = Self.render(try Self.fixture(setting: "shift", to: .array(tests)))
        let part = String(many[try #require(many.range(of: "<h4>Train/test shift</h4>")).upperBound...])
        #expect(ReportFixtures.count("<tr", in: part) == 2)
        #expect(part.contains("22 other features showed no significant shift (1 of 23 flagged)."))
    }

    @Test func missingFieldsOmitTheirParts() throws {
        let html = Self.render(.object(["rows": .number(50), "findings": .array([])]))
        #expect(html.contains("50 rows in the whole dataset before splitting"))
        #expect(!html.contains("<h4>Proxies</h4>") && !html.contains("<h4>Missing values</h4>") && !html.contains("<table"))
        #expect(html.contains("<span class=\"dot unknown\"") && html.contains("not reported"))
        // Odd types are dropped, not fatal.
        let odd = Self.render(.object(["rows": .string("many"), "attributes": .number(3), "label": .array([]),
                                       "associations": .array([.number(1), .object(["feature": .string("x")])])]))
        #expect(!odd.contains("<table"))
        let foreign = Self.render(.object(["proxy_warnings": .array([.string("zip")])]))
        #expect(foreign.contains("none of the fields make-dataset writes"))
    }

    @Test func userTextIsEscaped() throws {
        let evil = "<script>x</script> https://e.org"
        let json = ReportJSON.object([
            "rows": .number(3),
            "attributes": .array([.object(["name": .string(evil), "groups": .array([.object(["name": .string(evil), "count": .number(3), "share": .number(1)])])])]),
            "findings": .array([.object(["check": .string("proxy"), "message": .string(evil)])]),
            "associations": .array([.object(["feature": .string(evil), "attribute": .string(evil), "measure": .string(evil), "value": .number(0.9), "proxy": .bool(true)])]),
            "missingness": .array([.object(["feature": .string(evil), "attribute": .string(evil), "overall": .number(0.5), "groups": .object([evil: .number(0.5)])])]),
            "shift": .array([.object(["feature": .string(evil), "test": .string(evil), "p_value_adjusted": .number(0.001), "shifted": .bool(true)])]),
            "label": .object(["column": .string(evil), "positives": .number(1), "negatives": .number(2)]),
        ])
        let html = Self.render(json)
        #expect(!html.contains("<script>"))
        #expect(!html.contains("://"))
        #expect(html.contains("&lt;script&gt;x&lt;/script&gt;"))
    }

    @Test func renderingIsDeterministic() throws {
        let a = Self.render(try Self.fixture())
        let b = Self.render(try Self.fixture())
        #expect(a == b)
    }
}
