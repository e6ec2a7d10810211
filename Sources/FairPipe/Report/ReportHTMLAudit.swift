/// Renders make-dataset's data audit (``AuditReport``, `audit.json`) as the "Data audit"
/// part of the Data section: findings as a traffic-light list, then groups, label balance,
/// missingness, proxies and train/test shift, each compact and left out when empty.
/// Cost is linear in the audit's size plus one sort of the associations and shift tests.
struct AuditSection {
    let audit: AuditReport
    let digits: Int
    /// Fold the per-group tables behind a disclosure (the evaluation's group tables above
    /// already show the test split's counts, so these would read as near-duplicates).
    var foldGroups = false
    /// Associations shown beyond the flagged ones.
    var topAssociations = 10
    /// Shift tests listed in full up to this many; above it only the flagged ones.
    var maxShiftRows = 10
    /// Missing-value matrix rows.
    var maxMissingRows = 60
    /// Messages listed per finding kind.
    var maxMessages = 8

    func e(_ text: String) -> String { ReportEscape.html(text) }

    func render() -> String {
        var out = ""
        let facts = [
            "\(audit.rows) rows in the whole dataset before splitting", "minimum group size \(audit.minGroupSize)",
        ]
        out += "<p>\(e(facts.joined(separator: " · "))).</p>"
        out += findings()
        // Details on demand: the findings above say what needs attention.
        out +=
            "<details class=\"fold\"><summary>Audit details: groups, label balance, missing values, proxies, train/test shift</summary>"
        out += groups()
        out += labelBalance()
        out += missingness()
        out += associations()
        out += shift()
        return out + "</details>"
    }

    // MARK: Findings

    /// One line per check: green when the check ran and found nothing, amber with the
    /// messages when it found something, grey when the file says nothing about it.
    func findings() -> String {
        let found = audit.findings
        var out = "<h4>Findings</h4><ul class=\"lights\">"
        for check in AuditCheck.allCases.map(\.rawValue) {
            let messages = found.filter { $0.check.rawValue == check }.map(\.message)
            let ran = ranCheck(check)
            let status = !messages.isEmpty ? "warn" : (ran ? "pass" : "unknown")
            out += "<li><span class=\"dot \(status)\" role=\"img\" aria-label=\"\(status)\"></span>"
            out += "<b>\(e(checkTitle(check)))</b>: \(e(summary(check, count: messages.count, ran: ran)))"
            if !messages.isEmpty {
                out += "<ul>" + messages.prefix(maxMessages).map { "<li>\(e($0))</li>" }.joined()
                if messages.count > maxMessages { out += "<li>and \(messages.count - maxMessages) more</li>" }
                out += "</ul>"
            }
            out += "</li>"
        }
        return out + "</ul>"
    }

    func ranCheck(_ check: String) -> Bool {
        switch check {
        case "small_group": return !audit.attributes.isEmpty
        default: return true
        }
    }

    func checkTitle(_ check: String) -> String {
        switch check {
        case "small_group": return "Small groups"
        case "proxy": return "Proxy features"
        case "shift": return "Train/test shift"
        case "label_imbalance": return "Label balance"
        default: return MetricNames.words(check).capitalizedFirst
        }
    }

    func summary(_ check: String, count: Int, ran: Bool) -> String {
        guard ran || count > 0 else { return "not reported" }
        let plural = count == 1 ? "" : "s"
        switch check {
        case "small_group":
            let bound = " (< \(audit.minGroupSize) rows)"
            return count == 0 ? "none\(bound)" : "\(count) group\(plural) too small\(bound)"
        case "proxy":
            let bound = " (association ≥ \(ReportNumber.plain(audit.proxyThreshold)))"
            return count == 0 ? "none\(bound)" : "\(count) feature–attribute pair\(plural) flagged\(bound)"
        case "shift":
            let bound = " (Holm-adjusted p < \(ReportNumber.plain(audit.shiftAlpha)))"
            return count == 0 ? "no feature shifted\(bound)" : "\(count) feature\(plural) shifted\(bound)"
        case "label_imbalance":
            return count == 0 ? "not imbalanced" : "imbalanced"
        default:
            return "\(count) finding\(plural)"
        }
    }

    // MARK: Groups

