import Foundation

/// The fairness constraints of the reductions approach (Agarwal et al. 2018, "A Reductions
/// Approach to Fair Classification", §2–3) as fairlearn's `UtilityParity` moments define them,
/// shared by ``ExponentiatedGradient`` and ``GridSearch``.
///
/// Each row belongs to at most one *event* (`all` for demographic parity and error-rate
/// parity; `label=0` / `label=1` for the label-conditional targets; none for rows a target
/// ignores, e.g. negatives under true-positive-rate parity) and one group. For every
/// observed (event e, group g) cell there are two signed constraints,
///
///     γ(h)₊,e,g = E[u(h) | e, g] − E[u(h) | e],    γ(h)₋,e,g = −γ(h)₊,e,g,
///
/// each bounded by `bound` (fairlearn's `difference_bound`). The utility `u(h)` of a row is
/// `h` (the decision) except under error-rate parity, where it is the error `|h − y|`.
/// The constraint vector is laid out as fairlearn's index: all `+` cells, then all `−`
/// cells, each block ordered by event name, then group code (fairlearn sorts by the
/// sensitive value; FairPipe's codes play that role).
///
/// Everything is O(n) per call: a row only touches its own cell.
public struct ParityMoment: Sendable {
    /// One observed (event, group) cell.
    public struct Cell: Codable, Equatable, Sendable {
        public var event: String
        public var group: Int
    }

    public let target: FairnessTarget
    /// Event names, sorted (`all`, or `label=0` < `label=1`).
    public let events: [String]
    /// Observed cells, by event then group code. The constraint vector has `2 × cells.count`
    /// entries: the `+` block, then the `−` block, both in this order.
    public let cells: [Cell]
    /// fairlearn's `difference_bound` (0.01 by default), the right-hand side of every constraint.
    public let bound: Double
    /// Rows loaded.
    public let rowCount: Int
    /// Group codes in order of first appearance in the data (fairlearn's `unique()`, used to
    /// build GridSearch's basis).
    let groupsByAppearance: [Int]
    /// Event indices (into `events`) in order of first appearance.
    let eventsByAppearance: [Int]
    /// Per row: index into `cells`, or −1 when the row belongs to no event.
    let cellOfRow: [Int]
    /// Per row: `u(1) − u(0)` and `u(0)`.
    let utilityDiff: [Double]
    let utilityZero: [Double]
    /// Per cell: the event index; P(e); P(e, g) (as fractions of all rows).
    let eventOfCell: [Int]
    let probEvent: [Double]
    let probCell: [Double]
    let labels: [UInt8]

    /// Loads the rows. `groups[i]` must be in `0 ..< groupCount` (checked by callers).
    public init(target: FairnessTarget, labels: [UInt8], groups: [Int32], groupCount: Int, bound: Double = 0.01) {
        self.target = target
        self.bound = bound
        self.labels = labels
        let n = labels.count
        rowCount = n
        // The event of a row, by target (fairlearn's load_data of each moment).
        func eventName(_ y: UInt8) -> String? {
            switch target {
            case .demographicParity, .errorRateParity: return "all"
            case .truePositiveRateParity, .equalOpportunity: return y == 1 ? "label=1" : nil
            case .falsePositiveRateParity: return y == 0 ? "label=0" : nil
            case .equalizedOdds: return "label=\(y)"
            }
        }
        var eventNames = Set<String>()
        for y in labels { if let e = eventName(y) { eventNames.insert(e) } }
        let events = eventNames.sorted()
        self.events = events
        var counts = [[Int]](repeating: [Int](repeating: 0, count: groupCount), count: events.count)
        var rowEvent = [Int](repeating: -1, count: n)
        var seenGroups: [Int] = [], seenGroup = [Bool](repeating: false, count: groupCount)
        var seenEvents: [Int] = [], seenEvent = [Bool](repeating: false, count: events.count)
        for i in 0..<n {
            let g = Int(groups[i])
            if !seenGroup[g] { seenGroup[g] = true; seenGroups.append(g) }
            guard let name = eventName(labels[i]), let e = events.firstIndex(of: name) else { continue }
            if !seenEvent[e] { seenEvent[e] = true; seenEvents.append(e) }
            rowEvent[i] = e
            counts[e][g] += 1
        }
        groupsByAppearance = seenGroups
        eventsByAppearance = seenEvents
        var cells: [Cell] = [], eventOfCell: [Int] = [], probCell: [Double] = []
        var cellIndex = [[Int]](repeating: [Int](repeating: -1, count: groupCount), count: events.count)
        var probEvent = [Double](repeating: 0, count: events.count)
        for e in events.indices {
            probEvent[e] = Double(counts[e].reduce(0, +)) / Double(n)
            for g in 0..<groupCount where counts[e][g] > 0 {
                cellIndex[e][g] = cells.count
                cells.append(Cell(event: events[e], group: g))
                eventOfCell.append(e)
                probCell.append(Double(counts[e][g]) / Double(n))
            }
        }
        self.cells = cells
        self.eventOfCell = eventOfCell
        self.probEvent = probEvent
        self.probCell = probCell
        cellOfRow = (0..<n).map { rowEvent[$0] < 0 ? -1 : cellIndex[rowEvent[$0]][Int(groups[$0])] }
        if target == .errorRateParity {
            // fairlearn's ErrorRateParity: utilities (y, 1 − y), so u(h) = |h − y|.
            utilityZero = labels.map { Double($0) }
            utilityDiff = labels.map { 1 - 2 * Double($0) }
        } else {
            utilityZero = [Double](repeating: 0, count: n)
            utilityDiff = [Double](repeating: 1, count: n)
        }
    }

