import Foundation

/// Adversarial debiasing of Zhang, Lemoine & Mitchell (2018), "Mitigating Unwanted Biases with
/// Adversarial Learning" (AIES), as AIF360 0.6.1's `AdversarialDebiasing` trains it, with
/// analytic gradients in double precision instead of TensorFlow float32.
///
/// - Predictor: one hidden ReLU layer (`hiddenUnits`, dropout with keep probability 0.8 during
///   training, as AIF360) and a logit output; `hiddenUnits = 0` gives logistic regression.
///   Glorot-uniform weights, zero biases.
/// - Adversary (§4 of the paper): `s = σ((1 + |c|)·logit)` with a learned scalar c (starting
///   at 1); input `[s]` for demographic parity, `[s, s·y, s·(1 − y)]` for the label-conditional
///   targets (AIF360 always uses the latter), trained only on rows with y = 1 for
///   equal_opportunity / true_positive_rate_parity and y = 0 for false_positive_rate_parity.
///   Output: a logistic unit predicting the group (two groups, as AIF360), or a softmax over
///   groups when there are more.
/// - Update (Eq. 1 of the paper, per variable as AIF360): the predictor moves along
///   `∇_W L_P − proj_{∇_W L_A} ∇_W L_P − α ∇_W L_A` (α = `adversaryLossWeight`), then the
///   adversary takes a step on its own loss at the updated predictor (AIF360 orders the two
///   steps with a control dependency).
/// - Optimiser: Adam (β₁ 0.9, β₂ 0.999, ε 1e-8, TensorFlow's bias-corrected step) for both,
///   learning rate `0.001 · 0.96^⌊step/1000⌋` (AIF360's `exponential_decay`, staircase, stepped
///   by predictor updates).
/// - Batches: each epoch a seeded permutation of the rows cut into ⌊n / batchSize⌋ batches
///   (the remainder is dropped, as AIF360); when n < batchSize, one batch of all rows.
///
/// All randomness (initial weights, permutations, dropout masks) comes, in that order, from
/// `Xoshiro256StarStar(seed: seed, stream: "adversarial_debiasing")`: same seed, same bytes.
/// Cost: epochs × n × (p·H + H) multiply-adds, single-threaded.
public struct AdversarialDebiasing: Sendable {
    public var target: FairnessTarget
    /// α, the weight of the adversary's gradient in the predictor update (AIF360: 0.1).
    public var adversaryLossWeight: Double = 0.1
    public var epochs: Int = 50
    public var batchSize: Int = 128
    /// Hidden ReLU units of the predictor (AIF360 uses 200); 0 for a logistic predictor.
    public var hiddenUnits: Int = 100
    public var learningRate: Double = 0.001
    /// Keep probability of dropout on the hidden layer during training (1: no dropout).
    public var keepProbability: Double = 0.8
    /// False trains the predictor alone (AIF360's `debias=False`), for comparisons.
    public var debias: Bool = true
    public var seed: UInt64 = 0

    static let name = "adversarial_debiasing"

    public init(target: FairnessTarget = .demographicParity, seed: UInt64 = 0) {
        self.target = target
        self.seed = seed
    }

