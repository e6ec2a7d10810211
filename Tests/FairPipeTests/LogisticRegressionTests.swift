import Foundation
import Testing

@testable import FairPipe

/// A seeded logistic dataset: standard normal features, labels drawn from σ(x·β + b).
private func synthetic(rows: Int, cols: Int, seed: UInt64, separable: Bool = false) -> (Matrix, [UInt8], [String]) {
    var rng = Xoshiro256StarStar(seed: seed)
    var values = [Double](repeating: 0, count: rows * cols)
    var labels = [UInt8](repeating: 0, count: rows)
    let beta = (0..<cols).map { Double($0 % 5) - 2 + 0.25 }
    for i in 0..<rows {
        var z = 0.3
        for j in 0..<cols {
            let v = rng.nextGaussian()
            values[i * cols + j] = v
            z += beta[j] * v
        }
        let y = separable ? z > 0 : rng.nextUnitDouble() < LogisticModel.sigmoid(z)
        labels[i] = y ? 1 : 0
    }
    let X = Matrix(unchecked: rows, cols, values)
    return (X, labels, (0..<cols).map { "f\($0)" })
}

private func tightConfig(C: Double = 1) -> LogisticRegressionConfig {
    var config = LogisticRegressionConfig()
    config.C = C
    config.tol = 1e-12
    return config
}

