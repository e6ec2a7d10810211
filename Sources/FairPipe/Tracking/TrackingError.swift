/// Why logging to a tracking server failed. Every message is one line naming the server
/// (never its credentials) and the HTTP status or MLflow error code. Logging only reads
/// the run's artefacts, so after any of these the study on disk is exactly as it was.
public enum TrackingError: FairPipeError, Equatable {
    /// `tracking.required: true` but no server is configured.
    case notConfigured
    /// No HTTP answer (connection refused, DNS, timeout).
    case unreachable(server: String, detail: String)
    /// An HTTP error status; `code` is MLflow's `error_code` when the body carried one.
    case rejected(server: String, request: String, status: Int, code: String?, message: String)
    /// A value over one of MLflow's limits (checked before anything is sent).
    case valueTooLong(server: String, kind: String, key: String, length: Int, limit: Int)
    /// Two metric or parameter names that MLflow's allowed characters make equal.
    case nameClash(server: String, first: String, second: String, name: String)
    /// The experiment exists but is deleted; MLflow keeps its name reserved.
    case experimentDeleted(server: String, name: String)
    /// The server stores artifacts where the REST API cannot reach them.
    case noArtifactProxy(server: String, artifactURI: String)
    /// An answer that is not what MLflow's REST API returns.
    case malformedResponse(server: String, request: String, detail: String)
    /// A run folder without the files a tracked run needs.
    case incompleteRun(folder: String, missing: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .notConfigured: return .usage
        case .incompleteRun: return .noInput
        default: return .unavailable
        }
    }

    public var description: String {
        switch self {
        case .notConfigured:
            return
                "tracking: tracking.required is true but no MLflow server is configured (set tracking.mlflow.uri or MLFLOW_TRACKING_URI)"
        case .unreachable(let server, let detail):
            return "tracking: MLflow server \(server) unreachable: \(detail)"
        case .rejected(let server, let request, let status, let code, let message):
            let shown = message.count > 200 ? String(message.prefix(200)) + "…" : message
            let what = code.map { "HTTP \(status) \($0)" } ?? "HTTP \(status)"
            let hint =
                (status == 401 || status == 403)
                ? " (check MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD)" : ""
            return
                "tracking: MLflow server \(server): \(what) on \(request)\(shown.isEmpty ? "" : ": " + oneLine(shown))\(hint)"
        case .valueTooLong(let server, let kind, let key, let length, let limit):
            return
                "tracking: MLflow server \(server): \(kind) `\(key)` is \(length) characters, over MLflow's limit of \(limit); nothing was logged"
        case .nameClash(let server, let first, let second, let name):
            return
                "tracking: MLflow server \(server): `\(first)` and `\(second)` would both be logged as `\(name)`; nothing was logged"
        case .experimentDeleted(let server, let name):
            return
                "tracking: MLflow server \(server): experiment `\(name)` is deleted (RESOURCE_ALREADY_EXISTS); restore it or set tracking.mlflow.experiment"
        case .noArtifactProxy(let server, let artifactURI):
            return
                "tracking: MLflow server \(server) stores artifacts at \(artifactURI), not through its mlflow-artifacts proxy; start it with --serve-artifacts"
        case .malformedResponse(let server, let request, let detail):
            return "tracking: MLflow server \(server): unexpected answer to \(request): \(detail)"
        case .incompleteRun(let folder, let missing):
            return "tracking: \(folder) is not a finished run: \(missing)"
        }
    }
}

private func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: " ")
}
