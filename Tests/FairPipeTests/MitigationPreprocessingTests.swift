import Foundation
import Testing

@testable import FairPipe

private struct DIRFixture: Decodable {
    var groups: [Int32]
    var groupNames: [String]
    var rows: Int
    var columns: Int
    var features: [Double]
    var repaired: [String: [Double]]
    var strataMatchCodes: Bool
    enum CodingKeys: String, CodingKey {
        case groups, rows, columns, features, repaired
        case groupNames = "group_names"
        case strataMatchCodes = "strata_match_codes"
    }
}

private struct CRFixture: Decodable {
    struct Case: Decodable {
        var name: String
        var alpha: Double
        var sensitiveColumns: Int
        var trainSensitive: [Double]
        var testSensitive: [Double]
        var trainOut: [Double]
        var testOut: [Double]
        enum CodingKeys: String, CodingKey {
            case name, alpha
            case sensitiveColumns = "sensitive_columns"
            case trainSensitive = "train_sensitive"
            case testSensitive = "test_sensitive"
            case trainOut = "train_out"
            case testOut = "test_out"
        }
    }
    var columns: Int
    var trainRows: Int
    var testRows: Int
    var trainFeatures: [Double]
    var testFeatures: [Double]
    var cases: [Case]
    enum CodingKeys: String, CodingKey {
        case columns, cases
        case trainRows = "train_rows"
        case testRows = "test_rows"
        case trainFeatures = "train_features"
        case testFeatures = "test_features"
    }
}

@Suite struct DisparateImpactRemoverTests {
    @Test(arguments: ["0.0", "0.5", "1.0"])
    func repairEqualsAIF360OnTheFittingData(level: String) throws {
        let fixture = try Fixtures.json(DIRFixture.self, "mitigation/disparate_impact_remover.json")
        // AIF360 stratifies by histogram bins of the protected column; they are the codes here.
        #expect(fixture.strataMatchCodes)
        let repairLevel = try #require(Double(level))
        let model = try DisparateImpactRemover(repairLevel: repairLevel).fit(
            features: fixture.features, rows: fixture.rows, columns: fixture.columns,
            groups: fixture.groups, groupNames: fixture.groupNames)
        let repaired = try model.transform(features: fixture.features, rows: fixture.rows, groups: fixture.groups)
        let expected = try #require(fixture.repaired[level])
        #expect(repaired == expected)
    }

    @Test func unseenValuesGoThroughTheGroupsQuantileFunction() throws {
        // Group 0: 1…10, group 1: 11…20; full repair maps both onto the same medians.
        let train: [Double] = (1...20).map(Double.init)
        let groups: [Int32] = (0..<20).map { $0 < 10 ? 0 : 1 }
        let model = try DisparateImpactRemover(repairLevel: 1).fit(
            features: train, rows: 20, columns: 1, groups: groups, groupNames: ["a", "b"])
        let fitted = try model.transform(features: train, rows: 20, groups: groups)
        // Same quantile of each group, same repaired value.
        for i in 0..<10 { #expect(fitted[i] == fitted[i + 10]) }
        // 5.4 (unseen) sits in group a's bucket of 5; 15.2 in group b's bucket of 15.
        let unseen = try model.transform(features: [5.4, 15.2, -3, 99], rows: 4, groups: [0, 1, 0, 1])
        #expect(unseen[0] == fitted[4])
        #expect(unseen[1] == fitted[14])
        #expect(unseen[2] == fitted[0])
        #expect(unseen[3] == fitted[19])
        let none = try DisparateImpactRemover(repairLevel: 0).fit(
            features: train, rows: 20, columns: 1, groups: groups, groupNames: ["a", "b"])
        #expect(try none.transform(features: [5.4], rows: 1, groups: [0]) == [5.4])
    }
}

@Suite struct CorrelationRemoverTests {
    @Test func correlationRemoverMatchesFairlearn() throws {
        let fixture = try Fixtures.json(CRFixture.self, "mitigation/correlation_remover.json")
        #expect(fixture.cases.count == 4)
        for testCase in fixture.cases {
            let model = try CorrelationRemover(alpha: testCase.alpha).fit(
                features: fixture.trainFeatures, rows: fixture.trainRows, columns: fixture.columns,
                sensitive: testCase.trainSensitive, sensitiveColumns: testCase.sensitiveColumns)
            let train = try model.transform(
                features: fixture.trainFeatures, rows: fixture.trainRows, sensitive: testCase.trainSensitive)
            let test = try model.transform(
                features: fixture.testFeatures, rows: fixture.testRows, sensitive: testCase.testSensitive)
            let worstTrain = zip(train, testCase.trainOut).map { abs($0 - $1) }.max() ?? .nan
            let worstTest = zip(test, testCase.testOut).map { abs($0 - $1) }.max() ?? .nan
            #expect(worstTrain <= 1e-9, "\(testCase.name) α=\(testCase.alpha): \(worstTrain)")
            #expect(worstTest <= 1e-9, "\(testCase.name) α=\(testCase.alpha): \(worstTest)")
        }
    }

    @Test func fullRemovalLeavesNoCorrelationWithTheGroups() throws {
        let groups: [Int32] = (0..<200).map { Int32($0 % 3) }
        let features = groups.indices.map { Double(groups[$0]) * 2 + Double($0 % 7) }
        let sensitive = CorrelationRemover.oneHot(groups: groups, groupCount: 3)
        let model = try CorrelationRemover().fit(
            features: features, rows: 200, columns: 1, sensitive: sensitive, sensitiveColumns: 3)
        let out = try model.transform(features: features, rows: 200, sensitive: sensitive)
        let overall = out.reduce(0, +) / 200
        for code in 0..<3 {
            let members = out.indices.filter { groups[$0] == Int32(code) }.map { out[$0] }
            #expect(abs(members.reduce(0, +) / Double(members.count) - overall) < 1e-9)
        }
    }
}
