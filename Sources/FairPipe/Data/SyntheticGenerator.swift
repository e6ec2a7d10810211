/// Settings of the synthetic source (`data.synthetic`), whose bias is known by
/// construction so tests and demos have ground truth.
public struct SyntheticConfig: Codable, Equatable, Sendable {
    /// Number of rows.
    public var rows: Int = 10_000
    /// Groups of the `group` attribute and their proportions (sum 1).
    public var groups: [String: Double] = ["A": 0.7, "B": 0.3]
    /// True (latent) positive rate per group; one entry per group.
    public var baseRates: [String: Double] = ["A": 0.5, "B": 0.3]
    /// Levels of the second attribute `sex` and their proportions (sum 1); empty omits the
    /// column. Drawn independently of `group`, so every intersection occurs.
    public var sexes: [String: Double] = ["female": 0.5, "male": 0.5]
    /// Added to the true positive rate per `sex` level. With the defaults (±0.05 over
    /// equal shares) group base rates stay as configured while intersections differ.
    public var sexShift: [String: Double] = ["female": -0.05, "male": 0.05]
    /// The group whose truly positive members are relabelled negative.
    public var disadvantaged: String = "B"
    /// Share of the disadvantaged group's true positives whose observed label is 0
    /// (historical label bias). Observed base rate of that group = base rate × (1 − bias).
    public var labelBias: Double = 0.2
    /// Correlation in [0, 1] of the numeric `proxy` column with membership of the
    /// disadvantaged group (it carries no label information of its own).
    public var proxyStrength: Double = 0.6
    /// Number of numeric features `x1 … xk`.
    public var numericFeatures: Int = 6
    /// Number of categorical features `cat1 …` (levels `a`–`d`).
    public var categoricalFeatures: Int = 2
    /// Separation of the classes in the numeric features (`x_j` shifts by ±signal / j).
    public var signal: Double = 1.0
    /// Standard deviation of the Gaussian noise in the numeric features.
    public var noise: Double = 1.0
    /// A change from a given row on (rows are days of a log in `monitor demo-log`); unset: none.
    public var drift: SyntheticDrift? = nil

    public init() {}

    /// The sensitive attribute columns this config generates: `group`, and `sex` unless
    /// `sexes` is empty.
    public var attributeNames: [String] { sexes.isEmpty ? ["group"] : ["group", "sex"] }

    public func validate(prefix: String = "synthetic") throws {
        func invalid(_ key: String, _ expected: String, _ found: String) -> ConfigError {
            .invalidValue(key: "\(prefix).\(key)", expected: expected, found: found)
        }
        guard rows >= 1 else { throw invalid("rows", "an integer ≥ 1", "\(rows)") }
        guard !groups.isEmpty else { throw invalid("groups", "at least one group", "none") }
        try checkProportions(groups, key: "\(prefix).groups")
        if !sexes.isEmpty { try checkProportions(sexes, key: "\(prefix).sexes") }
        for name in groups.keys.sorted() {
            guard let rate = baseRates[name] else {
                throw invalid("base_rates", "a rate for every group", "none for `\(name)`")
            }
            for sex in sexes.keys.sorted() {
                let p = rate + (sexShift[sex] ?? 0)
                guard p.isFinite && p >= 0 && p <= 1 else {
                    throw invalid(
                        "base_rates", "base rate + sex shift in [0, 1]",
                        "\(NumberFormat.string(p)) for `\(name)` & `\(sex)`")
                }
            }
            guard rate >= 0 && rate <= 1 else {
                throw invalid("base_rates.\(name)", "a rate in [0, 1]", NumberFormat.string(rate))
            }
        }
        if let extra = baseRates.keys.sorted().first(where: { groups[$0] == nil }) {
            throw invalid("base_rates", "rates only for groups in `groups`", "`\(extra)`")
        }
        // With no `sex` column the shifts are unused (so `sexes: {}` alone turns it off).
        if !sexes.isEmpty, let extra = sexShift.keys.sorted().first(where: { sexes[$0] == nil }) {
            throw invalid("sex_shift", "shifts only for levels in `sexes`", "`\(extra)`")
        }
        guard groups[disadvantaged] != nil else {
            throw invalid(
                "disadvantaged", "one of the groups (\(groups.keys.sorted().joined(separator: ", ")))",
                "`\(disadvantaged)`")
        }
        guard labelBias >= 0 && labelBias <= 1 else {
            throw invalid("label_bias", "a share in [0, 1]", NumberFormat.string(labelBias))
        }
        guard proxyStrength >= 0 && proxyStrength <= 1 else {
            throw invalid("proxy_strength", "a correlation in [0, 1]", NumberFormat.string(proxyStrength))
        }
        guard numericFeatures >= 0 else { throw invalid("numeric_features", "an integer ≥ 0", "\(numericFeatures)") }
        guard categoricalFeatures >= 0 else {
            throw invalid("categorical_features", "an integer ≥ 0", "\(categoricalFeatures)")
        }
        guard numericFeatures + categoricalFeatures + (proxyStrength > 0 ? 1 : 0) >= 1 else {
            throw ConfigError.inconsistent(
                key: prefix, message: "no features: set numeric_features or categorical_features ≥ 1")
        }
        guard signal.isFinite && signal >= 0 else {
            throw invalid("signal", "a number ≥ 0", NumberFormat.string(signal))
        }
        guard noise.isFinite && noise >= 0 else { throw invalid("noise", "a number ≥ 0", NumberFormat.string(noise)) }
        if let drift {
            guard drift.fromRow >= 0 else { throw invalid("drift.from_row", "an integer ≥ 0", "\(drift.fromRow)") }
            if let shares = drift.groups {
                try checkProportions(shares, key: "\(prefix).drift.groups")
                guard Set(shares.keys) == Set(groups.keys) else {
                    throw invalid(
                        "drift.groups", "the same groups as `groups` (\(groups.keys.sorted().joined(separator: ", ")))",
                        shares.keys.sorted().joined(separator: ", "))
                }
            }
            if let bias = drift.labelBias, !(bias >= 0 && bias <= 1) {
                throw invalid("drift.label_bias", "a share in [0, 1]", NumberFormat.string(bias))
            }
        }
    }

