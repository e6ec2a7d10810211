import Foundation
import Testing

@testable import FairPipe

/// FairPipe's own gradient-boosted trees explained by TreeSHAP through
/// ``GradientBoostingModel/explainedTrees()``, on the scikit-learn boosting fixture
/// (numeric columns with missing values and a native categorical column).
@Suite struct GradientBoostingExplainTests {
    static func fit(iterations: Int, nativeCategories: Bool = true) throws -> (GradientBoostingModel, Matrix, [String])
    {
        let fixture = try Fixtures.json(BoostingFixture.self, "gbdt/boosting.json")
        let (X, groups, names) = try oneHot(
            fixture.X_train, categorical: fixture.categorical_column, levels: fixture.categories)
        var config = GradientBoostingConfig()
        config.earlyStopping = .off
        config.maxIter = iterations
        let model = try GradientBoosting(config: config, categorical: nativeCategories ? groups : [])
            .fit(X, labels: fixture.y_train, featureNames: names)
        let (test, _, _) = try oneHot(
            fixture.X_test, categorical: fixture.categorical_column, levels: fixture.categories)
        return (model, test, names)
    }

    /// The fixture's encoding: numeric `x0…x3`, categorical `cat` with one-hot `cat=0…cat=5`.
    static func blocks(_ names: [String]) -> FeatureBlocks {
        let numeric = names.filter { !$0.hasPrefix("cat=") }
        let levels = names.filter { $0.hasPrefix("cat=") }.map { String($0.dropFirst(4)) }
        let columns =
            numeric.map {
                EncodedColumn(name: $0, type: .numeric, mean: 0, scale: 1, fill: nil, levels: nil, fillLevel: nil)
            } + [
                EncodedColumn(
                    name: "cat", type: .categorical, mean: nil, scale: nil, fill: nil, levels: levels, fillLevel: nil)
            ]
        return FeatureBlocks(encoding: FeatureEncoding(missing: .impute, columns: columns))
    }