    func checkParameters() throws {
        func bad(_ name: String, _ expected: String, _ found: String) -> MitigationError {
            .invalidParameter(method: Self.name, name: name, expected: expected, found: found)
        }
        guard adversaryLossWeight >= 0, adversaryLossWeight.isFinite else {
            throw bad("adversary_loss_weight", "a finite number ≥ 0", "\(adversaryLossWeight)")
        }
        guard epochs >= 1 else { throw bad("epochs", "an integer ≥ 1", "\(epochs)") }
        guard batchSize >= 1 else { throw bad("batch_size", "an integer ≥ 1", "\(batchSize)") }
        guard hiddenUnits >= 0 else { throw bad("hidden_units", "an integer ≥ 0", "\(hiddenUnits)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw bad("learning_rate", "a finite number > 0", "\(learningRate)")
        }
        guard keepProbability > 0, keepProbability <= 1 else {
            throw bad("keep_probability", "a number in (0, 1]", "\(keepProbability)")
        }
    }

    public func fit(
        _ X: Matrix, labels: [UInt8], groups: [Int32], groupNames: [String], featureNames: [String]
    ) throws -> AdversarialDebiasingModel {
        try checkParameters()
        try InprocessingInput.check(
            method: Self.name, X: X, labels: labels, groups: groups, groupNames: groupNames, featureNames: featureNames)
        guard groupNames.count >= 2 else {
            throw MitigationError.invalidParameter(
                method: Self.name, name: "groups", expected: "at least 2 groups", found: "\(groupNames.count)")
        }
        var rng = Xoshiro256StarStar(seed: seed, stream: Self.name)
        let p = X.cols
        let labelInputs = target != .demographicParity
        var model = AdversarialDebiasingModel(
            target: target, featureNames: featureNames, groupNames: groupNames, hiddenUnits: hiddenUnits,
            predictor: [], adversary: [], adversaryInputs: labelInputs ? 3 : 1,
            adversaryOutputs: groupNames.count == 2 ? 1 : groupNames.count, epochLosses: [])
        model.predictor = model.initialPredictor(inputs: p, rng: &rng)
        model.adversary = model.initialAdversary(rng: &rng)
        var predictorAdam = Adam(count: model.predictor.count)
        var adversaryAdam = Adam(count: model.adversary.count)
        let n = X.rows
        let batchCount = max(n / batchSize, 1)
        let rowsPerBatch = min(batchSize, n)
        var order = Array(0..<n)
        var step = 0
        for _ in 0..<epochs {
            order = Array(0..<n)
            order.seededShuffle(using: &rng)
            var predictorLoss = 0.0, adversaryLoss = 0.0
            for b in 0..<batchCount {
                let rows = Array(order[b * rowsPerBatch..<(b + 1) * rowsPerBatch])
                let mask =
                    hiddenUnits > 0 && keepProbability < 1
                    ? (0..<(rows.count * hiddenUnits)).map { _ in
                        rng.nextUnitDouble() < keepProbability ? 1 / keepProbability : 0
                    }
                    : []
                let rate = learningRate * pow(0.96, Double(step / 1000))
                // Predictor step.
                let forward = model.forward(X, rows: rows, dropout: mask)
                let gradP = model.predictorGradient(X, rows: rows, forward: forward, labels: labels, dropout: mask)
                predictorLoss += gradP.loss
                var update = gradP.gradient
                if debias {
                    let adv = model.adversaryGradients(forward.logits, rows: rows, labels: labels, groups: groups)
                    let gradA = model.backpropagate(
                        X, rows: rows, forward: forward, dLogit: adv.dLogit, dropout: mask
                    ).gradient
                    // Per variable: remove the component along ∇L_A, then push against it.
                    for range in model.predictorVariables(inputs: p) {
                        var norm2 = 0.0, inner = 0.0
                        for j in range { norm2 += gradA[j] * gradA[j] }
                        let norm = norm2.squareRoot() + Double(Float.leastNormalMagnitude)
                        for j in range { inner += update[j] * gradA[j] / norm }
                        for j in range {
                            update[j] -= inner * gradA[j] / norm
                            update[j] -= adversaryLossWeight * gradA[j]
                        }
                    }
                }
                predictorAdam.step(&model.predictor, gradient: update, rate: rate)
                step += 1
                if debias {
                    // Adversary step at the updated predictor.
                    let logits = model.forward(X, rows: rows, dropout: mask).logits
                    let adv = model.adversaryGradients(logits, rows: rows, labels: labels, groups: groups)
                    adversaryLoss += adv.loss
                    adversaryAdam.step(&model.adversary, gradient: adv.gradient, rate: rate)
                }
            }
            model.epochLosses.append([predictorLoss / Double(batchCount), adversaryLoss / Double(batchCount)])
        }
        return model
    }
}

/// Adam with TensorFlow's bias-corrected step `lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)`.
struct Adam {
    var m: [Double]
    var v: [Double]
    var t = 0
    let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8

    init(count: Int) {
        m = [Double](repeating: 0, count: count)
        v = [Double](repeating: 0, count: count)
    }

    mutating func step(_ x: inout [Double], gradient g: [Double], rate: Double) {
        t += 1
        let corrected = rate * (1 - pow(beta2, Double(t))).squareRoot() / (1 - pow(beta1, Double(t)))
        for j in x.indices {
            m[j] = beta1 * m[j] + (1 - beta1) * g[j]
            v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j]
            x[j] -= corrected * m[j] / (v[j].squareRoot() + epsilon)
        }
    }
}

/// A trained adversarially debiased predictor (and its adversary, for inspection).
///
/// Parameter layout of `predictor`: with H hidden units, `W1` (p × H, row-major), `b1` (H),
/// `w2` (H), `b2` (1); with H = 0, `w` (p) and `b` (1). `adversary`: `U` (inputs × outputs,
/// row-major), `bias` (outputs), `c` (1).
public struct AdversarialDebiasingModel: Codable, Equatable, Sendable {
    public var target: FairnessTarget
    public var featureNames: [String]
    public var groupNames: [String]
    public var hiddenUnits: Int
    public var predictor: [Double]
    public var adversary: [Double]
    public var adversaryInputs: Int
    public var adversaryOutputs: Int
    /// Per epoch: mean batch loss of the predictor and of the adversary.
    public var epochLosses: [[Double]]

