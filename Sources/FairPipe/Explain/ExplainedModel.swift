import Foundation

/// What `explain` can do with a model depends on what the model exposes: every model gives
/// scores (enough for permutation importance and partial dependence); a linear model and a tree
/// ensemble also give margins and exact per-row attributions.
public enum ExplainedModel: Sendable {
    /// Logistic regression: margin `x·β + b`.
    case linear(LogisticModel)
    /// A boosted tree ensemble: margin = base + Σ trees, attributed by path-dependent TreeSHAP.
    case trees(ExplainedTrees, type: String)
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
        case .trees(let trees, _): return try trees.forest.margins(try trees.rows(X)).map(LogisticModel.sigmoid)
        case .scoresOnly(let model, _): return try model.predictProbability(X)
        }
    }

    /// Scores of `count` matrices of one width, made by `make`. A scores-only model (an
    /// external model runs a process per call) gets them stacked into one call; the others
    /// score one matrix at a time, so only one copy of the data is alive.
    func scores(count: Int, make: (Int) throws -> Matrix) throws -> [[Double]] {
        guard case .scoresOnly = self, count > 1 else { return try (0..<count).map { try scores(try make($0)) } }
        var storage: [Double] = []
        var rows: [Int] = []
        var cols = 0
        for i in 0..<count {
            let matrix = try make(i)
            matrix.withUnsafeBufferPointer { storage.append(contentsOf: $0) }
            rows.append(matrix.rows)
            cols = matrix.cols
        }
        let all = try scores(try Matrix(rows: rows.reduce(0, +), cols: cols, storage: storage))
        var out: [[Double]] = []
        var start = 0
        for n in rows {
            out.append(Array(all[start..<(start + n)]))
            start += n
        }
        return out
    }

    /// Per-row additive attributions of the margin over the raw features of `blocks`,
    /// `rows × features` row-major, and the base they are measured from:
    /// Σ_j φ_ij = margin(xᵢ) − base. Nil for a scores-only model.
    ///
    /// Linear: φ_ij = β_j (x_ij − x̄_j) with x̄ the column means of `background` (the exact
    /// Shapley values of a linear model with independent features), one-hot columns summed.
    /// Trees: TreeSHAP over the forest's columns, each added to the raw feature it reads.
    func attributions(
        _ X: Matrix, background: Matrix, blocks: FeatureBlocks
    ) throws -> (base: Double, values: [Double], margins: [Double])? {
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
            return (
                base, blocks.aggregate(values, rows: X.rows, owner: blocks.columnOwners), try model.decisionFunction(X)
            )
        case .trees(let trees, _):
            let rows = try trees.rows(X)
            let owner = try trees.columnNames.map { name in
                guard let f = blocks.owner(of: name) else { throw ExplainError.unknownTreeColumn(name: name) }
                return f
            }
            let values = try trees.forest.shapValues(rows)
            return (
                trees.forest.expectedMargin, blocks.aggregate(values, rows: X.rows, owner: owner),
                try trees.forest.margins(rows)
            )
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

    /// The raw feature of each model column.
    var columnOwners: [Int] {
        var owner = [Int](repeating: 0, count: width)
        for (f, block) in columns.enumerated() { for c in block { owner[c] = f } }
        return owner
    }

    /// The raw feature a name stands for: a raw feature's own name, or one of its columns.
    func owner(of name: String) -> Int? {
        features.firstIndex { $0.name == name } ?? features.firstIndex { $0.columns.contains(name) }
    }

    /// Sums `rows × k` row-major values into `rows × features`, column c into feature `owner[c]`.
    func aggregate(_ values: [Double], rows: Int, owner: [Int]) -> [Double] {
        let k = owner.count, f = features.count
        var out = [Double](repeating: 0, count: rows * f)
        for i in 0..<rows {
            for c in 0..<k { out[i * f + owner[c]] += values[i * k + c] }
        }
        return out
    }
}

/// A tree ensemble as TreeSHAP reads it, and how its rows are made from the encoded matrix.
public struct ExplainedTrees: Sendable {
    public var forest: AttributionForest
    /// What each forest column is: an encoded column's or a raw feature's name.
    public var columnNames: [String]
    /// The forest's rows from encoded rows.
    public var rows: @Sendable (Matrix) throws -> Matrix

    public init(forest: AttributionForest, columnNames: [String], rows: @escaping @Sendable (Matrix) throws -> Matrix) {
        self.forest = forest
        self.columnNames = columnNames
        self.rows = rows
    }

    /// Trees that read the encoded columns themselves.
    public init(forest: AttributionForest, encodedColumns: [String]) {
        self.init(forest: forest, columnNames: encodedColumns, rows: { $0 })
    }
}
