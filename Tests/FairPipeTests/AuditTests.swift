import Foundation
import Testing

@testable import FairPipe

/// The data audit: its measures against scipy / scikit-learn (Tests/Fixtures/audit/), and
/// the findings and `fail_on` behaviour of make-dataset.
@Suite struct AuditTests {
    struct KS: Decodable {
        var statistic: Double
        var exact_p: Double
        var asymptotic_p: Double
    }
    struct Chi: Decodable {
        var statistic: Double
        var df: Int
        var p: Double
    }
    struct Golden: Decodable {
        var group: [Int32]
        var category: [Int32]
        var numeric: [Double]
        var counts: [Double]
        var train_rows: Int
        var cramers_v: Double
        var correlation_ratio: Double
        var correlation_ratio_counts: Double
        var nmi_category: Double
        var nmi_numeric: Double
        var nmi_counts: Double
        var ks_numeric: KS
        var ks_counts: KS
        var big_x: [Double]
        var big_y: [Double]
        var ks_big: KS
        var chi_square_shift: Chi
    }

    static func golden() throws -> Golden { try Fixtures.json(Golden.self, "audit/audit_golden.json") }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

    @Test func associationMeasuresMatchScipyAndSklearn() throws {
        let g = try Self.golden()
        #expect(Self.close(AuditMeasures.cramersV(g.category, levelsA: 4, g.group, levelsB: 3), g.cramers_v))
        #expect(Self.close(AuditMeasures.correlationRatio(g.numeric, groups: g.group, levels: 3), g.correlation_ratio))
        #expect(
            Self.close(AuditMeasures.correlationRatio(g.counts, groups: g.group, levels: 3), g.correlation_ratio_counts)
        )
        #expect(
            Self.close(
                AuditMeasures.normalizedMutualInformation(g.category, levelsA: 4, g.group, levelsB: 3), g.nmi_category))
        let numeric = AuditMeasures.quantileCodes(g.numeric, bins: 10)
        #expect(
            Self.close(
                AuditMeasures.normalizedMutualInformation(numeric.codes, levelsA: numeric.levels, g.group, levelsB: 3),
                g.nmi_numeric))
        let counts = AuditMeasures.quantileCodes(g.counts, bins: 10)
        #expect(
            Self.close(
                AuditMeasures.normalizedMutualInformation(counts.codes, levelsA: counts.levels, g.group, levelsB: 3),
                g.nmi_counts))
    }

    @Test(arguments: ["numeric", "counts", "big"])
    func kolmogorovSmirnovMatchesScipy(_ sample: String) throws {
        let g = try Self.golden()
        let (x, y, expected): ([Double], [Double], KS) =
            switch sample {
            case "numeric": (Array(g.numeric[..<g.train_rows]), Array(g.numeric[g.train_rows...]), g.ks_numeric)
            case "counts": (Array(g.counts[..<g.train_rows]), Array(g.counts[g.train_rows...]), g.ks_counts)
            default: (g.big_x, g.big_y, g.ks_big)
            }
        let exact = try #require(AuditMeasures.kolmogorovSmirnov(x, y))
        #expect(exact.exact)
        #expect(Self.close(exact.statistic, expected.statistic, 1e-12))
        #expect(Self.close(exact.pValue, expected.exact_p))
        let asymptotic = try #require(AuditMeasures.kolmogorovSmirnov(x, y, exactLimit: 0))
        #expect(!asymptotic.exact)
        #expect(Self.close(asymptotic.pValue, expected.asymptotic_p))
    }

    @Test func chiSquareShiftMatchesScipy() throws {
        let g = try Self.golden()
        let result = try #require(
            AuditMeasures.chiSquareHomogeneity(
                Array(g.category[..<g.train_rows]), Array(g.category[g.train_rows...]), levels: 4))
        #expect(result.df == g.chi_square_shift.df)
        #expect(Self.close(result.statistic, g.chi_square_shift.statistic))
        #expect(Self.close(result.pValue, g.chi_square_shift.p))
    }

    @Test func kolmogorovSurvivalIsContinuousAcrossItsTwoSeries() {
        let below = AuditMeasures.kolmogorovSurvival(1 - 1e-12), above = AuditMeasures.kolmogorovSurvival(1 + 1e-12)
        #expect(Self.close(below, above, 1e-10))
        #expect(AuditMeasures.kolmogorovSurvival(0.1) == 1)
        #expect(AuditMeasures.kolmogorovSurvival(3) < 1e-7)
    }

    /// A synthetic dataset with a strong proxy and a small group.
    static func config(rows: Int = 400) -> PipelineConfig {
        var config = PipelineConfig()
        config.data.synthetic.rows = rows
        config.data.synthetic.groups = ["A": 0.95, "B": 0.05]
        config.data.synthetic.proxyStrength = 0.95
        config.fairness.minGroupSize = 30
        return config
    }

    @Test func auditReportsGroupsProxiesAndSmallGroups() throws {
        let config = Self.config()
        let dataset = try DatasetLoader.load(config.data, seed: 7)
        let splits = try dataset.split(config.data.split, seed: 8)
        let report = try DataAudit.run(
            dataset: dataset, train: splits.train, test: splits.test, config: config.data.audit, minGroupSize: 30)
        #expect(report.rows == 400)
        #expect(report.attributes.map(\.name) == ["group", "sex", "group&sex"])
        let groups = report.attributes[0].groups
        #expect(groups.map(\.name) == ["A", "B"])
        #expect(groups.map(\.count).reduce(0, +) == 400)
        #expect(Self.close(groups.map(\.share).reduce(0, +), 1, 1e-12))
        #expect(report.findings.contains { $0.check == .smallGroup && $0.message.hasPrefix("group&sex=B&") })
        #expect(report.associations.contains { $0.feature == "proxy" && $0.attribute == "group" && $0.proxy })
        #expect(report.missingness.count == dataset.features.count * 2)
        #expect(report.shift.count == dataset.features.count)
        #expect(report.shift.allSatisfy { $0.pValueAdjusted >= $0.pValue })
        // Findings come in check order.
        let order = report.findings.map { AuditCheck.allCases.firstIndex(of: $0.check) ?? 0 }
        #expect(order == order.sorted())
    }

    func runStage(_ config: PipelineConfig) throws -> (folder: URL, error: Error?) {
        let folder = try Fixtures.temporaryFolder()
        let run = try StageRun(
            stage: .makeDataset, outputFolder: folder.path, seed: config.experiment.seed, config: .object([:]),
            configFile: nil, root: folder.path, environment: ["SOURCE_DATE_EPOCH": "0"])
        do {
            try MakeDatasetStage.run(config, run: run, log: .silent)
            try run.finish()
            return (folder, nil)
        } catch {
            run.abandon()
            return (folder, error)
        }
    }

    @Test func makeDatasetWritesTheAuditDeterministically() throws {
        let config = Self.config()
        let first = try runStage(config), second = try runStage(config)
        #expect(first.error == nil && second.error == nil)
        let a = try Data(contentsOf: first.folder.appendingPathComponent("audit.json"))
        let b = try Data(contentsOf: second.folder.appendingPathComponent("audit.json"))
        #expect(a == b)
        let report = try CanonicalJSON.decoder().decode(AuditReport.self, from: a)
        #expect(report.minGroupSize == 30)
    }

    @Test func failOnTurnsFindingsIntoExitFourAndWritesNothing() throws {
        var config = Self.config()
        config.data.audit.failOn = [.smallGroup, .proxy]
        let (folder, error) = try runStage(config)
        let audit = try #require(error as? AuditError)
        #expect(audit.exitStatus == .auditFailed)
        #expect(audit.description.contains("small_group: ") && audit.description.contains("proxy: "))
        #expect(!audit.description.contains("\n"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).isEmpty)
        // Only the listed checks fail the stage.
        config.data.audit.failOn = [.shift]
        #expect(try runStage(config).error == nil)
    }

    @Test func auditConfigValidation() {
        var audit = AuditConfig()
        #expect(throws: Never.self) { try audit.validate() }
        audit.proxyThreshold = 0
        #expect(
            throws: ConfigError.invalidValue(key: "audit.proxy_threshold", expected: "a number in (0, 1]", found: "0")
        ) { try audit.validate() }
        audit = AuditConfig()
        audit.enabled = false
        audit.failOn = [.proxy]
        #expect(throws: ConfigError.self) { try audit.validate() }
    }
}