    private func checkProportions(_ shares: [String: Double], key: String) throws {
        for name in shares.keys.sorted() {
            guard !name.isEmpty else {
                throw ConfigError.invalidValue(key: key, expected: "non-empty names", found: "an empty name")
            }
            let share = shares[name] ?? .nan
            guard share > 0 && share <= 1 else {
                throw ConfigError.invalidValue(
                    key: "\(key).\(name)", expected: "a proportion in (0, 1]", found: NumberFormat.string(share))
            }
        }
        let sum = shares.keys.sorted().reduce(0.0) { $0 + (shares[$1] ?? 0) }
        guard Swift.abs(sum - 1) <= 1e-9 else {
            throw ConfigError.inconsistent(
                key: key, message: "proportions must sum to 1, found \(NumberFormat.string(sum))")
        }
    }
}

/// `data.synthetic.drift`: from row `from_row` on, other group proportions and/or another
/// label bias. The draws per row are the same as without drift, so rows before `from_row`
/// are identical to an undrifted run.
public struct SyntheticDrift: Codable, Equatable, Sendable {
    public var fromRow: Int = 0
    /// Group proportions from `from_row` on (unset: unchanged).
    public var groups: [String: Double]? = nil
    /// Label bias from `from_row` on (unset: unchanged).
    public var labelBias: Double? = nil
    public init() {}
}

/// A synthetic table and the ground truth behind it.
public struct SyntheticData: Sendable {
    /// Columns `row_id`, `x1 … xk`, `proxy` (when `proxyStrength > 0`), `cat1 …`,
    /// `group`, `sex` (unless disabled) and the observed `label` (0/1).
    public var table: Table
    /// The latent true label of each row, before label bias (0/1).
    public var trueLabels: [UInt8]
}

