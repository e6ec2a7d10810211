import Foundation

/// A kind of audit finding `data.audit.fail_on` can turn into a failing exit.
public enum AuditCheck: String, Codable, Equatable, Sendable, CaseIterable, ConfigEnum {
    /// A group (or intersection) smaller than `fairness.min_group_size`.
    case smallGroup = "small_group"
    /// A feature whose association with a sensitive attribute reaches `proxy_threshold`.
    case proxy
    /// A feature whose train and test distributions differ (`shift_alpha`).
    case shift
    /// A label whose minority class share is below `label_imbalance`.
    case labelImbalance = "label_imbalance"
}

/// `data.audit`: what make-dataset checks before anyone trains on the data.
public struct AuditConfig: Codable, Equatable, Sendable {
    /// Run the audit and write `audit.json`; off skips both (and `fail_on` must be empty).
    public var enabled: Bool = true
    /// Cramér's V (categorical feature) or correlation ratio η (numeric feature) at or above
    /// which a feature is flagged as a likely proxy of a sensitive attribute.
    public var proxyThreshold: Double = 0.3
    /// Holm-adjusted p-value below which a feature counts as shifted between train and test.
    public var shiftAlpha: Double = 0.01
    /// Minority label share below which the label counts as imbalanced.
    public var labelImbalance: Double = 0.2
    /// Equal-frequency bins for numeric features in the mutual information.
    public var bins: Int = 10
    /// Findings that fail make-dataset (exit 4) instead of only being reported.
    public var failOn: [AuditCheck] = []

    public init() {}

    /// Throws on out-of-range values; `prefix` is this struct's key path (`audit`).
    public func validate(prefix: String = "audit") throws {
        guard proxyThreshold.isFinite, proxyThreshold > 0, proxyThreshold <= 1 else {
            throw ConfigError.invalidValue(
                key: "\(prefix).proxy_threshold", expected: "a number in (0, 1]",
                found: NumberFormat.string(proxyThreshold))
        }
        guard shiftAlpha.isFinite, shiftAlpha > 0, shiftAlpha < 1 else {
            throw ConfigError.invalidValue(
                key: "\(prefix).shift_alpha", expected: "a probability in (0, 1)",
                found: NumberFormat.string(shiftAlpha))
        }
        guard labelImbalance.isFinite, labelImbalance >= 0, labelImbalance <= 0.5 else {
            throw ConfigError.invalidValue(
                key: "\(prefix).label_imbalance", expected: "a share in [0, 0.5]",
                found: NumberFormat.string(labelImbalance))
        }
        guard bins >= 2 else {
            throw ConfigError.invalidValue(key: "\(prefix).bins", expected: "an integer ≥ 2", found: "\(bins)")
        }
        if !enabled && !failOn.isEmpty {
            throw ConfigError.inconsistent(
                key: "\(prefix).fail_on", message: "needs the audit; remove it or set `enabled: true`")
        }
    }
}

extension AuditReport {
    /// Findings as make-dataset prints them: one line each, except that more than
    /// `listLimit` small groups (a zip-code attribute has hundreds) become one line with
    /// their number, the smallest few and where the full list is.
    public func warningLines(listLimit: Int = 5, file: String = "audit.json") -> [String] {
        let small = findings.filter { $0.check == .smallGroup }
        var lines: [String] = []
        if small.count > listLimit {
            var groups: [(name: String, count: Int)] = []
            for attribute in attributes {
                for group in attribute.groups where group.small {
                    groups.append(("\(attribute.name)=\(group.name)", group.count))
                }
            }
            let smallest = groups.enumerated().sorted { ($0.element.count, $0.offset) < ($1.element.count, $1.offset) }
                .prefix(3).map { "\($0.element.name) (\($0.element.count) row\($0.element.count == 1 ? "" : "s"))" }
            lines.append(
                "audit: small_group: \(small.count) groups (attributes and intersections) have fewer than "
                    + "fairness.min_group_size = \(minGroupSize) rows; smallest: \(smallest.joined(separator: ", ")); all listed in \(file) (findings)"
            )
        } else {
            lines += small.map { "audit: \($0.check.rawValue): \($0.message)" }
        }
        lines += findings.filter { $0.check != .smallGroup }.map { "audit: \($0.check.rawValue): \($0.message)" }
        return lines
    }
}

/// `audit.json`: the data audit make-dataset writes beside the splits.
public struct AuditReport: Artefact, Equatable {
    public static let currentSchemaVersion = 1