    /// Number of signed constraints, `2 × cells.count`.
    public var constraintCount: Int { 2 * cells.count }

    /// Human-readable names of the constraints (`+,all,g0`), for artefacts.
    public func constraintNames(groupNames: [String]) -> [String] {
        ["+", "-"].flatMap { sign in
            cells.map {
                "\(sign),\($0.event),\(groupNames.indices.contains($0.group) ? groupNames[$0.group] : "\($0.group)")"
            }
        }
    }

    /// The signed constraint values γ(h) of decisions (or decision probabilities) `h` on the
    /// loaded rows: fairlearn's `gamma` = `−Uᵀu / n`. O(n).
    public func gamma(_ h: [Double]) -> [Double] {
        let k = cells.count
        var cellSum = [Double](repeating: 0, count: k)
        for i in 0..<rowCount where cellOfRow[i] >= 0 {
            cellSum[cellOfRow[i]] += utilityDiff[i] * h[i] + utilityZero[i]
        }
        let n = Double(rowCount)
        var eventSum = [Double](repeating: 0, count: events.count)
        for c in 0..<k { eventSum[eventOfCell[c]] += cellSum[c] }
        var out = [Double](repeating: 0, count: 2 * k)
        for c in 0..<k {
            let e = eventOfCell[c]
            let diff = cellSum[c] / (n * probCell[c]) - eventSum[e] / (n * probEvent[e])
            out[c] = diff
            out[k + c] = -diff
        }
        return out
    }

    /// ``gamma(_:)`` of 0/1 decisions.
    public func gamma(decisions: [UInt8]) -> [Double] { gamma(decisions.map { Double($0) }) }

    /// The largest signed constraint value: the between-group disparity the target measures
    /// (max over events of the largest |E[u | e, g] − E[u | e]|).
    public func violation(_ gamma: [Double]) -> Double { gamma.max() ?? 0 }

    /// Error rate (fp = fn = 1) of 0/1 decisions: fairlearn's `ErrorRate().gamma`.
    public func error(decisions: [UInt8]) -> Double {
        var wrong = 0
        for i in 0..<rowCount where decisions[i] != labels[i] { wrong += 1 }
        return Double(wrong) / Double(rowCount)
    }

    /// Per-row signed costs of predicting 1 rather than 0 under the multipliers λ, objective
    /// included: fairlearn's `ErrorRate.signed_weights() + constraints.signed_weights(λ)`,
    /// that is `(2y − 1) + (u(1) − u(0))·(Uλ)ᵢ`. The oracle relabels to `w > 0` and weighs by
    /// `|w|`. O(n).
    public func signedWeights(lambda: [Double], includeObjective: Bool = true) -> [Double] {
        let k = cells.count
        // (Uλ) for a row in cell (e, g): Σ_g' (λ₊ − λ₋)_{e,g'} / P(e) − (λ₊ − λ₋)_{e,g} / P(e, g).
        var eventTerm = [Double](repeating: 0, count: events.count)
        for c in 0..<k { eventTerm[eventOfCell[c]] += lambda[c] - lambda[k + c] }
        var adjust = [Double](repeating: 0, count: k)
        for c in 0..<k {
            let e = eventOfCell[c]
            adjust[c] = eventTerm[e] / probEvent[e] - (lambda[c] - lambda[k + c]) / probCell[c]
        }
        var out = [Double](repeating: 0, count: rowCount)
        for i in 0..<rowCount {
            let constraint = cellOfRow[i] >= 0 ? utilityDiff[i] * adjust[cellOfRow[i]] : 0
            out[i] = (includeObjective ? 2 * Double(labels[i]) - 1 : 0) + constraint
        }
        return out
    }

