/// A tolerant reading of make-dataset's `audit.json` (``AuditReport``'s snake_case JSON).
///
/// Like the other report views it never fails: a missing or odd field becomes `nil` (or an
/// empty list) and the renderer leaves that bit out. Record lists keep the file's order,
/// which make-dataset writes deterministically; the one dictionary (missingness per group)
/// is read in sorted key order.
struct AuditView: Sendable, Equatable {
    struct Group: Sendable, Equatable {
        var name: String
        var count: Int?
        var share: Double?
        var baseRate: Double?
        var small: Bool?
    }
    struct Attribute: Sendable, Equatable {
        var name: String
        var groups: [Group]
    }
    struct Label: Sendable, Equatable {
        var column: String?
        var positives: Int?
        var negatives: Int?
        var minorityShare: Double?
        var imbalanced: Bool?

        /// positives / (positives + negatives), nil without both counts.
        var positiveShare: Double? {
            guard let positives, let negatives, positives + negatives > 0 else { return nil }
            return Double(positives) / Double(positives + negatives)
        }
    }
    struct Missingness: Sendable, Equatable {
        var feature: String
        var attribute: String
        var overall: Double?
        /// Share missing per group, in group-name order.
        var groups: [(name: String, share: Double)]

        static func == (a: Missingness, b: Missingness) -> Bool {
            a.feature == b.feature && a.attribute == b.attribute && a.overall == b.overall
                && a.groups.map(\.name) == b.groups.map(\.name) && a.groups.map(\.share) == b.groups.map(\.share)
        }

        var anyMissing: Bool { (overall ?? 0) > 0 || groups.contains { $0.share > 0 } }
    }
    struct Association: Sendable, Equatable {
        var feature: String
        var attribute: String
        var measure: String?
        var value: Double?
        var normalizedMutualInformation: Double?
        var proxy: Bool?
    }
    struct Shift: Sendable, Equatable {
        var feature: String
        var test: String?
        var statistic: Double?
        var pValue: Double?
        var pValueAdjusted: Double?
        var shifted: Bool?
    }
    struct Finding: Sendable, Equatable {
        var check: String
        var message: String
    }

    var rows: Int?
    var droppedRows: Int?
    var minGroupSize: Int?
    var proxyThreshold: Double?
    var shiftAlpha: Double?
    var label: Label?
    var attributes: [Attribute] = []
    /// nil when the file has no `missingness` list (not the same as "nothing missing").
    var missingness: [Missingness]?
    var associations: [Association]?
    var shift: [Shift]?
    var findings: [Finding]?

    /// The checks, in the order make-dataset reports them.
    static let checks = ["small_group", "proxy", "shift", "label_imbalance"]

    init(json: ReportJSON) {
        rows = json["rows"]?.int
        droppedRows = json["dropped_rows"]?.int
        minGroupSize = json["min_group_size"]?.int
        proxyThreshold = json["proxy_threshold"]?.double
        shiftAlpha = json["shift_alpha"]?.double
        if let object = json["label"], object.object != nil {
            label = Label(column: object["column"]?.string, positives: object["positives"]?.int,
                          negatives: object["negatives"]?.int, minorityShare: object["minority_share"]?.double,
                          imbalanced: object["imbalanced"]?.bool)
        }
        attributes = (json["attributes"]?.array ?? []).compactMap { item in
            guard let name = item["name"]?.string, let groups = item["groups"]?.array else { return nil }
            return Attribute(name: name, groups: groups.compactMap { group in
                guard let name = group["name"]?.string else { return nil }
                return Group(name: name, count: group["count"]?.int, share: group["share"]?.double,
                             baseRate: group["base_rate"]?.double, small: group["small"]?.bool)
            })
        }
        missingness = json["missingness"]?.array?.compactMap { item in
            guard let feature = item["feature"]?.string, let attribute = item["attribute"]?.string else { return nil }
            let groups = (item["groups"]?.sortedMembers ?? []).compactMap { member in
                member.value.double.map { (name: member.key, share: $0) }
            }
            return Missingness(feature: feature, attribute: attribute, overall: item["overall"]?.double, groups: groups)
        }
        associations = json["associations"]?.array?.compactMap { item in
            guard let feature = item["feature"]?.string, let attribute = item["attribute"]?.string else { return nil }
            return Association(feature: feature, attribute: attribute, measure: item["measure"]?.string,
                               value: item["value"]?.double,
                               normalizedMutualInformation: item["normalized_mutual_information"]?.double,
                               proxy: item["proxy"]?.bool)
        }
        shift = json["shift"]?.array?.compactMap { item in
            guard let feature = item["feature"]?.string else { return nil }
            return Shift(feature: feature, test: item["test"]?.string, statistic: item["statistic"]?.double,
                         pValue: item["p_value"]?.double, pValueAdjusted: item["p_value_adjusted"]?.double,
                         shifted: item["shifted"]?.bool)
        }
        findings = json["findings"]?.array?.compactMap { item in
            guard let check = item["check"]?.string else { return nil }
            return Finding(check: check, message: item["message"]?.string ?? "")
        }
    }

    /// False when the file has none of the fields make-dataset writes (another tool's audit).
    var isRecognised: Bool {
        rows != nil || label != nil || !attributes.isEmpty || missingness != nil || associations != nil
            || shift != nil || findings != nil
    }

    /// Whether `feature` is flagged: the file's flag, else value ≥ proxy_threshold.
    func isProxy(_ association: Association) -> Bool {
        if let proxy = association.proxy { return proxy }
        guard let value = association.value, let threshold = proxyThreshold else { return false }
        return value >= threshold
    }

    /// Whether a shift test is flagged: the file's flag, else adjusted p < shift_alpha.
    func isShifted(_ test: Shift) -> Bool {
        if let shifted = test.shifted { return shifted }
        guard let p = test.pValueAdjusted, let alpha = shiftAlpha else { return false }
        return p < alpha
    }
}
