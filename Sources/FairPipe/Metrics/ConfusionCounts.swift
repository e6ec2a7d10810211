import Foundation

/// Counts of one (group, label, decision) table: the sufficient statistic of every
/// decision-based fairness metric. Counts add, so shards merge exactly.
public struct ConfusionCounts: Equatable, Hashable, Sendable, Codable {
    public var tp: Int = 0
    public var fp: Int = 0
    public var tn: Int = 0
    public var fn: Int = 0

    public init(tp: Int = 0, fp: Int = 0, tn: Int = 0, fn: Int = 0) {
        self.tp = tp; self.fp = fp; self.tn = tn; self.fn = fn
    }

    public var n: Int { tp + fp + tn + fn }
    /// Rows with label 1.
    public var positives: Int { tp + fn }
    /// Rows with label 0.
    public var negatives: Int { fp + tn }
    /// Rows with decision 1.
    public var selected: Int { tp + fp }

    public mutating func add(label: UInt8, decision: UInt8, count: Int = 1) {
        switch (label, decision) {
        case (1, 1): tp += count
        case (0, 1): fp += count
        case (0, _): tn += count
        default: fn += count
        }
    }

    /// Counts of each group `0..<groups` in one pass, for code that works on counts directly
    /// (mitigation, threshold search). Inputs must be valid (0/1, codes in range): the caller
    /// checked them, e.g. with ``PredictionSet/validate()``. O(N).
    public static func byGroup(labels: [UInt8], decisions: [UInt8], codes: [Int32], groups: Int) -> [ConfusionCounts] {
        var cells = [Int](repeating: 0, count: groups * 4)
        for i in labels.indices { cells[Int(codes[i]) * 4 + Int(labels[i]) * 2 + Int(decisions[i])] += 1 }
        return (0..<groups).map { g in
            ConfusionCounts(tp: cells[g * 4 + 3], fp: cells[g * 4 + 1], tn: cells[g * 4], fn: cells[g * 4 + 2])
        }
    }

    public static func + (a: ConfusionCounts, b: ConfusionCounts) -> ConfusionCounts {
        ConfusionCounts(tp: a.tp + b.tp, fp: a.fp + b.fp, tn: a.tn + b.tn, fn: a.fn + b.fn)
    }

    public static func += (a: inout ConfusionCounts, b: ConfusionCounts) { a = a + b }
}

/// Per-group metrics (the key names of metrics.json).
public enum GroupMetric: String, CaseIterable, Sendable, Codable {
    case selectionRate = "selection_rate"
    case baseRate = "base_rate"
    case accuracy
    case errorRate = "error_rate"
    case balancedAccuracy = "balanced_accuracy"
    case truePositiveRate = "true_positive_rate"
    case falsePositiveRate = "false_positive_rate"
    case trueNegativeRate = "true_negative_rate"
    case falseNegativeRate = "false_negative_rate"
    case positivePredictiveValue = "positive_predictive_value"
    case negativePredictiveValue = "negative_predictive_value"
    case falseDiscoveryRate = "false_discovery_rate"
    case falseOmissionRate = "false_omission_rate"
    case f1
    case auc
    case brier
    case logLoss = "log_loss"
    case ece

    /// Metrics that need scores.
    public var needsScores: Bool { [.auc, .brier, .logLoss, .ece].contains(self) }

    /// For a proportion x/n of the counts: (x, n), which gives its Jeffreys interval.
    /// Nil for metrics that are not a single proportion.
    public func proportion(_ c: ConfusionCounts) -> (successes: Int, trials: Int)? {
        switch self {
        case .selectionRate: return (c.selected, c.n)
        case .baseRate: return (c.positives, c.n)
        case .accuracy: return (c.tp + c.tn, c.n)
        case .errorRate: return (c.fp + c.fn, c.n)
        case .truePositiveRate: return (c.tp, c.positives)
        case .falsePositiveRate: return (c.fp, c.negatives)
        case .trueNegativeRate: return (c.tn, c.negatives)
        case .falseNegativeRate: return (c.fn, c.positives)
        case .positivePredictiveValue: return (c.tp, c.tp + c.fp)
        case .negativePredictiveValue: return (c.tn, c.tn + c.fn)
        case .falseDiscoveryRate: return (c.fp, c.tp + c.fp)
        case .falseOmissionRate: return (c.fn, c.tn + c.fn)
        default: return nil
        }
    }

