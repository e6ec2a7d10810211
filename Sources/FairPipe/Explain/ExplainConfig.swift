/// Which split `explain` explains.
public enum ExplainSplit: String, Codable, CaseIterable, Sendable, ConfigEnum {
    case validation, test

    var split: SplitName { self == .test ? .test : .validation }
}

/// The `explain:` section of `pipeline.yml`: which features drive accuracy and each disparity.
///
/// ```yaml
/// explain:
///   split: test                 # the split explained
///   n_repeats: 5                # permutations per feature (scikit-learn's permutation_importance)
///   targets: [demographic_parity_difference, equalized_odds_difference]
///   top_k: 3                    # features with partial-dependence curves and audit ties
///   grid_resolution: 100        # numeric grid points between the percentiles
///   percentiles: [0.05, 0.95]
///   ice_samples: 10             # ICE curves kept per group (the group mean uses every row)
///   bootstrap: 200              # resamples for the gap-attribution intervals (0: none)
///   confidence: 0.95
/// ```
public struct ExplainConfig: ConfigSection {
    public var split: ExplainSplit = .test
    /// Permutations per raw feature; importance is the mean and (population) standard
    /// deviation over them, as scikit-learn's `permutation_importance`.
    public var nRepeats: Int = 5
    /// Between-group disparities (metrics.json keys) that permutation importance is scored on,
    /// for every sensitive attribute.
    public var targets: [String] = ["demographic_parity_difference", "equalized_odds_difference"]
    /// How many features, by disparity importance, get partial-dependence and ICE curves.
    public var topK: Int = 3
    /// Grid points for a numeric feature (fewer when it has fewer distinct values).
    public var gridResolution: Int = 100
    /// The numeric grid spans these quantiles (scipy's `mquantiles`, as scikit-learn).
    public var percentiles: [Double] = [0.05, 0.95]
    /// Individual (ICE) curves written per group; the group average always uses every row.
    public var iceSamples: Int = 10
    /// Bootstrap resamples (within each of the two groups) for attribution intervals; 0: none.
    public var bootstrap: Int = 200
    public var confidence: Double = 0.95

    public init() {}

    public func validate() throws {
        guard (1...10_000).contains(nRepeats) else {
            throw ConfigError.invalidValue(key: "n_repeats", expected: "an integer in 1...10000", found: "\(nRepeats)")
        }
        let known = Set(
            Disparity.allCases.filter { !$0.needsScores }.flatMap(\.keys).filter { $0.contains("_difference") })
        for target in targets where !known.contains(target) {
            let suggestion = closestMatch(to: target, among: known.sorted()).map { " (did you mean `\($0)`?)" } ?? ""
            throw ConfigError.invalidValue(
                key: "targets",
                expected:
                    "between-group differences of decisions (smaller is fairer), e.g. demographic_parity_difference\(suggestion)",
                found: "`\(target)`")
        }
        guard topK >= 0 else {
            throw ConfigError.invalidValue(key: "top_k", expected: "an integer ≥ 0", found: "\(topK)")
        }
        guard (2...10_000).contains(gridResolution) else {
            throw ConfigError.invalidValue(
                key: "grid_resolution", expected: "an integer in 2...10000", found: "\(gridResolution)")
        }
        guard percentiles.count == 2, percentiles[0] >= 0, percentiles[1] <= 1, percentiles[0] < percentiles[1] else {
            throw ConfigError.invalidValue(
                key: "percentiles", expected: "two numbers 0 ≤ low < high ≤ 1",
                found: "[\(percentiles.map { NumberFormat.string($0) }.joined(separator: ", "))]")
        }
        guard iceSamples >= 0 else {
            throw ConfigError.invalidValue(key: "ice_samples", expected: "an integer ≥ 0", found: "\(iceSamples)")
        }
        guard bootstrap >= 0 else {
            throw ConfigError.invalidValue(
                key: "bootstrap", expected: "an integer ≥ 0 (0: no intervals)", found: "\(bootstrap)")
        }
        guard confidence > 0, confidence < 1 else {
            throw ConfigError.invalidValue(key: "confidence", expected: "a number in (0, 1)", found: "\(confidence)")
        }
    }
}