    /// fairlearn's `project_lambda` (ratio bound 1): per event, the net multipliers
    /// `λ₊ − λ₋` are shifted by `P(g | e) × (their P(g | e)-weighted median of
    /// (λ₊ − λ₋)/P(g | e))` — the shift leaves `Uλ` and so the best response unchanged — and
    /// split back into non-negative parts.
    public func projectLambda(_ lambda: [Double]) -> [Double] {
        let k = cells.count
        var signed = (0..<k).map { lambda[$0] - lambda[k + $0] }
        for e in events.indices {
            let members = (0..<k).filter { eventOfCell[$0] == e }
            let prob = members.map { probCell[$0] / probEvent[e] }
            let normalized = members.indices.map { signed[members[$0]] / prob[$0] }
            // Stable argsort, then the first position whose cumulative probability reaches half.
            let order = normalized.indices.sorted {
                normalized[$0] < normalized[$1] || (normalized[$0] == normalized[$1] && $0 < $1)
            }
            let half = prob.reduce(0, +) / 2
            var cumulative = 0.0
            var position = order.count - 1
            for (rank, index) in order.enumerated() {
                cumulative += prob[index]
                if cumulative >= half { position = rank; break }
            }
            let shift = normalized[order[position]]
            for (m, c) in members.enumerated() { signed[c] -= prob[m] * shift }
        }
        return signed.map { max($0, 0) } + signed.map { max(-$0, 0) }
    }
}

/// Input checks shared by the in-processing methods.
enum InprocessingInput {
    static func check(
        method: String, X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws {
        guard X.rows > 0 else { throw MitigationError.emptyInput(method: method) }
        guard labels.count == X.rows else {
            throw MitigationError.lengthMismatch(method: method, input: "labels", expected: X.rows, found: labels.count)
        }
        guard groups.count == X.rows else {
            throw MitigationError.lengthMismatch(method: method, input: "groups", expected: X.rows, found: groups.count)
        }
        guard featureNames.count == X.cols else {
            throw MitigationError.lengthMismatch(
                method: method, input: "featureNames", expected: X.cols, found: featureNames.count)
        }
        for (row, label) in labels.enumerated() where label > 1 {
            throw MitigationError.nonBinaryLabel(method: method, row: row, found: label)
        }
        for (row, code) in groups.enumerated() where code < 0 || Int(code) >= groupNames.count {
            throw MitigationError.unknownGroup(method: method, row: row, code: code)
        }
        if let bad = X.withUnsafeBufferPointer({ $0.firstIndex { !$0.isFinite } }) {
            throw MitigationError.nonFiniteValue(
                method: method, input: "features[\(featureNames[bad % X.cols])]", row: bad / X.cols)
        }
        if !labels.contains(0) {
            throw MitigationError.degenerateLabels(method: method, group: "all", found: "label 1")
        }
        if !labels.contains(1) {
            throw MitigationError.degenerateLabels(method: method, group: "all", found: "label 0")
        }
    }
}

/// One hypothesis of a reductions method: a logistic regression (`model`) or gradient-boosted
/// trees (`boosted`) fitted by the oracle, or a constant (fairlearn's `DummyClassifier`) when
/// the relabelled data had a single class.
public struct ReductionPredictor: Codable, Equatable, Sendable {
    public var model: LogisticModel?
    public var boosted: GradientBoostingModel? = nil
    public var constant: UInt8?
    /// A refit of an external model (`model.type: external`): its folder under the
    /// mitigation's `refits/`.
    public var external: ExternalModel? = nil

    public init(
        model: LogisticModel?, boosted: GradientBoostingModel? = nil, constant: UInt8?, external: ExternalModel? = nil
    ) {
        self.model = model
        self.boosted = boosted
        self.constant = constant
        self.external = external
    }

    /// 0/1 decisions with scikit-learn's `predict` rule: 1 iff the raw score (`x·w + b`, or
    /// the trees' log-odds) is > 0 (for an external model, iff P(y = 1) > 0.5, the same rule
    /// for a probabilistic classifier).
    public func decisions(_ X: Matrix) throws -> [UInt8] {
        if let raw = try rawScores(X) { return raw.map(Self.decision(raw:)) }
        if let external { return try external.predictProbability(X).map(Self.decision(probability:)) }
        return [UInt8](repeating: constant ?? 0, count: X.rows)
    }

    /// P(y = 1 | x); a constant predictor gives its constant.
    public func probabilities(_ X: Matrix) throws -> [Double] {
        try probabilitiesAndDecisions(X).probabilities
    }

    /// ``probabilities(_:)`` and ``decisions(_:)`` from one scoring of the rows.
    public func probabilitiesAndDecisions(_ X: Matrix) throws -> (probabilities: [Double], decisions: [UInt8]) {
        if let raw = try rawScores(X) { return (raw.map(LogisticModel.sigmoid), raw.map(Self.decision(raw:))) }
        if let external {
            let p = try external.predictProbability(X)
            return (p, p.map(Self.decision(probability:)))
        }
        return (
            [Double](repeating: Double(constant ?? 0), count: X.rows), [UInt8](repeating: constant ?? 0, count: X.rows)
        )
    }

