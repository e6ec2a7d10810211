import Foundation
import Testing

@testable import FairPipe

@Suite struct DatasetLoaderTests {
    func write(_ text: String, _ name: String = "d.csv", function: String = #function) throws -> String {
        let folder = try Fixtures.temporaryFolder(function)
        let path = folder.appendingPathComponent(name).path
        try AtomicFile.write(text, to: path)
        return path
    }

    func csvConfig(
        _ path: String, label: String = "y", positive: String = "yes", sensitive: [String] = ["race"]
    ) -> DataConfig {
        var config = DataConfig()
        config.source = .csv
        config.path = path
        config.label = LabelSpec(column: label, positive: positive)
        config.sensitive = sensitive
        return config
    }

    @Test func loadsAndMapsTheLabel() throws {
        let path = try write("age,race,y\n30,a,yes\n40,b,no\n50,a,no\n")
        let dataset = try DatasetLoader.load(csvConfig(path), seed: 1)
        #expect(dataset.table.columnNames == ["row_id", "age", "race", "y"])
        #expect(dataset.table["y"]?.values == .numeric([1, 0, 0]))
        #expect(dataset.table["row_id"]?.values == .numeric([0, 1, 2]))
        #expect(dataset.features == ["age"])
        #expect(dataset.droppedRows == 0)
    }

    @Test func numericLabelMatchesPositiveAsNumber() throws {
        let path = try write("x,g,label\n1,a,1.0\n2,b,0\n")
        let dataset = try DatasetLoader.load(csvConfig(path, label: "label", positive: "1", sensitive: ["g"]), seed: 1)
        #expect(dataset.table["label"]?.values == .numeric([1, 0]))
        // numeric sensitive attributes become group names
        let numericGroups = try write("x,g,label\n1,0,1\n2,1,0\n", "n.csv")
        let loaded = try DatasetLoader.load(
            csvConfig(numericGroups, label: "label", positive: "1", sensitive: ["g"]), seed: 1)
        #expect(loaded.table["g"]?.type == .categorical)
    }

    @Test func missingLabelColumnSuggestsClosestName() throws {
        let path = try write("age,race,income\n30,a,1\n")
        let error = DataError.missingColumn(
            path: path, column: "incom", role: "label", available: ["age", "race", "income"], suggestion: "income")
        #expect(throws: error) { try DatasetLoader.load(csvConfig(path, label: "incom"), seed: 1) }
        #expect(error.description.contains("did you mean `income`?"))
        #expect(
            throws: DataError.missingColumn(
                path: path, column: "sex", role: "sensitive", available: ["age", "race", "income"], suggestion: nil)
        ) {
            try DatasetLoader.load(csvConfig(path, label: "income", positive: "1", sensitive: ["sex"]), seed: 1)
        }
    }

    @Test func singleClassAndAbsentPositiveAreErrors() throws {
        let one = try write("x,race,y\n1,a,yes\n2,b,yes\n")
        let error = DataError.singleClass(path: one, column: "y", value: "yes")
        #expect(throws: error) { try DatasetLoader.load(csvConfig(one), seed: 1) }
        #expect(error.description.hasSuffix("label `y` has a single class `yes`, expected two"))
        let none = try write("x,race,y\n1,a,no\n2,b,maybe\n", "none.csv")
        #expect(throws: DataError.positiveNotFound(path: none, column: "y", positive: "yes", found: ["maybe", "no"])) {
            try DatasetLoader.load(csvConfig(none), seed: 1)
        }
    }

    @Test func missingFileEmptyFileAndNonFinite() throws {
        #expect(throws: DataError.fileNotFound(path: "/no/such.csv")) {
            try DatasetLoader.load(csvConfig("/no/such.csv"), seed: 1)
        }
        #expect(DataError.fileNotFound(path: "x").exitStatus == .noInput)
        let empty = try write("", "empty.csv")
        #expect(throws: CSVError.empty(path: empty)) { try DatasetLoader.load(csvConfig(empty), seed: 1) }
        let nan = try write("x,race,y\n1,a,yes\nnan,b,no\n", "nan.csv")
        #expect(throws: CSVError.nonFiniteNumber(path: nan, line: 3, column: "x", value: "nan")) {
            try DatasetLoader.load(csvConfig(nan), seed: 1)
        }
    }

    @Test func missingPolicies() throws {
        let path = try write("x,c,race,y\n1,p,a,yes\n,q,b,no\n3,,a,no\n4,p,,yes\n5,q,b,\n6,p,a,no\n")
        var config = csvConfig(path)
        config.missing = .drop
        let dropped = try DatasetLoader.load(config, seed: 1)
        #expect(dropped.droppedRows == 4)
        #expect(dropped.table["row_id"]?.values == .numeric([0, 5]))
        config.missing = .impute
        let imputed = try DatasetLoader.load(config, seed: 1)
        #expect(imputed.droppedRows == 2)  // missing sensitive value, missing label
        #expect(imputed.table["row_id"]?.values == .numeric([0, 1, 2, 5]))
        config.missing = .category
        let category = try DatasetLoader.load(config, seed: 1)
        #expect(category.droppedRows == 1)  // only the missing label
        #expect(category.table["race"]?.string(at: 3) == "missing")
    }

    @Test func syntheticSourceLoads() throws {
        var config = DataConfig()
        config.synthetic.rows = 300
        let dataset = try DatasetLoader.load(config, seed: 3)
        #expect(dataset.features == ["x1", "x2", "x3", "x4", "x5", "x6", "proxy", "cat1", "cat2"])
        #expect(dataset.sensitive == ["group", "sex"])
        #expect(dataset.table.rowCount == 300)
        #expect(dataset.table.columnNames.last == "label")
    }

    @Test func duplicateRowIDIsAnError() throws {
        let path = try write("row_id,x,race,y\n1,1,a,yes\n1,2,b,no\n")
        #expect(throws: DataError.badRowID(path: path, reason: "`1` appears twice")) {
            try DatasetLoader.load(csvConfig(path), seed: 1)
        }
    }

    @Test func relativePathIsResolvedAgainstRootAndNamedAsWritten() throws {
        let folder = try Fixtures.temporaryFolder()
        try AtomicFile.write("x,race,y\n1,a,yes\n2,b\n", to: folder.appendingPathComponent("data/bad.csv").path)
        #expect(throws: CSVError.wrongFieldCount(path: "data/bad.csv", line: 3, expected: 3, found: 2)) {
            try DatasetLoader.load(csvConfig("data/bad.csv"), seed: 1, root: folder.path)
        }
        #expect(throws: DataError.fileNotFound(path: "data/missing.csv")) {
            try DatasetLoader.load(csvConfig("data/missing.csv"), seed: 1, root: folder.path)
        }
    }
}
