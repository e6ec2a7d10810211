/// Renders make-dataset's data audit (``AuditView``) as the "Data audit" part of the Data
/// section: findings as a traffic-light list, then groups, label balance, missingness,
/// proxies and train/test shift, each compact and each left out when its field is absent.
/// Cost is linear in the audit's size plus one sort of the associations and shift tests.
struct AuditSection {
    let audit: AuditView
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
        guard audit.isRecognised else {
            return "<p class=\"note\">The audit file has none of the fields make-dataset writes (rows, attributes, findings, …), so it is not shown.</p>"
        }
        var out = ""
        if let rows = audit.rows {
            var facts = ["\(rows) rows in the whole dataset before splitting"]
            if let size = audit.minGroupSize { facts.append("minimum group size \(size)") }
            out += "<p>\(e(facts.joined(separator: " · "))).</p>"
        }
        out += findings()
        out += groups()
        out += labelBalance()
        out += missingness()
        out += associations()
        out += shift()
        return out
    }

    // MARK: Findings

    /// One line per check: green when the check ran and found nothing, amber with the
    /// messages when it found something, grey when the file says nothing about it.
    func findings() -> String {
        let found = audit.findings ?? []
        var out = "<h4>Findings</h4><ul class=\"lights\">"
        let known = Set(AuditView.checks)
        let extra = found.map(\.check).filter { !known.contains($0) }
        var seen = Set<String>()
        let checks = AuditView.checks + extra.filter { seen.insert($0).inserted }
        for check in checks {
            let messages = found.filter { $0.check == check }.map(\.message)
            let ran = audit.findings != nil && ranCheck(check)
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
        case "proxy": return audit.associations != nil
        case "shift": return audit.shift != nil
        case "label_imbalance": return audit.label != nil
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
            let bound = audit.minGroupSize.map { " (< \($0) rows)" } ?? ""
            return count == 0 ? "none\(bound)" : "\(count) group\(plural) too small\(bound)"
        case "proxy":
            let bound = audit.proxyThreshold.map { " (association ≥ \(ReportNumber.plain($0)))" } ?? ""
            return count == 0 ? "none\(bound)" : "\(count) feature–attribute pair\(plural) flagged\(bound)"
        case "shift":
            let bound = audit.shiftAlpha.map { " (Holm-adjusted p < \(ReportNumber.plain($0)))" } ?? ""
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
            let largest = attribute.groups.compactMap(\.count).max() ?? 0
            let rows: [[HTMLCell]] = attribute.groups.map { group in
                let barWidth = largest > 0 ? Double(group.count ?? 0) / Double(largest) * 80 : 0
                let small = group.small == true
                return [
                    HTMLCell(html: e(group.name), sort: group.name, cssClass: "text"),
                    .count(group.count),
                    HTMLCell(html: "<span class=\"share\" style=\"width:\(ReportNumber.coordinate(barWidth))px\"></span>\(ReportNumber.percent(group.share))",
                             sort: group.share.map(ReportNumber.plain) ?? ""),
                    .number(group.baseRate, digits),
                    HTMLCell(html: small ? "<span class=\"tag\">small group</span>" : "", sort: small ? "1" : "0", cssClass: "text"),
                ]
            }
            body += "<h5>\(e(attribute.name))</h5>"
            body += HTMLTable.render(headers: ["Group", "n", "Share", "Base rate", "Flag"], rows: rows, textColumns: [0, 4],
                                     rowClasses: attribute.groups.map { $0.small == true ? "flag" : nil })
        }
        let rows = audit.rows.map { ", \($0) rows" } ?? ""
        let title = "Groups in the whole dataset before splitting\(rows)"
        if foldGroups {
            let names = audit.attributes.map(\.name).joined(separator: ", ")
            return "<details class=\"fold\"><summary>\(e(title)): \(e(names))</summary>\(body)</details>"
        }
        return "<h4>\(e(title))</h4>" + body
    }

    // MARK: Label

    func labelBalance() -> String {
        guard let label = audit.label else { return "" }
        var parts: [String] = []
        if let share = label.positiveShare, let positives = label.positives, let negatives = label.negatives {
            parts.append("positive share \(ReportNumber.percent(share)) (\(positives) positive, \(negatives) negative)")
        } else if let minority = label.minorityShare {
            parts.append("minority class share \(ReportNumber.percent(minority))")
        }
        var out = "<h4>Label balance</h4><p>"
        if let column = label.column { out += "<code>\(e(column))</code>: " }
        out += e(parts.isEmpty ? "no counts reported" : parts.joined(separator: " · "))
        switch label.imbalanced {
        case .some(true): out += "<span class=\"tag\">imbalanced</span>"
        case .some(false): out += "<span class=\"tag ok\">balanced</span>"
        case .none: break
        }
        return out + "</p>"
    }

    // MARK: Missingness

    /// Only features with a missing value, as one matrix: feature × (overall, attribute=group).
    func missingness() -> String {
        guard let entries = audit.missingness else { return "" }
        var out = "<h4>Missing values</h4>"
        let dropped = audit.droppedRows.map { $0 == 0 ? " No rows were dropped." : " \($0) row\($0 == 1 ? " was" : "s were") dropped before the audit." } ?? ""
        let missing = entries.filter(\.anyMissing)
        guard !missing.isEmpty else {
            return out + "<p>No missing values in any feature.\(e(dropped))</p>"
        }
        // Columns: each attribute's groups, attributes in first-seen order, groups by name.
        var columns: [(attribute: String, group: String)] = []
        var seenColumns = Set<String>()
        for entry in entries {
            for group in entry.groups where seenColumns.insert(entry.attribute + "\u{0}" + group.name).inserted {
                columns.append((entry.attribute, group.name))
            }
        }
        var features: [String] = []
        var seenFeatures = Set<String>()
        for entry in missing where seenFeatures.insert(entry.feature).inserted { features.append(entry.feature) }
        let rows: [[HTMLCell]] = features.prefix(maxMissingRows).map { feature in
            let forFeature = entries.filter { $0.feature == feature }
            let overall = forFeature.compactMap(\.overall).first
            var row: [HTMLCell] = [.text(feature), shareCell(overall)]
            for column in columns {
                let share = forFeature.first { $0.attribute == column.attribute }?.groups.first { $0.name == column.group }?.share
                row.append(shareCell(share))
            }
            return row
        }
        out += "<p>Share of rows with the feature missing, overall and per group; only features with a missing value are listed.\(e(dropped))</p>"
        out += HTMLTable.render(headers: ["Feature", "Overall"] + columns.map { "\($0.attribute)=\($0.group)" }, rows: rows)
        if features.count > maxMissingRows {
            out += "<p class=\"note\">\(features.count - maxMissingRows) more features with missing values are not shown.</p>"
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
        guard let all = audit.associations, !all.isEmpty else { return "" }
        let sorted = all.sorted { a, b in
            let x = a.value ?? -.infinity, y = b.value ?? -.infinity
            if x != y { return x > y }
            if a.feature != b.feature { return a.feature < b.feature }
            return a.attribute < b.attribute
        }
        let shown = sorted.enumerated().filter { $0.offset < topAssociations || audit.isProxy($0.element) }.map(\.element)
        let rows: [[HTMLCell]] = shown.map { item in
            let flagged = audit.isProxy(item)
            return [
                .text(item.attribute),
                .text(item.feature),
                .text(measureName(item.measure)),
                HTMLCell(html: flagged ? "<span class=\"bad\">\(ReportNumber.fixed(item.value, digits))</span>" : ReportNumber.fixed(item.value, digits),
                         sort: item.value.map(ReportNumber.plain) ?? ""),
                .number(item.normalizedMutualInformation, digits),
                HTMLCell(html: flagged ? "<span class=\"tag\">proxy</span>" : "", sort: flagged ? "1" : "0", cssClass: "text"),
            ]
        }
        var caption = "Association of each feature with each sensitive attribute, strongest first"
        if let threshold = audit.proxyThreshold { caption += "; flagged as a proxy at ≥ \(ReportNumber.plain(threshold)) (proxy_threshold)" }
        caption += shown.count < all.count ? "; showing \(shown.count) of \(all.count) pairs." : "."
        var out = "<h4>Proxies</h4>"
        out += HTMLTable.render(headers: ["Attribute", "Feature", "Measure", "Value", "NMI", "Flag"], rows: rows, caption: caption,
                                textColumns: [0, 1, 2, 5], rowClasses: shown.map { audit.isProxy($0) ? "flag" : nil })
        out += "<p class=\"note\">Value: Cramér's V for a categorical feature, correlation ratio η for a numeric one (0 none, 1 determined by the attribute). NMI: normalised mutual information, numeric features in equal-frequency bins.</p>"
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
        guard let all = audit.shift, !all.isEmpty else { return "" }
        var out = "<h4>Train/test shift</h4>"
        let alpha = audit.shiftAlpha.map { " < \(ReportNumber.plain($0))" } ?? ""
        let flagged = all.filter(audit.isShifted)
        let sorted = all.sorted { a, b in
            let x = a.pValueAdjusted ?? .infinity, y = b.pValueAdjusted ?? .infinity
            return x != y ? x < y : a.feature < b.feature
        }
        let shown = all.count <= maxShiftRows ? sorted : sorted.filter(audit.isShifted)
        let rest = all.count - shown.count
        if shown.isEmpty {
            let smallest = sorted.first.map { " The smallest adjusted p is \(ReportNumber.pValue($0.pValueAdjusted)) (\($0.feature))." } ?? ""
            return out + "<p>None of the \(all.count) features tested differs between train and test (Holm-adjusted p\(e(alpha)) flags a shift).\(e(smallest))</p>"
        }
        let rows: [[HTMLCell]] = shown.map { test in
            let shifted = audit.isShifted(test)
            return [
                .text(test.feature),
                .text(testName(test.test)),
                .number(test.statistic, digits),
                HTMLCell(html: e(ReportNumber.pValue(test.pValue)), sort: test.pValue.map(ReportNumber.plain) ?? ""),
                HTMLCell(html: "<span class=\"\(shifted ? "bad" : "")\">\(e(ReportNumber.pValue(test.pValueAdjusted)))</span>",
                         sort: test.pValueAdjusted.map(ReportNumber.plain) ?? ""),
                HTMLCell(html: shifted ? "<span class=\"tag\">shifted</span>" : "", sort: shifted ? "1" : "0", cssClass: "text"),
            ]
        }
        let caption = "Train vs test distribution of each feature; adjusted p is Holm-corrected over all \(all.count) features, flagged\(alpha)."
        out += HTMLTable.render(headers: ["Feature", "Test", "Statistic", "p", "Adjusted p", "Flag"], rows: rows, caption: caption,
                                textColumns: [0, 1, 5], rowClasses: shown.map { audit.isShifted($0) ? "flag" : nil })
        if rest > 0 {
            out += "<p class=\"note\">\(rest) other feature\(rest == 1 ? "" : "s") showed no significant shift (\(flagged.count) of \(all.count) flagged).</p>"
        }
        return out
    }
}
