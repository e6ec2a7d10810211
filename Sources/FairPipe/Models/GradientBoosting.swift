import Foundation

/// The one-hot columns of one categorical input column (from make-dataset's encoding),
/// which ``GradientBoosting`` turns back into one feature with native category splits.
public struct CategoricalColumns: Equatable, Sendable {
    public var name: String
    /// Indices of its one-hot columns in the matrix.
    public var columns: [Int]

    public init(name: String, columns: [Int]) {
        self.name = name
        self.columns = columns
    }

    /// The categorical groups of `encoding` whose one-hot columns are all among `featureNames`.
    public static func groups(in encoding: FeatureEncoding, featureNames: [String]) -> [CategoricalColumns] {
        var position: [String: Int] = [:]
        for (i, name) in featureNames.enumerated() { position[name] = i }
        return encoding.columns.compactMap { column in
            guard column.type == .categorical else { return nil }
            let indices = column.outputNames.compactMap { position[$0] }
            guard indices.count == column.outputNames.count, !indices.isEmpty else { return nil }
            return CategoricalColumns(name: column.name, columns: indices)
        }
    }
}

/// Rows held out for early stopping: encoded like the training rows, with 0/1 labels.
public struct ValidationRows: Sendable {
    public var X: Matrix
    public var labels: [UInt8]
    public var weights: [Double]?

    public init(X: Matrix, labels: [UInt8], weights: [Double]? = nil) {
        self.X = X
        self.labels = labels
        self.weights = weights
    }
}

/// Histogram gradient-boosted trees for binary classification (binary log-loss), after
/// scikit-learn's `HistGradientBoostingClassifier` (version 1.9) and LightGBM.
///
/// - Binning: each numeric feature gets at most `max_bins` bins from the training rows
///   (``GradientBoostingBinMapper``: scikit-learn's thresholds exactly, computed on every
///   row — scikit-learn subsamples 200,000 rows above that size); missing values (NaN) get
///   a bin of their own and every split learns which side they go. Each categorical input
///   column (a one-hot group of make-dataset's encoding) becomes one feature whose bins are
///   its categories; when it has more categories than `max_bins`, the least frequent
///   (by training weight, ties to the later column) share the last bin.
/// - Trees: grown best-first up to `max_leaf_nodes` leaves, with gains
///   `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)`, at least `min_samples_leaf` rows and 10⁻³ of
///   hessian per child, histogram subtraction for the larger child, and categorical splits
///   over categories sorted by `G / (H + 10)` (Fisher 1958, as LightGBM and scikit-learn).
/// - Sample weights multiply gradients, hessians, the baseline and the losses; bin
///   thresholds use weighted percentiles, so integer weights fit the same model as repeated
///   rows (the row count `min_samples_leaf` bounds is a row count, as in scikit-learn).
///
/// Determinism: histograms are built feature by feature, each summed over its rows in
/// order; features are dealt to `threads` workers, so the model is bit-identical for any
/// thread count. Gradients and hessians are 64-bit (scikit-learn stores 32-bit ones), so
/// weighted rows and repeated rows differ only by the last bits of their sums. Cost per tree: O(rows × features) for the root histogram, then
/// about as much again for each level of smaller children; O(leaves² + leaves × features
/// × bins) for split finding.
public struct GradientBoosting: WeightedClassifierTrainer, Sendable {
    public typealias Model = GradientBoostingModel

    public var config: GradientBoostingConfig
    /// Column groups to split on as categories.
    public var categorical: [CategoricalColumns]
    /// Held-out rows for early stopping; without them early stopping watches the training loss.
    public var validation: ValidationRows?
    /// Worker threads for histogram building; the fitted model does not depend on it.
    public var threads: Int

    /// Above this many training rows `early_stopping: auto` turns early stopping on.
    public static let autoEarlyStoppingRows = 10_000

    public init(
        config: GradientBoostingConfig = GradientBoostingConfig(), categorical: [CategoricalColumns] = [],
        validation: ValidationRows? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.config = config
        self.categorical = categorical
        self.validation = validation
        self.threads = max(1, threads)
    }

