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
        let n = X.rows
        guard n > 0 else { throw ModelError.noRows }
        guard labels.count == n else { throw ModelError.countMismatch(what: "labels", expected: n, found: labels.count) }
        guard featureNames.count == X.cols else {
            throw ModelError.countMismatch(what: "feature names", expected: X.cols, found: featureNames.count)
        }
        if let weights {
            guard weights.count == n else { throw ModelError.countMismatch(what: "weights", expected: n, found: weights.count) }
            for (row, w) in weights.enumerated() {
                guard w.isFinite else { throw ModelError.nonFiniteWeight(row: row, value: w) }
                guard w >= 0 else { throw ModelError.negativeWeight(row: row, value: w) }
            }
        }
        for (row, label) in labels.enumerated() where label > 1 { throw ModelError.invalidLabel(row: row, value: label) }
        try config.validate()

        var sampleWeights = weights
        var positive = 0.0, total = 0.0
        for i in 0..<n {
            let w = weights?[i] ?? 1
            total += w
            if labels[i] == 1 { positive += w }
        }
        guard total > 0 else { throw ModelError.zeroTotalWeight }
        guard positive > 0 else { throw ModelError.singleClass(label: 0) }
        guard positive < total else { throw ModelError.singleClass(label: 1) }
        if config.classWeight == .balanced {
            let factor = [total / (2 * (total - positive)), total / (2 * positive)]
            sampleWeights = (0..<n).map { (weights?[$0] ?? 1) * factor[Int(labels[$0])] }
        }

        let features = try binFeatures(X, featureNames: featureNames, weights: sampleWeights)
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

        let y = labels.map(Double.init)
        let baseline = Self.baseline(y, weights: sampleWeights)
        var raw = [Double](repeating: baseline, count: n)
        let earlyStopping: Bool
        switch config.earlyStopping {
        case .auto: earlyStopping = n > Self.autoEarlyStoppingRows
        case .on: earlyStopping = true
        case .off: earlyStopping = false
        }
        let held = earlyStopping ? validation : nil
        if let held, held.X.cols != X.cols || held.labels.count != held.X.rows {
            throw ModelError.shapeMismatch(
                expected: "validation rows with \(X.cols) columns and one label each",
                found: "\(held.X.rows) × \(held.X.cols) with \(held.labels.count) labels")
        }
        let heldBins = held.map { GradientBoostingBins.bin($0.X, features: described, missingBin: config.maxBins, threads: threads) }
        let heldY = held.map { $0.labels.map(Double.init) }
        var heldRaw = held.map { [Double](repeating: baseline, count: $0.X.rows) }

        var trainCurve = [Self.logLoss(raw, y, sampleWeights)]
        var validationCurve: [Double]? = nil
        if let heldRaw, let heldY { validationCurve = [Self.logLoss(heldRaw, heldY, held?.weights)] }

        var trees: [GradientBoostingModel.Tree] = []
        var gradients = [Double](repeating: 0, count: n), hessians = [Double](repeating: 0, count: n)
        var stoppedEarly = false
        for _ in 0..<config.maxIter {
            Self.fillGradients(y: y, raw: raw, weights: sampleWeights, gradients: &gradients, hessians: &hessians)
            let grower = TreeGrower(
                bins: binned, features: described, gradients: gradients, hessians: hessians, weights: sampleWeights,
                config: config, threads: threads, hasMissing: hasMissing)
            let (nodes, leaves) = grower.grow()
            for (leaf, rows) in leaves {
                let value = nodes[leaf].value
                for r in rows { raw[Int(r)] += value }
            }
            let tree = GradientBoostingModel.Tree(nodes: nodes)
            trees.append(tree)
            trainCurve.append(Self.logLoss(raw, y, sampleWeights))
            if earlyStopping {
                let scores: [Double]
                if let heldBins, var r = heldRaw, let heldY {
                    tree.addValues(heldBins, to: &r)
                    heldRaw = r
                    validationCurve?.append(Self.logLoss(r, heldY, held?.weights))
                    scores = validationCurve ?? []
                } else {
                    scores = trainCurve
                }
                if Self.shouldStop(losses: scores, patience: config.nIterNoChange, tol: config.tol) {
                    stoppedEarly = trees.count < config.maxIter
                    break
                }
            }
        }
        return GradientBoostingModel(
            featureNames: featureNames, features: described, baseline: baseline, trees: trees,
            trainingCurve: .init(train: trainCurve, validation: validationCurve), stoppedEarly: stoppedEarly,
            parameters: config)
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
    static func fillGradients(y: [Double], raw: [Double], weights: [Double]?, gradients: inout [Double], hessians: inout [Double]) {
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
    func binFeatures(_ X: Matrix, featureNames: [String], weights: [Double]?) throws -> [GradientBoostingModel.Feature] {
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
                    base[k] = GradientBoostingBinMapper.thresholds(X.column(columns[k]), weights: weights, maxBins: maxBins)
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
                name: featureNames[entry.column], kind: .numeric, columns: [entry.column], thresholds: t, columnBins: nil,
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
        let kept = Set(columns.indices.sorted { mass[$0] != mass[$1] ? mass[$0] > mass[$1] : $0 < $1 }.prefix(maxBins - 1))
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
