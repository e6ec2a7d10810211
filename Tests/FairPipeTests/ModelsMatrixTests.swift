import Testing

@testable import FairPipe

@Suite struct ModelsMatrixTests {
    @Test func storesRowsContiguously() throws {
        let m = try Matrix(rowArrays: [[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.cols == 3)
        #expect(m[1, 0] == 4)
        #expect(Array(m.row(1)) == [4, 5, 6])
        #expect(m.column(2) == [3, 6])
        #expect(m.withRow(0) { Array($0) } == [1, 2, 3])
        #expect(m.transposed().storage == [1, 4, 2, 5, 3, 6])
        #expect(m.selectingRows([1, 1, 0]).storage == [4, 5, 6, 4, 5, 6, 1, 2, 3])
        #expect(m.multiplied(by: [1, 0, -1]) == [-2, -2])
        #expect(m.multiplied(by: [1]) == nil)
    }

    @Test func rejectsRaggedRowsAndWrongStorage() {
        #expect(throws: ModelError.self) { try Matrix(rowArrays: [[1, 2], [3]]) }
        #expect(throws: ModelError.self) { try Matrix(rows: 2, cols: 2, storage: [1, 2, 3]) }
    }

    @Test func modelConfigValidatesRanges() throws {
        try ModelConfig().validate()
        var config = ModelConfig()
        config.threshold = 1
        #expect(throws: ConfigError.self) { try config.validate() }
        config = ModelConfig()
        config.logisticRegression.C = 0
        #expect(
            throws: ConfigError.invalidValue(
                key: "logistic_regression.C", expected: "a finite number > 0", found: "0.0")
        ) {
            try config.validate()
        }
        config = ModelConfig()
        config.logisticRegression.maxIter = 0
        #expect(throws: ConfigError.self) { try config.validate() }
        config = ModelConfig()
        config.logisticRegression.tol = 0
        #expect(throws: ConfigError.self) { try config.validate() }
        #expect(ModelType.logisticRegression.rawValue == "logistic_regression")
    }
}
