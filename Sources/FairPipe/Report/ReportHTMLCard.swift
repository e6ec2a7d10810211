/// The model card and provenance sections of the HTML report.
extension HTMLReport {
    /// `key = value` pairs of a config's scalar leaves, flattened with dotted keys.
    func flatten(_ json: ReportJSON?, prefix: String = "") -> [(String, String)] {
        guard let json else { return [] }
        switch json {
        case .object:
            return json.sortedMembers.flatMap { flatten($0.value, prefix: prefix.isEmpty ? $0.key : "\(prefix).\($0.key)") }
        case .array(let items):
            let scalars = items.compactMap(\.string)
            return scalars.count == items.count ? [(prefix, "[" + scalars.joined(separator: ", ") + "]")] : [(prefix, "[\(items.count) items]")]
        case .null:
            return [(prefix, "null")]
        default:
            return [(prefix, json.string ?? "")]
        }
    }

    func modelCardSection() -> String {
        var out = "<p>A model card after Mitchell et al. (2019), “Model Cards for Model Reporting”, filled from the configuration and the pipeline's outputs.</p><dl class=\"card\">"
        func item(_ title: String, _ html: String) { out += "<dt>\(e(title))</dt><dd>\(html)</dd>" }
        item("Intended use", e(config.intendedUse))
        if !config.owners.isEmpty { item("Owners", e(config.owners)) }
        var model = config.modelDescription.isEmpty ? "" : "<p>\(e(config.modelDescription))</p>"
        let modelConfig = flatten(inputs.manifest("train")?.config)
        if !modelConfig.isEmpty {
            model += "<code>" + modelConfig.map { e("\($0.0) = \($0.1)") }.joined(separator: "; ") + "</code>"
        }
        item("Model", model.isEmpty ? "<span class=\"na\">Not described (report.model_description; train manifest absent).</span>" : model)

        var training = config.trainingData.isEmpty ? "" : "<p>\(e(config.trainingData))</p>"
        if let dataset = inputs.manifest("make-dataset") {
            let files = dataset.outputs.map { e($0.path) }.joined(separator: ", ")
            if !files.isEmpty { training += "<p>Splits written by make-dataset: <code>\(files)</code>.</p>" }
            let settings = flatten(dataset.config)
            if !settings.isEmpty { training += "<code>" + settings.map { e("\($0.0) = \($0.1)") }.joined(separator: "; ") + "</code>" }
        }
        item("Training data", training.isEmpty ? "<span class=\"na\">Not described (report.training_data; make-dataset manifest absent).</span>" : training)

        var evaluation = config.evaluationData.isEmpty ? "" : "<p>\(e(config.evaluationData))</p>"
        if let metrics = inputs.metrics {
            var facts: [String] = []
            if let n = metrics.n { facts.append("\(n) rows") }
            for attribute in metrics.attributes where !attribute.isIntersection {
                facts.append("\(attribute.name): \(attribute.groups.count) groups")
            }
            if !facts.isEmpty { evaluation += "<p>\(e(facts.joined(separator: "; "))).</p>" }
        }
        if let files = inputs.manifest("evaluate")?.inputs, !files.isEmpty {
            evaluation += "<p>Inputs: <code>\(files.map { e($0.path) }.joined(separator: ", "))</code>.</p>"
        }
        item("Evaluation data", evaluation.isEmpty ? "<span class=\"na\">Not described.</span>" : evaluation)

        if let metrics = inputs.metrics, !metrics.attributes.isEmpty {
            var tables = ""
            let keys = ["accuracy", "selection_rate", "true_positive_rate", "false_positive_rate"]
            for attribute in metrics.attributes where !attribute.isIntersection {
                let rows: [[HTMLCell]] = attribute.groups.map { group in
                    [.text(group.group), .count(group.n)] + keys.map { HTMLCell.number(group.metric($0)?.value, digits) }
                }
                tables += "<h4>\(e(attribute.name))</h4>" + HTMLTable.render(headers: ["Group", "n"] + keys.map(MetricNames.short), rows: rows)
            }
            item("Metrics by group", tables + "<p class=\"ci\">Full tables with intervals under “Metrics by group”.</p>")
        } else {
            item("Metrics by group", "<span class=\"na\">No metrics were given.</span>")
        }

        if let mitigation = inputs.mitigation {
            var text = mitigation.method.map { "<b>\(e(MetricNames.words($0)))</b>" } ?? "A mitigation (method not recorded)"
            if let settings = inputs.manifest("mitigate")?.config {
                let pairs = flatten(settings)
                if !pairs.isEmpty { text += " — <code>" + pairs.map { e("\($0.0) = \($0.1)") }.joined(separator: "; ") + "</code>" }
            }
            item("Mitigation applied", text)
        } else {
            item("Mitigation applied", "None.")
        }

        var caveats = "<ul>"
        if let metrics = inputs.metrics {
            let names = metrics.attributes.filter { !$0.isIntersection }.map(\.name)
            let intersections = metrics.attributes.filter(\.isIntersection).map(\.name)
            var line = "Sensitive attributes used: " + (names.isEmpty ? "none" : names.joined(separator: ", "))
            if !intersections.isEmpty { line += "; intersections: " + intersections.joined(separator: ", ") }
            caveats += "<li>\(e(line)). They are used to measure disparities; whether they may also be used as model inputs is a legal and ethical question this report does not settle.</li>"
            let small = metrics.attributes.flatMap { attribute in
                attribute.groups.filter { $0.warnings.contains("small_group") }.map { "\(attribute.name) = \($0.group)" + ($0.n.map { " (n = \($0))" } ?? "") }
            }
            if !small.isEmpty {
                caveats += "<li>Small groups, whose metrics carry wide intervals and should not be read on their own: \(e(small.joined(separator: "; "))).</li>"
            }
        }
        for caveat in config.caveats { caveats += "<li>\(e(caveat))</li>" }
        caveats += "<li>What these metrics do not show: whether the labels themselves are biased (every rate here trusts the recorded outcome); harms to groups not recorded in the data; fairness for individuals beyond the between-individual indices; how decisions feed back into future data; and performance on populations unlike the evaluation split.</li>"
        caveats += "<li>Group fairness criteria conflict: when base rates differ, calibration and equal error rates cannot all hold at once (Kleinberg et al., 2016; Chouldechova, 2017). Choosing which disparity to gate on is a value judgement.</li>"
        caveats += "</ul>"
        item("Caveats and ethical considerations", caveats)
        return out + "</dl>"
    }

