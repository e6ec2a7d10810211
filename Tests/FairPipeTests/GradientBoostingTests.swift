import Foundation
import Testing

@testable import FairPipe

/// Golden values from `Tests/Fixtures/gbdt/make_gbdt_fixtures.py` (scikit-learn 1.9.1).
private struct BinningFixture: Decodable {
    struct Case: Decodable {
        var column: String
        var max_bins: Int
        var weighted: Bool
        var thresholds: [Double]
    }
    struct Mapper: Decodable {
        var categorical: [Double?]
        var n_bins_non_missing: [Int]
        var binned_first_rows: [[Int]]
    }
    var columns: [String: [Double?]]
    var weights: [Double]
    var cases: [Case]
    var mapper: Mapper
}

struct BoostingFixture: Decodable {
    struct Node: Decodable {
        var is_leaf: Bool
        var feature: Int
        var bin: Int
        var threshold: Double?
        var missing_goes_left: Bool
        var is_categorical: Bool
        var left: Int
        var right: Int
        var value: Double
        var count: Int
        var categories_left: [Int]?
    }
    var X_train: [[Double?]]
    var y_train: [UInt8]
    var X_test: [[Double?]]
    var y_test: [UInt8]
    var categorical_column: Int
    var categories: Int
    var baseline: Double
    var first_tree: [Node]
    var test_log_loss: Double
}

/// Rows with a categorical code column replaced by its one-hot columns (NaN: all zero),
/// the categorical group, and names.
func oneHot(_ rows: [[Double?]], categorical: Int, levels: Int) throws -> (Matrix, [CategoricalColumns], [String]) {
    let width = rows[0].count - 1 + levels
    var values: [[Double]] = []
    for row in rows {
        var out: [Double] = []
        for (j, v) in row.enumerated() where j != categorical { out.append(v ?? .nan) }
        var hot = [Double](repeating: 0, count: levels)
        if let code = row[categorical] { hot[Int(code)] = 1 }
        values.append(out + hot)
    }
    let numeric = rows[0].count - 1
    let names = (0..<numeric).map { "x\($0)" } + (0..<levels).map { "cat=\($0)" }
    let group = CategoricalColumns(name: "cat", columns: Array(numeric..<width))
    return (try Matrix(rowArrays: values), [group], names)
}

private func logLoss(_ p: [Double], _ y: [UInt8]) -> Double {
    let eps = Double.ulpOfOne
    return zip(p, y).reduce(0) { sum, pair in
        let q = min(max(pair.0, eps), 1 - eps)
        return sum - (pair.1 == 1 ? log(q) : log(1 - q))
    } / Double(p.count)
}

private func synthetic(rows: Int, seed: UInt64) -> (Matrix, [UInt8], [String]) {
    var rng = Xoshiro256StarStar(seed: seed)
    var values: [Double] = []
    var labels: [UInt8] = []
    for _ in 0..<rows {
        let a = (rng.nextGaussian() * 10).rounded() / 10, b = (rng.nextGaussian() * 10).rounded() / 10
        let c = Double(Int(rng.next() % 7))
        values += [a, b, c]
        labels.append(rng.nextUnitDouble() < LogisticModel.sigmoid(a - b * b + 0.3 * c - 1) ? 1 : 0)
    }
    return (Matrix(unchecked: rows, 3, values), labels, ["a", "b", "c"])
}

@Suite struct GradientBoostingTests {
    @Test func binThresholdsEqualScikitLearn() throws {
        let fixture = try Fixtures.json(BinningFixture.self, "gbdt/binning.json")
        #expect(fixture.cases.count == 20)
        for c in fixture.cases {
            let column = (fixture.columns[c.column] ?? []).map { $0 ?? .nan }
            let ours = GradientBoostingBinMapper.thresholds(
                column, weights: c.weighted ? fixture.weights : nil, maxBins: c.max_bins)
            #expect(ours == c.thresholds, "\(c.column), max_bins \(c.max_bins), weighted \(c.weighted)")
        }
    }

