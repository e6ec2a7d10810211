/// Deterministic per-group decision thresholds that bring the target rates of all groups
/// within `tolerance` of each other while maximising overall accuracy on the fitting
/// (validation) data. Decision: favourable iff score ≥ the group's threshold.
///
/// **Options.** A group with k distinct scores s₁ > … > s_k has k + 1 decision rules:
/// threshold +∞ (nobody) or s_j (rows scoring ≥ s_j). One sort per group and cumulative
/// counts give every option's (TP, FP), hence its selection rate, TPR, FPR and number of
/// correct decisions; all rates are non-decreasing in j (step functions of the threshold).
///
/// **One rate** (demographic parity, TPR or FPR parity). A choice (j_g) is feasible iff
/// max_g r_g − min_g r_g ≤ tolerance. Its minimum rate L is itself some option's rate, and
/// for any L every choice with all r_g ∈ [L, L + tolerance] is feasible. So
///     max over candidate L (all option rates) of Σ_g max{correct_g(j) : r_g(j) ∈ [L, L + tol]}
/// is the exact optimum. Each group's admissible options form a contiguous window that only
/// moves right as L grows, so a monotone-deque sliding-window maximum finds every term in
/// amortised O(1): O(n log n + M·G) in all, M ≤ n + G the number of candidate values.
///
/// **Equalized odds** (TPR and FPR both within tolerance). The same argument over pairs
/// (L_tpr, L_fpr): for a fixed L_tpr each group's TPR window is a contiguous range of j, the
/// FPR window is another that moves right with L_fpr, and a sparse table answers the range
/// maximum in O(1): O(M_tpr·(M_fpr + n)·G). Exact when each axis has at most
/// `maxCandidatesPerAxis` distinct candidate values; otherwise the candidates are thinned to
/// that many evenly spaced ranks (always keeping 0): the result is still feasible, possibly
/// slightly below the optimum, and `exact` is false.
///
/// Choosing nobody in every group (rate 0 everywhere) is always feasible, so the search never
/// fails; `toleranceMet` reports the achieved spread honestly all the same (a group whose rate
/// is undefined, e.g. TPR without positives, is left unconstrained and listed as such).
public struct GroupThresholds: Postprocessor {
    public var target: FairnessTarget
    public var tolerance: Double
    public var maxCandidatesPerAxis: Int

    public init(target: FairnessTarget = .demographicParity, tolerance: Double = 0.02, maxCandidatesPerAxis: Int = 4096)
    {
        self.target = target
        self.tolerance = tolerance
        self.maxCandidatesPerAxis = maxCandidatesPerAxis
    }

    static let name = "group_thresholds"

    /// Every decision rule of one group.
    struct Options {
        var thresholds: [Double] = [.infinity]
        var truePositives: [Int] = [0]
        var falsePositives: [Int] = [0]
        var positives = 0, negatives = 0
        var count: Int { positives + negatives }
        var correct: [Int] { truePositives.indices.map { truePositives[$0] + negatives - falsePositives[$0] } }

        init(_ sorted: GroupedScores.Sorted) {
            positives = sorted.labels.reduce(0) { $0 + Int($1) }
            negatives = sorted.labels.count - positives
            var tp = 0, fp = 0, i = 0
            while i < sorted.scores.count {
                let value = sorted.scores[i]
                while i < sorted.scores.count && sorted.scores[i] == value {
                    if sorted.labels[i] == 1 { tp += 1 } else { fp += 1 }
                    i += 1
                }
                thresholds.append(value)
                truePositives.append(tp)
                falsePositives.append(fp)
            }
        }

        /// The rate the constraint is on, or nil when undefined for this group.
        func rates(_ kind: RateKind) -> [Double]? {
            switch kind {
            case .selection:
                return truePositives.indices.map { Double(truePositives[$0] + falsePositives[$0]) / Double(count) }
            case .truePositive:
                return positives == 0 ? nil : truePositives.map { Double($0) / Double(positives) }
            case .falsePositive:
                return negatives == 0 ? nil : falsePositives.map { Double($0) / Double(negatives) }
            }
        }
    }

