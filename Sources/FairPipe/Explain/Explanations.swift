/// `explanations.json`: which features drive accuracy and each disparity, written by `explain`
/// and read by `report`. This is the one schema of the file.
public struct Explanations: Artefact, Equatable {
    public static let fileName = "explanations.json"
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int? = Explanations.currentSchemaVersion

    /// `logistic_regression`, `gradient_boosting`, `external`, …
    public var model: String
    /// The split explained.
    public var split: String
    public var rows: Int
    /// Decision threshold on the score (model.threshold).
    public var threshold: Double
    /// The sensitive attributes explained (each on its own, no intersections).
    public var attributes: [String]
    /// Raw features and the model columns each one covers.
    public var features: [RawFeature]
    public var permutation: PermutationImportanceReport
    public var partialDependence: [FeatureDependence]
    public var attribution: GapAttributionReport
    /// Features the data audit flags as proxies that also rank high in the disparity
    /// attribution, with a concrete recommendation.
    public var concerns: [ProxyConcern]
    public var notes: [String]
}

/// One raw (input) feature: a numeric column, or a categorical one and its one-hot columns.
public struct RawFeature: Codable, Equatable, Sendable {
    public var name: String
    /// `numeric` or `categorical`.
    public var type: String
    /// Model columns (encoded names), in model order.
    public var columns: [String]
}

/// What a score is: `accuracy` overall, `accuracy` within one group, or a disparity of one attribute.
public struct ScoreKey: Codable, Equatable, Hashable, Sendable {
    public var metric: String
    public var attribute: String?
    public var group: String?

    public init(metric: String, attribute: String? = nil, group: String? = nil) {
        self.metric = metric
        self.attribute = attribute
        self.group = group
    }

    /// `accuracy`, `accuracy[sex=Female]`, `demographic_parity_difference@sex`.
    public var label: String {
        if let attribute, let group { return "\(metric)[\(attribute)=\(group)]" }
        if let attribute { return "\(metric)@\(attribute)" }
        return metric
    }

    /// True for a between-group disparity (smaller is fairer).
    public var isDisparity: Bool { group == nil && attribute != nil }
}

/// Permutation importance (Breiman 2001; scikit-learn's `permutation_importance`): the drop in
/// a score when one raw feature's values are shuffled across rows, all its one-hot columns
/// together. For a disparity the drop is `baseline − permuted`, so a positive importance means
/// the feature carries part of the disparity.
public struct PermutationImportanceReport: Codable, Equatable, Sendable {
    public var nRepeats: Int
    public var baseline: [ScoreValue]
    /// In the order of ``Explanations/features``.
    public var features: [FeatureImportance]
}

public struct ScoreValue: Codable, Equatable, Sendable {
    public var key: ScoreKey
    /// Nil when undefined (e.g. a group with no positives for a TPR-based disparity).
    public var value: Double?
}

public struct FeatureImportance: Codable, Equatable, Sendable {
    public var feature: String
    /// One entry per baseline score, in the same order.
    public var scores: [ImportanceScore]
}

public struct ImportanceScore: Codable, Equatable, Sendable {
    public var key: ScoreKey
    public var baseline: Double?
    /// Mean of the score over the permuted repeats.
    public var permutedMean: Double?
    /// Mean and population standard deviation (numpy's `std`) of `baseline − permuted`.
    public var mean: Double?
    public var std: Double?
    /// `baseline − permuted` of each repeat (nil where the score was undefined).
    public var importances: [Double?]
}

/// Partial dependence and ICE curves of one raw feature (scikit-learn's `method="brute"`):
/// the model's mean score with the feature set to each grid value for every row, overall and
/// averaged within each group.
public struct FeatureDependence: Codable, Equatable, Sendable {
    public var feature: String
    public var type: String
    /// Numeric: grid values in the feature's raw units.
    public var grid: [Double]?
    /// Categorical: every training category.
    public var categories: [String]?
    /// Mean score over every row, per grid point.
    public var average: [Double]
    public var groups: [GroupDependence]
}

public struct GroupDependence: Codable, Equatable, Sendable {
    public var attribute: String
    public var group: String
    public var n: Int
    /// Mean score over the group's rows, per grid point.
    public var average: [Double]
    /// Row numbers (0-based, in the explained split) of the sampled ICE curves.
    public var iceRows: [Int]
    /// One curve per sampled row.
    public var ice: [[Double]]
}

/// Exact additive attribution of the gap between two groups in mean margin (log-odds) and
/// mean score.
public struct GapAttributionReport: Codable, Equatable, Sendable {
    /// `linear` (β_j times the difference of group means), `tree_shap` (path-dependent TreeSHAP),
    /// or nil when the model gives only predictions.
    public var method: String?
    /// How the terms are defined, or why there are none.
    public var note: String
    /// The expected margin the per-row attributions are measured from.
    public var baseMargin: Double?
    public var bootstrap: Int
    public var confidence: Double
    public var gaps: [GroupGap]
}

/// One attribute's gap: the group with the highest mean score minus the group with the lowest
/// (among groups of at least fairness.min_group_size rows).
public struct GroupGap: Codable, Equatable, Sendable {
    public var attribute: String
    public var higher: String
    public var lower: String
    public var nHigher: Int
    public var nLower: Int
    /// mean margin(higher) − mean margin(lower) = Σ features' `margin`, exactly.
    public var marginGap: Double
    /// mean score(higher) − mean score(lower) = Σ features' `score`, exactly.
    public var scoreGap: Double
    /// Per raw feature, by decreasing |margin|.
    public var features: [FeatureGap]
}

public struct FeatureGap: Codable, Equatable, Sendable {
    public var feature: String
    public var margin: Double
    public var marginCI: [Double]?
    public var score: Double
    public var scoreCI: [Double]?
}

/// A feature make-dataset's audit flags as a proxy of an attribute that also ranks among the
/// top features of that attribute's gap attribution (or, without attributions, its disparity
/// permutation importance).
public struct ProxyConcern: Codable, Equatable, Sendable {
    public var feature: String
    public var attribute: String
    /// The audit's association measure and value (`cramers_v` 0.45).
    public var association: String
    public var associationValue: Double
    /// 1-based rank of the feature in the attribution (or importance) for this attribute.
    public var rank: Int
    /// The feature's share of the margin gap (nil without attributions).
    public var gapShare: Double?
    /// The target disparity the expected effect is measured on, its value, and its mean with
    /// the feature permuted (the effect of removing the feature's information).
    public var disparity: String
    public var disparityBefore: Double?
    public var disparityPermuted: Double?
    public var accuracyBefore: Double?
    public var accuracyPermuted: Double?
    /// Mitigation methods that act on the feature, best first, and the alternative of dropping it.
    public var methods: [String]
    public var recommendation: String
}
