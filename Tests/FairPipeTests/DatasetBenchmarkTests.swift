import Foundation
import Testing

@testable import FairPipe

/// The benchmark parsers on synthetic fixtures in the real files' exact formats and quirks
/// (Tests/Fixtures/datasets/, rows invented by make_dataset_fixtures.py from a fixed seed),
/// against counts pandas computed from the same bytes.
@Suite struct DatasetBenchmarkTests {
    static func expected() throws -> ExpectedFixtures {
        try Fixtures.json(ExpectedFixtures.self, "datasets/expected.json")
    }
    static func fixture(_ name: String) throws -> Data { try Fixtures.data("datasets/\(name)") }

    static func strings(_ table: Table, _ name: String) -> [String?] {
        guard let column = table[name] else { return [] }
        return (0..<column.count).map { column.string(at: $0) }
    }

    @Test func adultConcatenatesBothFilesWithTheirQuirks() throws {
        let expected = try Self.expected().adult
        let table = try AdultDataset.parse(
            [Self.fixture("adult.data"), Self.fixture("adult.test")], names: ["adult.data", "adult.test"])
        #expect(table.rowCount == expected.rows)
        #expect(table.columnNames == AdultDataset.columnNames)
        let income = Self.strings(table, "income")
        #expect(income.filter { $0 == ">50K" }.count == expected.positives)
        #expect(Set(income.compactMap { $0 }) == [">50K", "<=50K"])  // test file's `.` removed
        #expect(income.last == expected.last_income)
        #expect(Self.strings(table, "workclass").filter { $0 == nil }.count == expected.missing_workclass)
        let missingRows = (0..<table.rowCount).filter { row in table.columns.contains { $0.isMissing(row) } }
        #expect(missingRows.count == expected.rows_with_missing)
        guard case .numeric(let ages) = table["age"]?.values else { Issue.record("age is not numeric"); return }
        #expect(ages.first == expected.first_age)
    }