    enum RateKind { case selection, truePositive, falsePositive }

    public func fit(
        scores: [Double], labels: [UInt8], groups: [Int32], groupNames: [String]
    ) throws -> GroupThresholdsModel {
        let name = Self.name
        try MitigationInput.check(
            method: name, scores: scores, labels: labels, groups: groups, groupCount: groupNames.count)
        guard tolerance >= 0 && tolerance.isFinite else {
            throw MitigationError.invalidParameter(
                method: name, name: "tolerance", expected: "a number ≥ 0", found: "\(tolerance)")
        }
        let axes: [RateKind]
        switch target {
        case .demographicParity: axes = [.selection]
        case .equalOpportunity, .truePositiveRateParity: axes = [.truePositive]
        case .falsePositiveRateParity: axes = [.falsePositive]
        case .equalizedOdds: axes = [.truePositive, .falsePositive]
        case .errorRateParity:
            throw MitigationError.invalidParameter(
                method: name, name: "target",
                expected:
                    "demographic_parity, equal_opportunity, true_positive_rate_parity, false_positive_rate_parity or equalized_odds",
                found: target.rawValue)
        }
        let grouped = GroupedScores(scores: scores, labels: labels, groups: groups, groupCount: groupNames.count)
        let present = groupNames.indices.filter { !grouped.rows[$0].isEmpty }
        let options = present.map { Options(grouped.sortedDescending($0)) }
        let correct = options.map(\.correct)
        let rates = axes.map { axis in options.map { $0.rates(axis) } }

        var choice: [Int]
        var exact = true
        if axes.count == 1 {
            choice = Self.sweepOneRate(rates: rates[0], correct: correct, tolerance: tolerance)
        } else {
            (choice, exact) = Self.sweepTwoRates(
                tpr: rates[0], fpr: rates[1], correct: correct, tolerance: tolerance, cap: max(2, maxCandidatesPerAxis))
        }

        var groupsOut = [GroupThresholdsModel.Group?](repeating: nil, count: groupNames.count)
        var totalCorrect = 0
        var spreads = [Double](repeating: 0, count: axes.count)
        for (k, code) in present.enumerated() {
            let o = options[k], j = choice[k]
            totalCorrect += correct[k][j]
            let tp = o.truePositives[j], fp = o.falsePositives[j]
            groupsOut[code] = .init(
                name: groupNames[code], threshold: FiniteOrInfinite(o.thresholds[j]), count: o.count,
                selectionRate: Double(tp + fp) / Double(o.count),
                truePositiveRate: o.positives == 0 ? nil : Double(tp) / Double(o.positives),
                falsePositiveRate: o.negatives == 0 ? nil : Double(fp) / Double(o.negatives),
                accuracy: Double(correct[k][j]) / Double(o.count))
        }
        for (a, _) in axes.enumerated() {
            let chosen = present.indices.compactMap { k in rates[a][k].map { $0[choice[k]] } }
            spreads[a] = (chosen.max() ?? 0) - (chosen.min() ?? 0)
        }
        let unconstrained = present.indices.filter { k in rates.contains { $0[k] == nil } }.map {
            groupNames[present[$0]]
        }
        let achieved = spreads.max() ?? 0
        return GroupThresholdsModel(
            target: target, tolerance: tolerance, groupNames: groupNames, groups: groupsOut,
            achievedSpread: achieved, toleranceMet: achieved <= tolerance,
            accuracy: Double(totalCorrect) / Double(scores.count), exact: exact, unconstrainedGroups: unconstrained)
    }