    public struct Group: Codable, Equatable, Sendable {
        public var name: String
        public var count: Int
        /// count / rows.
        public var share: Double
        /// Share of label 1 (the favourable class) in the group; nil for an empty group.
        public var baseRate: Double?
        /// count < `min_group_size`.
        public var small: Bool
    }
    public struct Attribute: Codable, Equatable, Sendable {
        /// The attribute, or an intersection `a&b`.
        public var name: String
        public var groups: [Group]
    }
    public struct Label: Codable, Equatable, Sendable {
        public var column: String
        public var positives: Int
        public var negatives: Int
        /// min(positives, negatives) / rows.
        public var minorityShare: Double
        public var imbalanced: Bool
    }
    public struct Missingness: Codable, Equatable, Sendable {
        public var feature: String
        public var attribute: String
        /// Share of rows with this feature missing, overall and per group.
        public var overall: Double
        public var groups: [String: Double]
    }
    public struct Association: Codable, Equatable, Sendable {
        public var feature: String
        public var attribute: String
        /// `cramers_v` (categorical feature) or `correlation_ratio` (numeric feature).
        public var measure: String
        public var value: Double
        /// Normalised mutual information (numeric features in equal-frequency bins).
        public var normalizedMutualInformation: Double
        /// value ≥ proxy_threshold.
        public var proxy: Bool
    }
    public struct Shift: Codable, Equatable, Sendable {
        public var feature: String
        /// `kolmogorov_smirnov` (numeric) or `chi_square` (categorical).
        public var test: String
        public var statistic: Double
        public var pValue: Double
        /// Holm-adjusted over every feature tested.
        public var pValueAdjusted: Double
        /// Whether the KS p-value is exact (nil for chi-square).
        public var exact: Bool?
        public var shifted: Bool
    }
    public struct Finding: Codable, Equatable, Sendable {
        public var check: AuditCheck
        public var message: String
    }

    /// Absent in files written before versioning (read as 1).
    public var schemaVersion: Int? = AuditReport.currentSchemaVersion
    public var rows: Int
    public var droppedRows: Int
    public var minGroupSize: Int
    public var proxyThreshold: Double
    public var shiftAlpha: Double
    public var label: Label
    public var attributes: [Attribute]
    public var missingness: [Missingness]
    public var associations: [Association]
    /// Train vs test, per feature.
    public var shift: [Shift]
    /// Every finding, in check order then as found; `fail_on` decides which fail the stage.
    public var findings: [Finding]

    /// The findings that `failOn` turns into a failure.
    public func failures(_ failOn: [AuditCheck]) -> [Finding] {
        findings.filter { failOn.contains($0.check) }
    }
}

/// A failing audit (`data.audit.fail_on`). Exit status `auditFailed` (4).
public enum AuditError: FairPipeError, Equatable {
    case failed(findings: [AuditReport.Finding])

    public var exitStatus: ExitStatus { .auditFailed }

    public var description: String {
        switch self {
        case .failed(let findings):
            let shown = findings.prefix(5).map { "\($0.check.rawValue): \($0.message)" }.joined(separator: "; ")
            let more = findings.count > 5 ? "; and \(findings.count - 5) more (see the warnings above)" : ""
            return
                "data audit failed (data.audit.fail_on) with \(findings.count) finding\(findings.count == 1 ? "" : "s"): \(shown)\(more)"
        }
    }
}

/// The data audit: who is in the data, what is missing for whom, which features stand in
/// for a sensitive attribute, and whether train and test look alike.
public enum DataAudit {
    /// Audits `dataset` (all rows, after the missing-value policy dropped what it drops) and
    /// its train/test splits. `minGroupSize` is `fairness.min_group_size`.
    /// O(rows × (features + attributes)) plus the exact KS tests (O(m·n) each, bounded).
    public static func run(
        dataset: Dataset, train: Table, test: Table, config: AuditConfig, minGroupSize: Int
    ) throws -> AuditReport {
        let table = dataset.table
        let rows = table.rowCount
        guard case .numeric(let labels) = table[dataset.label]?.values else {
            throw DataError.inconsistentTable(reason: "label column `\(dataset.label)` is not numeric 0/1")
        }
        let label = labelBalance(labels, column: dataset.label, config: config)

        // Groups: each attribute, then the intersection of all (as the metrics do).
        let attributes = try dataset.sensitive.map { try sensitiveCodes(table, $0) }
        var levels = attributes
        if attributes.count > 1 { levels.append(intersection(attributes)) }
        let groupReports = levels.map { groupReport($0, labels: labels, minGroupSize: minGroupSize) }

        // Missingness and association, per feature × attribute.
        var missingness: [AuditReport.Missingness] = []
        var associations: [AuditReport.Association] = []
        for feature in dataset.features {
            guard let column = table[feature] else { continue }
            let coded = codes(of: column, bins: config.bins)
            for attribute in attributes where attribute.name != feature {
                missingness.append(missingnessOf(column, named: feature, across: attribute))
                associations.append(
                    association(column, named: feature, coded: coded, with: attribute, config: config))
            }
        }

        let shift = trainTestShift(dataset.features, train: train, test: test, config: config)
        let findings = auditFindings(
            groups: groupReports, associations: associations, shift: shift, label: label,
            minGroupSize: minGroupSize, config: config)
        return AuditReport(
            rows: rows, droppedRows: dataset.droppedRows, minGroupSize: minGroupSize,
            proxyThreshold: config.proxyThreshold,
            shiftAlpha: config.shiftAlpha, label: label, attributes: groupReports, missingness: missingness,
            associations: associations, shift: shift, findings: findings)
    }