    func provenanceSection() -> String {
        let manifests = inputs.orderedManifests
        guard !manifests.isEmpty else {
            return note("No stage manifests were given; provenance (commit, seed, configuration, file hashes) is omitted.")
        }
        var out = ""
        let commits = Set(manifests.compactMap(\.commit))
        if manifests.contains(where: { $0.dirty == true }) {
            out += "<div class=\"banner\">At least one stage ran from a working tree with uncommitted changes; the commit alone does not reproduce it.</div>"
        }
        if commits.count > 1 {
            out += "<div class=\"banner\">Stages ran from \(commits.count) different commits: \(e(commits.sorted().map { String($0.prefix(12)) }.joined(separator: ", "))).</div>"
        }
        let rows: [[HTMLCell]] = manifests.map { m in
            [
                .text(m.stage), .text(m.toolVersion ?? "—", cssClass: nil),
                HTMLCell(html: "<span class=\"hash\">\(e(m.commit ?? "—"))</span>", sort: m.commit ?? ""),
                .text(m.dirty.map { $0 ? "yes" : "no" } ?? "—", cssClass: nil),
                .text(m.seed ?? "—", cssClass: nil),
                .text(m.started ?? "—", cssClass: nil), .text(m.finished ?? "—", cssClass: nil),
                m.durationSeconds == nil ? HTMLCell(html: "<span class=\"na\">—</span>", sort: "") : HTMLCell(html: ReportNumber.fixed(m.durationSeconds, 2) + " s", sort: ReportNumber.plain(m.durationSeconds ?? 0)),
            ]
        }
        out += HTMLTable.render(headers: ["Stage", "Tool", "Commit", "Dirty", "Seed", "Started", "Finished", "Duration"], rows: rows)

        // Lineage: an input whose path some earlier stage wrote must carry that output's hash.
        var written: [String: String] = [:]
        for m in manifests {
            out += "<h3>\(e(m.stage))</h3>"
            if let hash = m.configSHA256 { out += "<p>Config SHA-256: <span class=\"hash\">\(e(hash))</span></p>" }
            var fileRows: [[HTMLCell]] = []
            for file in m.inputs {
                var lineage = "—"
                if let upstream = written[file.path] {
                    lineage = upstream == file.sha256 ? "✓ matches upstream" : "✗ differs from upstream output"
                }
                fileRows.append([.text("input"), .text(file.path), .count(file.bytes),
                                 HTMLCell(html: "<span class=\"hash\">\(e(file.sha256 ?? "—"))</span>", cssClass: "text"),
                                 .text(lineage)])
            }
            for file in m.outputs {
                fileRows.append([.text("output"), .text(file.path), .count(file.bytes),
                                 HTMLCell(html: "<span class=\"hash\">\(e(file.sha256 ?? "—"))</span>", cssClass: "text"), .text("")])
            }
            if fileRows.isEmpty {
                out += note("No files recorded.")
            } else {
                out += HTMLTable.render(headers: ["", "Path", "Bytes", "SHA-256", "Lineage"], rows: fileRows, textColumns: [0, 1, 3, 4])
            }
            if let config = m.config {
                out += "<details><summary>Resolved configuration (\(e(m.stage)))</summary><pre>\(e(config.pretty()))</pre></details>"
            }
            for file in m.outputs {
                if let hash = file.sha256 { written[file.path] = hash }
            }
        }
        return out
    }
}