    /// P(y = 1 | x) of the predictor (no dropout at inference). O(rows × p × H).
    public func predictProbability(_ X: Matrix) throws -> [Double] {
        guard X.cols == featureNames.count else {
            throw MitigationError.lengthMismatch(
                method: AdversarialDebiasing.name, input: "feature columns", expected: featureNames.count, found: X.cols
            )
        }
        let p = X.cols, h = hiddenUnits
        let expected = h == 0 ? p + 1 : p * h + 2 * h + 1
        guard h >= 0, predictor.count == expected else {
            throw MitigationError.lengthMismatch(
                method: AdversarialDebiasing.name, input: "predictor parameters", expected: expected,
                found: predictor.count)
        }
        return forward(X, rows: Array(0..<X.rows), dropout: []).logits.map(LogisticModel.sigmoid)
    }

    struct Forward {
        /// Pre-activations of the hidden layer (rows × H), row-major.
        var hidden: [Double]
        var logits: [Double]
    }

    func predictorVariables(inputs p: Int) -> [Range<Int>] {
        let h = hiddenUnits
        if h == 0 { return [0..<p, p..<(p + 1)] }
        return [
            0..<(p * h), (p * h)..<(p * h + h), (p * h + h)..<(p * h + 2 * h), (p * h + 2 * h)..<(p * h + 2 * h + 1),
        ]
    }

    func initialPredictor<G: RandomNumberGenerator>(inputs p: Int, rng: inout G) -> [Double] {
        let h = hiddenUnits
        if h == 0 { return Self.glorot(p, 1, rng: &rng) + [0] }
        return Self.glorot(p, h, rng: &rng) + [Double](repeating: 0, count: h) + Self.glorot(h, 1, rng: &rng) + [0]
    }

    func initialAdversary<G: RandomNumberGenerator>(rng: inout G) -> [Double] {
        Self.glorot(adversaryInputs, adversaryOutputs, rng: &rng) + [Double](repeating: 0, count: adversaryOutputs) + [
            1
        ]
    }

    /// Glorot-uniform: U(−√(6/(fan_in + fan_out)), +√(…)).
    static func glorot<G: RandomNumberGenerator>(_ fanIn: Int, _ fanOut: Int, rng: inout G) -> [Double] {
        let limit = (6 / Double(fanIn + fanOut)).squareRoot()
        return (0..<(fanIn * fanOut)).map { _ in (2 * rng.nextUnitDouble() - 1) * limit }
    }

    func forward(_ X: Matrix, rows: [Int], dropout: [Double]) -> Forward {
        let p = X.cols
        let h = hiddenUnits
        var logits = [Double](repeating: 0, count: rows.count)
        if h == 0 {
            for (r, i) in rows.enumerated() {
                var s = predictor[p]
                X.withRow(i) { x in for j in 0..<p { s += x[j] * predictor[j] } }
                logits[r] = s
            }
            return Forward(hidden: [], logits: logits)
        }
        var hidden = [Double](repeating: 0, count: rows.count * h)
        let b1 = p * h, w2 = p * h + h, b2 = p * h + 2 * h
        predictor.withUnsafeBufferPointer { w in
            for (r, i) in rows.enumerated() {
                X.withRow(i) { x in
                    for k in 0..<h { hidden[r * h + k] = w[b1 + k] }
                    for j in 0..<p {
                        let xj = x[j]
                        if xj == 0 { continue }
                        let base = j * h
                        for k in 0..<h { hidden[r * h + k] += xj * w[base + k] }
                    }
                }
                var s = w[b2]
                for k in 0..<h {
                    var a = max(hidden[r * h + k], 0)
                    if !dropout.isEmpty { a *= dropout[r * h + k] }
                    s += a * w[w2 + k]
                }
                logits[r] = s
            }
        }
        return Forward(hidden: hidden, logits: logits)
    }

    /// Mean binary cross-entropy of the predictor on the batch and its gradient.
    func predictorGradient(
        _ X: Matrix, rows: [Int], forward: Forward, labels: [UInt8], dropout: [Double]
    ) -> (loss: Double, gradient: [Double]) {
        let count = Double(rows.count)
        var loss = 0.0
        var dLogit = [Double](repeating: 0, count: rows.count)
        for (r, i) in rows.enumerated() {
            let z = forward.logits[r]
            let y = Double(labels[i])
            loss += max(z, 0) - z * y + log1p(exp(-abs(z)))
            dLogit[r] = (LogisticModel.sigmoid(z) - y) / count
        }
        return (loss / count, backpropagate(X, rows: rows, forward: forward, dLogit: dLogit, dropout: dropout).gradient)
    }