    @Test func binnedRowsEqualScikitLearnWithMissingAndCategories() throws {
        let fixture = try Fixtures.json(BinningFixture.self, "gbdt/binning.json")
        let columns = ["few", "many", "missing"].map { (fixture.columns[$0] ?? []) }
        let rows = (0..<fixture.mapper.categorical.count).map { i in
            columns.map { $0[i] } + [fixture.mapper.categorical[i]]
        }
        let (X, groups, names) = try oneHot(rows, categorical: 3, levels: 7)
        let trainer = GradientBoosting(categorical: groups)
        let features = try trainer.binFeatures(X, featureNames: names, weights: nil)
        #expect(features.map(\.bins) == fixture.mapper.n_bins_non_missing)
        let binned = GradientBoostingBins.bin(X, features: features, missingBin: 255)
        for (i, expected) in fixture.mapper.binned_first_rows.enumerated() {
            let ours = (0..<features.count).map { Int(binned.codes[$0 * X.rows + i]) }
            #expect(ours == expected, "row \(i)")
        }
    }

    private func fitFixture(maxIter: Int, threads: Int = 2) throws -> (GradientBoostingModel, BoostingFixture, Matrix) {
        let fixture = try Fixtures.json(BoostingFixture.self, "gbdt/boosting.json")
        let (X, groups, names) = try oneHot(
            fixture.X_train, categorical: fixture.categorical_column, levels: fixture.categories)
        var config = GradientBoostingConfig()
        config.earlyStopping = .off
        config.maxIter = maxIter
        let model = try GradientBoosting(config: config, categorical: groups, threads: threads)
            .fit(X, labels: fixture.y_train, featureNames: names)
        let (test, _, _) = try oneHot(
            fixture.X_test, categorical: fixture.categorical_column, levels: fixture.categories)
        return (model, fixture, test)
    }

    /// scikit-learn puts categorical features first; ours keep the column order.
    @Test func firstTreeSplitsEqualScikitLearn() throws {
        let (model, fixture, _) = try fitFixture(maxIter: 1)
        #expect(abs(model.baseline - fixture.baseline) <= 1e-12)
        let tree = try #require(model.trees.first)
        let featureOf = { (sklearn: Int) in sklearn == 0 ? 4 : sklearn - 1 }
        var pending = [(0, 0)]
        var visited = 0
        while let (s, o) = pending.popLast() {
            visited += 1
            let theirs = fixture.first_tree[s], ours = tree.nodes[o]
            #expect(ours.count == theirs.count, "node \(s)")
            #expect(ours.isLeaf == theirs.is_leaf, "node \(s)")
            if theirs.is_leaf {
                // scikit-learn rounds gradients and hessians to 32 bits; ours are 64-bit.
                #expect(abs(ours.value - theirs.value) <= 1e-7, "leaf \(s): \(ours.value) vs \(theirs.value)")
                continue
            }
            #expect(ours.feature == featureOf(theirs.feature), "node \(s)")
            #expect(ours.missingGoesLeft == theirs.missing_goes_left, "node \(s)")
            if theirs.is_categorical {
                #expect(ours.categoriesLeft == theirs.categories_left, "node \(s)")
            } else {
                #expect(ours.bin == theirs.bin, "node \(s)")
                #expect(ours.threshold == theirs.threshold, "node \(s)")
            }
            guard let left = ours.left, let right = ours.right else { continue }
            pending.append((theirs.left, left))
            pending.append((theirs.right, right))
        }
        #expect(visited == fixture.first_tree.count && tree.nodes.count == fixture.first_tree.count)
    }

    @Test func testLogLossAfterHundredIterationsIsWithinOneThousandthOfScikitLearn() throws {
        let (model, fixture, test) = try fitFixture(maxIter: 100)
        #expect(model.trees.count == 100)
        let ours = logLoss(try model.predictProbability(test), fixture.y_test)
        #expect(abs(ours - fixture.test_log_loss) <= 1e-3, "ours \(ours), scikit-learn \(fixture.test_log_loss)")
    }