    /// Fits the model. `labels` are 0/1; `weights` (nil: all 1) must be finite and ≥ 0 with
    /// both classes carrying weight. Feature values may be NaN (missing); `warmStart` is
    /// ignored (every fit starts from the baseline).
    public func fit(
        _ X: Matrix, labels: [UInt8], weights: [Double]?, featureNames: [String], warmStart: GradientBoostingModel?
    ) throws -> GradientBoostingModel {
        try TrainingRows.validate(
            rows: X.rows, cols: X.cols, labels: labels, weights: weights, featureNames: featureNames)
        try config.validate()
        let sampleWeights = try trainingWeights(labels: labels, weights: weights)
        let (binned, described, hasMissing) = try binnedFeatures(X, featureNames: featureNames, weights: sampleWeights)

        let y = labels.map(Double.init)
        let baseline = Self.baseline(y, weights: sampleWeights)
        let earlyStopping = usesEarlyStopping(rows: X.rows)
        let held = try earlyStopping ? checkedValidation(columns: X.cols) : nil
        var progress = BoostingProgress(
            y: y, weights: sampleWeights, baseline: baseline,
            held: held.map {
                HeldOutProgress(
                    $0, features: described, missingBin: config.maxBins, threads: threads, baseline: baseline)
            })

        var trees: [GradientBoostingModel.Tree] = []
        var stoppedEarly = false
        for _ in 0..<config.maxIter {
            progress.computeGradients()
            let grower = TreeGrower(
                bins: binned, features: described, gradients: progress.gradients, hessians: progress.hessians,
                weights: sampleWeights, config: config, threads: threads, hasMissing: hasMissing)
            let (nodes, leaves) = grower.grow()
            let tree = GradientBoostingModel.Tree(nodes: nodes)
            trees.append(tree)
            progress.add(tree, leaves: leaves, scoringHeldOut: earlyStopping)
            if earlyStopping,
                Self.shouldStop(losses: progress.stoppingLosses, patience: config.nIterNoChange, tol: config.tol)
            {
                stoppedEarly = trees.count < config.maxIter
                break
            }
        }
        return GradientBoostingModel(
            featureNames: featureNames, features: described, baseline: baseline, trees: trees,
            trainingCurve: .init(train: progress.trainCurve, validation: progress.held?.curve),
            stoppedEarly: stoppedEarly,
            parameters: config)
    }

    /// The weights the trees are fitted with: `weights`, times scikit-learn's balanced class
    /// weights with `class_weight: balanced`. Throws unless both classes carry weight.
    func trainingWeights(labels: [UInt8], weights: [Double]?) throws -> [Double]? {
        let n = labels.count
        var positive = 0.0, total = 0.0
        for i in 0..<n {
            let w = weights?[i] ?? 1
            total += w
            if labels[i] == 1 { positive += w }
        }
        guard total > 0 else { throw ModelError.zeroTotalWeight }
        guard positive > 0 else { throw ModelError.singleClass(label: 0) }
        guard positive < total else { throw ModelError.singleClass(label: 1) }
        guard config.classWeight == .balanced else { return weights }
        let factor = [total / (2 * (total - positive)), total / (2 * positive)]
        return (0..<n).map { (weights?[$0] ?? 1) * factor[Int(labels[$0])] }
    }

    /// The training rows binned, the features described (with whether each has missing
    /// values), and those flags.
    func binnedFeatures(
        _ X: Matrix, featureNames: [String], weights: [Double]?
    ) throws -> (GradientBoostingBins, [GradientBoostingModel.Feature], [Bool]) {
        let n = X.rows
        let features = try binFeatures(X, featureNames: featureNames, weights: weights)
        let binned = GradientBoostingBins.bin(X, features: features, missingBin: config.maxBins, threads: threads)
        var hasMissing = [Bool](repeating: false, count: features.count)
        for f in 0..<features.count {
            hasMissing[f] = binned.codes[(f * n)..<((f + 1) * n)].contains(binned.missingBin)
        }
        let described = features.enumerated().map { f, feature -> GradientBoostingModel.Feature in
            var feature = feature
            feature.hasMissing = hasMissing[f]
            return feature
        }
        return (binned, described, hasMissing)
    }

    /// `early_stopping`, with `auto` on above ``autoEarlyStoppingRows`` training rows.
    func usesEarlyStopping(rows: Int) -> Bool {
        switch config.earlyStopping {
        case .auto: return rows > Self.autoEarlyStoppingRows
        case .on: return true
        case .off: return false
        }
    }

    /// The held-out rows, if any, checked to have the training columns and one label per row.
    func checkedValidation(columns: Int) throws -> ValidationRows? {
        if let validation, validation.X.cols != columns || validation.labels.count != validation.X.rows {
            throw ModelError.shapeMismatch(
                expected: "validation rows with \(columns) columns and one label each",
                found: "\(validation.X.rows) × \(validation.X.cols) with \(validation.labels.count) labels")
        }
        return validation
    }

    /// scikit-learn's `_should_stop` on scores = −loss: stop when none of the last
    /// `patience` losses beats the one before them by more than `tol`.
    static func shouldStop(losses: [Double], patience: Int, tol: Double) -> Bool {
        let reference = patience + 1
        guard losses.count >= reference else { return false }
        let referenceScore = -losses[losses.count - reference] + tol
        return !losses.suffix(patience).contains { -$0 > referenceScore }
    }