    /// The metric of counts alone, or nil for score metrics. Undefined (0/0) is NaN here;
    /// reports turn it into null with ``undefinedReason(_:)``.
    public func value(_ c: ConfusionCounts) -> Double {
        if let (x, n) = proportion(c) { return n == 0 ? .nan : Double(x) / Double(n) }
        switch self {
        case .balancedAccuracy:
            guard c.positives > 0, c.negatives > 0 else { return .nan }
            return (Double(c.tp) / Double(c.positives) + Double(c.tn) / Double(c.negatives)) / 2
        case .f1:
            let d = 2 * c.tp + c.fp + c.fn
            return d == 0 ? .nan : Double(2 * c.tp) / Double(d)
        default:
            return .nan
        }
    }

    /// Why the metric is undefined for these counts (nil when it is defined or needs scores).
    public func undefinedReason(_ c: ConfusionCounts, hasScores: Bool) -> String? {
        if needsScores && !hasScores { return "no scores given" }
        if c.n == 0 { return "empty group (n = 0)" }
        switch self {
        case .truePositiveRate, .falseNegativeRate: return c.positives == 0 ? "no positives (tp + fn = 0)" : nil
        case .falsePositiveRate, .trueNegativeRate: return c.negatives == 0 ? "no negatives (fp + tn = 0)" : nil
        case .positivePredictiveValue, .falseDiscoveryRate:
            return c.selected == 0 ? "no positive decisions (tp + fp = 0)" : nil
        case .negativePredictiveValue, .falseOmissionRate:
            return c.tn + c.fn == 0 ? "no negative decisions (tn + fn = 0)" : nil
        case .balancedAccuracy, .auc:
            if c.positives == 0 { return "no positives (tp + fn = 0)" }
            if c.negatives == 0 { return "no negatives (fp + tn = 0)" }
            return nil
        case .f1:
            return 2 * c.tp + c.fp + c.fn == 0 ? "no positives and no positive decisions (2tp + fp + fn = 0)" : nil
        default: return nil
        }
    }
}

/// A between-groups disparity family (fairlearn's conventions): `<name>_difference`
/// (max − min over groups) and, where meaningful, `<name>_ratio` (min / max); each also
/// `_to_overall` (max |group − overall| and min over groups of min(g/o, o/g)).
public enum Disparity: String, CaseIterable, Sendable {
    case demographicParity = "demographic_parity"
    case equalizedOdds = "equalized_odds"
    case equalOpportunity = "equal_opportunity"
    case falsePositiveRate = "false_positive_rate"
    case falseNegativeRate = "false_negative_rate"
    case predictiveParity = "predictive_parity"
    case accuracy
    case errorRate = "error_rate"
    case auc
    case ece

    /// The group metrics it compares; equalized odds takes the worse of its two.
    public var metrics: [GroupMetric] {
        switch self {
        case .demographicParity: return [.selectionRate]
        case .equalizedOdds: return [.truePositiveRate, .falsePositiveRate]
        case .equalOpportunity: return [.truePositiveRate]
        case .falsePositiveRate: return [.falsePositiveRate]
        case .falseNegativeRate: return [.falseNegativeRate]
        case .predictiveParity: return [.positivePredictiveValue]
        case .accuracy: return [.accuracy]
        case .errorRate: return [.errorRate]
        case .auc: return [.auc]
        case .ece: return [.ece]
        }
    }

    public var hasRatio: Bool { self != .auc && self != .ece }
    public var needsScores: Bool { self == .auc || self == .ece }