    /// Label balance: the minority class's share against `data.audit.label_imbalance`.
    private static func labelBalance(_ labels: [Double], column: String, config: AuditConfig) -> AuditReport.Label {
        let rows = labels.count
        let positives = labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        let minority = Double(min(positives, rows - positives)) / Double(max(rows, 1))
        return AuditReport.Label(
            column: column, positives: positives, negatives: rows - positives,
            minorityShare: minority, imbalanced: minority < config.labelImbalance)
    }

    /// Size, share and base rate of each non-empty group of one attribute (or intersection).
    private static func groupReport(_ attribute: Groups, labels: [Double], minGroupSize: Int) -> AuditReport.Attribute {
        let rows = labels.count
        var counts = [Int](repeating: 0, count: attribute.names.count)
        var positivesOf = [Int](repeating: 0, count: attribute.names.count)
        for row in 0..<rows {
            let g = Int(attribute.codes[row])
            counts[g] += 1
            if labels[row] == 1 { positivesOf[g] += 1 }
        }
        var groups: [AuditReport.Group] = []
        for g in attribute.names.indices where counts[g] > 0 {
            groups.append(
                AuditReport.Group(
                    name: attribute.names[g], count: counts[g], share: Double(counts[g]) / Double(rows),
                    baseRate: counts[g] > 0 ? Double(positivesOf[g]) / Double(counts[g]) : nil,
                    small: counts[g] < minGroupSize))
        }
        return AuditReport.Attribute(name: attribute.name, groups: groups)
    }

    /// The share of `column`'s values missing, overall and in each group of `attribute`.
    private static func missingnessOf(
        _ column: Column, named feature: String, across attribute: Groups
    )
        -> AuditReport.Missingness
    {
        let rows = attribute.codes.count
        var missing = [Int](repeating: 0, count: attribute.names.count)
        var counts = [Int](repeating: 0, count: attribute.names.count)
        var totalMissing = 0
        for row in 0..<rows {
            let g = Int(attribute.codes[row])
            counts[g] += 1
            if column.isMissing(row) { missing[g] += 1; totalMissing += 1 }
        }
        var byGroup: [String: Double] = [:]
        for g in attribute.names.indices where counts[g] > 0 {
            byGroup[attribute.names[g]] = Double(missing[g]) / Double(counts[g])
        }
        return AuditReport.Missingness(
            feature: feature, attribute: attribute.name, overall: Double(totalMissing) / Double(rows),
            groups: byGroup)
    }

    /// How strongly `column` stands in for `attribute`: correlation ratio (numeric) or Cramér's V
    /// (categorical), flagged as a proxy at `data.audit.proxy_threshold`, plus the normalised
    /// mutual information of its binned `coded` values.
    private static func association(
        _ column: Column, named feature: String, coded: (codes: [Int32], levels: Int), with attribute: Groups,
        config: AuditConfig
    ) -> AuditReport.Association {
        let measure: String, value: Double
        switch column.values {
        case .numeric(let numbers):
            measure = "correlation_ratio"
            value = AuditMeasures.correlationRatio(numbers, groups: attribute.codes, levels: attribute.names.count)
        case .categorical(let featureCodes, let featureLevels):
            measure = "cramers_v"
            value = AuditMeasures.cramersV(
                featureCodes, levelsA: featureLevels.count, attribute.codes, levelsB: attribute.names.count)
        }
        let nmi = AuditMeasures.normalizedMutualInformation(
            coded.codes, levelsA: coded.levels, attribute.codes, levelsB: attribute.names.count)
        return AuditReport.Association(
            feature: feature, attribute: attribute.name, measure: measure, value: value,
            normalizedMutualInformation: nmi, proxy: value >= config.proxyThreshold)
    }

