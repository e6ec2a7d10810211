import Foundation
import Testing

@testable import FairPipe

/// The golden files of Tests/Fixtures/explain/generate.py.
private struct LinearFixture: Decodable {
    struct Curve: Decodable {
        var grid: [Double]
        var average: [Double]
        var individual_first_rows: [[Double]]?
    }
    struct Categorical: Decodable {
        var grid: [String]
        var average: [Double]
    }
    struct Permutation: Decodable {
        var features: [String]
        var n_repeats: Int
        var mean: [Double]
        var std: [Double]
    }
    var x1: [Double], x2: [Double], c: [String], group: [String], label: [Int], levels: [String]
    var mean: [Double], scale: [Double], coefficients: [Double], intercept: Double, accuracy: Double
    var pd_x1: Curve
    var pd_c: Categorical
    var permutation: Permutation

    var model: LogisticModel {
        LogisticModel(
            featureNames: ["x1", "x2"] + levels.map { "c=\($0)" }, coefficients: coefficients, intercept: intercept,
            solver: SolverReport(
                iterations: 0, hessianEvaluations: 0, converged: true, gradientNorm: 0, objective: 0,
                stopReason: .converged))
    }

    /// FairPipe's encoding with scikit-learn's fitted means and scales.
    var matrix: Matrix {
        let rows = x1.indices.map { i -> [Double] in
            [(x1[i] - mean[0]) / scale[0], (x2[i] - mean[1]) / scale[1]] + levels.map { c[i] == $0 ? 1.0 : 0.0 }
        }
        return try! Matrix(rowArrays: rows)
    }

    var encoding: FeatureEncoding {
        FeatureEncoding(
            missing: .impute,
            columns: [
                EncodedColumn(
                    name: "x1", type: .numeric, mean: mean[0], scale: scale[0], fill: nil, levels: nil, fillLevel: nil),
                EncodedColumn(
                    name: "x2", type: .numeric, mean: mean[1], scale: scale[1], fill: nil, levels: nil, fillLevel: nil),
                EncodedColumn(
                    name: "c", type: .categorical, mean: nil, scale: nil, fill: nil, levels: levels, fillLevel: nil),
            ])
    }

    var labels: [UInt8] { label.map { UInt8($0) } }
    var groups: SensitiveColumn { try! SensitiveColumn(name: "group", values: group) }
}

private struct TreesFixture: Decodable {
    struct Node: Decodable {
        var feature: Int, threshold: Double, left: Int, right: Int, value: Double, cover: Double
    }
    var rows: Int, features: Int, X: [Double], base_margin: Double, trees: [[Node]], margin: [Double]
    var shap_values: [Double], shap_expected_value: Double

    /// The fixture, its trees as a forest, and its rows.
    static func load() throws -> (TreesFixture, AttributionForest, Matrix) {
        let fixture = try Fixtures.json(TreesFixture.self, "explain/trees.json")
        return (fixture, try fixture.forest, try Matrix(rows: fixture.rows, cols: fixture.features, storage: fixture.X))
    }

    var forest: AttributionForest {
        get throws {
            try AttributionForest(
                trees: trees.map { nodes in
                    AttributionTree(
                        nodes: nodes.map {
                            AttributionTreeNode(
                                feature: $0.feature, threshold: $0.threshold, missingLeft: true, left: $0.left,
                                right: $0.right,
                                value: $0.value, cover: $0.cover)
                        })
                },
                baseMargin: base_margin, features: features)
        }
    }
}

