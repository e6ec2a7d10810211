import Foundation
import Testing

@testable import FairPipe

@Suite struct SyntheticGeneratorTests {
    @Test func sameSeedGivesSameBytesDifferentSeedDifferent() throws {
        var config = SyntheticConfig()
        config.rows = 500
        let a = CSVWriter.data(try SyntheticGenerator.generate(config, seed: 7).table)
        let b = CSVWriter.data(try SyntheticGenerator.generate(config, seed: 7).table)
        let c = CSVWriter.data(try SyntheticGenerator.generate(config, seed: 8).table)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func defaultColumns() throws {
        var config = SyntheticConfig()
        config.rows = 10
        let table = try SyntheticGenerator.generate(config, seed: 1).table
        #expect(
            table.columnNames == [
                "row_id", "x1", "x2", "x3", "x4", "x5", "x6", "proxy", "cat1", "cat2", "group", "sex", "label",
            ])
        #expect(table["row_id"]?.values == .numeric((0..<10).map(Double.init)))
    }

    /// Ground truth: observed base rate of A = 0.5; of B = 0.3 × (1 − 0.2) = 0.24; true
    /// rate of B = 0.3; group shares 0.7 / 0.3; proxy correlation with B membership 0.6.
    @Test func injectedBiasShows() throws {
        var config = SyntheticConfig()
        config.rows = 20_000
        let data = try SyntheticGenerator.generate(config, seed: 2024)
        let table = data.table
        guard case .categorical(let groups, let levels) = table["group"]?.values,
            case .numeric(let labels) = table["label"]?.values,
            case .numeric(let proxy) = table["proxy"]?.values,
            case .categorical(let sexes, let sexLevels) = table["sex"]?.values
        else { Issue.record("unexpected column types"); return }
        #expect(levels == ["A", "B"])
        #expect(sexLevels == ["female", "male"])
        var n = [0.0, 0.0], positives = [0.0, 0.0], truePositives = [0.0, 0.0]
        for row in 0..<table.rowCount {
            let g = Int(groups[row])
            n[g] += 1
            positives[g] += labels[row]
            truePositives[g] += Double(data.trueLabels[row])
            // Bias only ever turns a true positive into an observed negative, only in B.
            #expect(labels[row] <= Double(data.trueLabels[row]))
            if g == 0 { #expect(labels[row] == Double(data.trueLabels[row])) }
        }
        #expect(Swift.abs(n[1] / 20_000 - 0.3) < 0.015)
        #expect(Swift.abs(positives[0] / n[0] - 0.5) < 0.02)
        #expect(Swift.abs(positives[1] / n[1] - 0.24) < 0.02)
        #expect(Swift.abs(truePositives[1] / n[1] - 0.3) < 0.02)
        // Intersections: female rate 0.05 below, male 0.05 above, within each group.
        var femaleA = (0.0, 0.0), maleA = (0.0, 0.0)
        for row in 0..<table.rowCount where groups[row] == 0 {
            if sexes[row] == 0 {
                femaleA.0 += 1; femaleA.1 += labels[row]
            } else {
                maleA.0 += 1; maleA.1 += labels[row]
            }
        }
        #expect(Swift.abs(femaleA.1 / femaleA.0 - 0.45) < 0.025)
        #expect(Swift.abs(maleA.1 / maleA.0 - 0.55) < 0.025)
        let membership = groups.map { Double($0) }
        #expect(Swift.abs(correlation(proxy, membership) - 0.6) < 0.02)
    }

    @Test func featuresCarryTheTrueLabel() throws {
        var config = SyntheticConfig()
        config.rows = 5_000
        let data = try SyntheticGenerator.generate(config, seed: 3)
        guard case .numeric(let x1) = data.table["x1"]?.values else { Issue.record("x1"); return }
        // x1 = ±1 + N(0,1): correlation with y is 1/√(1 + 1/(4p(1−p))) ≈ 0.69 at p ≈ 0.44.
        #expect(correlation(x1, data.trueLabels.map(Double.init)) > 0.6)
    }

    @Test func sexAttributeCanBeOmitted() throws {
        var config = SyntheticConfig()
        config.rows = 20
        config.sexes = [:]
        let table = try SyntheticGenerator.generate(config, seed: 1).table
        #expect(table["sex"] == nil)
        #expect(config.attributeNames == ["group"])
    }

    @Test func invalidConfigsAreRejected() {
        var config = SyntheticConfig()
        config.groups = ["A": 0.5, "B": 0.4]
        #expect(throws: ConfigError.self) { try config.validate() }
        config = SyntheticConfig()
        config.disadvantaged = "C"
        #expect(
            throws: ConfigError.invalidValue(
                key: "synthetic.disadvantaged", expected: "one of the groups (A, B)", found: "`C`")
        ) {
            try config.validate()
        }
        config = SyntheticConfig()
        config.baseRates = ["A": 0.5]
        #expect(throws: ConfigError.self) { try config.validate() }
        config = SyntheticConfig()
        config.groups = ["A": 0.7, "B": 0.4]
        #expect(
            throws: ConfigError.inconsistent(key: "synthetic.groups", message: "proportions must sum to 1, found 1.1")
        ) {
            try config.validate()
        }
        config = SyntheticConfig()
        config.labelBias = 1.5
        #expect(throws: ConfigError.self) { try config.validate() }
        config = SyntheticConfig()
        config.baseRates = ["A": 0.98, "B": 0.3]
        #expect(throws: ConfigError.self) { try config.validate() }
    }

    func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) {
            sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb)
        }
        return sab / (saa * sbb).squareRoot()
    }
}