    /// Exact 1-D search (see type doc). Returns the chosen option index per group.
    static func sweepOneRate(rates: [[Double]?], correct: [[Int]], tolerance: Double) -> [Int] {
        let groupCount = correct.count
        // A group without a defined rate is free: its most accurate option.
        let free = correct.map { c in c.indices.max { c[$0] < c[$1] || (c[$0] == c[$1] && $0 > $1) } ?? 0 }
        var candidates = Array(Set(rates.compactMap { $0 }.flatMap { $0 })).sorted()
        if candidates.isEmpty { candidates = [0] }
        var best = -1
        var bestChoice = free
        var low = [Int](repeating: 0, count: groupCount)
        var high = [Int](repeating: -1, count: groupCount)
        var deques = [[Int]](repeating: [], count: groupCount)
        var heads = [Int](repeating: 0, count: groupCount)
        for bound in candidates {
            var total = 0
            var feasible = true
            var current = free
            for g in 0..<groupCount {
                guard let r = rates[g] else { total += correct[g][free[g]]; continue }
                let c = correct[g]
                while high[g] + 1 < r.count && r[high[g] + 1] - bound <= tolerance {
                    high[g] += 1
                    // Keep values strictly decreasing from the head; ties keep the earlier option.
                    while deques[g].count > heads[g] && c[deques[g][deques[g].count - 1]] < c[high[g]] {
                        deques[g].removeLast()
                    }
                    deques[g].append(high[g])
                }
                while low[g] < r.count && r[low[g]] < bound { low[g] += 1 }
                while heads[g] < deques[g].count && deques[g][heads[g]] < low[g] { heads[g] += 1 }
                if heads[g] >= deques[g].count { feasible = false; break }
                current[g] = deques[g][heads[g]]
                total += c[current[g]]
            }
            if feasible && total > best {
                best = total
                bestChoice = current
            }
        }
        return bestChoice
    }

    /// Equalized-odds search over (TPR, FPR) lower bounds (see type doc).
    static func sweepTwoRates(
        tpr: [[Double]?], fpr: [[Double]?], correct: [[Int]], tolerance: Double, cap: Int
    ) -> ([Int], Bool) {
        let groupCount = correct.count
        func candidates(_ rates: [[Double]?]) -> ([Double], Bool) {
            let all = Array(Set(rates.compactMap { $0 }.flatMap { $0 } + [0])).sorted()
            guard all.count > cap else { return (all, true) }
            // Evenly spaced ranks, keeping the first (0) and the last.
            let thinned = (0..<cap).map {
                all[Int((Double($0) * Double(all.count - 1) / Double(cap - 1)).rounded(.down))]
            }
            return (Array(Set(thinned)).sorted(), false)
        }
        let (tprCandidates, tprExact) = candidates(tpr)
        let (fprCandidates, fprExact) = candidates(fpr)
        let tables = correct.map(RangeMaximum.init)
        let allOptions = correct.map { 0..<$0.count }
        var best = -1
        var bestChoice = [Int](repeating: 0, count: groupCount)
        for tprBound in tprCandidates {
            // Per group, the contiguous option range whose TPR lies in the band.
            var tprRange = allOptions
            var empty = false
            for g in 0..<groupCount {
                guard let r = tpr[g] else { continue }
                let lo = lowerBound(r) { $0 < tprBound }
                let hi = lowerBound(r) { $0 - tprBound <= tolerance } - 1
                if lo > hi { empty = true; break }
                tprRange[g] = lo..<(hi + 1)
            }
            if empty { continue }
            var low = [Int](repeating: 0, count: groupCount)
            var high = [Int](repeating: -1, count: groupCount)
            for fprBound in fprCandidates {
                var total = 0
                var current = bestChoice
                var feasible = true
                for g in 0..<groupCount {
                    var range = tprRange[g]
                    if let r = fpr[g] {
                        while high[g] + 1 < r.count && r[high[g] + 1] - fprBound <= tolerance { high[g] += 1 }
                        while low[g] < r.count && r[low[g]] < fprBound { low[g] += 1 }
                        let lo = max(range.lowerBound, low[g]), hi = min(range.upperBound - 1, high[g])
                        if lo > hi { feasible = false; break }
                        range = lo..<(hi + 1)
                    }
                    current[g] = tables[g].argmax(range)
                    total += correct[g][current[g]]
                }
                if feasible && total > best {
                    best = total
                    bestChoice = current
                }
            }
        }
        return (bestChoice, tprExact && fprExact)
    }
}

