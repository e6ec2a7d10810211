/// Which parts of the configuration each stage reads. A stage's manifest records its
/// slice and the slice's hash; the Makefile reruns a stage when its slice changes, so
/// editing `mitigation:` reruns mitigate and what follows, never make-dataset or train.
public enum StageConfigSlice {
    public static func slice(for stage: StageName, of config: PipelineConfig) throws -> JSONValue {
        let seed: JSONValue = .object(["seed": .number(Double(config.experiment.seed))])
        let model = try JSONValue(encoding: config.model)
        var sections: [String: JSONValue] = ["experiment": seed]
        switch stage {
        case .makeDataset:
            sections["data"] = try JSONValue(encoding: config.data)
        case .train:
            // The decision threshold is applied by evaluate, and only the selected type's
            // sub-section is read: changing either of the others must not retrain.
            sections["model"] = model.keeping(["type", config.model.type.rawValue])
        case .evaluate:
            sections["model"] = model.keeping(["threshold"])
            sections["fairness"] = try JSONValue(encoding: config.fairness)
        case .mitigate:
            sections["model"] = model
            sections["fairness"] = try JSONValue(encoding: config.fairness)
            sections["mitigation"] = try JSONValue(encoding: config.mitigation)
        case .explain:
            // Decisions need the threshold; disparities follow evaluate's small-group rules.
            sections["model"] = model.keeping(["threshold"])
            sections["fairness"] = try JSONValue(encoding: config.fairness).keeping([
                "min_group_size", "exclude_small_groups",
            ])
            sections["explain"] = try JSONValue(encoding: config.explain)
        case .monitor:
            sections["model"] = model.keeping(["threshold"])
            sections["fairness"] = try JSONValue(encoding: config.fairness)
            sections["monitor"] = try JSONValue(encoding: config.monitor)
        case .report:
            break
        }
        // An external model's code is part of what train and mitigate (oracle fits) run:
        // its SHA-256 joins their slice, so editing the script reruns them.
        if config.model.type == .external, stage == .train || stage == .mitigate {
            sections["external_files"] = .object(config.model.external.commandFileDigests().mapValues { .string($0) })
        }
        switch stage {
        case .report:
            sections["experiment"] = try JSONValue(encoding: config.experiment)
            sections["fairness"] = try JSONValue(encoding: config.fairness).keeping(["thresholds"])
            sections["report"] = try JSONValue(encoding: config.report)
        default:
            break
        }
        return .object(sections)
    }
}