    func groups() -> String {
        guard !audit.attributes.isEmpty else { return "" }
        var body = ""
        for attribute in audit.attributes {
            let largest = attribute.groups.map(\.count).max() ?? 0
            let rows: [[HTMLCell]] = attribute.groups.map { group in
                let barWidth = largest > 0 ? Double(group.count) / Double(largest) * 80 : 0
                let small = group.small
                return [
                    HTMLCell(html: e(group.name), sort: group.name, cssClass: "text"),
                    .count(group.count),
                    HTMLCell(
                        html:
                            "<span class=\"share\" style=\"width:\(ReportNumber.coordinate(barWidth))px\"></span>\(ReportNumber.percent(group.share))",
                        sort: ReportNumber.plain(group.share)),
                    .number(group.baseRate, digits),
                    HTMLCell(
                        html: small ? "<span class=\"tag\">small group</span>" : "", sort: small ? "1" : "0",
                        cssClass: "text"),
                ]
            }
            body += "<h5>\(e(attribute.name))</h5>"
            body += HTMLTable.render(
                headers: ["Group", "n", "Share", "Base rate", "Flag"], rows: rows, textColumns: [0, 4],
                rowClasses: attribute.groups.map { $0.small ? "flag" : nil })
        }
        let title = "Groups in the whole dataset before splitting, \(audit.rows) rows"
        if foldGroups {
            let names = audit.attributes.map(\.name).joined(separator: ", ")
            return "<details class=\"fold\"><summary>\(e(title)): \(e(names))</summary>\(body)</details>"
        }
        return "<h4>\(e(title))</h4>" + body
    }

    // MARK: Label

    func labelBalance() -> String {
        let label = audit.label
        let total = label.positives + label.negatives
        let counts =
            total > 0
            ? "positive share \(ReportNumber.percent(Double(label.positives) / Double(total))) (\(label.positives) positive, \(label.negatives) negative)"
            : "minority class share \(ReportNumber.percent(label.minorityShare))"
        var out = "<h4>Label balance</h4><p><code>\(e(label.column))</code>: \(e(counts))"
        out += label.imbalanced ? "<span class=\"tag\">imbalanced</span>" : "<span class=\"tag ok\">balanced</span>"
        return out + "</p>"
    }

    // MARK: Missingness

    /// Only features with a missing value, as one matrix: feature × (overall, attribute=group).
    func missingness() -> String {
        let entries = audit.missingness
        var out = "<h4>Missing values</h4>"
        let droppedRows = audit.droppedRows
        let dropped =
            droppedRows == 0
            ? " No rows were dropped."
            : " \(droppedRows) row\(droppedRows == 1 ? " was" : "s were") dropped before the audit."
        let missing = entries.filter { $0.overall > 0 || $0.groups.values.contains { $0 > 0 } }
        guard !missing.isEmpty else {
            return out + "<p>No missing values in any feature.\(e(dropped))</p>"
        }
        // Columns: each attribute's groups, attributes in first-seen order, groups by name.
        var columns: [(attribute: String, group: String)] = []
        var seenColumns = Set<String>()
        for entry in entries {
            for group in entry.groups.keys.sorted() where seenColumns.insert(entry.attribute + "\u{0}" + group).inserted
            {
                columns.append((entry.attribute, group))
            }
        }
        var features: [String] = []
        var seenFeatures = Set<String>()
        for entry in missing where seenFeatures.insert(entry.feature).inserted { features.append(entry.feature) }
        let rows: [[HTMLCell]] = features.prefix(maxMissingRows).map { feature in
            let forFeature = entries.filter { $0.feature == feature }
            let overall = forFeature.first?.overall
            var row: [HTMLCell] = [.text(feature), shareCell(overall)]
            for column in columns {
                let share = forFeature.first { $0.attribute == column.attribute }?.groups[column.group]
                row.append(shareCell(share))
            }
            return row
        }
        out +=
            "<p>Share of rows with the feature missing, overall and per group; only features with a missing value are listed.\(e(dropped))</p>"
        out += HTMLTable.render(
            headers: ["Feature", "Overall"] + columns.map { "\($0.attribute)=\($0.group)" }, rows: rows)
        if features.count > maxMissingRows {
            out +=
                "<p class=\"note\">\(features.count - maxMissingRows) more features with missing values are not shown.</p>"
        }
        return out
    }

    func shareCell(_ share: Double?) -> HTMLCell {
        guard let share else { return HTMLCell(html: "<span class=\"na\">—</span>", sort: "") }
        let text = ReportNumber.percent(share)
        return HTMLCell(html: share > 0 ? text : "<span class=\"na\">\(text)</span>", sort: ReportNumber.plain(share))
    }

    // MARK: Associations

    func measureName(_ measure: String?) -> String {
        switch measure {
        case "cramers_v": return "Cramér's V"
        case "correlation_ratio": return "correlation ratio η"
        case .some(let other): return MetricNames.words(other)
        case .none: return "—"
        }
    }

