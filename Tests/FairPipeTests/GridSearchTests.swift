import Foundation
import Testing

@testable import FairPipe

@Suite struct GridSearchTests {
    @Test(arguments: [FairnessTarget.demographicParity, .equalizedOdds])
    func everyGridPointMatchesFairlearn(target: FairnessTarget) throws {
        let (fixture, X) = try ReductionsFixture.load()
        let expected = try #require(fixture.grid[target.rawValue])
        var search = GridSearch(target: target)
        search.oracle = ReductionsFixture.oracle
        let model = try search.fit(
            X, labels: fixture.y, groups: fixture.group, groupNames: ["0", "1"],
            featureNames: (0..<X.cols).map { "x\($0)" })
        #expect(model.points.count == expected.errors.count)
        // Same grid, same oracle optimum: every point's decisions agree, so error and disparity
        // match to rounding (stated tolerance 1e-9; measured ≤ 5e-16).
        for (point, (error, violation)) in zip(model.points, zip(expected.errors, expected.violations)) {
            #expect(abs(point.error - error) < 1e-9, "error \(point.error) vs \(error)")
            #expect(abs(point.violation - violation) < 1e-9, "violation \(point.violation) vs \(violation)")
        }
        #expect(model.bestIndex == expected.best_index)
    }

    @Test(arguments: [FairnessTarget.demographicParity, .equalizedOdds])
    func threeGroupGridMatchesFairlearn(target: FairnessTarget) throws {
        let (fixture, X) = try ReductionsFixture.load()
        let expected = try #require(fixture.grid3[target.rawValue])
        var search = GridSearch(target: target)
        search.oracle = ReductionsFixture.oracle
        search.gridSize = 12
        let model = try search.fit(
            X, labels: fixture.y, groups: fixture.group3, groupNames: ["0", "1", "2"],
            featureNames: (0..<X.cols).map { "x\($0)" })
        // Multi-dimensional grid in fairlearn's enumeration order (basis by first appearance).
        #expect(model.points.count == expected.errors.count)
        for (point, (error, violation)) in zip(model.points, zip(expected.errors, expected.violations)) {
            #expect(abs(point.error - error) < 1e-9, "error \(point.error) vs \(error)")
            #expect(abs(point.violation - violation) < 1e-9, "violation \(point.violation) vs \(violation)")
        }
        #expect(model.bestIndex == expected.best_index)
    }

    @Test func selectedModelLowersHeldOutDisparity() throws {
        let train = InprocessingData.make(rows: 2000, seed: 11)
        let test = InprocessingData.make(rows: 2000, seed: 12)
        let base = try InprocessingData.baseline(train, test)
        var search = GridSearch(target: .demographicParity)
        search.gridSize = 21
        let model = try search.fit(
            train.X, labels: train.labels, groups: train.groups, groupNames: InprocessingData.groupNames,
            featureNames: train.featureNames)
        let p = try model.predict(test.X).map(Double.init)
        let before = InprocessingData.difference(base, test.groups)
        let after = InprocessingData.difference(p, test.groups)
        // Stated margin: at least 0.15 lower DP difference on held-out rows.
        #expect(after < before - 0.15, "before \(before) after \(after)")
        #expect(model.points.count == 21)
    }

    @Test func fitIsByteReproducible() throws {
        let train = InprocessingData.make(rows: 600, seed: 13)
        let fit = {
            try GridSearch(target: .equalizedOdds).fit(
                train.X, labels: train.labels, groups: train.groups, groupNames: InprocessingData.groupNames,
                featureNames: train.featureNames)
        }
        #expect(try InprocessingData.encode(fit()) == InprocessingData.encode(fit()))
    }
}