    /// The raw score (log-odds) of a logistic or boosted predictor; nil for the others.
    private func rawScores(_ X: Matrix) throws -> [Double]? {
        if let model { return try model.decisionFunction(X) }
        if let boosted { return try boosted.decisionFunction(X) }
        return nil
    }

    private static func decision(raw: Double) -> UInt8 { raw > 0 ? 1 : 0 }
    private static func decision(probability: Double) -> UInt8 { probability > 0.5 ? 1 : 0 }
}

/// Fits the cost-sensitive oracle of the reductions: relabel to `w > 0`, weigh by `|w|`
/// scaled by `scale(Σ|w|)` (exponentiated gradient normalises to n, grid search does not),
/// fit the configured model (``ModelTrainer``: weighted logistic regression warm-started from
/// `warm`, or weighted gradient-boosted trees).
struct ReductionOracle: Sendable {
    var trainer: ModelTrainer
    var X: Matrix
    var featureNames: [String]
    /// With `model.type: external`: each oracle call is one run of the model's `fit` with
    /// the call's weights, its folder kept by the store.
    var external: (store: ExternalModelStore, config: ExternalModelConfig)? = nil
    /// For logistic regression: `X` prepared for the trainer once (sparse when one-hot columns
    /// dominate), shared by every fit. `X` must already be checked finite (``InprocessingInput/check``).
    var design: DesignMatrix? = nil

    /// The oracle for `model`: logistic regression, or the external model's commands.
    init(
        model: ModelConfig, externalStore: ExternalModelStore?, encoding: FeatureEncoding? = nil, X: Matrix,
        featureNames: [String]
    ) throws {
        trainer = ModelTrainer(config: model, encoding: encoding)
        self.X = X
        self.featureNames = featureNames
        if model.type == .logisticRegression { design = DesignMatrix(validated: X) }
        if model.type == .external {
            guard let externalStore else {
                throw ExternalModelError.unsupported(
                    reason: "an external oracle needs a stage run to keep its model folders")
            }
            guard model.external.features == .encoded else {
                throw ExternalModelError.unsupported(
                    reason:
                        "the reductions refit the model on the encoded feature matrix; set model.external.features: encoded"
                )
            }
            external = (externalStore, model.external)
        }
    }

    func fit(signedWeights: [Double], normalizeToRowCount: Bool, warm: LogisticModel?) throws -> ReductionPredictor {
        let n = signedWeights.count
        var y = [UInt8](repeating: 0, count: n)
        var w = [Double](repeating: 0, count: n)
        var total = 0.0
        var positives = 0
        for i in 0..<n {
            let s = signedWeights[i]
            y[i] = s > 0 ? 1 : 0
            positives += Int(y[i])
            w[i] = abs(s)
            total += w[i]
        }
        if positives == 0 || positives == n {
            return ReductionPredictor(model: nil, constant: positives == 0 ? 0 : 1)
        }
        if normalizeToRowCount {
            // fairlearn: total_samples * redW / redW.sum(), in that order of operations.
            for i in 0..<n { w[i] = Double(n) * w[i] / total }
        }
        // A class whose rows all carry zero weight cannot be fitted; scikit-learn then
        // predicts the weighted majority, which is what a constant does.
        var positiveWeight = 0.0
        for i in 0..<n where y[i] == 1 { positiveWeight += w[i] }
        if positiveWeight == 0 { return ReductionPredictor(model: nil, constant: 0) }
        if positiveWeight == w.reduce(0, +) { return ReductionPredictor(model: nil, constant: 1) }
        if let external {
            let model = try external.store.trainer(external.config).fit(
                train: try ExternalRunner.table(X, names: featureNames), labels: y, weights: w, validation: nil,
                root: external.store.root)
            return ReductionPredictor(model: nil, constant: nil, external: model)
        }
        if let design {
            let model = try LogisticRegression(config: trainer.config.logisticRegression).fit(
                design, labels: y, weights: w, featureNames: featureNames, warmStart: warm)
            return ReductionPredictor(model: model, constant: nil)
        }
        switch try trainer.fit(
            X, labels: y, weights: w, featureNames: featureNames, warmStart: warm.map(TrainedModel.logisticRegression))
        {
        case .logisticRegression(let model): return ReductionPredictor(model: model, constant: nil)
        case .gradientBoosting(let model): return ReductionPredictor(model: nil, boosted: model, constant: nil)
        case .external:
            throw ExternalModelError.unsupported(reason: "the reductions' oracle cannot refit an external model")
        }
    }
}
