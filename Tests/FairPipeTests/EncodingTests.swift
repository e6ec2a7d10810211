import Foundation
import Testing

@testable import FairPipe

@Suite struct EncodingTests {
    func trainTable() throws -> Table {
        try Table(columns: [
            Column(name: "x", numbers: [1, 2, 3, .nan, 10]),
            Column(name: "c", strings: ["b", "a", "b", nil, "c"]),
            Column(name: "k", numbers: [5, 5, 5, 5, 5]),
        ])
    }

    @Test func numericStandardisedWithTrainMedianAndPopulationStd() throws {
        let encoding = try FeatureEncoding.fit(train: try trainTable(), features: ["x", "k"], missing: .impute)
        let x = encoding.columns[0]
        // median of [1, 2, 3, 10] = 2.5; filled [1, 2, 3, 2.5, 10]
        #expect(x.fill == 2.5)
        let filled = [1, 2, 3, 2.5, 10.0]
        let mean = filled.reduce(0, +) / 5
        let std = (filled.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5).squareRoot()
        #expect(x.mean == mean)
        #expect(x.scale == std)
        // constant column: scale 1, encodes as 0
        #expect(encoding.columns[1].scale == 1)
        let encoded = try encoding.apply(to: try trainTable())
        #expect(encoded.rows == 5 && encoded.cols == 2 && encoded.names == ["x", "k"])
        #expect(encoded[3, 0] == (2.5 - mean) / std)
        #expect(encoded[0, 1] == 0)
    }

    @Test func oneHotWithSortedTrainLevelsAndUnseenAsZeros() throws {
        let encoding = try FeatureEncoding.fit(train: try trainTable(), features: ["c"], missing: .impute)
        #expect(encoding.featureNames == ["c=a", "c=b", "c=c"])
        #expect(encoding.columns[0].fillLevel == "b")
        let other = try Table(columns: [Column(name: "c", strings: ["c", "zzz", nil, "a"])])
        let encoded = try encoding.apply(to: other)
        #expect(encoded.values == [0, 0, 1, /* unseen */ 0, 0, 0, /* mode b */ 0, 1, 0, 1, 0, 0])
    }

    @Test func categoryPolicyAddsMissingLevel() throws {
        let encoding = try FeatureEncoding.fit(train: try trainTable(), features: ["c", "x"], missing: .category)
        #expect(encoding.featureNames == ["c=a", "c=b", "c=c", "c=missing", "x"])
        let encoded = try encoding.apply(to: try trainTable())
        #expect(Array(encoded.values[15..<19]) == [0, 0, 0, 1])
        #expect(encoding.columns[1].fill == 2.5)
    }

    @Test func dropPolicyRejectsMissingAtApply() throws {
        let encoding = try FeatureEncoding.fit(train: try trainTable(), features: ["c"], missing: .drop)
        #expect(encoding.featureNames == ["c=a", "c=b", "c=c"])
        #expect(throws: DataError.missingValue(column: "c", row: 3, policy: "drop")) {
            try encoding.apply(to: try trainTable())
        }
    }

    @Test func fittedOnTrainOnly() throws {
        var config = SyntheticConfig()
        config.rows = 1_000
        let table = try SyntheticGenerator.generate(config, seed: 4).table
        let split = try StratifiedSplit.split(
            table, label: "label", sensitive: ["group"], fractions: SplitConfig(), seed: 4)
        let train = table.selecting(rows: split.train)
        let test = table.selecting(rows: split.test)
        let features = ["x1", "proxy", "cat1"]
        let fromTrain = try FeatureEncoding.fit(train: train, features: features, missing: .impute)
        let fromAll = try FeatureEncoding.fit(train: table, features: features, missing: .impute)
        #expect(fromTrain != fromAll)
        // Train columns have mean 0 and std 1 exactly as fitted; test columns only roughly.
        let encodedTrain = try fromTrain.apply(to: train)
        let column = (0..<encodedTrain.rows).map { encodedTrain[$0, 0] }
        #expect(Swift.abs(column.reduce(0, +) / Double(column.count)) < 1e-12)
        let encodedTest = try fromTrain.apply(to: test)
        #expect(encodedTest.cols == encodedTrain.cols && encodedTest.rows == split.test.count)
    }

    @Test func jsonRoundTripWithSortedKeys() throws {
        let encoding = try FeatureEncoding.fit(train: try trainTable(), features: ["x", "c"], missing: .category)
        let json = try encoding.jsonData()
        let back = try FeatureEncoding.decode(json, path: "encoding.json")
        #expect(back == encoding)
        #expect(try back.jsonData() == json)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"fillLevel\" : \"missing\""))
        #expect(text.range(of: "\"columns\"")!.lowerBound < text.range(of: "\"missing\" : \"category\"")!.lowerBound)
        #expect(throws: FileError.self) { try FeatureEncoding.decode(Data("{}".utf8), path: "bad.json") }
    }

    @Test func numericColumnsReadAsCategoricalSpecs() throws {
        // A categorical feature whose levels all look numeric in another file still encodes.
        let encoding = try FeatureEncoding.fit(
            train: try Table(columns: [Column(name: "z", strings: ["1", "2", "x"])]), features: ["z"], missing: .impute)
        let encoded = try encoding.apply(to: try Table(columns: [Column(name: "z", numbers: [2, 1])]))
        #expect(encoded.values == [0, 1, 0, 1, 0, 0])
        #expect(throws: DataError.columnType(column: "x", expected: "numeric", found: "text")) {
            let numeric = try FeatureEncoding.fit(train: try trainTable(), features: ["x"], missing: .impute)
            _ = try numeric.apply(to: try Table(columns: [Column(name: "x", strings: ["a"])]))
        }
    }

    @Test func featureWithoutTrainingValuesIsAnError() throws {
        let table = try Table(columns: [Column(name: "x", numbers: [.nan, .nan])])
        #expect(throws: DataError.noTrainingValues(column: "x")) {
            try FeatureEncoding.fit(train: table, features: ["x"], missing: .impute)
        }
    }

    struct Expected: Decodable {
        var names: [String]
        var train: [[Double]]
        var test: [[Double]]
    }

    /// Tests/Fixtures/data/make_encoding_fixture.py: scikit-learn's SimpleImputer + StandardScaler
    /// and OneHotEncoder(handle_unknown="ignore") on the same CSV files.
    @Test func matchesScikitLearnPreprocessing() throws {
        let expected = try Fixtures.json(Expected.self, "data/encoding_expected.json")
        let train = try CSVReader.read(path: Fixtures.url("data/train.csv").path)
        let test = try CSVReader.read(path: Fixtures.url("data/test.csv").path)
        let encoding = try FeatureEncoding.fit(train: train, features: ["x1", "x2", "cat"], missing: .impute)
        #expect(encoding.featureNames == expected.names)
        for (table, rows) in [(train, expected.train), (test, expected.test)] {
            let encoded = try encoding.apply(to: table)
            #expect(encoded.rows == rows.count)
            for (r, row) in rows.enumerated() {
                for (c, value) in row.enumerated() {
                    #expect(Swift.abs(encoded[r, c] - value) <= 1e-12, "row \(r) column \(expected.names[c])")
                }
            }
        }
    }
}