    @Test func modelFilesAreByteIdenticalAcrossRunsAndThreadCounts() throws {
        let one = try CanonicalJSON.data(TrainedModel.gradientBoosting(try fitFixture(maxIter: 20, threads: 1).0))
        let two = try CanonicalJSON.data(TrainedModel.gradientBoosting(try fitFixture(maxIter: 20, threads: 2).0))
        let again = try CanonicalJSON.data(TrainedModel.gradientBoosting(try fitFixture(maxIter: 20, threads: 2).0))
        #expect(one == two)
        #expect(two == again)
        let decoded = try CanonicalJSON.decoder().decode(TrainedModel.self, from: two)
        #expect(try CanonicalJSON.data(decoded) == two)
    }

    @Test func integerWeightsFitTheSameModelAsRepeatedRows() throws {
        let (X, y, names) = synthetic(rows: 800, seed: 3)
        var rng = Xoshiro256StarStar(seed: 4)
        let weights = (0..<X.rows).map { _ in Double(rng.next() % 4) }
        var rows: [Double] = [], labels: [UInt8] = []
        for i in 0..<X.rows {
            for _ in 0..<Int(weights[i]) {
                rows += Array(X.row(i))
                labels.append(y[i])
            }
        }
        let repeated = Matrix(unchecked: labels.count, X.cols, rows)
        var config = GradientBoostingConfig()
        config.earlyStopping = .off
        config.maxIter = 30
        // min_samples_leaf counts rows, so it must not bind; small leaf budgets keep nodes
        // large enough that no two splits tie exactly (a tie is broken by rounding noise).
        config.minSamplesLeaf = 1
        config.maxLeafNodes = 8
        let trainer = GradientBoosting(config: config)
        let weighted = try trainer.fit(X, labels: y, weights: weights, featureNames: names)
        let expanded = try trainer.fit(repeated, labels: labels, featureNames: names)
        #expect(weighted.features.map(\.thresholds) == expanded.features.map(\.thresholds))
        #expect(weighted.trees.count == expanded.trees.count)
        for (a, b) in zip(weighted.trees, expanded.trees) {
            #expect(a.nodes.map(\.feature) == b.nodes.map(\.feature))
            #expect(a.nodes.map(\.bin) == b.nodes.map(\.bin))
            #expect(
                zip(a.nodes, b.nodes).allSatisfy {
                    abs($0.value - $1.value) <= 1e-9 && abs($0.cover - Double($1.count)) <= 1e-9
                })
        }
        let p = try weighted.predictProbability(X), q = try expanded.predictProbability(X)
        #expect(zip(p, q).allSatisfy { abs($0 - $1) <= 1e-9 })
    }

    @Test func constantAndAllMissingFeaturesNeverSplit() throws {
        let (X, y, _) = synthetic(rows: 500, seed: 5)
        var values: [Double] = []
        for i in 0..<X.rows { values += Array(X.row(i)) + [2.5, .nan] }
        let wide = Matrix(unchecked: X.rows, 5, values)
        var config = GradientBoostingConfig()
        config.maxIter = 10
        let model = try GradientBoosting(config: config).fit(
            wide, labels: y, featureNames: ["a", "b", "c", "constant", "empty"])
        #expect(model.features[3].bins == 1 && model.features[4].bins == 1 && model.features[4].hasMissing)
        #expect(model.trees.allSatisfy { $0.nodes.allSatisfy { $0.feature != 3 && $0.feature != 4 } })
        #expect(try model.predictProbability(wide).allSatisfy { $0 > 0 && $0 < 1 })
    }

    @Test func badWeightsAndLabelsAreModelErrors() throws {
        let (X, y, names) = synthetic(rows: 50, seed: 6)
        let trainer = GradientBoosting()
        var weights = [Double](repeating: 1, count: 50)
        weights[3] = -1
        #expect(throws: ModelError.negativeWeight(row: 3, value: -1)) {
            try trainer.fit(X, labels: y, weights: weights, featureNames: names)
        }
        weights[3] = .nan
        #expect(throws: ModelError.self) { try trainer.fit(X, labels: y, weights: weights, featureNames: names) }
        #expect(throws: ModelError.singleClass(label: 0)) {
            try trainer.fit(X, labels: [UInt8](repeating: 0, count: 50), featureNames: names)
        }
    }

    @Test(arguments: ["max_bins=256", "max_bins=1", "learning_rate=0", "max_leaf_nodes=1", "min_samples_leaf=0"])
    func outOfRangeParametersAreOneLineConfigErrors(setting: String) throws {
        let message: String
        do {
            _ = try ConfigLoader(environment: [:]).load(
                PipelineConfig.self, yaml: "", origin: "pipeline.yml", overrides: ["model.gradient_boosting.\(setting)"]
            )
            message = "no error"
        } catch {
            message = "\(error)"
        }
        let key = String(setting.prefix { $0 != "=" })
        #expect(message.contains("`model.gradient_boosting.\(key)` must be"), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test func moreCategoriesThanBinsFoldTheRarestIntoOneBin() throws {
        var rng = Xoshiro256StarStar(seed: 8)
        let levels = 12, rows = 600
        var values: [Double] = [], labels: [UInt8] = []
        for _ in 0..<rows {
            let code = Int(rng.next() % UInt64(levels))
            var hot = [Double](repeating: 0, count: levels)
            hot[code] = 1
            values += hot
            labels.append(rng.nextUnitDouble() < (code % 3 == 0 ? 0.8 : 0.2) ? 1 : 0)
        }
        let X = Matrix(unchecked: rows, levels, values)
        var config = GradientBoostingConfig()
        config.maxBins = 8
        config.maxIter = 5
        let group = CategoricalColumns(name: "c", columns: Array(0..<levels))
        let model = try GradientBoosting(config: config, categorical: [group])
            .fit(X, labels: labels, featureNames: (0..<levels).map { "c=\($0)" })
        #expect(model.features.count == 1 && model.features[0].kind == .categorical)
        #expect(model.features[0].bins == 8)
        #expect(model.features[0].columnBins?.filter { $0 == 7 }.count == levels - 7)
    }
}

