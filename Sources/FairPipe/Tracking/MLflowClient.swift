import Foundation

/// A run as MLflow's REST API returns it (the fields FairPipe reads).
public struct MLflowRun: Decodable, Equatable, Sendable {
    public struct Info: Decodable, Equatable, Sendable {
        public var runId: String
        public var experimentId: String
        /// `RUNNING`, `FINISHED`, `FAILED`, `KILLED`, `SCHEDULED`.
        public var status: String
        public var artifactUri: String?
    }

    public struct Tag: Decodable, Equatable, Sendable {
        public var key: String
        public var value: String
    }

    public struct Data: Decodable, Equatable, Sendable {
        public var tags: [Tag]?
    }

    public var info: Info
    public var data: Data?

    public func tag(_ key: String) -> String? { data?.tags?.first { $0.key == key }?.value }
}

/// An experiment as `experiments/get-by-name` returns it.
public struct MLflowExperiment: Decodable, Equatable, Sendable {
    public var experimentId: String
    public var name: String
    public var artifactLocation: String?
    /// `active` or `deleted`.
    public var lifecycleStage: String?
}

/// One key/value for `runs/log-batch` and `runs/create`.
public struct MLflowPair: Equatable, Sendable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// One metric value for `runs/log-batch`.
public struct MLflowMetric: Equatable, Sendable {
    public var key: String
    public var value: Double

    public init(_ key: String, _ value: Double) {
        self.key = key
        self.value = value
    }
}

/// MLflow's REST API (`/api/2.0/mlflow/...` and the `mlflow-artifacts` proxy), one call per
/// endpoint FairPipe uses. Every failure becomes a ``TrackingError`` naming the server and
/// the HTTP status or MLflow error code.
public struct MLflowClient: Sendable {
    public let settings: MLflowSettings
    public let transport: any HTTPTransport

    public init(settings: MLflowSettings, transport: any HTTPTransport = URLSessionTransport()) {
        self.settings = settings
        self.transport = transport
    }

    // MARK: Experiments

    /// The experiment named `name`, created if missing. Two processes creating it at once
    /// is normal (parallel sweep jobs): the loser's `RESOURCE_ALREADY_EXISTS` means "now it
    /// exists", so it reads it again.
    public func experiment(named name: String) throws -> MLflowExperiment {
        if let found = try getExperiment(named: name) { return try active(found) }
        do {
            _ = try post("experiments/create", ["name": .string(name)])
        } catch TrackingError.rejected(_, _, _, "RESOURCE_ALREADY_EXISTS", _) {
            // Created meanwhile by another process, or deleted (which keeps the name taken).
        }
        guard let created = try getExperiment(named: name) else {
            throw TrackingError.malformedResponse(
                server: settings.description, request: "experiments/get-by-name",
                detail: "experiment `\(name)` missing right after it was created")
        }
        return try active(created)
    }

    private func active(_ experiment: MLflowExperiment) throws -> MLflowExperiment {
        if experiment.lifecycleStage == "deleted" {
            throw TrackingError.experimentDeleted(server: settings.description, name: experiment.name)
        }
        return experiment
    }

    private func getExperiment(named name: String) throws -> MLflowExperiment? {
        struct Answer: Decodable { var experiment: MLflowExperiment }
        do {
            let data = try call("GET", "experiments/get-by-name", query: ["experiment_name": name])
            return try decode(Answer.self, data, "experiments/get-by-name").experiment
        } catch TrackingError.rejected(_, _, _, "RESOURCE_DOES_NOT_EXIST", _) {
            return nil
        }
    }

    // MARK: Runs