/// Generates rows with a known bias.
///
/// Model, per row, in this order of draws from `Xoshiro256StarStar(seed:, stream: "synthetic")`:
/// 1. `group` ~ Categorical(groups) and `sex` ~ Categorical(sexes), independent (levels
///    taken in sorted name order, cumulative proportions against one uniform each).
/// 2. True label y ~ Bernoulli(baseRates[group] + sexShift[sex]).
/// 3. Observed label = 0 with probability `labelBias` when the row is in `disadvantaged`
///    and y = 1 (one uniform drawn for every row, so streams stay aligned); else y.
/// 4. `x_j = signal · (2y − 1) / j + noise · N(0, 1)` for j = 1 … k: features follow the
///    TRUE label, as in a world where the historical labels, not the people, are biased.
/// 5. `proxy = ρ·z + √(1 − ρ²)·N(0, 1)` with z the standardised indicator of the
///    disadvantaged group, so corr(proxy, membership) = ρ = `proxyStrength` exactly in
///    expectation.
/// 6. `cat_m`: with probability 0.4 `a` when y = 1 or `d` when y = 0, else uniform over
///    `a`–`d`.
/// Expected observed base rate of group g: `baseRates[g] + Σ_s sexes[s]·sexShift[s]`,
/// times `1 − labelBias` for the disadvantaged group. O(rows × features).
public enum SyntheticGenerator {
    public static func generate(_ config: SyntheticConfig, seed: UInt64) throws -> SyntheticData {
        try config.validate()
        var rng = Xoshiro256StarStar(seed: seed, stream: "synthetic")
        let n = config.rows
        let groupNames = config.groups.keys.sorted()
        let groupShares = groupNames.map { config.groups[$0] ?? 0 }
        let driftShares = config.drift?.groups.map { shares in groupNames.map { shares[$0] ?? 0 } } ?? groupShares
        let driftFrom = config.drift?.fromRow ?? Int.max
        let driftLabelBias = config.drift?.labelBias ?? config.labelBias
        let sexNames = config.sexes.keys.sorted()
        let sexShares = sexNames.map { config.sexes[$0] ?? 0 }
        let disadvantagedShare = config.groups[config.disadvantaged] ?? 0
        let rho = config.proxyStrength
        let proxyScale =
            disadvantagedShare > 0 && disadvantagedShare < 1
            ? 1 / (disadvantagedShare * (1 - disadvantagedShare)).squareRoot() : 0
        let categoricalLevels = ["a", "b", "c", "d"]

        var groupCodes = [Int32](repeating: 0, count: n)
        var sexCodes = [Int32](repeating: 0, count: n)
        var labels = [Double](repeating: 0, count: n)
        var trueLabels = [UInt8](repeating: 0, count: n)
        var numeric = [[Double]](repeating: [Double](repeating: 0, count: n), count: config.numericFeatures)
        var proxy = [Double](repeating: 0, count: rho > 0 ? n : 0)
        var categorical = [[Int32]](repeating: [Int32](repeating: 0, count: n), count: config.categoricalFeatures)

        for row in 0..<n {
            let drifted = row >= driftFrom
            let g = pick(rng.nextUnitDouble(), shares: drifted ? driftShares : groupShares)
            groupCodes[row] = Int32(g)
            var shift = 0.0
            if !sexNames.isEmpty {
                let s = pick(rng.nextUnitDouble(), shares: sexShares)
                sexCodes[row] = Int32(s)
                shift = config.sexShift[sexNames[s]] ?? 0
            }
            let rate = (config.baseRates[groupNames[g]] ?? 0) + shift
            let y = rng.nextUnitDouble() < rate ? 1 : 0
            trueLabels[row] = UInt8(y)
            let flip = rng.nextUnitDouble() < (drifted ? driftLabelBias : config.labelBias)
            let inDisadvantaged = groupNames[g] == config.disadvantaged
            labels[row] = (y == 1 && inDisadvantaged && flip) ? 0 : Double(y)
            let sign = Double(2 * y - 1)
            for j in 0..<config.numericFeatures {
                numeric[j][row] = config.signal * sign / Double(j + 1) + config.noise * rng.nextGaussian()
            }
            if rho > 0 {
                let z = ((inDisadvantaged ? 1 : 0) - disadvantagedShare) * proxyScale
                proxy[row] = rho * z + (1 - rho * rho).squareRoot() * rng.nextGaussian()
            }
            for m in 0..<config.categoricalFeatures {
                let informative = rng.nextUnitDouble() < 0.4
                let uniform = rng.nextIndex(below: categoricalLevels.count)
                categorical[m][row] = Int32(informative ? (y == 1 ? 0 : 3) : uniform)
            }
        }

        var columns = [Column(name: "row_id", numbers: (0..<n).map(Double.init))]
        for j in 0..<config.numericFeatures {
            columns.append(Column(name: "x\(j + 1)", numbers: numeric[j]))
        }
        if rho > 0 { columns.append(Column(name: "proxy", numbers: proxy)) }
        for m in 0..<config.categoricalFeatures {
            columns.append(
                Column(name: "cat\(m + 1)", values: .categorical(codes: categorical[m], levels: categoricalLevels)))
        }
        columns.append(Column(name: "group", values: .categorical(codes: groupCodes, levels: groupNames)))
        if !sexNames.isEmpty {
            columns.append(Column(name: "sex", values: .categorical(codes: sexCodes, levels: sexNames)))
        }
        columns.append(Column(name: "label", numbers: labels))
        return SyntheticData(table: Table(validated: columns, rowCount: n), trueLabels: trueLabels)
    }

    /// Index of the share whose cumulative interval holds `u` (the last one absorbs rounding).
    private static func pick(_ u: Double, shares: [Double]) -> Int {
        var cumulative = 0.0
        for (i, share) in shares.enumerated() {
            cumulative += share
            if u < cumulative { return i }
        }
        return shares.count - 1
    }
}