    /// The log-odds of the weighted base rate, clipped as scikit-learn's
    /// `HalfBinomialLoss.fit_intercept_only` (to [10ε, 1 − 10ε]).
    static func baseline(_ y: [Double], weights: [Double]?) -> Double {
        var sy = 0.0, sw = 0.0
        for i in 0..<y.count {
            let w = weights?[i] ?? 1
            sy += w * y[i]
            sw += w
        }
        let eps = 10 * Double.ulpOfOne
        let p = min(max(sy / sw, eps), 1 - eps)
        return log(p / (1 - p))
    }

    /// Gradient and hessian of the half binomial loss at raw score `r`, as scikit-learn's
    /// `cgrad_hess_half_binomial` evaluates them.
    @inline(__always)
    static func gradientHessian(_ y: Double, _ r: Double) -> (Double, Double) {
        if r > -37 {
            let e = exp(-r)
            return (((1 - y) - y * e) / (1 + e), e / ((1 + e) * (1 + e)))
        }
        let e = exp(r)
        return (e - y, e)
    }

    /// Every row's weighted gradient and hessian, rows in parallel (element-wise, so the
    /// values do not depend on the number of cores).
    static func fillGradients(
        y: [Double], raw: [Double], weights: [Double]?, gradients: inout [Double], hessians: inout [Double]
    ) {
        gradients.withUnsafeMutableBufferPointer { g in
            hessians.withUnsafeMutableBufferPointer { h in
                nonisolated(unsafe) let g = g, h = h
                ParallelChunks.forEach(y.count) { rows in
                    for i in rows {
                        let (gi, hi) = gradientHessian(y[i], raw[i])
                        let w = weights?[i] ?? 1
                        g[i] = w * gi
                        h[i] = w * hi
                    }
                }
            }
        }
    }

    /// Weighted mean log-loss `log(1 + e^r) − y r`. The per-row terms are computed in
    /// parallel, then summed in row order (the same bits on any number of cores).
    static func logLoss(_ raw: [Double], _ y: [Double], _ weights: [Double]?) -> Double {
        var terms = [Double](repeating: 0, count: raw.count)
        terms.withUnsafeMutableBufferPointer { terms in
            nonisolated(unsafe) let terms = terms
            ParallelChunks.forEach(raw.count) { rows in
                for i in rows {
                    let r = raw[i]
                    let softplus = r > 0 ? r + log1p(exp(-r)) : log1p(exp(r))
                    terms[i] = (weights?[i] ?? 1) * (softplus - y[i] * r)
                }
            }
        }
        var sum = 0.0, total = 0.0
        for i in 0..<raw.count {
            sum += terms[i]
            total += weights?[i] ?? 1
        }
        return sum / total
    }

