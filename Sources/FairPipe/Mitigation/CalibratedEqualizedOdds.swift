/// Calibrated equalized odds of Pleiss, Raghavan, Wu, Kleinberg & Weinberger (2017),
/// "On Fairness and Calibration", as AIF360's `CalibratedEqOddsPostprocessing`.
///
/// With calibrated scores one can only equalise one *generalized* error rate (§3): the
/// group with the lower cost withholds its scores with probability α and outputs its base
/// rate instead (the trivial, still calibrated, predictor). With costs c (generalized FPR
/// Σ_{y=0} s / N₀, generalized FNR Σ_{y=1} (1 − s) / N₁, or their base-rate weighted mix)
/// and c_triv the cost of the trivial predictor:
///     α_priv = (c_unpriv − c_priv) / (c_priv,triv − c_priv)   if c_unpriv > c_priv, else 0,
///     α_unpriv = (c_priv − c_unpriv) / (c_unpriv,triv − c_unpriv)   otherwise.
/// Decisions: score (or the base rate, when withheld) ≥ `decisionThreshold`.
///
/// Groups are two classes: the privileged groups named, and all others pooled (AIF360's
/// privileged / unprivileged condition). Randomization draws one uniform per row of a
/// class whose mixing rate is strictly between 0 and 1, in row order (AIF360 draws with
/// numpy's global generator, which FairPipe does not reproduce: the rates match, the
/// individual draws cannot).
public struct CalibratedEqualizedOdds: Postprocessor {
    public var costConstraint: CostConstraint
    public var privileged: [String]
    public var decisionThreshold: Double

    public init(costConstraint: CostConstraint = .weighted, privileged: [String], decisionThreshold: Double = 0.5) {
        self.costConstraint = costConstraint
        self.privileged = privileged
        self.decisionThreshold = decisionThreshold
    }

    static let name = "calibrated_equalized_odds"

    /// Per-class sums a cost needs.
    struct ClassSums {
        var count = 0.0, positives = 0.0, negatives = 0.0
        var scoreOnNegatives = 0.0, oneMinusScoreOnPositives = 0.0
        var baseRate: Double { positives / count }
        var generalizedFPR: Double { scoreOnNegatives / negatives }
        var generalizedFNR: Double { oneMinusScoreOnPositives / positives }
    }

    public func fit(
        scores: [Double], labels: [UInt8], groups: [Int32], groupNames: [String]
    ) throws -> CalibratedEqualizedOddsModel {
        let name = Self.name
        try MitigationInput.check(
            method: name, scores: scores, labels: labels, groups: groups, groupCount: groupNames.count)
        let mask = try RejectOptionClassification.privilegedMask(privileged, groupNames: groupNames, method: name)
        var sums = [ClassSums(), ClassSums()]  // 0 = privileged, 1 = unprivileged
        for row in scores.indices {
            let c = mask[Int(groups[row])] ? 0 : 1
            sums[c].count += 1
            if labels[row] == 1 {
                sums[c].positives += 1
                sums[c].oneMinusScoreOnPositives += 1 - scores[row]
            } else {
                sums[c].negatives += 1
                sums[c].scoreOnNegatives += scores[row]
            }
        }
        for (c, className) in ["privileged", "unprivileged"].enumerated()
        where sums[c].positives == 0 || sums[c].negatives == 0 {
            throw MitigationError.degenerateLabels(
                method: name, group: className, found: sums[c].positives == 0 ? "label 0" : "label 1")
        }
        let (fpWeight, fnWeight): (Double, Double)
        switch costConstraint {
        case .fpr: (fpWeight, fnWeight) = (1, 0)
        case .fnr: (fpWeight, fnWeight) = (0, 1)
        case .weighted: (fpWeight, fnWeight) = (1, 1)
        }
        func cost(_ s: ClassSums, trivial: Bool) -> Double {
            // The trivial predictor outputs the base rate r: GFPR = r, GFNR = 1 − r.
            let gfpr = trivial ? s.baseRate : s.generalizedFPR
            let gfnr = trivial ? 1 - s.baseRate : s.generalizedFNR
            switch costConstraint {
            case .fpr: return gfpr
            case .fnr: return gfnr
            case .weighted:
                let norm = fpWeight + fnWeight
                return fpWeight / norm * gfpr * (1 - s.baseRate) + fnWeight / norm * gfnr * s.baseRate
            }
        }
        let privCost = cost(sums[0], trivial: false), unprivCost = cost(sums[1], trivial: false)
        let privTrivial = cost(sums[0], trivial: true), unprivTrivial = cost(sums[1], trivial: true)
        var privMix = 0.0, unprivMix = 0.0
        if unprivCost > privCost {
            privMix = (unprivCost - privCost) / (privTrivial - privCost)
        } else if privCost > unprivCost {
            unprivMix = (privCost - unprivCost) / (unprivTrivial - unprivCost)
        }
        return CalibratedEqualizedOddsModel(
            costConstraint: costConstraint, decisionThreshold: decisionThreshold, groupNames: groupNames,
            privileged: groupNames.indices.filter { mask[$0] }.map { groupNames[$0] },
            privilegedBaseRate: sums[0].baseRate, unprivilegedBaseRate: sums[1].baseRate,
            privilegedMixRate: privMix, unprivilegedMixRate: unprivMix,
            privilegedCost: privCost, unprivilegedCost: unprivCost,
            privilegedTrivialCost: privTrivial, unprivilegedTrivialCost: unprivTrivial)
    }
}

/// The fitted calibrated-equalized-odds post-processor: mixing rates and base rates.
public struct CalibratedEqualizedOddsModel: FittedPostprocessor {
    public var costConstraint: CostConstraint
    public var decisionThreshold: Double
    public var groupNames: [String]
    public var privileged: [String]
    public var privilegedBaseRate: Double
    public var unprivilegedBaseRate: Double
    /// Probability that a privileged row's score is replaced by the privileged base rate.
    public var privilegedMixRate: Double
    public var unprivilegedMixRate: Double
    public var privilegedCost: Double
    public var unprivilegedCost: Double
    public var privilegedTrivialCost: Double
    public var unprivilegedTrivialCost: Double

    /// The scores after mixing (the calibrated output), and the decisions from them.
    public func mixedScores<G: RandomNumberGenerator>(
        scores: [Double], groups: [Int32], rng: inout G
    ) throws -> [Double] {
        let name = CalibratedEqualizedOdds.name
        try MitigationInput.check(
            method: name, scores: scores, labels: nil, groups: groups, groupCount: groupNames.count)
        let mask = try RejectOptionClassification.privilegedMask(privileged, groupNames: groupNames, method: name)
        var result = scores
        for row in scores.indices {
            let isPrivileged = mask[Int(groups[row])]
            let mix = isPrivileged ? privilegedMixRate : unprivilegedMixRate
            guard mix > 0 else { continue }
            // AIF360 withholds when u ≤ α.
            if mix >= 1 || rng.nextUnitDouble() <= mix {
                result[row] = isPrivileged ? privilegedBaseRate : unprivilegedBaseRate
            }
        }
        return result
    }

    public func apply<G: RandomNumberGenerator>(scores: [Double], groups: [Int32], rng: inout G) throws -> [UInt8] {
        try mixedScores(scores: scores, groups: groups, rng: &rng).map { $0 >= decisionThreshold ? 1 : 0 }
    }
}