    /// Active runs of `experimentId` matching an MLflow search `filter`, every page.
    public func searchRuns(experimentId: String, filter: String) throws -> [MLflowRun] {
        struct Answer: Decodable {
            var runs: [MLflowRun]?
            var nextPageToken: String?
        }
        var runs: [MLflowRun] = []
        var token: String?
        repeat {
            var body: [String: JSONValue] = [
                "experiment_ids": .array([.string(experimentId)]), "filter": .string(filter),
                "run_view_type": .string("ACTIVE_ONLY"), "max_results": .number(1000),
            ]
            if let token { body["page_token"] = .string(token) }
            let answer = try decode(Answer.self, try post("runs/search", body), "runs/search")
            runs += answer.runs ?? []
            token = answer.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return runs
    }

    public func createRun(experimentId: String, name: String, startTime: Int64, tags: [MLflowPair]) throws -> MLflowRun
    {
        struct Answer: Decodable { var run: MLflowRun }
        let body: [String: JSONValue] = [
            "experiment_id": .string(experimentId), "run_name": .string(name),
            "start_time": .number(Double(startTime)), "tags": pairs(tags),
        ]
        return try decode(Answer.self, try post("runs/create", body), "runs/create").run
    }

    /// One `runs/log-batch` request; the caller keeps it within ``MLflowLimits``.
    public func logBatch(
        runId: String, params: [MLflowPair], metrics: [MLflowMetric], tags: [MLflowPair], timestamp: Int64
    ) throws {
        let metricValues: [JSONValue] = metrics.map {
            .object([
                "key": .string($0.key), "value": .number($0.value), "timestamp": .number(Double(timestamp)),
                "step": .number(0),
            ])
        }
        _ = try post(
            "runs/log-batch",
            [
                "run_id": .string(runId), "params": pairs(params), "metrics": .array(metricValues), "tags": pairs(tags),
            ])
    }

    public func setTag(runId: String, key: String, value: String) throws {
        _ = try post("runs/set-tag", ["run_id": .string(runId), "key": .string(key), "value": .string(value)])
    }

    public func finishRun(runId: String, endTime: Int64) throws {
        _ = try post(
            "runs/update",
            ["run_id": .string(runId), "status": .string("FINISHED"), "end_time": .number(Double(endTime))])
    }

    public func deleteRun(runId: String) throws {
        _ = try post("runs/delete", ["run_id": .string(runId)])
    }

    // MARK: Artifacts

    /// Uploads `data` as `path` under the run's artifact root, through the server's
    /// `mlflow-artifacts` proxy (`PUT /api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/<path>`).
    public func uploadArtifact(artifactURI: String, path: String, data: Data) throws {
        let location = try proxyPath(artifactURI: artifactURI) + "/" + path
        let url = settings.uri + "/api/2.0/mlflow-artifacts/artifacts/" + escapePath(location)
        _ = try send(
            HTTPRequest(method: "PUT", url: url, headers: headers(contentType: "application/octet-stream"), body: data),
            name: "PUT mlflow-artifacts/artifacts/\(path)")
    }

    /// The part of `mlflow-artifacts:/1/abc/artifacts` (or `mlflow-artifacts://host/1/...`)
    /// after the scheme and authority; throws when the server does not proxy artifacts.
    public func proxyPath(artifactURI: String) throws -> String {
        let scheme = "mlflow-artifacts:"
        guard artifactURI.hasPrefix(scheme) else {
            throw TrackingError.noArtifactProxy(server: settings.description, artifactURI: artifactURI)
        }
        var rest = artifactURI.dropFirst(scheme.count)
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            rest = rest.drop { $0 != "/" }
        }
        return String(rest.drop { $0 == "/" })
    }

    // MARK: Plumbing

    private func pairs(_ items: [MLflowPair]) -> JSONValue {
        .array(items.map { .object(["key": .string($0.key), "value": .string($0.value)]) })
    }

    private func headers(contentType: String) -> [String: String] {
        var headers = [
            "Content-Type": contentType, "Accept": "application/json", "User-Agent": "fairpipe/\(Manifest.toolVersion)",
        ]
        if let authorization = settings.authorization { headers["Authorization"] = authorization }
        return headers
    }

    private func post(_ endpoint: String, _ body: [String: JSONValue]) throws -> Data {
        let data = try JSONEncoder().encode(JSONValue.object(body))
        return try call("POST", endpoint, body: data)
    }

    private func call(
        _ method: String, _ endpoint: String, query: [String: String] = [:], body: Data = Data()
    ) throws -> Data {
        var url = settings.uri + "/api/2.0/mlflow/" + endpoint
        if !query.isEmpty {
            var components = URLComponents()
            components.queryItems = query.keys.sorted().map { URLQueryItem(name: $0, value: query[$0]) }
            url += "?" + (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        }
        return try send(
            HTTPRequest(method: method, url: url, headers: headers(contentType: "application/json"), body: body),
            name: endpoint)
    }

    private func send(_ request: HTTPRequest, name: String) throws -> Data {
        let response: HTTPResponse
        do {
            response = try transport.send(request)
        } catch let failure as TransportFailure {
            throw TrackingError.unreachable(server: settings.description, detail: failure.detail)
        }
        guard (200..<300).contains(response.status) else {
            struct Failure: Decodable {
                var errorCode: String?
                var message: String?
            }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let failure = try? decoder.decode(Failure.self, from: response.body)
            let text = failure?.message ?? String(decoding: response.body.prefix(200), as: UTF8.self)
            throw TrackingError.rejected(
                server: settings.description, request: name, status: response.status, code: failure?.errorCode,
                message: failure == nil && text.contains("<") ? "" : text)
        }
        return response.body
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ request: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw TrackingError.malformedResponse(server: settings.description, request: request, detail: "\(error)")
        }
    }

    /// Percent-encodes each path segment (group names and file names may hold anything).
    private func escapePath(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#;")
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }.joined(separator: "/")
    }
}
