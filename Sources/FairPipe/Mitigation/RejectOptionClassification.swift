/// The fairness metric reject option classification keeps within bounds (AIF360's `metric_name`).
/// All are signed, unprivileged − privileged (AIF360's convention).
public enum RejectOptionMetric: String, Codable, CaseIterable, Sendable {
    /// "Statistical parity difference": SR_u − SR_p.
    case statisticalParityDifference = "statistical_parity_difference"
    /// "Average odds difference": ½[(FPR_u − FPR_p) + (TPR_u − TPR_p)].
    case averageOddsDifference = "average_odds_difference"
    /// "Equal opportunity difference": TPR_u − TPR_p.
    case equalOpportunityDifference = "equal_opportunity_difference"

    /// The metric that expresses `target`, or `nil` when none does.
    public init?(target: FairnessTarget) {
        switch target {
        case .demographicParity: self = .statisticalParityDifference
        case .equalOpportunity, .truePositiveRateParity: self = .equalOpportunityDifference
        case .equalizedOdds: self = .averageOddsDifference
        case .falsePositiveRateParity, .errorRateParity: return nil
        }
    }
}

/// Reject option classification of Kamiran, Karim & Zhang (2012), "Decision Theory for
/// Discrimination-Aware Classification", as AIF360's `RejectOptionClassification`.
///
/// In the critical region t − θ < score ≤ t + θ around the classification threshold t,
/// unprivileged rows get the favourable and privileged rows the unfavourable decision;
/// outside it, decision = score > t. The fit is AIF360's grid search: thresholds
/// `linspace(low, high, thresholdCount)`, for each margins `linspace(0, min(t, 1 − t),
/// marginCount)`; among the (t, θ) whose metric lies in [lower, upper], the first with the
/// highest balanced accuracy; when none does, the first with the *smallest* (signed) metric,
/// as AIF360 does, and `boundMet` is false.
///
/// Every (t, θ) reduces to three cut-offs (privileged favourable iff score > t + θ,
/// unprivileged iff score > t − θ, others iff score > t), so each grid point costs
/// O(log n) binary searches on per-(class, label) sorted scores instead of AIF360's O(n)
/// pass: O(n log n + T·M·log n) in all.
public struct RejectOptionClassification: Postprocessor {
    public var metric: RejectOptionMetric
    /// Names of the privileged groups; every other group is unprivileged.
    public var privileged: [String]
    public var lowThreshold: Double
    public var highThreshold: Double
    public var thresholdCount: Int
    public var marginCount: Int
    public var metricLower: Double
    public var metricUpper: Double

    public init(
        metric: RejectOptionMetric = .statisticalParityDifference, privileged: [String],
        lowThreshold: Double = 0.01, highThreshold: Double = 0.99, thresholdCount: Int = 100,
        marginCount: Int = 50, metricLower: Double = -0.05, metricUpper: Double = 0.05
    ) {
        self.metric = metric
        self.privileged = privileged
        self.lowThreshold = lowThreshold
        self.highThreshold = highThreshold
        self.thresholdCount = thresholdCount
        self.marginCount = marginCount
        self.metricLower = metricLower
        self.metricUpper = metricUpper
    }

    static let name = "reject_option_classification"

    /// Scores of one (class, label) cell sorted ascending, for counting `score > c`.
    struct SortedCell {
        var scores: [Double]
        init(_ values: [Double]) { scores = values.sorted() }
        var count: Double { Double(scores.count) }
        /// Number of scores strictly greater than `cut`.
        func above(_ cut: Double) -> Double {
            var low = 0, high = scores.count
            while low < high {
                let mid = (low + high) / 2
                if scores[mid] <= cut { low = mid + 1 } else { high = mid }
            }
            return Double(scores.count - low)
        }
    }

    public func fit(
        scores: [Double], labels: [UInt8], groups: [Int32], groupNames: [String]
    ) throws -> RejectOptionModel {
        let name = Self.name
        try MitigationInput.check(
            method: name, scores: scores, labels: labels, groups: groups, groupCount: groupNames.count)
        guard lowThreshold >= 0, highThreshold <= 1, lowThreshold < highThreshold, thresholdCount >= 1, marginCount >= 1
        else {
            throw MitigationError.invalidParameter(
                method: name, name: "roc_low_threshold/roc_high_threshold/counts",
                expected: "0 ≤ low < high ≤ 1 and counts ≥ 1",
                found: "\(lowThreshold), \(highThreshold), \(thresholdCount), \(marginCount)")
        }
        let isPrivileged = try Self.privilegedMask(privileged, groupNames: groupNames, method: name)
        // Cells: [class][label], class 0 = privileged, 1 = unprivileged.
        var values = [[[Double]]](repeating: [[], []], count: 2)
        for row in scores.indices {
            values[isPrivileged[Int(groups[row])] ? 0 : 1][Int(labels[row])].append(scores[row])
        }
        let cells = values.map { $0.map(SortedCell.init) }
        for (index, className) in ["privileged", "unprivileged"].enumerated() {
            let needsBoth = metric != .statisticalParityDifference
            if cells[index][0].count + cells[index][1].count == 0 {
                throw MitigationError.emptyGroup(method: name, group: className)
            }
            if needsBoth && (cells[index][0].count == 0 || cells[index][1].count == 0) {
                throw MitigationError.degenerateLabels(
                    method: name, group: className, found: cells[index][1].count == 0 ? "label 0" : "label 1")
            }
        }
        let positives = cells[0][1].count + cells[1][1].count
        let negatives = cells[0][0].count + cells[1][0].count
        guard positives > 0 && negatives > 0 else {
            throw MitigationError.degenerateLabels(
                method: name, group: "all rows", found: positives > 0 ? "label 1" : "label 0")
        }

        var best: RejectOptionModel.Candidate?
        var smallest: RejectOptionModel.Candidate?
        var evaluated = 0
        for threshold in linspace(lowThreshold, highThreshold, thresholdCount) {
            let highMargin = threshold <= 0.5 ? threshold : 1.0 - threshold
            for margin in linspace(0.0, highMargin, marginCount) {
                evaluated += 1
                let candidate = evaluate(
                    cells: cells, threshold: threshold, margin: margin, positives: positives, negatives: negatives)
                if candidate.metricValue >= metricLower && candidate.metricValue <= metricUpper {
                    if best == nil || candidate.balancedAccuracy > best!.balancedAccuracy { best = candidate }
                }
                if smallest == nil || candidate.metricValue < smallest!.metricValue { smallest = candidate }
            }
        }
        let chosen = best ?? smallest!
        return RejectOptionModel(
            metric: metric, metricLower: metricLower, metricUpper: metricUpper, groupNames: groupNames,
            privileged: groupNames.indices.filter { isPrivileged[$0] }.map { groupNames[$0] },
            classificationThreshold: chosen.threshold, margin: chosen.margin, boundMet: best != nil,
            metricValue: chosen.metricValue, balancedAccuracy: chosen.balancedAccuracy, candidatesEvaluated: evaluated)
    }