@Suite struct GradientBoostingStageTests {
    @Test(arguments: ["fair_logistic_regression", "prejudice_remover", "adversarial_debiasing"])
    func logisticOnlyMethodsAreRefusedForBoostedTrees(method: String) {
        let message: String
        do {
            _ = try ConfigLoader(environment: [:]).load(
                PipelineConfig.self, yaml: "", origin: "pipeline.yml",
                overrides: ["model.type=gradient_boosting", "mitigation.method=\(method)"])
            message = "no error"
        } catch {
            message = "\(error)"
        }
        #expect(
            message.contains("`mitigation.method`") && message.contains("model.type logistic_regression"), "\(message)")
    }

    @Test func exponentiatedGradientUsesTheWeightedTreesAsOracle() throws {
        let (X, y, names) = synthetic(rows: 600, seed: 11)
        let groups = (0..<X.rows).map { Int32(X[$0, 2] >= 3 ? 1 : 0) }
        var model = ModelConfig()
        model.type = .gradientBoosting
        model.gradientBoosting.maxIter = 10
        var settings = MitigationConfig()
        settings.method = .exponentiatedGradient
        settings.exponentiatedGradient.maxIter = 5
        let fitted = try Inprocessing.fit(
            config: settings, model: model, seed: 1, X, labels: y, groups: groups, groupNames: ["a", "b"],
            featureNames: names)
        guard case .exponentiatedGradient(let eg) = fitted else {
            Issue.record("not an exponentiated gradient model")
            return
        }
        #expect(eg.predictors.contains { $0.boosted != nil })
        #expect(eg.predictors.allSatisfy { $0.model == nil })
        let scores = try fitted.scores(X, groups: groups)
        #expect(scores.count == X.rows && scores.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
