import Foundation

/// One drift test of a window against the reference.
public struct DriftTestResult: Codable, Equatable, Sendable {
    /// `score`, a feature name, or a sensitive attribute name (its group mix).
    public var feature: String
    /// `score`, `numeric`, `categorical` or `group_mix`.
    public var kind: String
    /// For score tests within a group: the attribute and group.
    public var attribute: String?
    public var group: String?
    /// `ks` (numeric) or `chi_square` (categorical); null when there was nothing to test.
    public var test: String?
    public var statistic: Double?
    public var pValue: Double?
    /// Benjamini–Hochberg across the window's tests.
    public var pAdjusted: Double?
    /// PSI over 10 reference-quantile bins (numeric) or the categories.
    public var psi: Double?
    /// Jensen–Shannon distance (base 2) over the same bins.
    public var jsDistance: Double?
    public var n: Int
    public var referenceN: Int
    /// The group is below fairness.min_group_size in this window: shown, not alerted on.
    public var smallGroup: Bool

    enum CodingKeys: String, CodingKey {
        case feature, kind, attribute, group, test, statistic, psi, n
        case pValue = "p_value"
        case pAdjusted = "p_adjusted"
        case jsDistance = "js_distance"
        case referenceN = "reference_n"
        case smallGroup = "small_group"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(feature, forKey: .feature)
        try c.encode(kind, forKey: .kind)
        try c.encode(attribute, forKey: .attribute)
        try c.encode(group, forKey: .group)
        try c.encode(test, forKey: .test)
        try c.encode(statistic, forKey: .statistic)
        try c.encode(pValue, forKey: .pValue)
        try c.encode(pAdjusted, forKey: .pAdjusted)
        try c.encode(psi, forKey: .psi)
        try c.encode(jsDistance, forKey: .jsDistance)
        try c.encode(n, forKey: .n)
        try c.encode(referenceN, forKey: .referenceN)
        try c.encode(smallGroup, forKey: .smallGroup)
    }
}

/// A sample of one drift-tested quantity: sorted numbers, or category counts by name.
enum DriftSample: Sendable {
    case numeric([Double])
    case categorical([String: Int])

    var count: Int {
        switch self {
        case .numeric(let v): return v.count
        case .categorical(let c): return c.values.reduce(0, +)
        }
    }

    /// Sorted non-missing values of a numeric column, or level counts of a categorical one.
    static func of(_ values: ColumnValues, rows: [Int]) -> DriftSample {
        switch values {
        case .numeric(let v):
            var out = rows.map { v[$0] }.filter { !$0.isNaN }
            RadixSort.sort(&out)
            return .numeric(out)
        case .categorical(let codes, let levels):
            var counts = [Int](repeating: 0, count: levels.count)
            for r in rows where codes[r] >= 0 { counts[Int(codes[r])] += 1 }
            var out: [String: Int] = [:]
            for (k, c) in counts.enumerated() where c > 0 { out[levels[k], default: 0] += c }
            return .categorical(out)
        }
    }

    static func sortedScores(_ scores: [Double], rows: [Int]) -> DriftSample {
        var out = rows.map { scores[$0] }
        RadixSort.sort(&out)
        return .numeric(out)
    }
}

/// What every window is compared with: the score distribution (overall and per group), the
/// group mix and each feature.
struct DriftReference: Sendable {
    /// Where it came from, for errors (`reference 2026-01-05..2026-02-01`, `outputs/evaluation`).
    var name: String
    var score: DriftSample?
    /// Per attribute name, per group name.
    var scoreByGroup: [String: [String: DriftSample]]
    var groupMix: [String: DriftSample]
    var features: [String: DriftSample]

    /// The reference of log rows.
    init(name: String, log: PredictionLog, rows: [Int]) {
        self.name = name
        score = log.scores.map { DriftSample.sortedScores($0, rows: rows) }
        var byGroup: [String: [String: DriftSample]] = [:]
        var mix: [String: DriftSample] = [:]
        for a in log.attributes {
            mix[a.name] = DriftSample.of(.categorical(codes: a.codes, levels: a.groups), rows: rows)
            if let scores = log.scores {
                var members = [[Int]](repeating: [], count: a.groups.count)
                for r in rows { members[Int(a.codes[r])].append(r) }
                var groups: [String: DriftSample] = [:]
                for (g, name) in a.groups.enumerated() where !members[g].isEmpty {
                    groups[name] = DriftSample.sortedScores(scores, rows: members[g])
                }
                byGroup[a.name] = groups
            }
        }
        scoreByGroup = byGroup
        groupMix = mix
        var features: [String: DriftSample] = [:]
        for f in log.features {
            let sample = DriftSample.of(f.values, rows: rows)
            if sample.count > 0 { features[f.name] = sample }
        }
        self.features = features
    }

