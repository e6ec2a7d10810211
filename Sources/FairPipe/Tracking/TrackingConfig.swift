import Foundation

/// The `tracking:` section of `pipeline.yml`: where finished runs are logged.
///
/// No stage reads it (it is in no stage's config slice), so adding a tracking server never
/// reruns a stage and the server never appears in a manifest. Credentials have no key here
/// at all: they come only from MLflow's own environment variables (``MLflowSettings``).
public struct TrackingConfig: ConfigSection {
    /// `tracking.mlflow`: an MLflow tracking server reached through its REST API.
    public struct MLflow: Codable, Equatable, Sendable {
        /// `http(s)://host:port[/prefix]`; empty means `MLFLOW_TRACKING_URI`, and tracking is
        /// off when both are empty.
        public var uri: String = ""
        /// Experiment name; empty means `MLFLOW_EXPERIMENT_NAME`, else `experiment.name`.
        public var experiment: String = ""

        public init() {}
    }

    public var mlflow = MLflow()
    /// When true, a tracking failure (or no server configured at all) fails the command with
    /// exit status 69; when false it is one warning line and the study's exit status stands.
    public var required: Bool = false

    public init() {}

    public func validate() throws {
        if !mlflow.uri.isEmpty { try MLflowSettings.checkURI(mlflow.uri, key: "mlflow.uri") }
    }
}

/// The MLflow server a command logs to, resolved from `tracking.mlflow` and MLflow's own
/// environment variables (`MLFLOW_TRACKING_URI`, `MLFLOW_EXPERIMENT_NAME`,
/// `MLFLOW_TRACKING_TOKEN`, `MLFLOW_TRACKING_USERNAME`, `MLFLOW_TRACKING_PASSWORD`).
///
/// `description` (used in every message) names the server without credentials; the
/// `Authorization` header is the only place they go.
public struct MLflowSettings: Sendable, CustomStringConvertible {
    /// The server's base URL, without a trailing slash.
    public var uri: String
    public var experiment: String
    /// The `Authorization` header value, if credentials are set. Never printed.
    var authorization: String?

    public var description: String { uri }

    public init(uri: String, experiment: String, authorization: String? = nil) {
        self.uri = uri.hasSuffix("/") ? String(uri.dropLast()) : uri
        self.experiment = experiment
        self.authorization = authorization
    }

    /// The server configured by `config` and `environment`, or nil when tracking is off.
    /// Configuration wins over MLflow's variables, as an explicit setting does in MLflow.
    public static func resolve(
        _ config: PipelineConfig, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> MLflowSettings? {
        let tracking = config.tracking.mlflow
        var uri = tracking.uri
        if uri.isEmpty, let variable = environment["MLFLOW_TRACKING_URI"], !variable.isEmpty {
            try checkURI(variable, key: "MLFLOW_TRACKING_URI", source: .environment(variable: "MLFLOW_TRACKING_URI"))
            uri = variable
        }
        guard !uri.isEmpty else { return nil }
        let experiment =
            !tracking.experiment.isEmpty
            ? tracking.experiment
            : environment["MLFLOW_EXPERIMENT_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? config.experiment.name
        var authorization: String?
        if let token = environment["MLFLOW_TRACKING_TOKEN"], !token.isEmpty {
            authorization = "Bearer \(token)"
        } else if let user = environment["MLFLOW_TRACKING_USERNAME"], !user.isEmpty {
            let password = environment["MLFLOW_TRACKING_PASSWORD"] ?? ""
            authorization = "Basic \(Data("\(user):\(password)".utf8).base64EncodedString())"
        }
        return MLflowSettings(uri: uri, experiment: experiment, authorization: authorization)
    }

    /// An `http(s)` URL with a host and no user info (credentials in a URL would end up in
    /// messages and shell history; MLflow's variables carry them instead).
    static func checkURI(_ uri: String, key: String, source: ConfigSource = .defaults) throws {
        let expected = "an http:// or https:// URL of an MLflow tracking server, without credentials"
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            let shown = uri.contains("@") ? "a URL that is not http(s)" : "`\(uri)`"
            throw ConfigError.invalidValue(key: key, expected: expected, found: shown, source: source)
        }
        if components.user != nil || components.password != nil {
            throw ConfigError.invalidValue(
                key: key, expected: expected + " (use MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN)",
                found: "a URL with user info", source: source)
        }
    }
}
