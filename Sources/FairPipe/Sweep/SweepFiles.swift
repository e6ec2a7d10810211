import Foundation

/// Lays a plan out on disk before make runs it: `plan.json`, `sweep.mk`, and in each run
/// folder its `parameters.json` (for the multi-run report), config stamps for its own
/// stages and symlinks to the shared upstream folders (so `report --run <run folder>`
/// sees a complete run).
///
/// Every file is rewritten only when its content changes, so make's timestamps keep
/// meaning "this changed": re-planning an unchanged sweep makes nothing stale.
public enum SweepFiles {
    /// Writes everything; returns the path of the Makefile fragment.
    @discardableResult
    public static func write(_ plan: SweepPlan, bin: String = ".build/release") throws -> String {
        try writeIfChanged(
            CanonicalJSON.data(plan), to: (plan.folder as NSString).appendingPathComponent(SweepPlan.fileName))
        for run in plan.runs {
            try writeIfChanged(
                parametersJSON(run), to: (run.folder as NSString).appendingPathComponent("parameters.json"))
            // The run's own stages rerun when their slice changes (an edit of the base
            // file keeps the run id); shared stages need no stamp, their folder name is the hash.
            let stamps = (run.folder as NSString).appendingPathComponent(".stamps")
            for stage in [StageName.mitigate, .evaluate, .report] {
                try ConfigStamp.write(
                    hash: run.stageHashes[stage], to: (stamps as NSString).appendingPathComponent(stage.rawValue))
            }
            try link(ReportStage.Folder.dataset.rawValue, in: run.folder, to: run.shared.dataset)
            try link(ReportStage.Folder.model.rawValue, in: run.folder, to: run.shared.model)
            try link(ReportStage.Folder.evaluation.rawValue, in: run.folder, to: run.shared.evaluation)
        }
        let fragment = (plan.folder as NSString).appendingPathComponent(SweepMakefile.fileName)
        try writeIfChanged(Data(SweepMakefile.render(plan, bin: bin).utf8), to: fragment)
        return fragment
    }

    /// `{"mitigation.method": "reweighing", …, "label": "method=reweighing …"}`, the file
    /// ``ReportStage`` reads for the runs page. Plain keys: they are dotted config keys.
    static func parametersJSON(_ run: SweepRun) throws -> Data {
        var parameters: [String: String] = ["label": run.label]
        for override in run.overrides { parameters[override.key] = override.value }
        return try plainJSON(parameters)
    }

    static func plainJSON<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    static func writeIfChanged(_ data: Data, to path: String) throws {
        if FileManager.default.contents(atPath: path) == data { return }
        try AtomicFile.write(data, to: path)
    }

    /// `folder/name` → the shared folder, as a relative symlink (the sweep folder can move).
    static func link(_ name: String, in folder: String, to target: String) throws {
        let linkPath = (folder as NSString).appendingPathComponent(name)
        let destination = relativePath(from: folder, to: target)
        let manager = FileManager.default
        if let existing = try? manager.destinationOfSymbolicLink(atPath: linkPath) {
            if existing == destination { return }
            try? manager.removeItem(atPath: linkPath)
        } else if manager.fileExists(atPath: linkPath) {
            throw FileError.unwritable(path: linkPath, reason: "exists and is not a symlink to a shared sweep folder")
        }
        do {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try manager.createSymbolicLink(atPath: linkPath, withDestinationPath: destination)
        } catch {
            throw FileError.unwritable(path: linkPath, reason: "cannot create symlink (\(error.localizedDescription))")
        }
    }

    /// `target` relative to `folder` (both relative to the same root, or both absolute).
    static func relativePath(from folder: String, to target: String) -> String {
        let from = URL(fileURLWithPath: folder).standardizedFileURL.pathComponents
        let to = URL(fileURLWithPath: target).standardizedFileURL.pathComponents
        var common = 0
        while common < min(from.count, to.count) && from[common] == to[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        return (ups + to[common...]).joined(separator: "/")
    }
}
