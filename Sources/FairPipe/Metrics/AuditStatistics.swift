import Foundation

/// The mergeable sufficient statistics of an audit (the shard artefact of
/// `evaluate --stats-only`, and what every evaluation reduces its rows to first).
///
/// Every row becomes an atom — its (cell, label, decision, fine score bin), where a cell is one
/// observed combination of all sensitive attributes — with the atom's row count and exact
/// fixed-point sums of score, squared error and log loss; and, per (cell, label), the sorted
/// distinct scores with their counts (exact AUC and ROC points). Everything is an exact integer,
/// so ``merged(_:)`` gives the statistics of the concatenated rows whatever the split and order.
///
/// Memory: atoms are at most cells × 4 × fine bins; score runs hold one entry per distinct score
/// of each (cell, label) — bounded when scores carry limited decimals (10⁴ values at 4 decimals),
/// up to one per row for full-precision floats.
public struct AuditStatistics: Artefact, Equatable {
    public static let currentSchemaVersion = 1
    public var schemaVersion = 1
    /// What must agree between shards for them to merge.
    public var settings: StatisticsSettings
    public var rows: Int
    /// Per sensitive attribute, in settings order: its groups, sorted by name when read from CSV.
    public var groups: [[String]]
    /// Label values seen (CSV input), sorted; empty when the rows came already coded 0/1.
    public var labelValues: [String]
    /// Cells in key order: `cells[c][a]` is the code of attribute a in cell c.
    public var cells: [[Int32]]
    /// Atoms sorted by key ((cell · 2 + label) · 2 + decision) · fineBins + bin.
    public var atomKeys: [Int]
    public var atomCounts: [Int]
    /// Exact sums over the atom's rows, each term on a 2⁻⁶⁴ grid; empty without scores.
    public var atomSumScore: [FixedPointSum]
    public var atomSumBrier: [FixedPointSum]
    public var atomSumLogLoss: [FixedPointSum]
    /// Per (cell, label), index `cell * 2 + label`: sorted distinct scores and counts; empty without scores.
    public var scoreRuns: [ScoreRuns]

    public var hasScores: Bool { settings.hasScores }
    var fineBins: Int { settings.fineBins }

    /// The (cell, label, decision, bin) of an atom key.
    func decode(atomKey key: Int) -> (cell: Int, label: UInt8, decision: UInt8, bin: Int) {
        let bins = fineBins
        let rest = key % (4 * bins)
        return (key / (4 * bins), UInt8(rest / (2 * bins)), UInt8((rest / bins) % 2), rest % bins)
    }

    static func atomKey(cell: Int, label: UInt8, decision: UInt8, bin: Int, fineBins: Int) -> Int {
        ((cell * 2 + Int(label)) * 2 + Int(decision)) * fineBins + bin
    }
}

/// What two shards' statistics must share to be merged: the columns read and how they were read.
public struct StatisticsSettings: Codable, Equatable, Sendable {
    public var calibrationBins: Int
    public var fineBins: Int
    public var hasScores: Bool
    public var attributes: [String]
    /// CSV input only: the columns and label coding used (nil for rows given in memory).
    public var labelColumn: String?
    public var scoreColumn: String?
    public var decisionColumn: String?
    public var positive: String?
    /// The score threshold, when decisions were derived from scores.
    public var threshold: Double?

    /// The first setting where `other` differs, as (key, mine, theirs).
    func firstDifference(from other: StatisticsSettings) -> (key: String, expected: String, found: String)? {
        func text<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "none" }
        let pairs: [(String, String, String)] = [
            ("calibration_bins", "\(calibrationBins)", "\(other.calibrationBins)"),
            ("fine score bins", "\(fineBins)", "\(other.fineBins)"),
            ("scores", hasScores ? "present" : "absent", other.hasScores ? "present" : "absent"),
            ("sensitive columns", attributes.joined(separator: ","), other.attributes.joined(separator: ",")),
            ("label column", text(labelColumn), text(other.labelColumn)),
            ("score column", text(scoreColumn), text(other.scoreColumn)),
            ("decision column", text(decisionColumn), text(other.decisionColumn)),
            ("positive label", text(positive), text(other.positive)),
            ("threshold", text(threshold), text(other.threshold)),
        ]
        return pairs.first { $0.1 != $0.2 }.map { (key: $0.0, expected: $0.1, found: $0.2) }
    }
}

/// A non-negative sum kept exactly: each term rounded to the nearest multiple of 2⁻⁶⁴, summed as
/// a 128-bit integer (terms up to 64, so 2⁴⁰ rows cannot overflow). Integer addition is
/// associative, so the sum does not depend on the order or grouping of its terms. Encoded as a
/// decimal string of the integer.
public struct FixedPointSum: Codable, Equatable, Sendable {
    public var raw: Int128

    public init(raw: Int128 = 0) { self.raw = raw }

