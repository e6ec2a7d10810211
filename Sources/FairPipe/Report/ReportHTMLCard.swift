/// The model card and provenance sections of the HTML report.
extension HTMLReport {
    /// The model's own settings: its type, its threshold and its type's sub-section
    /// (`model.logistic_regression.C`), not every model type's keys.
    func modelSettings(_ config: JSONValue?) -> [(String, String)] {
        guard let config else { return [] }
        let pairs = config.flattened()
        let type = pairs.first { $0.0 == "model.type" }?.1
        return pairs.filter { key, _ in
            key == "model.type" || key == "model.threshold"
                || (type.map { key.hasPrefix("model.\($0).") } ?? key.hasPrefix("model."))
        }
    }

    /// The mitigation settings that apply to `method`: its target, the shared switches, the
    /// key its strength sets, and its own sub-section (`mitigation.<method>.…`) when it has one.
    func mitigationSettings(_ config: JSONValue?, method: String?, parameter: String?) -> [(String, String)] {
        guard let config else { return [] }
        let shared =
            ["method", "target", "strengths", "sensitive_at_inference", "retrain_allowed"]
            + (parameter.map { [$0] } ?? [])
        return config.flattened().filter { key, _ in
            guard key.hasPrefix("mitigation.") else { return false }
            let rest = String(key.dropFirst("mitigation.".count))
            return shared.contains(rest) || (method.map { rest.hasPrefix("\($0).") } ?? false)
        }
    }

    /// The intended use and what ships in view; the whole card (Mitchell et al.) folded.
    func modelCardSection() -> String {
        var summary: [String] = []
        if let type = modelSettings(inputs.manifest(.train)?.config).first(where: { $0.0 == "model.type" })?.1 {
            summary.append("model \(MetricNames.words(type))")
        }
        if let method = inputs.mitigation?.method { summary.append("mitigated with \(MetricNames.words(method))") }
        let out =
            "<p><b>Intended use:</b> \(e(config.intendedUse))\(summary.isEmpty ? "" : " · " + e(summary.joined(separator: ", ")))</p>"
        return out
            + fold("The full model card: model and mitigation settings, data, metrics by group, caveats", modelCard())
    }

    func modelCard() -> String {
        var out =
            "<p>A model card after Mitchell et al. (2019), “Model Cards for Model Reporting”, filled from the configuration and the pipeline's outputs.</p><dl class=\"card\">"
        func item(_ title: String, _ html: String) { out += "<dt>\(e(title))</dt><dd>\(html)</dd>" }
        item("Intended use", e(config.intendedUse))
        if !config.owners.isEmpty { item("Owners", e(config.owners)) }
        item("Model", cardModel())
        out += trainingCurveItem()
        item("Training data", cardTrainingData())
        item("Evaluation data", cardEvaluationData())
        item("Metrics by group", cardGroupMetrics())
        item("Mitigation applied", cardMitigation())
        item("Caveats and ethical considerations", cardCaveats())
        return out + "</dl>"
    }

    /// The card's model entry: the description and the model's own settings.
    func cardModel() -> String {
        var model = config.modelDescription.isEmpty ? "" : "<p>\(e(config.modelDescription))</p>"
        let modelConfig = modelSettings(inputs.manifest(.train)?.config)
        if !modelConfig.isEmpty {
            model += "<code>" + modelConfig.map { e("\($0.0) = \($0.1)") }.joined(separator: "; ") + "</code>"
        }
        return model.isEmpty
            ? "<span class=\"na\">Not described (report.model_description; train manifest absent).</span>" : model
    }

    /// The card's training-data entry: the description, the splits and the data settings (folded).
    func cardTrainingData() -> String {
        var training = config.trainingData.isEmpty ? "" : "<p>\(e(config.trainingData))</p>"
        if let dataset = inputs.manifest(.makeDataset) {
            let files = dataset.outputs.map { e($0.path) }.joined(separator: ", ")
            if !files.isEmpty { training += "<p>Splits written by make-dataset: <code>\(files)</code>.</p>" }
            let settings = dataset.config.flattened()
            if !settings.isEmpty {
                training +=
                    "<details class=\"fold\"><summary>Data settings</summary><code>"
                    + settings.map { e("\($0.0) = \($0.1)") }.joined(separator: "; ") + "</code></details>"
            }
        }
        return training.isEmpty
            ? "<span class=\"na\">Not described (report.training_data; make-dataset manifest absent).</span>"
            : training
    }

