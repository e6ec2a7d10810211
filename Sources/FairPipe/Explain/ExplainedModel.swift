import Foundation

/// What `explain` can do with a model depends on what the model exposes: every model gives
/// scores (enough for permutation importance and partial dependence); a linear model and a tree
/// ensemble also give margins and exact per-row attributions.
public enum ExplainedModel: Sendable {
    /// Logistic regression: margin `x·β + b`.
    case linear(LogisticModel)
    /// A boosted tree ensemble: margin = base + Σ trees, attributed by path-dependent TreeSHAP.
    case trees(AttributionForest, type: String)
    /// Any other classifier (an external model): scores only.
    case scoresOnly(any ProbabilisticClassifier, type: String)

    public var typeName: String {
        switch self {
        case .linear: return ModelType.logisticRegression.rawValue
        case .trees(_, let type), .scoresOnly(_, let type): return type
        }
    }

    /// P(y = 1 | x) for every row.
    public func scores(_ X: Matrix) throws -> [Double] {
        switch self {
        case .linear(let model): return try model.predictProbability(X)
        case .trees(let forest, _): return try forest.margins(X).map(LogisticModel.sigmoid)
        case .scoresOnly(let model, _): return try model.predictProbability(X)
        }
    }

    /// Per-row additive attributions of the margin over the model's columns, `rows × cols`
    /// row-major, and the base they are measured from: Σ_j φ_ij = margin(xᵢ) − base. Nil for a
    /// scores-only model.
    ///
    /// Linear: φ_ij = β_j (x_ij − x̄_j) with x̄ the column means of `background` (the exact
    /// Shapley values of a linear model with independent features). Trees: TreeSHAP.
    public func attributions(_ X: Matrix, background: Matrix) throws -> (base: Double, values: [Double], margins: [Double])? {
        switch self {
        case .linear(let model):
            let p = X.cols
            guard model.coefficients.count == p, background.cols == p, background.rows > 0 else {
                throw ExplainError.columnMismatch(expected: p, found: model.coefficients.count)
            }
            var means = [Double](repeating: 0, count: p)
            for r in 0..<background.rows { for j in 0..<p { means[j] += background[r, j] } }
            for j in 0..<p { means[j] /= Double(background.rows) }
            var base = model.intercept
            for j in 0..<p { base += model.coefficients[j] * means[j] }
            var values = [Double](repeating: 0, count: X.rows * p)
            for r in 0..<X.rows {
                for j in 0..<p { values[r * p + j] = model.coefficients[j] * (X[r, j] - means[j]) }
            }
            return (base, values, try model.decisionFunction(X))
        case .trees(let forest, _):
            return (forest.expectedMargin, try forest.shapValues(X), try forest.margins(X))
        case .scoresOnly:
            return nil
        }
    }

    /// The attribution method's name in explanations.json.
    var attributionMethod: String? {
        switch self {
        case .linear: return "linear"
        case .trees: return "tree_shap"
        case .scoresOnly: return nil
        }
    }
}

/// Raw features as blocks of model columns: a numeric feature is one column, a categorical one
/// its one-hot columns, which permutation and partial dependence move together.
struct FeatureBlocks {
    var features: [RawFeature]
    /// Column indices of each feature.
    var columns: [[Int]]
    var encoding: [EncodedColumn]

    init(encoding: FeatureEncoding) {
        var features: [RawFeature] = []
        var columns: [[Int]] = []
        var offset = 0
        for column in encoding.columns {
            let names = column.outputNames
            features.append(RawFeature(name: column.name, type: column.type.rawValue, columns: names))
            columns.append(Array(offset..<(offset + names.count)))
            offset += names.count
        }
        self.features = features
        self.columns = columns
        self.encoding = encoding.columns
    }

    var width: Int { columns.last.map { ($0.last ?? -1) + 1 } ?? 0 }

    /// Sums per-column values of one row into per-feature values.
    func aggregate(_ row: UnsafePointer<Double>) -> [Double] {
        columns.map { block in block.reduce(0) { $0 + row[$1] } }
    }
}