    @Test func adultMalformedLineNamesFileAndLine() throws {
        let bad = Data(
            "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K\n50, Self-emp\n"
                .utf8)
        #expect(
            throws: BenchmarkError.malformed(
                file: "data/raw/adult/adult.data", line: 2, expected: "15 comma-separated fields", found: "2")
        ) {
            try AdultDataset.parse([bad], names: ["data/raw/adult/adult.data"])
        }
    }

    @Test func compasRenamesRepeatedColumnsAndAppliesProPublicasFilter() throws {
        let expected = try Self.expected().compas
        let table = try CompasDataset.parse(
            Self.fixture("compas-scores-two-years.csv"), name: "compas-scores-two-years.csv")
        #expect(table.columnNames == CompasDataset.columnNames)
        #expect(expected.duplicated_columns.allSatisfy { table.columnNames.contains($0) })
        #expect(table.rowCount == expected.rows)
        guard case .numeric(let deciles) = table["decile_score.1"]?.values else {
            Issue.record("decile_score.1"); return
        }
        #expect(deciles.reduce(0, +) == expected.decile_score_1_sum)
        #expect(Self.strings(table, "id").contains("90010") == expected.quoted_kept)
        #expect(Self.strings(table, "c_charge_desc").contains("Possession, Cannabis"))
        for edited in ["90000", "90001", "90002"] { #expect(!Self.strings(table, "id").contains(edited)) }
    }

    @Test func compasFavourableOutcomeIsNoRecidivism() throws {
        let expected = try Self.expected().compas
        let table = try CompasDataset.parse(Self.fixture("compas-scores-two-years.csv"), name: "compas")
        var config = DataConfig()
        config.source = .compas
        let dataset = try DatasetLoader.prepare(table, config: CompasDataset.spec.resolve(config), path: "compas")
        guard case .numeric(let labels) = dataset.table["two_year_recid"]?.values else { Issue.record("label"); return }
        #expect(labels.filter { $0 == 1 }.count == expected.no_recidivism)
    }

    @Test func duplicateNamesGetPandasSuffixes() {
        #expect(CompasDataset.deduplicated(["a", "b", "a", "a", "a.1"]) == ["a", "b", "a.2", "a.3", "a.1"])
        #expect(CompasDataset.deduplicated(["x", "y", "x"]) == ["x", "y", "x.1"])
    }

    @Test func germanDecodesCodesAndDerivesSexAndAgeGroup() throws {
        let expected = try Self.expected().german
        let table = try GermanDataset.parse(Self.fixture("german.data"), name: "german.data")
        #expect(table.rowCount == expected.rows)
        #expect(table.columnNames == GermanDataset.columnNames)
        #expect(Self.strings(table, "credit").filter { $0 == "good" }.count == expected.good)
        #expect(Self.strings(table, "sex").filter { $0 == "female" }.count == expected.female)
        #expect(Self.strings(table, "age_group").filter { $0 == "under 25" }.count == expected.under_25)
        #expect(Self.strings(table, "purpose").first == GermanDataset.codes[expected.first_purpose_code])
        #expect(Self.strings(table, "foreign_worker").allSatisfy { $0 == "yes" || $0 == "no" })
    }

    @Test func germanUnknownCodeNamesLineAndColumn() {
        let line =
            "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201 1\nA11 6 A34 A43 1169 A65 A75 4 A96 A101 4 A121 67 A143 A152 2 A173 1 A192 A201 1\n"
        #expect(
            throws: BenchmarkError.malformed(
                file: "german.data", line: 2, expected: "a `personal_status` code (A9x)", found: "`A96`")
        ) {
            try GermanDataset.parse(Data(line.utf8), name: "german.data")
        }
    }

    @Test func benchmarkDefaultsFillOnlyWhatTheConfigLeavesAtDefault() {
        var config = DataConfig()
        config.source = .adult
        let resolved = AdultDataset.spec.resolve(config)
        #expect(resolved.label == LabelSpec(column: "income", positive: ">50K"))
        #expect(resolved.sensitive == ["sex", "race"])
        #expect(resolved.features?.contains("fnlwgt") == false)
        #expect(resolved.features?.contains("sex") == false)
        config.sensitive = ["race"]
        config.label = LabelSpec(column: "income", positive: "<=50K")
        let custom = AdultDataset.spec.resolve(config)
        #expect(custom.sensitive == ["race"] && custom.label.positive == "<=50K")
        // The default features never include a default sensitive attribute, even when the
        // config no longer names it as sensitive: adding it back is an explicit choice.
        #expect(custom.features?.contains("sex") == false)
    }

    @Test func configValidationChecksBenchmarkColumnsAndKeys() {
        var config = DataConfig()
        config.source = .german
        #expect(throws: Never.self) { try config.validate() }
        config.features = ["credit_amout"]
        #expect(
            throws: ConfigError.invalidValue(
                key: "features", expected: "a column of `german` (did you mean `credit_amount`?)",
                found: "`credit_amout`")
        ) {
            try config.validate()
        }
        config.features = nil
        config.path = "data/german.csv"
        #expect(throws: ConfigError.self) { try config.validate() }
        config.path = nil
        config.checksums = ["german.data": "abc"]
        #expect(throws: ConfigError.self) { try config.validate() }
        config.checksums = ["adult.data": String(repeating: "a", count: 64)]
        #expect(throws: ConfigError.self) { try config.validate() }
        config.checksums = [:]
        config.mirror = "ftp://example.org"
        #expect(throws: ConfigError.self) { try config.validate() }
    }

    @Test func mirrorComesFromTheEnvironment() throws {
        let loaded = try ConfigLoader(environment: ["FAIRNESS_DATA_MIRROR": "https://mirror.example.org/fair"])
            .load(
                PipelineConfig.self, yaml: "data:\n  source: compas\n  sensitive: [race, sex]\n", origin: "<test>",
                file: nil, overrides: [])
        #expect(loaded.value.data.mirror == "https://mirror.example.org/fair")
        #expect(loaded.value.data.source == .compas)
    }

    @Test func readyConfigsLoadAndValidate() throws {
        let root = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        for name in ["adult", "compas", "german"] {
            let path = root.appendingPathComponent("configs/\(name).yml").path
            let loaded = try ConfigLoader(environment: [:]).load(PipelineConfig.self, path: path, overrides: [])
            #expect(loaded.value.data.source.rawValue == name)
        }
    }

    /// Every shipped config (configs/*.yml and pipeline.yml) loads and validates, so a key
    /// that moved (e.g. into `mitigation.<method>.`) cannot leave one behind.
    @Test func everyShippedConfigLoads() throws {
        let root = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        let configs =
            try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("configs").path)
            .filter { $0.hasSuffix(".yml") }.sorted().map { "configs/\($0)" } + ["pipeline.yml"]
        #expect(configs.count >= 8)
        for name in configs {
            let path = root.appendingPathComponent(name).path
            #expect(throws: Never.self, "\(name)") {
                try ConfigLoader(environment: [:]).load(PipelineConfig.self, path: path, overrides: [])
            }
        }
    }
}