private func maxDifference(_ a: LogisticModel, _ b: LogisticModel) -> Double {
    zip(a.coefficients + [a.intercept], b.coefficients + [b.intercept]).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

@Suite struct LogisticRegressionTests {
    @Test func weightTwoEqualsDuplicatedRows() throws {
        let (X, y, names) = synthetic(rows: 120, cols: 4, seed: 1)
        var weights = [Double](repeating: 1, count: X.rows)
        var duplicated = Array(0..<X.rows)
        for i in Swift.stride(from: 0, to: X.rows, by: 3) {
            weights[i] = 2
            duplicated.append(i)
        }
        let trainer = LogisticRegression(config: tightConfig())
        let weighted = try trainer.fit(X, labels: y, weights: weights, featureNames: names)
        let copies = try trainer.fit(
            X.selectingRows(duplicated), labels: duplicated.map { y[$0] }, featureNames: names)
        #expect(maxDifference(weighted, copies) <= 1e-10)
    }

    @Test func rowOrderDoesNotChangeTheFit() throws {
        // More rows than one chunk, so the permutation also moves rows between chunks.
        let (X, y, names) = synthetic(rows: LogisticRegression.chunkRows + 1500, cols: 6, seed: 2)
        var order = Array(0..<X.rows)
        var rng = Xoshiro256StarStar(seed: 3)
        order.seededShuffle(using: &rng)
        let trainer = LogisticRegression(config: tightConfig())
        let a = try trainer.fit(X, labels: y, featureNames: names)
        let b = try trainer.fit(X.selectingRows(order), labels: order.map { y[$0] }, featureNames: names)
        #expect(a.solver.converged && b.solver.converged)
        #expect(maxDifference(a, b) <= 1e-12)
    }

    @Test func refittingGivesIdenticalBits() throws {
        let (X, y, names) = synthetic(rows: 3 * LogisticRegression.chunkRows + 7, cols: 5, seed: 4)
        let trainer = LogisticRegression(config: tightConfig())
        let a = try trainer.fit(X, labels: y, featureNames: names)
        let b = try trainer.fit(X, labels: y, featureNames: names)
        #expect(a == b)
    }

    @Test func singleClassThrows() throws {
        let X = try Matrix(rowArrays: [[1], [2], [3]])
        #expect(throws: ModelError.singleClass(label: 1)) {
            try LogisticRegression().fit(X, labels: [1, 1, 1], featureNames: ["a"])
        }
        // Both classes present, but class 1 carries no weight.
        #expect(throws: ModelError.singleClass(label: 0)) {
            try LogisticRegression().fit(X, labels: [0, 1, 0], weights: [1, 0, 1], featureNames: ["a"])
        }
    }

    @Test func nonFiniteFeatureThrowsNamingFeatureAndRow() throws {
        let X = try Matrix(rowArrays: [[1, 2], [3, .nan], [5, 6]])
        #expect(throws: ModelError.self) {
            try LogisticRegression().fit(X, labels: [0, 1, 0], featureNames: ["age", "income"])
        }
        do {
            _ = try LogisticRegression().fit(X, labels: [0, 1, 0], featureNames: ["age", "income"])
        } catch let error as ModelError {
            guard case .nonFiniteFeature(let feature, let row, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(feature == "income" && row == 1)
            #expect(error.description.contains("income") && error.exitStatus == .dataError)
        }
        let inf = try Matrix(rowArrays: [[1], [.infinity]])
        #expect(throws: ModelError.nonFiniteFeature(feature: "a", row: 1, value: .infinity)) {
            try LogisticRegression().fit(inf, labels: [0, 1], featureNames: ["a"])
        }
    }

    @Test func badWeightsAndShapesThrow() throws {
        let X = try Matrix(rowArrays: [[1], [2], [3]])
        let fit = { (labels: [UInt8], weights: [Double]?, names: [String]) in
            _ = try LogisticRegression().fit(X, labels: labels, weights: weights, featureNames: names)
        }
        #expect(throws: ModelError.negativeWeight(row: 1, value: -1)) { try fit([0, 1, 0], [1, -1, 1], ["a"]) }
        #expect(throws: ModelError.zeroTotalWeight) { try fit([0, 1, 0], [0, 0, 0], ["a"]) }
        #expect(throws: ModelError.nonFiniteWeight(row: 2, value: .infinity)) {
            try fit([0, 1, 0], [1, 1, .infinity], ["a"])
        }
        #expect(throws: ModelError.countMismatch(what: "labels", expected: 3, found: 2)) {
            try fit([0, 1], nil, ["a"])
        }
        #expect(throws: ModelError.countMismatch(what: "sample weights", expected: 3, found: 1)) {
            try fit([0, 1, 0], [1], ["a"])
        }
        #expect(throws: ModelError.countMismatch(what: "feature names", expected: 1, found: 2)) {
            try fit([0, 1, 0], nil, ["a", "b"])
        }
        #expect(throws: ModelError.invalidLabel(row: 2, value: 2)) { try fit([0, 1, 2], nil, ["a"]) }
        #expect(throws: ModelError.noRows) {
            try LogisticRegression().fit(Matrix(rows: 0, cols: 1), labels: [], featureNames: ["a"])
        }
    }

    @Test func jsonRoundTripIsExact() throws {
        let (X, y, names) = synthetic(rows: 200, cols: 3, seed: 5)
        let model = try LogisticRegression().fit(X, labels: y, featureNames: names)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(model)
        let decoded = try JSONDecoder().decode(LogisticModel.self, from: data)
        #expect(decoded == model)
        #expect(try encoder.encode(decoded) == data)
    }

    @Test func predictionsAreProbabilities() throws {
        let (X, y, names) = synthetic(rows: 300, cols: 4, seed: 6)
        let model = try LogisticRegression().fit(X, labels: y, featureNames: names)
        let probabilities = try model.predictProbability(X)
        #expect(probabilities.count == X.rows)
        #expect(probabilities.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(try model.predictProbability(row: X.row(7)) == probabilities[7])
        let labels = try model.predictLabels(X, threshold: 0.5)
        let accuracy = Double(zip(labels, y).filter { $0 == $1 }.count) / Double(y.count)
        #expect(accuracy > 0.7)
        #expect(throws: ModelError.self) { try model.predictProbability(Matrix(rows: 2, cols: 3)) }
        #expect(throws: ModelError.self) { try model.checkFeatures(named: ["f0", "f1", "f3", "f2"]) }
        try model.checkFeatures(named: names)
        #expect(LogisticModel.sigmoid(-800) >= 0 && LogisticModel.sigmoid(800) == 1)
        #expect(!LogisticModel.sigmoid(-.infinity).isNaN)
    }

    @Test func separableDataGivesAFiniteConvergedFit() throws {
        let (X, y, names) = synthetic(rows: 400, cols: 3, seed: 7, separable: true)
        let model = try LogisticRegression(config: tightConfig(C: 1000)).fit(X, labels: y, featureNames: names)
        #expect(model.solver.converged, "\(model.solver)")
        #expect(model.coefficients.allSatisfy(\.isFinite) && model.intercept.isFinite)
    }

    @Test func warmStartReachesTheSameOptimumFaster() throws {
        let (X, y, names) = synthetic(rows: 2000, cols: 5, seed: 8)
        let trainer = LogisticRegression(config: tightConfig())
        let cold = try trainer.fit(X, labels: y, featureNames: names)
        var weights = [Double](repeating: 1, count: X.rows)
        for i in Swift.stride(from: 0, to: X.rows, by: 10) { weights[i] = 1.2 }
        let reference = try trainer.fit(X, labels: y, weights: weights, featureNames: names)
        let warm = try trainer.fit(X, labels: y, weights: weights, featureNames: names, warmStart: cold)
        #expect(maxDifference(reference, warm) <= 1e-10)
        #expect(warm.solver.iterations < reference.solver.iterations)
    }

    @Test func nonConvergenceIsRecordedNotThrown() throws {
        let (X, y, names) = synthetic(rows: 500, cols: 4, seed: 9)
        var config = tightConfig()
        config.maxIter = 1
        let model = try LogisticRegression(config: config).fit(X, labels: y, featureNames: names)
        #expect(!model.solver.converged)
        #expect(model.solver.stopReason == .maxIterations && model.solver.iterations == 1)
    }

    @Test func interceptOnlyAndNoInterceptFits() throws {
        let X = Matrix(rows: 4, cols: 0)
        let model = try LogisticRegression(config: tightConfig()).fit(X, labels: [1, 1, 1, 0], featureNames: [])
        #expect(abs(model.intercept - log(3)) <= 1e-12)
        let (Y, y, names) = synthetic(rows: 100, cols: 2, seed: 10)
        var config = tightConfig()
        config.fitIntercept = false
        let noIntercept = try LogisticRegression(config: config).fit(Y, labels: y, featureNames: names)
        #expect(noIntercept.intercept == 0 && noIntercept.solver.converged)
    }
}

