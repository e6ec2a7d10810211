import Foundation
import Testing

@testable import FairPipe

@Suite struct SplitTests {
    @Test func largestRemainderRule() {
        #expect(StratifiedSplit.largestRemainder(total: 10, fractions: [0.6, 0.2, 0.2]) == [6, 2, 2])
        #expect(StratifiedSplit.largestRemainder(total: 7, fractions: [0.6, 0.2, 0.2]) == [4, 2, 1])
        #expect(StratifiedSplit.largestRemainder(total: 1, fractions: [0.6, 0.2, 0.2]) == [1, 0, 0])
        #expect(StratifiedSplit.largestRemainder(total: 2, fractions: [0.4, 0.3, 0.3]) == [1, 1, 0])
        for total in 0..<200 {
            #expect(StratifiedSplit.largestRemainder(total: total, fractions: [0.7, 0.15, 0.15]).reduce(0, +) == total)
        }
    }

    @Test(arguments: [(0.6, 0.2, 0.2), (0.7, 0.15, 0.15), (0.5, 0.25, 0.25)])
    func everyStratumWithinOneRowOfTarget(fractions: (Double, Double, Double)) throws {
        var config = SyntheticConfig()
        config.rows = 3_001
        let table = try SyntheticGenerator.generate(config, seed: 11).table
        let split = SplitConfig(train: fractions.0, validation: fractions.1, test: fractions.2)
        let result = try StratifiedSplit.split(
            table, label: "label", sensitive: ["group", "sex"], fractions: split, seed: 5)
        let parts = [result.train, result.validation, result.test]
        let targets = [fractions.0, fractions.1, fractions.2]
        // Every row exactly once.
        #expect(parts.flatMap { $0 }.sorted() == Array(0..<table.rowCount))
        func key(_ row: Int) -> String {
            ["label", "group", "sex"].map { table[$0]?.string(at: row) ?? "" }.joined(separator: "|")
        }
        var strata: [String: Int] = [:]
        for row in 0..<table.rowCount { strata[key(row), default: 0] += 1 }
        #expect(strata.count == 8)
        for (k, part) in parts.enumerated() {
            var counts: [String: Int] = [:]
            for row in part { counts[key(row), default: 0] += 1 }
            for (stratum, size) in strata {
                #expect(
                    Swift.abs(Double(counts[stratum] ?? 0) - Double(size) * targets[k]) < 1, "\(stratum) in split \(k)")
            }
        }
    }

    @Test func splitsAreSortedByRowIDAndDeterministic() throws {
        var config = SyntheticConfig()
        config.rows = 400
        let table = try SyntheticGenerator.generate(config, seed: 1).table
        // Reverse the rows so positions and row_ids disagree.
        let reversed = table.selecting(rows: Array((0..<400).reversed()))
        let a = try StratifiedSplit.split(
            reversed, label: "label", sensitive: ["group"], fractions: SplitConfig(), seed: 9)
        let b = try StratifiedSplit.split(
            reversed, label: "label", sensitive: ["group"], fractions: SplitConfig(), seed: 9)
        let c = try StratifiedSplit.split(
            reversed, label: "label", sensitive: ["group"], fractions: SplitConfig(), seed: 10)
        #expect(a == b)
        #expect(a != c)
        guard case .numeric(let ids) = reversed["row_id"]?.values else { Issue.record("row_id"); return }
        for part in [a.train, a.validation, a.test] {
            let partIDs = part.map { ids[$0] }
            #expect(partIDs == partIDs.sorted())
        }
    }

    @Test func tooFewRowsForASplitIsAnError() throws {
        let table = try Table(columns: [
            Column(name: "label", numbers: [0, 1]),
            Column(name: "group", strings: ["A", "B"]),
        ])
        #expect(throws: DataError.emptySplit(split: "test", rows: 2)) {
            try StratifiedSplit.split(table, label: "label", sensitive: ["group"], fractions: SplitConfig(), seed: 1)
        }
    }
}

@Suite struct SplitDatasetTests {
    @Test func datasetSplitsKeepRowIDsSortedAndDisjoint() throws {
        var config = DataConfig()
        config.synthetic.rows = 1_000
        let dataset = try DatasetLoader.load(config, seed: 2)
        let splits = try dataset.split(config.split, seed: 2)
        var all: [Double] = []
        for table in [splits.train, splits.validation, splits.test] {
            guard case .numeric(let ids) = table["row_id"]?.values else { Issue.record("row_id"); return }
            #expect(ids == ids.sorted())
            all += ids
        }
        #expect(all.sorted() == (0..<1_000).map(Double.init))
        #expect(Swift.abs(splits.train.rowCount - 600) <= 8 && Swift.abs(splits.test.rowCount - 200) <= 8)
    }
}
