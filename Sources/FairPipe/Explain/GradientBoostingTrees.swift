import Foundation

/// FairPipe's gradient-boosted trees as TreeSHAP reads them.
///
/// The trees split on bins, not on the encoded columns, so the forest reads one column per
/// model feature holding the row's bin (NaN for the missing bin: a missing value, or a
/// category with none of its one-hot columns set). A numeric node sends bins `≤ bin` left, a
/// categorical node the bins in `categoriesLeft`; missing values go where
/// `missing_goes_left` says (right when it is absent, as ``GradientBoostingModel`` scores).
/// Leaf values, covers and the baseline are the model's own, so the forest's margin is the
/// model's decision function and the attributions are those of the model. A categorical
/// feature is one forest column named after its input column, so its attribution lands on
/// that raw feature whole.
extension GradientBoostingModel {
    public func explainedTrees() throws -> ExplainedTrees {
        let forest = try AttributionForest(
            trees: trees.map(\.attributionTree), baseMargin: baseline, features: features.count)
        return ExplainedTrees(forest: forest, columnNames: features.map(\.name)) { X in try self.binnedRows(X) }
    }

    /// `rows × features` row-major: each row's bin in each model feature, NaN for missing.
    func binnedRows(_ X: Matrix) throws -> Matrix {
        guard X.cols == featureNames.count else {
            throw ModelError.countMismatch(what: "feature columns", expected: featureNames.count, found: X.cols)
        }
        let binned = GradientBoostingBins.bin(X, features: features, missingBin: parameters.maxBins)
        let n = X.rows, p = features.count
        var storage = [Double](repeating: 0, count: n * p)
        for f in 0..<p {
            for i in 0..<n {
                let code = binned.codes[f * n + i]
                storage[i * p + f] = code == binned.missingBin ? .nan : Double(code)
            }
        }
        return Matrix(unchecked: n, p, storage)
    }
}

extension GradientBoostingModel.Tree {
    /// The tree over bin columns (see ``GradientBoostingModel/explainedTrees()``).
    var attributionTree: AttributionTree {
        AttributionTree(
            nodes: nodes.map { node in
                guard let feature = node.feature, let left = node.left, let right = node.right else {
                    return .leaf(value: node.value, cover: node.cover)
                }
                return AttributionTreeNode(
                    feature: feature, threshold: node.bin.map(Double.init) ?? .infinity,
                    leftCategories: node.categoriesLeft, missingLeft: node.missingGoesLeft ?? false,
                    left: left, right: right, value: node.value, cover: node.cover)
            })
    }
}