/// Index of the first element for which `isBelow` is false (`isBelow` must be true on a prefix).
func lowerBound<T>(_ values: [T], _ isBelow: (T) -> Bool) -> Int {
    var low = 0, high = values.count
    while low < high {
        let mid = (low + high) / 2
        if isBelow(values[mid]) { low = mid + 1 } else { high = mid }
    }
    return low
}

/// Sparse table for O(1) range-maximum queries (first index on ties); O(k log k) to build.
struct RangeMaximum {
    let values: [Int]
    var levels: [[Int32]] = []

    init(_ values: [Int]) {
        self.values = values
        levels.append((0..<values.count).map { Int32($0) })
        var width = 1
        while 2 * width <= values.count {
            let previous = levels[levels.count - 1]
            var next = [Int32](repeating: 0, count: values.count - 2 * width + 1)
            for i in next.indices {
                let a = previous[i], b = previous[i + width]
                next[i] = values[Int(b)] > values[Int(a)] ? b : a
            }
            levels.append(next)
            width *= 2
        }
    }

    func argmax(_ range: Range<Int>) -> Int {
        let length = range.count
        var level = 0
        while (1 << (level + 1)) <= length { level += 1 }
        let a = Int(levels[level][range.lowerBound])
        let b = Int(levels[level][range.upperBound - (1 << level)])
        return values[b] > values[a] ? b : a
    }
}

/// Fitted per-group thresholds, written as JSON by the stage.
public struct GroupThresholdsModel: FittedPostprocessor {
    public struct Group: Codable, Equatable, Sendable {
        public var name: String
        /// Favourable iff score ≥ threshold (`"inf"`: nobody).
        public var threshold: FiniteOrInfinite
        /// Rows of the group in the fitting data, and its rates there.
        public var count: Int
        public var selectionRate: Double
        public var truePositiveRate: Double?
        public var falsePositiveRate: Double?
        public var accuracy: Double
    }

    public var target: FairnessTarget
    public var tolerance: Double
    public var groupNames: [String]
    /// Indexed by group code; `nil` for a group absent from the fitting data.
    public var groups: [Group?]
    /// The largest between-group difference of the constrained rate(s) reached.
    public var achievedSpread: Double
    public var toleranceMet: Bool
    /// Overall accuracy on the fitting data.
    public var accuracy: Double
    /// Whether the search was provably optimal (see ``GroupThresholds``).
    public var exact: Bool
    /// Groups left unconstrained because their rate is undefined (no positives or negatives).
    public var unconstrainedGroups: [String]

    /// Deterministic decisions; `rng` is not used.
    public func apply<G: RandomNumberGenerator>(scores: [Double], groups: [Int32], rng: inout G) throws -> [UInt8] {
        try decisions(scores: scores, groups: groups)
    }

    public func decisions(scores: [Double], groups: [Int32]) throws -> [UInt8] {
        try MitigationInput.check(
            method: GroupThresholds.name, scores: scores, labels: nil, groups: groups, groupCount: groupNames.count)
        var result = [UInt8](repeating: 0, count: scores.count)
        for row in scores.indices {
            guard let group = self.groups[Int(groups[row])] else {
                throw MitigationError.unknownGroup(method: GroupThresholds.name, row: row, code: groups[row])
            }
            result[row] = scores[row] >= group.threshold.value ? 1 : 0
        }
        return result
    }
}