    /// Output keys in a fixed order.
    public var keys: [String] {
        var keys = ["\(rawValue)_difference"]
        if hasRatio { keys.append("\(rawValue)_ratio") }
        keys.append("\(rawValue)_difference_to_overall")
        if hasRatio { keys.append("\(rawValue)_ratio_to_overall") }
        return keys
    }

    public static var allKeys: [String] { allCases.flatMap(\.keys) }
}

/// Metrics of each group against the attribute's reference group (AIF360's conventions:
/// signed, group − reference, the group in the role of AIF360's "unprivileged").
public enum ReferenceMetric: String, CaseIterable, Sendable {
    case statisticalParityDifference = "statistical_parity_difference"
    case disparateImpact = "disparate_impact"
    case equalOpportunityDifference = "equal_opportunity_difference"
    case averageOddsDifference = "average_odds_difference"
    case equalizedOddsDifference = "equalized_odds_difference"

    /// From the group's and the reference's metric vectors (indexed by GroupMetric order).
    func value(group g: (GroupMetric) -> Double, reference r: (GroupMetric) -> Double) -> Double {
        switch self {
        case .statisticalParityDifference: return g(.selectionRate) - r(.selectionRate)
        case .disparateImpact:
            let d = r(.selectionRate)
            return d == 0 || d.isNaN ? .nan : g(.selectionRate) / d
        case .equalOpportunityDifference: return g(.truePositiveRate) - r(.truePositiveRate)
        case .averageOddsDifference:
            return 0.5
                * ((g(.falsePositiveRate) - r(.falsePositiveRate)) + (g(.truePositiveRate) - r(.truePositiveRate)))
        case .equalizedOddsDifference:
            let a = abs(g(.falsePositiveRate) - r(.falsePositiveRate)),
                b = abs(g(.truePositiveRate) - r(.truePositiveRate))
            return a.isNaN || b.isNaN ? .nan : max(a, b)
        }
    }

    var inputs: [GroupMetric] {
        switch self {
        case .statisticalParityDifference, .disparateImpact: return [.selectionRate]
        case .equalOpportunityDifference: return [.truePositiveRate]
        case .averageOddsDifference, .equalizedOddsDifference: return [.falsePositiveRate, .truePositiveRate]
        }
    }
}

/// Between-individual measures on the whole sample.
public enum IndividualMetric: String, CaseIterable, Sendable {
    case theilIndex = "theil_index"
    case generalizedEntropyIndex = "generalized_entropy_index"
    case consistency
}

/// Generalized entropy indices of the benefit b = ŷ − y + 1 (Speicher et al., KDD 2018, eq. 2),
/// from counts alone: b = 0 for false negatives, 2 for false positives, 1 otherwise.
public enum InequalityIndex {
    /// GE(α) = 1/(n α(α−1)) Σ [(b/μ)^α − 1]; α = 1 is the Theil index (1/n) Σ (b/μ) ln(b/μ)
    /// with 0 ln 0 = 0; α = 0 is −(1/n) Σ ln(b/μ), infinite (NaN here) when some b = 0.
    public static func generalizedEntropy(_ c: ConfusionCounts, alpha: Double) -> Double {
        let n = Double(c.n)
        guard n > 0 else { return .nan }
        let counts: [(b: Double, k: Double)] = [(0, Double(c.fn)), (1, Double(c.tp + c.tn)), (2, Double(c.fp))]
        let mu = (Double(c.tp + c.tn) + 2 * Double(c.fp)) / n
        guard mu > 0 else { return .nan }
        var sum = 0.0
        for (b, k) in counts where k > 0 {
            let r = b / mu
            if alpha == 1 {
                if r > 0 { sum += k * r * log(r) }
            } else if alpha == 0 {
                if r == 0 { return .nan }
                sum -= k * log(r)
            } else {
                sum += k * (pow(r, alpha) - 1)
            }
        }
        if alpha == 1 || alpha == 0 { return sum / n }
        return sum / (n * alpha * (alpha - 1))
    }
}