    /// The reference of the pipeline's test predictions (scores and groups; no features).
    init(name: String, predictions: Predictions) {
        self.name = name
        let rows = Array(0..<predictions.count)
        score = predictions.scores.map { DriftSample.sortedScores($0, rows: rows) }
        var byGroup: [String: [String: DriftSample]] = [:]
        var mix: [String: DriftSample] = [:]
        for a in predictions.attributes {
            mix[a.name] = DriftSample.of(.categorical(codes: a.codes, levels: a.groups), rows: rows)
            if let scores = predictions.scores {
                var groups: [String: DriftSample] = [:]
                for (g, group) in a.groups.enumerated() {
                    let members = rows.filter { a.codes[$0] == Int32(g) }
                    if !members.isEmpty { groups[group] = DriftSample.sortedScores(scores, rows: members) }
                }
                byGroup[a.name] = groups
            }
        }
        scoreByGroup = byGroup
        groupMix = mix
        features = [:]
    }

    /// Fails when a feature of the log has no values in the reference.
    func check(features names: [String]) throws {
        for name in names where features[name] == nil {
            throw MonitorError.featureNotInReference(feature: name, reference: self.name)
        }
    }
}

enum WindowDrift {
    /// Every drift test of `rows` against the reference, p-values adjusted together
    /// (Benjamini–Hochberg) across the window's tests.
    static func tests(
        _ log: PredictionLog, rows: [Int], reference: DriftReference, minGroupSize: Int
    ) -> [DriftTestResult] {
        var out: [DriftTestResult] = []
        if let scores = log.scores, let ref = reference.score {
            out.append(compare(feature: "score", kind: "score", DriftSample.sortedScores(scores, rows: rows), ref))
            for a in log.attributes {
                var members = [[Int]](repeating: [], count: a.groups.count)
                for r in rows { members[Int(a.codes[r])].append(r) }
                for (g, name) in a.groups.enumerated() where !members[g].isEmpty {
                    guard let refGroup = reference.scoreByGroup[a.name]?[name] else { continue }
                    var t = compare(
                        feature: "score", kind: "score", DriftSample.sortedScores(scores, rows: members[g]), refGroup)
                    t.attribute = a.name; t.group = name; t.smallGroup = members[g].count < minGroupSize
                    out.append(t)
                }
            }
        }
        for a in log.attributes {
            guard let ref = reference.groupMix[a.name] else { continue }
            out.append(
                compare(
                    feature: a.name, kind: "group_mix",
                    DriftSample.of(.categorical(codes: a.codes, levels: a.groups), rows: rows), ref))
        }
        for f in log.features {
            guard let ref = reference.features[f.name] else { continue }
            let sample = DriftSample.of(f.values, rows: rows)
            if case .numeric = ref, case .numeric = sample {
                out.append(compare(feature: f.name, kind: "numeric", sample, ref))
            } else {
                out.append(compare(feature: f.name, kind: "categorical", categorical(sample), categorical(ref)))
            }
        }
        let tested = out.indices.filter { out[$0].pValue != nil }
        let adjusted = PValueCorrection.benjaminiHochberg.adjust(tested.compactMap { out[$0].pValue })
        for (k, i) in tested.enumerated() { out[i].pAdjusted = adjusted[k] }
        return out
    }

    /// A numeric sample read as categories (a column numeric in one file, text in the other).
    static func categorical(_ s: DriftSample) -> DriftSample {
        guard case .numeric(let values) = s else { return s }
        var counts: [String: Int] = [:]
        for v in values { counts[NumberFormat.string(v), default: 0] += 1 }
        return .categorical(counts)
    }

    static func compare(
        feature: String, kind: String, _ sample: DriftSample, _ reference: DriftSample
    ) -> DriftTestResult {
        var t = DriftTestResult(
            feature: feature, kind: kind, attribute: nil, group: nil, test: nil, statistic: nil, pValue: nil,
            pAdjusted: nil,
            psi: nil, jsDistance: nil, n: sample.count, referenceN: reference.count, smallGroup: false)
        switch (sample, reference) {
        case (.numeric(let a), .numeric(let r)):
            if let ks = DriftTests.kolmogorovSmirnov(sortedA: a, sortedB: r) {
                t.test = ks.test; t.statistic = ks.statistic; t.pValue = ks.pValue
            }
            let edges = DriftTests.quantileEdges(sortedReference: r)
            let expected = DriftTests.binCounts(sorted: r, edges: edges),
                actual = DriftTests.binCounts(sorted: a, edges: edges)
            t.psi = DriftTests.populationStabilityIndex(expected: expected, actual: actual)
            t.jsDistance = DriftTests.jensenShannonDistance(actual, expected)
        case (.categorical(let a), .categorical(let r)):
            let levels = Set(a.keys).union(r.keys).sorted()
            let actual = levels.map { a[$0] ?? 0 }, expected = levels.map { r[$0] ?? 0 }
            if let chi = DriftTests.chiSquareHomogeneity([actual, expected]) {
                t.test = chi.test; t.statistic = chi.statistic; t.pValue = chi.pValue
            }
            t.psi = DriftTests.populationStabilityIndex(expected: expected, actual: actual)
            t.jsDistance = DriftTests.jensenShannonDistance(actual, expected)
        default:
            break
        }
        return t
    }
}