    private func evaluate(
        cells: [[SortedCell]], threshold: Double, margin: Double, positives: Double, negatives: Double
    ) -> RejectOptionModel.Candidate {
        // Decision cut-offs (see type doc): the critical region only moves the cut.
        let cut = [threshold + margin, threshold - margin]
        var rates: [WeightedConfusion] = []
        for c in 0..<2 {
            let tp = cells[c][1].above(cut[c])
            let fp = cells[c][0].above(cut[c])
            rates.append(
                WeightedConfusion(
                    truePositives: tp, falsePositives: fp,
                    trueNegatives: cells[c][0].count - fp, falseNegatives: cells[c][1].count - tp))
        }
        let total = rates[0] + rates[1]
        let tpr = total.truePositives / positives
        let tnr = total.trueNegatives / negatives
        let balanced = 0.5 * (tpr + tnr)
        let value: Double
        switch metric {
        case .statisticalParityDifference:
            value = rates[1].predictedPositives / rates[1].count - rates[0].predictedPositives / rates[0].count
        case .averageOddsDifference:
            value =
                0.5
                * ((rates[1].falsePositiveRate - rates[0].falsePositiveRate)
                    + (rates[1].truePositiveRate - rates[0].truePositiveRate))
        case .equalOpportunityDifference:
            value = rates[1].truePositiveRate - rates[0].truePositiveRate
        }
        return .init(threshold: threshold, margin: margin, metricValue: value, balancedAccuracy: balanced)
    }

    /// `mask[code]` is true for the named privileged groups; throws on an unknown name or
    /// when either side would be empty.
    static func privilegedMask(_ privileged: [String], groupNames: [String], method: String) throws -> [Bool] {
        var mask = [Bool](repeating: false, count: groupNames.count)
        for name in privileged {
            guard let code = groupNames.firstIndex(of: name) else {
                throw MitigationError.invalidParameter(
                    method: method, name: "privileged_group", expected: "one of \(groupNames.joined(separator: ", "))",
                    found: name)
            }
            mask[code] = true
        }
        guard mask.contains(true), mask.contains(false) else {
            throw MitigationError.invalidParameter(
                method: method, name: "privileged_group", expected: "a non-empty proper subset of the groups",
                found: "[\(privileged.joined(separator: ", "))]")
        }
        return mask
    }
}

/// The fitted reject option classifier: a threshold and a margin.
public struct RejectOptionModel: FittedPostprocessor {
    struct Candidate {
        var threshold: Double
        var margin: Double
        var metricValue: Double
        var balancedAccuracy: Double
    }

    public var metric: RejectOptionMetric
    public var metricLower: Double
    public var metricUpper: Double
    public var groupNames: [String]
    public var privileged: [String]
    public var classificationThreshold: Double
    /// Half-width θ of the critical region (AIF360's `ROC_margin`).
    public var margin: Double
    /// Whether any (threshold, margin) met the metric bounds on the fitting data.
    public var boundMet: Bool
    /// The metric and balanced accuracy at the chosen point, on the fitting data.
    public var metricValue: Double
    public var balancedAccuracy: Double
    public var candidatesEvaluated: Int

    /// Deterministic decisions; `rng` is not used.
    public func apply<G: RandomNumberGenerator>(scores: [Double], groups: [Int32], rng: inout G) throws -> [UInt8] {
        try decisions(scores: scores, groups: groups)
    }

    public func decisions(scores: [Double], groups: [Int32]) throws -> [UInt8] {
        let name = RejectOptionClassification.name
        try MitigationInput.check(
            method: name, scores: scores, labels: nil, groups: groups, groupCount: groupNames.count)
        let mask = try RejectOptionClassification.privilegedMask(privileged, groupNames: groupNames, method: name)
        let upper = classificationThreshold + margin
        let lower = classificationThreshold - margin
        return scores.indices.map { row in
            let score = scores[row]
            var favourable = score > classificationThreshold
            if score <= upper && score > lower {
                favourable = !mask[Int(groups[row])]
            }
            return favourable ? 1 : 0
        }
    }
}