    /// The card's evaluation-data entry: the description, rows and groups, the input files.
    func cardEvaluationData() -> String {
        var evaluation = config.evaluationData.isEmpty ? "" : "<p>\(e(config.evaluationData))</p>"
        if let metrics = inputs.metrics {
            var facts: [String] = []
            facts.append("\(metrics.n) rows")
            for attribute in metrics.attributes where !attribute.isIntersection {
                facts.append("\(attribute.name): \(attribute.groups.count) groups")
            }
            if !facts.isEmpty { evaluation += "<p>\(e(facts.joined(separator: "; "))).</p>" }
        }
        if let files = inputs.manifest(.evaluate)?.inputs, !files.isEmpty {
            evaluation += "<p>Inputs: <code>\(files.map { e($0.path) }.joined(separator: ", "))</code>.</p>"
        }
        return evaluation.isEmpty ? "<span class=\"na\">Not described.</span>" : evaluation
    }

    /// The card's per-group summary: four headline rates per group of each attribute.
    func cardGroupMetrics() -> String {
        guard let metrics = inputs.metrics, !metrics.attributes.isEmpty else {
            return "<span class=\"na\">No metrics were given.</span>"
        }
        var tables = ""
        let keys = ["accuracy", "selection_rate", "true_positive_rate", "false_positive_rate"]
        for attribute in metrics.attributes where !attribute.isIntersection {
            let rows: [[HTMLCell]] = attribute.groups.map { group in
                [.text(group.group), .count(group.n)]
                    + keys.map { HTMLCell.number(group.metric($0)?.value, digits) }
            }
            tables +=
                "<h4>\(e(attribute.name))</h4>"
                + HTMLTable.render(headers: ["Group", "n"] + keys.map(MetricNames.short), rows: rows)
        }
        return tables + "<p class=\"ci\">Full tables with intervals under “Metrics by group”.</p>"
    }

    /// The card's mitigation entry: the method and only the settings that apply to it.
    func cardMitigation() -> String {
        guard let mitigation = inputs.mitigation else { return "None." }
        var text =
            mitigation.method.map { "<b>\(e(MetricNames.words($0)))</b>" } ?? "A mitigation (method not recorded)"
        if let settings = inputs.manifest(.mitigate)?.config {
            let pairs = mitigationSettings(
                settings, method: mitigation.method, parameter: mitigation.tradeoff?.parameter)
            if !pairs.isEmpty {
                text += " — <code>" + pairs.map { e("\($0.0) = \($0.1)") }.joined(separator: "; ") + "</code>"
            }
        }
        return text
    }

    /// The card's caveats: attributes used, small groups, the configured caveats and what
    /// group metrics cannot show.
    func cardCaveats() -> String {
        var caveats = "<ul>"
        if let metrics = inputs.metrics {
            let names = metrics.attributes.filter { !$0.isIntersection }.map(\.name)
            let intersections = metrics.attributes.filter(\.isIntersection).map(\.name)
            var line = "Sensitive attributes used: " + (names.isEmpty ? "none" : names.joined(separator: ", "))
            if !intersections.isEmpty { line += "; intersections: " + intersections.joined(separator: ", ") }
            caveats +=
                "<li>\(e(line)). They are used to measure disparities; whether they may also be used as model inputs is a legal and ethical question this report does not settle.</li>"
            let small = metrics.attributes.flatMap { attribute in
                attribute.groups.filter { $0.warnings.contains("small_group") }.map {
                    "\(attribute.name) = \($0.group) (n = \($0.n))"
                }
            }
            if !small.isEmpty {
                caveats +=
                    "<li>Small groups, whose metrics carry wide intervals and should not be read on their own: \(e(small.joined(separator: "; "))).</li>"
            }
        }
        for caveat in config.caveats { caveats += "<li>\(e(caveat))</li>" }
        caveats +=
            "<li>What these metrics do not show: whether the labels themselves are biased (every rate here trusts the recorded outcome); harms to groups not recorded in the data; fairness for individuals beyond the between-individual indices; how decisions feed back into future data; and performance on populations unlike the evaluation split.</li>"
        caveats +=
            "<li>Group fairness criteria conflict: when base rates differ, calibration and equal error rates cannot all hold at once (Kleinberg et al., 2016; Chouldechova, 2017). Choosing which disparity to gate on is a value judgement.</li>"
        caveats += "</ul>"
        return caveats
    }