/// Renders an arbitrary JSON document (the data audit) as headings, key–value lists and
/// tables, without knowing its schema. Depth and row counts are capped so a huge or
/// deeply nested audit cannot swamp the report.
struct AuditRenderer {
    let digits: Int
    let maxRows = 200
    let maxDepth = 5

    func e(_ text: String) -> String { ReportEscape.html(text) }

    func scalar(_ json: ReportJSON) -> HTMLCell {
        switch json {
        case .number(let value):
            return value == value.rounded() && abs(value) < 1e12 ? HTMLCell(html: ReportNumber.plain(value), sort: ReportNumber.plain(value))
                : .number(value, digits)
        case .null: return HTMLCell(html: "<span class=\"na\">—</span>", sort: "")
        case .bool(let value): return .text(value ? "yes" : "no", cssClass: nil)
        case .string(let text): return .text(text, cssClass: "wrap")
        case .array, .object:
            if let interval = json.interval { return HTMLCell(html: "<span class=\"ci\">\(ReportNumber.interval(interval, digits))</span>") }
            if let items = json.array, items.allSatisfy({ $0.array == nil && $0.object == nil }) {
                return .text(items.compactMap(\.string).joined(separator: ", "), cssClass: "wrap")
            }
            return HTMLCell(html: "<code>\(e(String(json.pretty().prefix(400))))</code>", cssClass: "wrap")
        }
    }

    func isScalar(_ json: ReportJSON) -> Bool {
        json.object == nil && (json.array == nil || json.interval != nil || json.array?.allSatisfy { $0.array == nil && $0.object == nil } == true)
    }

    func render(_ json: ReportJSON, depth: Int = 0) -> String {
        if depth > maxDepth { return "<code>\(e(String(json.pretty().prefix(400))))</code>" }
        let heading = depth < 2 ? "h4" : "h5"
        switch json {
        case .object:
            let members = json.sortedMembers
            var out = ""
            // Warnings first and prominent, whatever their shape.
            func isWarning(_ key: String) -> Bool { key.lowercased().contains("warning") && json[key]?.array != nil }
            for member in members where isWarning(member.key) {
                let items = member.value.array ?? []
                out += "<\(heading)>\(e(MetricNames.words(member.key).capitalizedFirst))</\(heading)>"
                out += items.isEmpty ? "<p class=\"note\">None.</p>"
                    : "<div class=\"banner\"><ul>" + items.prefix(maxRows).map { "<li>\(e($0.string ?? $0.pretty()))</li>" }.joined() + "</ul></div>"
            }
            let scalars = members.filter { isScalar($0.value) && !isWarning($0.key) }
            if !scalars.isEmpty {
                out += HTMLTable.render(headers: ["Item", "Value"], rows: scalars.map { [.text(MetricNames.words($0.key)), scalar($0.value)] }, sortable: false)
            }
            for member in members where !isScalar(member.value) && !isWarning(member.key) {
                out += "<\(heading)>\(e(MetricNames.words(member.key)))</\(heading)>"
                if let table = recordTable(member.value) {
                    out += table
                } else {
                    out += render(member.value, depth: depth + 1)
                }
            }
            return out
        case .array(let items):
            if let table = recordTable(json) { return table }
            return "<ul>" + items.prefix(maxRows).map { "<li>\(isScalar($0) ? scalar($0).html : render($0, depth: depth + 1))</li>" }.joined() + "</ul>"
        default:
            return "<p>\(scalar(json).html)</p>"
        }
    }

    /// A table when `json` is a list of flat records, or a map from names to flat records.
    func recordTable(_ json: ReportJSON) -> String? {
        var records: [(String?, [String: ReportJSON])] = []
        if let items = json.array, !items.isEmpty, items.allSatisfy({ $0.object != nil }) {
            records = items.map { (nil, $0.object ?? [:]) }
        } else if json.object != nil, !json.sortedMembers.isEmpty, json.sortedMembers.allSatisfy({ $0.value.object != nil }) {
            records = json.sortedMembers.map { ($0.key, $0.value.object ?? [:]) }
        } else {
            return nil
        }
        guard records.allSatisfy({ $0.1.values.allSatisfy(isScalar) }) else { return nil }
        let first = ["attribute", "name", "group", "feature", "column"]
        let keys = Set(records.flatMap { $0.1.keys })
        let columns = first.filter { keys.contains($0) } + keys.subtracting(first).sorted()
        let named = records.contains { $0.0 != nil }
        let rows: [[HTMLCell]] = records.prefix(maxRows).map { name, record in
            (named ? [HTMLCell.text(name ?? "")] : []) + columns.map { record[$0].map(scalar) ?? HTMLCell(html: "", sort: "") }
        }
        var out = HTMLTable.render(headers: (named ? [""] : []) + columns.map(MetricNames.words), rows: rows,
                                   textColumns: Set(0..<(named ? 1 : 0)))
        if records.count > maxRows { out += "<p class=\"note\">\(records.count - maxRows) more rows not shown.</p>" }
        return out
    }
}
