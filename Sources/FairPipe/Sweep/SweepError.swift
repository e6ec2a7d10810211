/// Errors of planning a sweep and building its experiment log. Each names the spec file
/// (and line, key or run) and what was expected.
public enum SweepError: FairPipeError, Equatable {
    /// The spec is not what a sweep file must be (`path:line: message`).
    case invalidSpec(path: String, line: Int, message: String)
    /// One run's configuration does not load; `message` is the config error (naming the key).
    case invalidRun(spec: String, run: Int, label: String, message: String)
    /// Two runs resolve to the same overrides, so they would share one folder.
    case duplicateRun(spec: String, label: String)
    /// `fairpipe-sweep log` before `plan` (no plan.json).
    case notPlanned(path: String)
    /// A run's artefacts were made with another configuration than the plan's.
    case staleRun(run: String, stage: String, folder: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .invalidSpec, .invalidRun, .duplicateRun: return .usage
        case .notPlanned: return .noInput
        case .staleRun: return .dataError
        }
    }

    public var description: String {
        switch self {
        case .invalidSpec(let path, let line, let message):
            return "\(path):\(line): \(message)"
        case .invalidRun(let spec, let run, let label, let message):
            return "\(spec): run \(run) (\(label)): \(message)"
        case .duplicateRun(let spec, let label):
            return "\(spec): the run `\(label)` appears twice (runs are identified by their overrides)"
        case .notPlanned(let path):
            return "\(path): no such file (run `fairpipe-sweep plan` or `make sweep` first)"
        case .staleRun(let run, let stage, let folder):
            return
                "run \(run): \(folder) was made by \(stage) with another configuration than planned; run `make sweep` again"
        }
    }
}