    /// `value` (finite, in [0, 2⁶³)) on the 2⁻⁶⁴ grid, rounded to nearest (ties up).
    @inline(__always) static func term(_ value: Double) -> Int128 {
        guard value > 0 else { return 0 }
        let mantissa = Int128(value.significandBitPattern | (value.isNormal ? 1 << 52 : 0))
        // value = mantissa · 2^(e − 52) (subnormals: e = −1022), i.e. mantissa · 2^(shift) in units of 2⁻⁶⁴.
        let shift = Int(value.isNormal ? value.exponent : -1022) - 52 + 64
        if shift >= 0 { return mantissa << shift }
        if shift <= -64 { return 0 }
        return (mantissa + (Int128(1) << (-shift - 1))) >> -shift
    }

    @inline(__always) mutating func add(_ value: Double) { raw &+= Self.term(value) }

    static func + (a: FixedPointSum, b: FixedPointSum) -> FixedPointSum { FixedPointSum(raw: a.raw &+ b.raw) }

    /// The sum as a Double (one rounding).
    public var value: Double { Double(raw) * 0x1p-64 }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let raw = Int128(text), raw >= 0 else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a non-negative integer: \(text)"))
        }
        self.raw = raw
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(String(raw))
    }
}

/// The scores of one (cell, label), sorted ascending and run-length coded: `values[i]` occurs
/// `counts[i]` times.
public struct ScoreRuns: Codable, Equatable, Sendable {
    public var values: [Double]
    public var counts: [Int]
    /// `atLeast[i]` = Σ counts[i...] (not encoded).
    private(set) var atLeast: [Int]

    enum CodingKeys: String, CodingKey { case values, counts }

    public init(values: [Double] = [], counts: [Int] = []) {
        self.values = values
        self.counts = counts
        var suffix = [Int](repeating: 0, count: counts.count + 1)
        // Wrapping: a damaged file is refused by `validate`, not trapped here.
        for i in counts.indices.reversed() { suffix[i] = suffix[i + 1] &+ counts[i] }
        atLeast = suffix
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let values = try c.decode([Double].self, forKey: .values)
        let counts = try c.decode([Int].self, forKey: .counts)
        guard values.count == counts.count, counts.allSatisfy({ $0 > 0 && $0 <= AuditStatistics.maximumCount }),
            zip(values, values.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath, debugDescription: "score runs must be sorted with positive counts"))
        }
        self.init(values: values, counts: counts)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(values, forKey: .values)
        try c.encode(counts, forKey: .counts)
    }

    public static func == (a: ScoreRuns, b: ScoreRuns) -> Bool { a.values == b.values && a.counts == b.counts }

    /// How many scores there are.
    var total: Int { atLeast.first ?? 0 }

    /// How many scores are ≥ t.
    func countAtLeast(_ t: Double) -> Int {
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return atLeast[lo]
    }

    /// Run-length codes sorted scores.
    init(sorted: [Double]) {
        var values: [Double] = [], counts: [Int] = []
        for s in sorted {
            if values.last == s { counts[counts.count - 1] += 1 } else { values.append(s); counts.append(1) }
        }
        self.init(values: values, counts: counts)
    }

    /// The runs of all scores of `parts` together.
    static func merging(_ parts: [ScoreRuns]) -> ScoreRuns {
        parts.reduce(ScoreRuns()) { $0.values.isEmpty ? $1 : ($1.values.isEmpty ? $0 : merge($0, $1)) }
    }

    /// Two runs merged in one linear pass.
    static func merge(_ a: ScoreRuns, _ b: ScoreRuns) -> ScoreRuns {
        var values: [Double] = [], counts: [Int] = []
        values.reserveCapacity(a.values.count + b.values.count)
        counts.reserveCapacity(a.values.count + b.values.count)
        var i = 0, j = 0
        while i < a.values.count || j < b.values.count {
            let takeA = j == b.values.count || (i < a.values.count && a.values[i] <= b.values[j])
            let takeB = i == a.values.count || (j < b.values.count && b.values[j] <= a.values[i])
            values.append(takeA ? a.values[i] : b.values[j])
            counts.append((takeA ? a.counts[i] : 0) + (takeB ? b.counts[j] : 0))
            if takeA { i += 1 }
            if takeB { j += 1 }
        }
        return ScoreRuns(values: values, counts: counts)
    }

    /// 2·#{p > q} + #{p = q} over pairs of positive scores p and negative scores q: exact.
    static func mannWhitneyU2(positives: ScoreRuns, negatives: ScoreRuns) -> Int {
        var below = 0, i = 0, total = 0
        let q = negatives
        for (p, k) in zip(positives.values, positives.counts) {
            while i < q.values.count && q.values[i] < p { below += q.counts[i]; i += 1 }
            let equal = i < q.values.count && q.values[i] == p ? q.counts[i] : 0
            total += k * (2 * below + equal)
        }
        return total
    }
}