    /// Strongest first; the top `topAssociations` plus every flagged pair.
    func associations() -> String {
        let all = audit.associations
        guard !all.isEmpty else { return "" }
        let sorted = all.sorted { a, b in
            let x = a.value, y = b.value
            if x != y { return x > y }
            if a.feature != b.feature { return a.feature < b.feature }
            return a.attribute < b.attribute
        }
        let shown = sorted.enumerated().filter { $0.offset < topAssociations || $0.element.proxy }.map(\.element)
        let rows: [[HTMLCell]] = shown.map { item in
            let flagged = item.proxy
            return [
                .text(item.attribute),
                .text(item.feature),
                .text(measureName(item.measure)),
                HTMLCell(
                    html: flagged
                        ? "<span class=\"bad\">\(ReportNumber.fixed(item.value, digits))</span>"
                        : ReportNumber.fixed(item.value, digits),
                    sort: ReportNumber.plain(item.value)),
                .number(item.normalizedMutualInformation, digits),
                HTMLCell(
                    html: flagged ? "<span class=\"tag\">proxy</span>" : "", sort: flagged ? "1" : "0", cssClass: "text"
                ),
            ]
        }
        var caption = "Association of each feature with each sensitive attribute, strongest first"
        caption += "; flagged as a proxy at ≥ \(ReportNumber.plain(audit.proxyThreshold)) (proxy_threshold)"
        caption += shown.count < all.count ? "; showing \(shown.count) of \(all.count) pairs." : "."
        var out = "<h4>Proxies</h4>"
        out += HTMLTable.render(
            headers: ["Attribute", "Feature", "Measure", "Value", "NMI", "Flag"], rows: rows, caption: caption,
            textColumns: [0, 1, 2, 5], rowClasses: shown.map { $0.proxy ? "flag" : nil })
        out +=
            "<p class=\"note\">Value: Cramér's V for a categorical feature, correlation ratio η for a numeric one (0 none, 1 determined by the attribute). NMI: normalised mutual information, numeric features in equal-frequency bins.</p>"
        return out
    }

    // MARK: Shift

    func testName(_ test: String?) -> String {
        switch test {
        case "kolmogorov_smirnov": return "Kolmogorov–Smirnov"
        case "chi_square": return "χ² homogeneity"
        case .some(let other): return MetricNames.words(other)
        case .none: return "—"
        }
    }

    /// All tests when few, else only the shifted ones and a count of the rest.
    func shift() -> String {
        let all = audit.shift
        guard !all.isEmpty else { return "" }
        var out = "<h4>Train/test shift</h4>"
        let alpha = " < \(ReportNumber.plain(audit.shiftAlpha))"
        let flagged = all.filter(\.shifted)
        let sorted = all.sorted { a, b in
            a.pValueAdjusted != b.pValueAdjusted ? a.pValueAdjusted < b.pValueAdjusted : a.feature < b.feature
        }
        let shown = all.count <= maxShiftRows ? sorted : sorted.filter(\.shifted)
        let rest = all.count - shown.count
        if shown.isEmpty {
            let smallest =
                sorted.first.map {
                    " The smallest adjusted p is \(ReportNumber.pValue($0.pValueAdjusted)) (\($0.feature))."
                } ?? ""
            return out
                + "<p>None of the \(all.count) features tested differs between train and test (Holm-adjusted p\(e(alpha)) flags a shift).\(e(smallest))</p>"
        }
        let rows: [[HTMLCell]] = shown.map { test in
            let shifted = test.shifted
            return [
                .text(test.feature),
                .text(testName(test.test)),
                .number(test.statistic, digits),
                HTMLCell(html: e(ReportNumber.pValue(test.pValue)), sort: ReportNumber.plain(test.pValue)),
                HTMLCell(
                    html:
                        "<span class=\"\(shifted ? "bad" : "")\">\(e(ReportNumber.pValue(test.pValueAdjusted)))</span>",
                    sort: ReportNumber.plain(test.pValueAdjusted)),
                HTMLCell(
                    html: shifted ? "<span class=\"tag\">shifted</span>" : "", sort: shifted ? "1" : "0",
                    cssClass: "text"),
            ]
        }
        let caption =
            "Train vs test distribution of each feature; adjusted p is Holm-corrected over all \(all.count) features, flagged\(alpha)."
        out += HTMLTable.render(
            headers: ["Feature", "Test", "Statistic", "p", "Adjusted p", "Flag"], rows: rows, caption: caption,
            textColumns: [0, 1, 5], rowClasses: shown.map { $0.shifted ? "flag" : nil })
        if rest > 0 {
            out +=
                "<p class=\"note\">\(rest) other feature\(rest == 1 ? "" : "s") showed no significant shift (\(flagged.count) of \(all.count) flagged).</p>"
        }
        return out
    }
}