@Suite struct TreeSHAPTests {
    /// A random tree over `features` columns: numeric and categorical splits, repeated features on
    /// a path, random missing directions, covers that add up.
    static func randomTree(
        features: Int, depth: Int, categorical: Set<Int>, generator: inout Xoshiro256StarStar
    ) -> AttributionTree {
        var nodes: [AttributionTreeNode] = []
        @discardableResult
        func grow(_ level: Int) -> Int {
            let index = nodes.count
            nodes.append(.leaf(value: 0, cover: 0))
            if level == depth || (level > 1 && generator.nextUnitDouble() < 0.2) {
                nodes[index] = .leaf(value: generator.nextGaussian(), cover: Double(1 + generator.nextIndex(below: 50)))
                return index
            }
            let feature = generator.nextIndex(below: features)
            let left = grow(level + 1), right = grow(level + 1)
            var node = AttributionTreeNode(
                feature: feature, threshold: generator.nextGaussian(), missingLeft: generator.nextIndex(below: 2) == 0,
                left: left, right: right, cover: nodes[left].cover + nodes[right].cover)
            if categorical.contains(feature) {
                node.leftCategories = (0..<4).filter { _ in generator.nextIndex(below: 2) == 0 }
            }
            nodes[index] = node
            return index
        }
        grow(0)
        return AttributionTree(nodes: nodes)
    }

    /// Shapley values of the path-dependent value function by summing over all 2^M coalitions.
    static func exhaustiveShapley(_ tree: AttributionTree, x: [Double]) -> [Double] {
        let m = x.count
        var factorial = [1.0]
        for k in 1...m { factorial.append(factorial[k - 1] * Double(k)) }
        var value = [Double](repeating: 0, count: 1 << m)
        for mask in 0..<(1 << m) { value[mask] = tree.conditionalExpectation(x) { mask & (1 << $0) != 0 } }
        var phi = [Double](repeating: 0, count: m)
        for i in 0..<m {
            for mask in 0..<(1 << m) where mask & (1 << i) == 0 {
                let size = mask.nonzeroBitCount
                phi[i] +=
                    factorial[size] * factorial[m - size - 1] / factorial[m] * (value[mask | (1 << i)] - value[mask])
            }
        }
        return phi
    }

    @Test func treeSHAPEqualsExhaustiveShapleyEnumeration() throws {
        var generator = Xoshiro256StarStar(seed: 2026, stream: "treeshap-test")
        var worst = 0.0
        for trial in 0..<60 {
            let m = 1 + trial % 10
            let categorical: Set<Int> = Set((0..<m).filter { $0 % 3 == 2 })
            let trees = (0..<(1 + trial % 3)).map { _ in
                Self.randomTree(features: m, depth: 1 + trial % 7, categorical: categorical, generator: &generator)
            }
            let forest = try AttributionForest(trees: trees, baseMargin: 0.25, features: m)
            var rows: [[Double]] = []
            for _ in 0..<4 {
                rows.append(
                    (0..<m).map { j in
                        if generator.nextUnitDouble() < 0.1 { return .nan }
                        return categorical.contains(j)
                            ? Double(generator.nextIndex(below: 4)) : generator.nextGaussian()
                    })
            }
            let X = try Matrix(rowArrays: rows)
            let shap = try forest.shapValues(X)
            for (r, row) in rows.enumerated() {
                var expected = [Double](repeating: 0, count: m)
                for tree in trees {
                    for (j, v) in Self.exhaustiveShapley(tree, x: row).enumerated() { expected[j] += v }
                }
                for j in 0..<m { worst = max(worst, abs(shap[r * m + j] - expected[j])) }
            }
        }
        #expect(worst <= 1e-12, "largest difference from the exhaustive Shapley sum: \(worst)")
    }

    @Test func treeSHAPEqualsShapTreeExplainerOnAScikitLearnModel() throws {
        let (fixture, forest, X) = try TreesFixture.load()
        let margins = try forest.margins(X)
        for (ours, theirs) in zip(margins, fixture.margin) { #expect(abs(ours - theirs) <= 1e-12) }
        #expect(abs(forest.expectedMargin - fixture.shap_expected_value) <= 1e-9)
        let shap = try forest.shapValues(X)
        let worst = zip(shap, fixture.shap_values).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-9, "largest difference from shap.TreeExplainer: \(worst)")
    }

    @Test func treeSHAPValuesSumToMarginMinusExpectedValueForEveryRow() throws {
        let (fixture, forest, X) = try TreesFixture.load()
        let shap = try forest.shapValues(X)
        let margins = try forest.margins(X)
        let p = fixture.features
        for r in 0..<fixture.rows {
            let sum = shap[(r * p)..<((r + 1) * p)].reduce(0, +)
            #expect(abs(sum - (margins[r] - forest.expectedMargin)) <= 1e-12)
        }
    }