    /// ∂/∂(predictor parameters) of a loss whose gradient with respect to the batch logits is `dLogit`.
    func backpropagate(
        _ X: Matrix, rows: [Int], forward: Forward, dLogit: [Double], dropout: [Double]
    ) -> (gradient: [Double], unused: Void) {
        let p = X.cols
        let h = hiddenUnits
        var g = [Double](repeating: 0, count: predictor.count)
        if h == 0 {
            for (r, i) in rows.enumerated() where dLogit[r] != 0 {
                X.withRow(i) { x in for j in 0..<p { g[j] += dLogit[r] * x[j] } }
                g[p] += dLogit[r]
            }
            return (g, ())
        }
        let b1 = p * h, w2 = p * h + h, b2 = p * h + 2 * h
        var da = [Double](repeating: 0, count: h)
        for (r, i) in rows.enumerated() where dLogit[r] != 0 {
            let d = dLogit[r]
            g[b2] += d
            for k in 0..<h {
                let pre = forward.hidden[r * h + k]
                let scale = dropout.isEmpty ? 1 : dropout[r * h + k]
                let active = pre > 0 ? scale : 0
                g[w2 + k] += d * pre * active
                da[k] = d * predictor[w2 + k] * active
                g[b1 + k] += da[k]
            }
            X.withRow(i) { x in
                for j in 0..<p {
                    let xj = x[j]
                    if xj == 0 { continue }
                    let base = j * h
                    for k in 0..<h { g[base + k] += xj * da[k] }
                }
            }
        }
        return (g, ())
    }

    /// The adversary's mean loss on the rows it is trained on, its gradient with respect to
    /// its own parameters, and with respect to the batch logits (for the predictor update).
    func adversaryGradients(
        _ logits: [Double], rows: [Int], labels: [UInt8], groups: [Int32]
    ) -> (loss: Double, gradient: [Double], dLogit: [Double]) {
        let inputs = adversaryInputs, outputs = adversaryOutputs
        let biasStart = inputs * outputs
        let cIndex = biasStart + outputs
        let c = adversary[cIndex]
        let scale = 1 + abs(c)
        var included: [Int] = []
        for (r, i) in rows.enumerated() {
            switch target {
            case .equalOpportunity, .truePositiveRateParity: if labels[i] == 1 { included.append(r) }
            case .falsePositiveRateParity: if labels[i] == 0 { included.append(r) }
            default: included.append(r)
            }
        }
        var gradient = [Double](repeating: 0, count: adversary.count)
        var dLogit = [Double](repeating: 0, count: rows.count)
        guard !included.isEmpty else { return (0, gradient, dLogit) }
        let count = Double(included.count)
        var loss = 0.0
        for r in included {
            let i = rows[r]
            let z = logits[r]
            let s = LogisticModel.sigmoid(scale * z)
            let y = Double(labels[i])
            let u = inputs == 1 ? [s] : [s, s * y, s * (1 - y)]
            let du = inputs == 1 ? [1.0] : [1.0, y, 1 - y]
            var o = [Double](repeating: 0, count: outputs)
            for k in 0..<outputs {
                o[k] = adversary[biasStart + k]
                for j in 0..<inputs { o[k] += u[j] * adversary[j * outputs + k] }
            }
            let group = Int(groups[rows[r]])
            var residual = [Double](repeating: 0, count: outputs)
            if outputs == 1 {
                let t = group == 1 ? 1.0 : 0
                loss += max(o[0], 0) - o[0] * t + log1p(exp(-abs(o[0])))
                residual[0] = LogisticModel.sigmoid(o[0]) - t
            } else {
                let top = o.max() ?? 0
                let total = o.reduce(0) { $0 + exp($1 - top) }
                loss += log(total) + top - o[group]
                for k in 0..<outputs { residual[k] = exp(o[k] - top) / total - (k == group ? 1 : 0) }
            }
            var dS = 0.0
            for k in 0..<outputs {
                let rk = residual[k] / count
                gradient[biasStart + k] += rk
                for j in 0..<inputs {
                    gradient[j * outputs + k] += rk * u[j]
                    dS += rk * adversary[j * outputs + k] * du[j]
                }
            }
            let dPre = dS * s * (1 - s)  // ∂/∂(scale·z)
            dLogit[r] = dPre * scale
            gradient[cIndex] += dPre * z * (c > 0 ? 1 : (c < 0 ? -1 : 0))
        }
        return (loss / count, gradient, dLogit)
    }
}