@Suite struct LogisticRegressionRobustnessTests {
    @Test func duplicateAndConstantColumnsStillConverge() throws {
        let (X, y, _) = synthetic(rows: 300, cols: 2, seed: 11)
        // Columns: a, a again, a constant (collinear with the intercept), all zeros.
        let rows = (0..<X.rows).map { i in [X[i, 0], X[i, 0], 1.0, 0.0] }
        let model = try LogisticRegression(config: tightConfig())
            .fit(Matrix(rowArrays: rows), labels: y, featureNames: ["a", "a2", "one", "zero"])
        #expect(model.solver.converged, "\(model.solver)")
        // The L2 term splits a duplicated column's weight equally.
        #expect(abs(model.coefficients[0] - model.coefficients[1]) <= 1e-10)
        #expect(model.coefficients[3] == 0)
    }

    @Test func badlyScaledAndExtremeSettingsConverge() throws {
        let (X, y, names) = synthetic(rows: 500, cols: 3, seed: 12, separable: true)
        let scaled = try Matrix(rowArrays: (0..<X.rows).map { i in [X[i, 0] * 1e5, X[i, 1] * 1e-4, X[i, 2]] })
        for C in [1e-8, 1.0, 1e8] {
            var config = LogisticRegressionConfig()
            config.C = C
            let model = try LogisticRegression(config: config).fit(scaled, labels: y, featureNames: names)
            #expect(model.solver.converged, "C=\(C): \(model.solver)")
            #expect(model.coefficients.allSatisfy(\.isFinite) && model.intercept.isFinite)
            let probabilities = try model.predictProbability(scaled)
            #expect(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }

    /// With a raw feature around 3e8 the gradient cannot get below its rounding floor; the
    /// solver must stop within a few steps (not burn `maxIter` Hessians) at the same optimum
    /// as the well-scaled problem, flagged as not converged.
    @Test func hugeFeatureValuesStopAtTheRoundingFloor() throws {
        var rng = Xoshiro256StarStar(seed: 13)
        var small: [[Double]] = []
        var huge: [[Double]] = []
        var y: [UInt8] = []
        for _ in 0..<5000 {
            let a = rng.nextGaussian(), c = rng.nextGaussian()
            small.append([a + 3, c])
            huge.append([(a + 3) * 1e8, c])
            y.append(rng.nextUnitDouble() < LogisticModel.sigmoid(a - c) ? 1 : 0)
        }
        let names = ["amount", "c"]
        // Weak regularisation, so the rescaled problem has nearly the same optimum.
        var config = LogisticRegressionConfig()
        config.C = 1e6
        let reference = try LogisticRegression(config: config).fit(
            Matrix(rowArrays: small), labels: y, featureNames: names)
        let model = try LogisticRegression(config: config).fit(Matrix(rowArrays: huge), labels: y, featureNames: names)
        #expect(reference.solver.converged)
        #expect(model.solver.stopReason == .converged || model.solver.stopReason == .stalled, "\(model.solver)")
        #expect(model.solver.converged == (model.solver.stopReason == .converged))
        #expect(model.solver.iterations < 40, "\(model.solver)")
        #expect(abs(model.coefficients[0] * 1e8 - reference.coefficients[0]) <= 1e-4 * abs(reference.coefficients[0]))
        #expect(abs(model.coefficients[1] - reference.coefficients[1]) <= 1e-4)
    }
}

/// One-hot rows (three categoricals of 4, 5 and 6 levels plus one numeric column), weighted,
/// spanning several chunks: the layout ``DesignMatrix`` stores sparse.
private func oneHot(rows: Int, seed: UInt64) -> (Matrix, [UInt8], [Double], [String]) {
    var rng = Xoshiro256StarStar(seed: seed)
    let levels = [4, 5, 6]
    let cols = 1 + levels.reduce(0, +)
    var values = [Double](repeating: 0, count: rows * cols)
    var labels = [UInt8](repeating: 0, count: rows)
    var weights = [Double](repeating: 0, count: rows)
    for i in 0..<rows {
        let x = rng.nextGaussian()
        values[i * cols] = x
        var z = 0.5 * x - 0.2
        var offset = 1
        for (c, count) in levels.enumerated() {
            let level = Int(rng.nextUnitDouble() * Double(count)) % count
            values[i * cols + offset + level] = 1
            z += Double(level - c) * 0.3
            offset += count
        }
        labels[i] = rng.nextUnitDouble() < LogisticModel.sigmoid(z) ? 1 : 0
        weights[i] = 0.5 + rng.nextUnitDouble()
    }
    return (Matrix(unchecked: rows, cols, values), labels, weights, (0..<cols).map { "f\($0)" })
}

@Suite struct SparseDesignTests {
    @Test func oneHotRowsAreStoredSparse() throws {
        let (X, _, _, _) = oneHot(rows: 50, seed: 1)
        #expect(DesignMatrix(validated: X).isSparse)
        #expect(!DesignMatrix(validated: X, allowSparse: false).isSparse)
        let (dense, _, _) = synthetic(rows: 50, cols: 6, seed: 1)
        #expect(!DesignMatrix(validated: dense).isSparse)
    }

    @Test func sparseAndDenseLayoutsReachTheSameOptimum() throws {
        let (X, y, w, names) = oneHot(rows: 2 * LogisticRegression.chunkRows + 300, seed: 2)
        let trainer = LogisticRegression(config: tightConfig())
        let sparse = try trainer.fit(
            DesignMatrix(validated: X), labels: y, weights: w, featureNames: names, warmStart: nil)
        let dense = try trainer.fit(
            DesignMatrix(validated: X, allowSparse: false), labels: y, weights: w, featureNames: names, warmStart: nil)
        #expect(sparse.solver.converged && dense.solver.converged)
        #expect(maxDifference(sparse, dense) <= 1e-10)
        // The public entry picks the sparse layout itself, bit for bit the same fit.
        #expect(try trainer.fit(X, labels: y, weights: w, featureNames: names) == sparse)
    }

    @Test func warmStartReachesTheColdOptimum() throws {
        let (X, y, w, names) = oneHot(rows: 3000, seed: 3)
        let trainer = LogisticRegression(config: tightConfig())
        let cold = try trainer.fit(X, labels: y, weights: w, featureNames: names)
        let shifted = w.enumerated().map { $0.offset % 2 == 0 ? $0.element * 1.5 : $0.element }
        let start = try trainer.fit(X, labels: y, weights: shifted, featureNames: names)
        let warm = try trainer.fit(X, labels: y, weights: w, featureNames: names, warmStart: start)
        #expect(warm.solver.converged)
        #expect(maxDifference(cold, warm) <= 1e-9)
    }
}