    func provenanceSection() -> String {
        let manifests = inputs.orderedManifests
        guard !manifests.isEmpty else {
            return note(
                "No stage manifests were given; provenance (commit, seed, configuration, file hashes) is omitted.")
        }
        var out = ""
        let commits = Set(manifests.map(\.git.commit))
        if manifests.contains(where: { $0.git.dirty }) {
            out +=
                "<div class=\"banner\">At least one stage ran from a working tree with uncommitted changes; the commit alone does not reproduce it.</div>"
        }
        if commits.count > 1 {
            out +=
                "<div class=\"banner\">Stages ran from \(commits.count) different commits: \(e(commits.sorted().map { String($0.prefix(12)) }.joined(separator: ", "))).</div>"
        }
        let seeds = Set(manifests.map(\.seed))
        out +=
            "<p>\(manifests.count) stage run\(manifests.count == 1 ? "" : "s"), commit <span class=\"hash\">\(e(String(manifests[0].git.commit.prefix(12))))</span>\(commits.count > 1 ? " and others" : ""), seed\(seeds.count == 1 ? "" : "s") \(e(seeds.sorted().map(String.init).joined(separator: ", "))). Every file each stage read and wrote is recorded with its SHA-256 below.</p>"
        var table = ""
        let rows: [[HTMLCell]] = manifests.map { m in
            [
                .text(m.role), .text(m.toolVersion, cssClass: nil),
                HTMLCell(html: "<span class=\"hash\">\(e(m.git.commit))</span>", sort: m.git.commit),
                .text(m.git.dirty ? "yes" : "no", cssClass: nil),
                .text(String(m.seed), cssClass: nil),
                .text(m.started, cssClass: nil), .text(m.finished, cssClass: nil),
                m.durationSeconds == nil
                    ? HTMLCell(html: "<span class=\"na\">—</span>", sort: "")
                    : HTMLCell(
                        html: ReportNumber.fixed(m.durationSeconds, 2) + " s",
                        sort: ReportNumber.plain(m.durationSeconds ?? 0)),
            ]
        }
        table += HTMLTable.render(
            headers: ["Stage", "Tool", "Commit", "Dirty", "Seed", "Started", "Finished", "Duration"], rows: rows)

        // Lineage: an input whose path some earlier stage wrote must carry that output's hash.
        var written: [String: String] = [:]
        for m in manifests {
            table += "<h3>\(e(m.role))</h3>"
            table += "<p>Config SHA-256: <span class=\"hash\">\(e(m.configSha256))</span></p>"
            var fileRows: [[HTMLCell]] = []
            for file in m.inputs {
                var lineage = "—"
                if let upstream = written[file.path] {
                    lineage = upstream == file.sha256 ? "✓ matches upstream" : "✗ differs from upstream output"
                }
                fileRows.append([
                    .text("input"), .text(file.path), .count(file.bytes),
                    HTMLCell(html: "<span class=\"hash\">\(e(file.sha256))</span>", cssClass: "text"),
                    .text(lineage),
                ])
            }
            for file in m.outputs {
                fileRows.append([
                    .text("output"), .text(file.path), .count(file.bytes),
                    HTMLCell(html: "<span class=\"hash\">\(e(file.sha256))</span>", cssClass: "text"), .text(""),
                ])
            }
            if fileRows.isEmpty {
                table += note("No files recorded.")
            } else {
                table +=
                    "<details class=\"fold\"><summary>Files: \(m.inputs.count) read, \(m.outputs.count) written</summary>"
                table += HTMLTable.render(
                    headers: ["", "Path", "Bytes", "SHA-256", "Lineage"], rows: fileRows, textColumns: [0, 1, 3, 4])
                table += "</details>"
            }
            table +=
                "<details><summary>Resolved configuration (\(e(m.role)))</summary><pre>\(e(m.config.pretty()))</pre></details>"
            for file in m.outputs { written[file.path] = file.sha256 }
        }
        return out + fold("Stage runs, configurations and file hashes", table)
    }
}