    /// The model's features: each categorical group (whose columns are a valid one-hot
    /// encoding) as one categorical feature at the position of its first column, every
    /// other column as a numeric feature with fitted thresholds.
    func binFeatures(_ X: Matrix, featureNames: [String], weights: [Double]?) throws -> [GradientBoostingModel.Feature]
    {
        var groupOf: [Int: Int] = [:]
        let groups = categorical.filter { isOneHot(X, columns: $0.columns) }
        for (g, group) in groups.enumerated() { for c in group.columns { groupOf[c] = g } }
        var numericColumns: [Int] = []
        var order: [(column: Int, group: Int?)] = []
        var emitted = Set<Int>()
        for c in 0..<X.cols {
            if let g = groupOf[c] {
                if emitted.insert(g).inserted { order.append((c, g)) }
            } else {
                order.append((c, nil))
                numericColumns.append(c)
            }
        }
        // Thresholds of the numeric columns, in parallel; each column on its own.
        var thresholds = [[Double]](repeating: [], count: numericColumns.count)
        let maxBins = config.maxBins
        let columns = numericColumns
        thresholds.withUnsafeMutableBufferPointer { out in
            // Each worker writes only its own slots, while the synchronous call runs.
            nonisolated(unsafe) let base = out.baseAddress!
            let workers = min(threads, max(1, columns.count))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var k = worker
                while k < columns.count {
                    base[k] = GradientBoostingBinMapper.thresholds(
                        X.column(columns[k]), weights: weights, maxBins: maxBins)
                    k += workers
                }
            }
        }
        var numericIndex: [Int: Int] = [:]
        for (k, c) in numericColumns.enumerated() { numericIndex[c] = k }
        return order.map { entry in
            if let g = entry.group {
                let group = groups[g]
                let bins = categoryBins(X, columns: group.columns, weights: weights)
                return GradientBoostingModel.Feature(
                    name: group.name, kind: .categorical, columns: group.columns, thresholds: nil, columnBins: bins,
                    bins: (bins.max() ?? 0) + 1, hasMissing: false)
            }
            let t = thresholds[numericIndex[entry.column] ?? 0]
            return GradientBoostingModel.Feature(
                name: featureNames[entry.column], kind: .numeric, columns: [entry.column], thresholds: t,
                columnBins: nil,
                bins: t.count + 1, hasMissing: false)
        }
    }

    /// Whether `columns` hold a one-hot encoding: every value 0 or 1, at most one 1 per row.
    /// (A pre-processing transform such as the correlation remover breaks this; the columns
    /// are then numeric features.)
    private func isOneHot(_ X: Matrix, columns: [Int]) -> Bool {
        X.withUnsafeBufferPointer { x in
            for i in 0..<X.rows {
                var ones = 0
                for c in columns {
                    let v = x[i * X.cols + c]
                    if v == 1 { ones += 1 } else if v != 0 { return false }
                }
                if ones > 1 { return false }
            }
            return true
        }
    }

    /// The bin of each one-hot column: its position, unless there are more than `max_bins`
    /// columns; then the `max_bins − 1` heaviest (training weight; ties to the earlier
    /// column) keep a bin each in column order and the rest share the last bin.
    private func categoryBins(_ X: Matrix, columns: [Int], weights: [Double]?) -> [Int] {
        let maxBins = config.maxBins
        guard columns.count > maxBins else { return Array(columns.indices) }
        var mass = [Double](repeating: 0, count: columns.count)
        for i in 0..<X.rows {
            for (k, c) in columns.enumerated() where X[i, c] == 1 { mass[k] += weights?[i] ?? 1 }
        }
        let kept = Set(
            columns.indices.sorted { mass[$0] != mass[$1] ? mass[$0] > mass[$1] : $0 < $1 }.prefix(maxBins - 1))
        var next = 0
        return columns.indices.map { k in
            if kept.contains(k) {
                defer { next += 1 }
                return next
            }
            return maxBins - 1
        }
    }
}

/// The held-out rows of early stopping: their bins, raw scores and loss after each tree.
struct HeldOutProgress {
    let bins: GradientBoostingBins
    let y: [Double]
    let weights: [Double]?
    var raw: [Double]
    var curve: [Double]

    init(
        _ rows: ValidationRows, features: [GradientBoostingModel.Feature], missingBin: Int, threads: Int,
        baseline: Double
    ) {
        bins = GradientBoostingBins.bin(rows.X, features: features, missingBin: missingBin, threads: threads)
        y = rows.labels.map(Double.init)
        weights = rows.weights
        raw = [Double](repeating: baseline, count: rows.X.rows)
        curve = [GradientBoosting.logLoss(raw, y, weights)]
    }
}

/// A fit's running state: the raw scores and loss curve on the training rows (and the
/// held-out ones), and the gradient and hessian buffers each tree is grown on.
struct BoostingProgress {
    let y: [Double]
    let weights: [Double]?
    var raw: [Double]
    var trainCurve: [Double]
    var held: HeldOutProgress?
    private(set) var gradients: [Double]
    private(set) var hessians: [Double]

    init(y: [Double], weights: [Double]?, baseline: Double, held: HeldOutProgress?) {
        self.y = y
        self.weights = weights
        raw = [Double](repeating: baseline, count: y.count)
        trainCurve = [GradientBoosting.logLoss(raw, y, weights)]
        self.held = held
        gradients = [Double](repeating: 0, count: y.count)
        hessians = [Double](repeating: 0, count: y.count)
    }

    /// The weighted gradients and hessians of the log loss at the current raw scores.
    mutating func computeGradients() {
        GradientBoosting.fillGradients(y: y, raw: raw, weights: weights, gradients: &gradients, hessians: &hessians)
    }

    /// Adds a grown tree: its leaf values to the training rows it routed there, and (when
    /// `scoringHeldOut`) to the held-out rows; extends the loss curves.
    mutating func add(
        _ tree: GradientBoostingModel.Tree, leaves: [(leaf: Int, rows: ArraySlice<Int32>)], scoringHeldOut: Bool
    ) {
        for (leaf, rows) in leaves {
            let value = tree.nodes[leaf].value
            for r in rows { raw[Int(r)] += value }
        }
        trainCurve.append(GradientBoosting.logLoss(raw, y, weights))
        if scoringHeldOut, var held {
            tree.addValues(held.bins, to: &held.raw)
            held.curve.append(GradientBoosting.logLoss(held.raw, held.y, held.weights))
            self.held = held
        }
    }

    /// The losses early stopping watches: the held-out ones, else the training ones.
    var stoppingLosses: [Double] { held?.curve ?? trainCurve }
}
