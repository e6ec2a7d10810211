/// The four cells of a binary confusion matrix, as counts (or sums of weights).
///
/// Every rate a mitigation method needs is a function of these cells; Metrics/ may later
/// take this type over. Rates of an empty denominator are `nan`, never a crash; callers
/// that need a number check the denominator first.
public struct WeightedConfusion: Codable, Equatable, Sendable {
    public var truePositives: Double = 0
    public var falsePositives: Double = 0
    public var trueNegatives: Double = 0
    public var falseNegatives: Double = 0

    public init(
        truePositives: Double = 0, falsePositives: Double = 0, trueNegatives: Double = 0, falseNegatives: Double = 0
    ) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    public var positives: Double { truePositives + falseNegatives }
    public var negatives: Double { trueNegatives + falsePositives }
    public var predictedPositives: Double { truePositives + falsePositives }
    public var count: Double { positives + negatives }

    public var selectionRate: Double { predictedPositives / count }
    public var truePositiveRate: Double { truePositives / positives }
    public var falsePositiveRate: Double { falsePositives / negatives }
    public var trueNegativeRate: Double { trueNegatives / negatives }
    public var falseNegativeRate: Double { falseNegatives / positives }
    public var accuracy: Double { (truePositives + trueNegatives) / count }
    /// Mean of TPR and TNR, in the order fairlearn and AIF360 add them.
    public var balancedAccuracy: Double { 0.5 * truePositives / positives + 0.5 * trueNegatives / negatives }

    /// Adds one row with label `label` and decision `decision` (both 0/1).
    @inline(__always)
    public mutating func add(label: UInt8, decision: UInt8, weight: Double = 1) {
        switch (label, decision) {
        case (1, 1): truePositives += weight
        case (1, _): falseNegatives += weight
        case (_, 1): falsePositives += weight
        default: trueNegatives += weight
        }
    }

    public static func + (lhs: WeightedConfusion, rhs: WeightedConfusion) -> WeightedConfusion {
        WeightedConfusion(
            truePositives: lhs.truePositives + rhs.truePositives,
            falsePositives: lhs.falsePositives + rhs.falsePositives,
            trueNegatives: lhs.trueNegatives + rhs.trueNegatives,
            falseNegatives: lhs.falseNegatives + rhs.falseNegatives)
    }

    /// Per-group counts of (label, decision), groups indexed by code `0 ..< groupCount`.
    /// O(n). Codes outside the range are skipped (callers validate codes first).
    public static func byGroup(
        labels: [UInt8], decisions: [UInt8], groups: [Int32], groupCount: Int
    ) -> [WeightedConfusion] {
        var cells = [WeightedConfusion](repeating: WeightedConfusion(), count: groupCount)
        for row in labels.indices {
            let code = Int(groups[row])
            guard code >= 0 && code < groupCount else { continue }
            cells[code].add(label: labels[row], decision: decisions[row])
        }
        return cells
    }

    /// The sum over groups, added in code order (deterministic).
    public static func total(_ cells: [WeightedConfusion]) -> WeightedConfusion {
        cells.reduce(WeightedConfusion(), +)
    }
}

/// The spread (max − min) of a rate over groups, ignoring groups where it is undefined.
func spread(_ values: [Double]) -> Double {
    let defined = values.filter { !$0.isNaN }
    guard let low = defined.min(), let high = defined.max() else { return 0 }
    return high - low
}