    @Test func malformedTreesAreRejectedNamingTheTree() {
        let cycle = AttributionTree(nodes: [
            AttributionTreeNode(feature: 0, left: 1, right: 0, cover: 2), .leaf(value: 1, cover: 1),
        ])
        #expect(throws: ExplainError.self) { try AttributionForest(trees: [cycle], baseMargin: 0, features: 1) }
        let outside = AttributionTree(nodes: [
            AttributionTreeNode(feature: 3, left: 1, right: 2, cover: 2), .leaf(value: 1, cover: 1),
            .leaf(value: 0, cover: 1),
        ])
        #expect(throws: ExplainError.invalidTree(tree: 0, reason: "node 0 splits on column 3, outside 0..<2")) {
            try AttributionForest(trees: [outside], baseMargin: 0, features: 2)
        }
    }
}

@Suite struct ExplainScikitLearnTests {
    @Test func partialDependenceEqualsScikitLearnBrute() throws {
        let fixture = try Fixtures.json(LinearFixture.self, "explain/linear.json")
        let grid = PartialDependence.numericGrid(fixture.x1, resolution: 100, percentiles: [0.05, 0.95])
        #expect(grid.count == fixture.pd_x1.grid.count)
        for (ours, theirs) in zip(grid, fixture.pd_x1.grid) { #expect(abs(ours - theirs) <= 1e-9) }
        let model = ExplainedModel.linear(fixture.model)
        let ice = try PartialDependence.ice(
            model: model, X: fixture.matrix, block: [0],
            settings: grid.map { [($0 - fixture.mean[0]) / fixture.scale[0]] })
        let all = Array(fixture.x1.indices)
        for (k, theirs) in fixture.pd_x1.average.enumerated() {
            #expect(abs(PartialDependence.mean(ice[k], rows: all) - theirs) <= 1e-9)
        }
        for (row, curve) in (fixture.pd_x1.individual_first_rows ?? []).enumerated() {
            for (k, theirs) in curve.enumerated() { #expect(abs(ice[k][row] - theirs) <= 1e-9) }
        }
        // Categorical: every category, the one-hot block set together.
        #expect(fixture.pd_c.grid == fixture.levels)
        let settings = fixture.levels.indices.map { k in fixture.levels.indices.map { $0 == k ? 1.0 : 0.0 } }
        let categorical = try PartialDependence.ice(
            model: model, X: fixture.matrix, block: [2, 3, 4], settings: settings)
        for (k, theirs) in fixture.pd_c.average.enumerated() {
            #expect(abs(PartialDependence.mean(categorical[k], rows: all) - theirs) <= 1e-9)
        }
    }

    @Test func permutationImportanceAgreesWithScikitLearnWithinTwoStandardErrors() throws {
        let fixture = try Fixtures.json(LinearFixture.self, "explain/linear.json")
        let blocks = FeatureBlocks(encoding: fixture.encoding)
        let scorer = DecisionScorer(
            labels: fixture.labels, attributes: [fixture.groups], targets: [], fairness: FairnessConfig())
        let repeats = fixture.permutation.n_repeats
        let report = try PermutationImportance.compute(
            model: .linear(fixture.model), X: fixture.matrix, blocks: blocks, threshold: 0.5, scorer: scorer,
            permutations: PermutationImportance.permutations(
                features: ["x1", "x2", "c"], rows: fixture.x1.count, repeats: repeats, seed: 5))
        #expect(abs((report.baseline[0].value ?? 0) - fixture.accuracy) <= 1e-12)
        for (f, feature) in report.features.enumerated() {
            let ours = feature.scores[0]
            #expect(ours.key == ScoreKey(metric: "accuracy"))
            let se = ((pow(ours.std ?? 0, 2) + pow(fixture.permutation.std[f], 2)) / Double(repeats)).squareRoot()
            let difference = abs((ours.mean ?? .nan) - fixture.permutation.mean[f])
            #expect(
                difference <= 2 * se,
                "\(feature.feature): ours \(ours.mean ?? .nan), scikit-learn \(fixture.permutation.mean[f]), 2 SE \(2 * se)"
            )
        }
    }

    @Test func permutationImportanceWithFixedPermutationsEqualsDirectRecomputation() throws {
        let fixture = try Fixtures.json(LinearFixture.self, "explain/linear.json")
        let blocks = FeatureBlocks(encoding: fixture.encoding)
        let groups = fixture.groups
        let scorer = DecisionScorer(
            labels: fixture.labels, attributes: [groups], targets: ["demographic_parity_difference"],
            fairness: FairnessConfig())
        let permutations = PermutationImportance.permutations(
            features: ["x1", "x2", "c"], rows: fixture.x1.count, repeats: 3, seed: 99)
        let report = try PermutationImportance.compute(
            model: .linear(fixture.model), X: fixture.matrix, blocks: blocks, threshold: 0.5, scorer: scorer,
            permutations: permutations)
        // By hand: shuffle the block, score, threshold, count.
        func direct(_ X: Matrix) throws -> (accuracy: Double, dp: Double) {
            let decisions = try fixture.model.predictProbability(X).map { $0 >= 0.5 ? 1 : 0 }
            let correct = zip(decisions, fixture.label).filter { $0 == $1 }.count
            var selected = [0, 0], size = [0, 0]
            for (i, code) in groups.codes.enumerated() { size[Int(code)] += 1; selected[Int(code)] += decisions[i] }
            let rates = [Double(selected[0]) / Double(size[0]), Double(selected[1]) / Double(size[1])]
            return (Double(correct) / Double(decisions.count), abs(rates[0] - rates[1]))
        }
        let X = fixture.matrix
        let base = try direct(X)
        for (f, block) in blocks.columns.enumerated() {
            for (r, order) in permutations[f].enumerated() {
                var rows = (0..<X.rows).map { Array(X.row($0)) }
                for i in 0..<X.rows { for c in block { rows[i][c] = X[order[i], c] } }
                let permuted = try direct(try Matrix(rowArrays: rows))
                let scores = report.features[f].scores
                #expect(scores[0].importances[r] == base.accuracy - permuted.accuracy)
                let dp = scores.first { $0.key.metric == "demographic_parity_difference" }
                #expect(abs((dp?.importances[r] ?? .nan) - (base.dp - permuted.dp)) <= 1e-15)
            }
        }
    }
}

@Suite struct GapAttributionTests {
    @Test func linearAttributionSumsExactlyToTheGap() throws {
        let fixture = try Fixtures.json(LinearFixture.self, "explain/linear.json")
        let blocks = FeatureBlocks(encoding: fixture.encoding)
        let X = fixture.matrix
        let model = ExplainedModel.linear(fixture.model)
        guard let values = try model.attributions(X, background: X, blocks: blocks) else {
            Issue.record("no attributions"); return
        }
        let rows = GapAttribution.rows(values: values.values, margins: values.margins, base: values.base, features: 3)
        let a = fixture.group.indices.filter { fixture.group[$0] == "A" }
        let b = fixture.group.indices.filter { fixture.group[$0] == "B" }
        let gap = GapAttribution.gap(
            rows, attribute: "group", higher: ("A", a), lower: ("B", b), featureNames: ["x1", "x2", "c"],
            samples: 50, confidence: 0.95, seed: 1)
        #expect(abs(gap.features.reduce(0) { $0 + $1.margin } - gap.marginGap) <= 1e-12)
        #expect(abs(gap.features.reduce(0) { $0 + $1.score } - gap.scoreGap) <= 1e-12)
        // Each margin term is β_j (mean x_j in A − mean x_j in B), one-hot columns summed.
        for (f, block) in blocks.columns.enumerated() {
            let term = block.reduce(0.0) { sum, j in
                sum + fixture.coefficients[j]
                    * (a.reduce(0) { $0 + X[$1, j] } / Double(a.count) - b.reduce(0) { $0 + X[$1, j] } / Double(b.count))
            }
            let ours = gap.features.first { $0.feature == blocks.features[f].name }
            #expect(abs((ours?.margin ?? .nan) - term) <= 1e-12)
            if let ci = ours?.marginCI { #expect(ci[0] <= ci[1]) } else { Issue.record("no interval") }
        }
    }

    @Test func treeAttributionSumsToTheMarginGap() throws {
        let (fixture, forest, X) = try TreesFixture.load()
        let encoding = FeatureEncoding(
            missing: .impute,
            columns: (0..<fixture.features).map {
                EncodedColumn(name: "f\($0)", type: .numeric, mean: 0, scale: 1, fill: nil, levels: nil, fillLevel: nil)
            })
        let blocks = FeatureBlocks(encoding: encoding)
        let model = ExplainedModel.trees(
            ExplainedTrees(forest: forest, encodedColumns: blocks.features.map(\.name)), type: "gradient_boosting")
        guard let values = try model.attributions(X, background: X, blocks: blocks) else { return }
        let rows = GapAttribution.rows(
            values: values.values, margins: values.margins, base: values.base, features: fixture.features)
        let a = (0..<fixture.rows).filter { X[$0, 4] == 1 }, b = (0..<fixture.rows).filter { X[$0, 4] == 0 }
        let gap = GapAttribution.gap(
            rows, attribute: "f4", higher: ("1", a), lower: ("0", b), featureNames: blocks.features.map(\.name),
            samples: 0, confidence: 0.95, seed: 1)
        #expect(abs(gap.features.reduce(0) { $0 + $1.margin } - gap.marginGap) <= 1e-12)
        #expect(abs(gap.features.reduce(0) { $0 + $1.score } - gap.scoreGap) <= 1e-12)
    }
}

@Suite struct ExplainConfigTests {
    @Test func aMisspeltTargetIsRejectedWithASuggestion() throws {
        var config = ExplainConfig()
        config.targets = ["demographic_parity_diference"]
        #expect(throws: ConfigError.self) { try config.validate() }
        config.targets = ["demographic_parity_ratio"]
        #expect(throws: ConfigError.self) { try config.validate() }
        config.targets = ["equal_opportunity_difference"]
        try config.validate()
    }
}

@Suite struct ExplainStageTests {
    @Test func changingTheExplainSectionChangesOnlyTheExplainStamp() throws {
        let base = PipelineConfig()
        var changed = base
        changed.explain.nRepeats = 7
        changed.explain.topK = 1
        for stage in StageName.allCases {
            let before = try configHash(StageConfigSlice.slice(for: stage, of: base))
            let after = try configHash(StageConfigSlice.slice(for: stage, of: changed))
            #expect((before != after) == (stage == .explain), "\(stage.rawValue)")
        }
    }

    @Test func aBadExplainKeyFailsInOneLineBeforeAnyWork() throws {
        let folder = try Fixtures.temporaryFolder()
        let out = folder.appendingPathComponent("out")
        let result = try StageProcess.run("explain", ["--out", out.path, "--set", "explain.n_repeats=0"])
        #expect(result.status == FairPipe.ExitStatus.usage.rawValue, "\(result.stderr)")
        #expect(result.stderr.contains("explain.n_repeats"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try StageProcess.snapshot(out).isEmpty)
    }

    @Test func aMissingModelFailsWithNoInputAndNoArtefact() throws {
        let folder = try Fixtures.temporaryFolder()
        let d = folder.appendingPathComponent("d").path, out = folder.appendingPathComponent("out")
        #expect(
            try StageProcess.run("make-dataset", ["--quiet", "--out", d, "--set", "data.synthetic.rows=600"]).status
                == 0)
        let result = try StageProcess.run(
            "explain", ["--data", d, "--model", folder.appendingPathComponent("none").path, "--out", out.path])
        #expect(result.status == FairPipe.ExitStatus.noInput.rawValue, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("explanations.json").path))
    }
}