    /// Train vs test shift per feature: exact/asymptotic KS for numbers, χ² homogeneity for
    /// categories, p-values Holm-adjusted across all features.
    private static func trainTestShift(
        _ features: [String], train: Table, test: Table, config: AuditConfig
    )
        -> [AuditReport.Shift]
    {
        var tests: [(feature: String, test: String, statistic: Double, p: Double, exact: Bool?)] = []
        for feature in features {
            guard let a = train[feature], let b = test[feature] else { continue }
            switch (a.values, b.values) {
            case (.numeric(let x), .numeric(let y)):
                if let ks = AuditMeasures.kolmogorovSmirnov(x, y) {
                    tests.append((feature, "kolmogorov_smirnov", ks.statistic, ks.pValue, ks.exact))
                }
            default:
                let (x, y, count) = sharedCodes(a, b)
                if let chi = AuditMeasures.chiSquareHomogeneity(x, y, levels: count) {
                    tests.append((feature, "chi_square", chi.statistic, chi.pValue, nil))
                }
            }
        }
        let adjusted = PValueCorrection.holm.adjust(tests.map(\.p))
        return tests.indices.map { i in
            AuditReport.Shift(
                feature: tests[i].feature, test: tests[i].test, statistic: tests[i].statistic, pValue: tests[i].p,
                pValueAdjusted: adjusted[i], exact: tests[i].exact, shifted: adjusted[i] < config.shiftAlpha)
        }
    }

    /// The findings, in check order: small groups, proxies, shifted features, label imbalance.
    private static func auditFindings(
        groups: [AuditReport.Attribute], associations: [AuditReport.Association], shift: [AuditReport.Shift],
        label: AuditReport.Label, minGroupSize: Int, config: AuditConfig
    ) -> [AuditReport.Finding] {
        var findings: [AuditReport.Finding] = []
        for attribute in groups {
            for group in attribute.groups where group.small {
                findings.append(
                    .init(
                        check: .smallGroup,
                        message: "\(attribute.name)=\(group.name) has \(group.count) rows (< \(minGroupSize))"))
            }
        }
        for association in associations where association.proxy {
            findings.append(
                .init(
                    check: .proxy,
                    message:
                        "\(association.feature) ~ \(association.attribute): \(association.measure) \(format(association.value)) ≥ \(format(config.proxyThreshold))"
                ))
        }
        for test in shift where test.shifted {
            findings.append(
                .init(
                    check: .shift,
                    message:
                        "\(test.feature): train vs test \(test.test) p = \(format(test.pValueAdjusted)) (Holm) < \(format(config.shiftAlpha))"
                ))
        }
        if label.imbalanced {
            findings.append(
                .init(
                    check: .labelImbalance,
                    message:
                        "\(label.column): minority class share \(format(label.minorityShare)) < \(format(config.labelImbalance))"
                )
            )
        }
        return findings
    }

    /// A sensitive attribute's groups in name order (as every stage codes them).
    struct Groups {
        var name: String
        var names: [String]
        var codes: [Int32]
    }

    static func sensitiveCodes(_ table: Table, _ name: String) throws -> Groups {
        guard let column = table[name], case .categorical(let codes, let levels) = column.asCategorical().values else {
            throw DataError.inconsistentTable(reason: "no sensitive column `\(name)`")
        }
        let order = levels.indices.sorted { levels[$0] < levels[$1] }
        var recode = [Int32](repeating: 0, count: levels.count)
        for (new, old) in order.enumerated() { recode[old] = Int32(new) }
        guard !codes.contains(where: { $0 < 0 }) else {
            throw DataError.inconsistentTable(reason: "sensitive column `\(name)` has missing values after loading")
        }
        return Groups(name: name, names: order.map { levels[$0] }, codes: codes.map { recode[Int($0)] })
    }

    /// The cross product of attributes' groups, first attribute varying slowest, names
    /// joined with `&`.
    static func intersection(_ attributes: [Groups]) -> Groups {
        var names = [""]
        var codes = [Int32](repeating: 0, count: attributes.first?.codes.count ?? 0)
        for (k, attribute) in attributes.enumerated() {
            names = names.flatMap { prefix in attribute.names.map { k == 0 ? $0 : prefix + "&" + $0 } }
            let width = Int32(attribute.names.count)
            for row in codes.indices { codes[row] = codes[row] * width + attribute.codes[row] }
        }
        return Groups(name: attributes.map(\.name).joined(separator: "&"), names: names, codes: codes)
    }

    /// Codes of any column for the mutual information: categorical codes, or numeric bins.
    static func codes(of column: Column, bins: Int) -> (codes: [Int32], levels: Int) {
        switch column.values {
        case .categorical(let codes, let levels): return (codes, levels.count)
        case .numeric(let numbers): return AuditMeasures.quantileCodes(numbers, bins: bins)
        }
    }

    /// Two columns' values as codes over one shared level list (levels by text).
    static func sharedCodes(_ a: Column, _ b: Column) -> ([Int32], [Int32], Int) {
        var lookup: [String: Int32] = [:]
        func encode(_ column: Column) -> [Int32] {
            (0..<column.count).map { row in
                guard let text = column.string(at: row) else { return -1 }
                if let code = lookup[text] { return code }
                let code = Int32(lookup.count)
                lookup[text] = code
                return code
            }
        }
        let x = encode(a), y = encode(b)
        return (x, y, lookup.count)
    }

    static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