    @Test func forestMarginsEqualTheModelsDecisionFunction() throws {
        let (model, X, _) = try Self.fit(iterations: 40)
        let trees = try model.explainedTrees()
        #expect(trees.forest.trees.count == model.trees.count)
        #expect(trees.columnNames == model.features.map(\.name))
        let rows = try trees.rows(X)
        #expect(
            (0..<rows.rows).contains { i in (0..<rows.cols).contains { rows[i, $0].isNaN } },
            "the fixture has missing values")
        let forest = try trees.forest.margins(rows), own = try model.decisionFunction(X)
        #expect(forest.count == own.count)
        #expect(zip(forest, own).allSatisfy { abs($0 - $1) <= 1e-12 })
    }

    @Test func attributionsSumToTheMarginMinusTheBaseForEveryRow() throws {
        let (model, X, names) = try Self.fit(iterations: 40)
        let explained = ExplainedModel.trees(try model.explainedTrees(), type: "gradient_boosting")
        let blocks = Self.blocks(names)
        let values = try #require(try explained.attributions(X, background: X, blocks: blocks))
        let own = try model.decisionFunction(X)
        let f = blocks.features.count
        for i in 0..<X.rows {
            let sum = (0..<f).reduce(values.base) { $0 + values.values[i * f + $1] }
            #expect(abs(sum - own[i]) <= 1e-12, "row \(i)")
        }
    }

    /// Path-dependent E[f(x) | x_S] read off the model's own nodes and bins (not the
    /// adapter), and its Shapley values by enumerating every subset of model features.
    static func exhaustiveShapley(_ model: GradientBoostingModel, bins: [Int?]) -> [Double] {
        func expectation(_ tree: GradientBoostingModel.Tree, _ n: Int, _ known: Int) -> Double {
            let node = tree.nodes[n]
            guard let f = node.feature, let left = node.left, let right = node.right else { return node.value }
            if known & (1 << f) != 0 {
                let goesLeft: Bool
                if let bin = bins[f] {
                    goesLeft = node.categoriesLeft.map { $0.contains(bin) } ?? (bin <= node.bin ?? Int.max)
                } else {
                    goesLeft = node.missingGoesLeft ?? false
                }
                return expectation(tree, goesLeft ? left : right, known)
            }
            let l = tree.nodes[left].cover, r = tree.nodes[right].cover
            return (l * expectation(tree, left, known) + r * expectation(tree, right, known)) / (l + r)
        }
        let m = model.features.count
        let value = (0..<(1 << m)).map { mask in model.trees.reduce(model.baseline) { $0 + expectation($1, 0, mask) } }
        var factorial = [1.0]
        for k in 1...m { factorial.append(factorial[k - 1] * Double(k)) }
        return (0..<m).map { i in
            (0..<(1 << m)).filter { $0 & (1 << i) == 0 }.reduce(0.0) { phi, mask in
                let size = mask.nonzeroBitCount
                return phi + factorial[size] * factorial[m - size - 1] / factorial[m]
                    * (value[mask | (1 << i)] - value[mask])
            }
        }
    }

    @Test func treeSHAPOfTheAdaptedForestEqualsShapleyValuesOfTheModelItself() throws {
        let (model, X, _) = try Self.fit(iterations: 8)
        #expect(model.features.count <= 10 && model.features.contains { $0.kind == .categorical })
        let trees = try model.explainedTrees()
        let sample = try Matrix(rowArrays: (0..<40).map { i in (0..<X.cols).map { X[i, $0] } })
        let rows = try trees.rows(sample)
        let shap = try trees.forest.shapValues(rows)
        let binned = GradientBoostingBins.bin(sample, features: model.features, missingBin: model.parameters.maxBins)
        let m = model.features.count
        var sawMissing = false
        for i in 0..<sample.rows {
            let bins: [Int?] = (0..<m).map { f in
                let code = binned.codes[f * sample.rows + i]
                return code == binned.missingBin ? nil : Int(code)
            }
            sawMissing = sawMissing || bins.contains { $0 == nil }
            let expected = Self.exhaustiveShapley(model, bins: bins)
            for f in 0..<m { #expect(abs(shap[i * m + f] - expected[f]) <= 1e-12, "row \(i) feature \(f)") }
        }
        #expect(sawMissing, "the sample has missing values")
    }

    /// A native categorical feature is one forest column attributed to its raw feature; with
    /// native categories off the trees split on single one-hot columns, which add up to it.
    @Test(arguments: [true, false])
    func categoricalAttributionsLandOnTheRawFeature(native: Bool) throws {
        let (model, X, names) = try Self.fit(iterations: 20, nativeCategories: native)
        let trees = try model.explainedTrees()
        let blocks = Self.blocks(names)
        let values = try #require(
            try ExplainedModel.trees(trees, type: "gradient_boosting").attributions(X, background: X, blocks: blocks))
        let shap = try trees.forest.shapValues(try trees.rows(X))
        let columns = trees.columnNames, f = blocks.features.count, k = columns.count
        let cat = try #require(blocks.features.firstIndex { $0.name == "cat" })
        #expect(
            native
                ? columns.filter { $0.hasPrefix("cat") } == ["cat"] : columns.filter { $0.hasPrefix("cat=") }.count == 6
        )
        for i in 0..<X.rows {
            let expected = columns.indices.filter { columns[$0].hasPrefix("cat") }.reduce(0.0) { $0 + shap[i * k + $1] }
            #expect(abs(values.values[i * f + cat] - expected) <= 1e-12, "row \(i)")
        }
        #expect((0..<X.rows).contains { values.values[$0 * f + cat] != 0 }, "the trees use the categorical feature")
    }

    @Test func explainOnABoostedTreesStudyWritesExactTreeAttributions() throws {
        let folder = try Fixtures.temporaryFolder()
        let d = folder.appendingPathComponent("d").path, m = folder.appendingPathComponent("m").path
        let e = folder.appendingPathComponent("e")
        let settings = [
            "--set", "data.synthetic.rows=800", "--set", "model.type=gradient_boosting",
            "--set", "model.gradient_boosting.max_iter=15", "--set", "explain.n_repeats=2",
            "--set", "explain.bootstrap=20",
        ]
        #expect(try StageProcess.run("make-dataset", ["--quiet", "--out", d] + settings).status == 0)
        #expect(try StageProcess.run("train", ["--quiet", "--data", d, "--out", m] + settings).status == 0)
        let result = try StageProcess.run(
            "explain", ["--quiet", "--data", d, "--model", m, "--out", e.path] + settings)
        #expect(result.status == 0, "\(result.stderr)")
        let explanations = try Explanations.read(at: e.appendingPathComponent(Explanations.fileName).path)
        #expect(explanations.model == "gradient_boosting")
        #expect(explanations.attribution.method == "tree_shap")
        #expect(explanations.attribution.baseMargin != nil)
        #expect(!explanations.attribution.gaps.isEmpty)
        let raw = Set(explanations.features.map(\.name))
        for gap in explanations.attribution.gaps {
            #expect(Set(gap.features.map(\.feature)).isSubset(of: raw))
            #expect(abs(gap.features.reduce(0) { $0 + $1.margin } - gap.marginGap) <= 1e-12)
            #expect(abs(gap.features.reduce(0) { $0 + $1.score } - gap.scoreGap) <= 1e-12)
        }
        #expect(!explanations.notes.contains { $0.contains("only predictions") })
    }
}
