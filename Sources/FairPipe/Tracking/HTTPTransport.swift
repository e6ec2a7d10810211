import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP request to a tracking server.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [String: String]
    public var body: Data

    public init(method: String, url: String, headers: [String: String] = [:], body: Data = Data()) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A server's answer: any status, the transport does not judge it.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}

/// No answer at all: connection refused, DNS failure, timeout, TLS failure.
public struct TransportFailure: Error, Equatable, Sendable {
    public var detail: String

    public init(_ detail: String) { self.detail = detail }
}

/// Sends a request and waits for the answer. The seam where tests put a stub server (or
/// none); the tracking code never touches `URLSession` itself.
public protocol HTTPTransport: Sendable {
    /// Throws ``TransportFailure`` when no HTTP answer came back.
    func send(_ request: HTTPRequest) throws -> HTTPResponse
}

/// ``HTTPTransport`` over Foundation's `URLSession` (FoundationNetworking on Linux), made
/// synchronous with a semaphore: the commands that log are synchronous and send one
/// request at a time, so nothing is gained by exposing async here.
public struct URLSessionTransport: HTTPTransport {
    /// Seconds before a request without an answer counts as unreachable.
    public var timeout: TimeInterval

    public init(timeout: TimeInterval = 30) {
        self.timeout = timeout
    }

    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let url = URL(string: request.url) else { throw TransportFailure("not a URL: \(request.url)") }
        var urlRequest = URLRequest(url: url, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if !request.body.isEmpty || request.method == "PUT" || request.method == "POST" {
            urlRequest.httpBody = request.body
        }
        let box = ResultBox()
        let task = Self.session.dataTask(with: urlRequest) { data, response, error in
            if let error {
                box.set(.failure(TransportFailure(error.localizedDescription)))
            } else if let http = response as? HTTPURLResponse {
                box.set(.success(HTTPResponse(status: http.statusCode, body: data ?? Data())))
            } else {
                box.set(.failure(TransportFailure("no HTTP response")))
            }
        }
        task.resume()
        return try box.wait().get()
    }

    /// One session for the process: it keeps connections to the server alive between
    /// requests. No cookies, no cache: every request stands alone.
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }()
}

/// The completion handler's result, handed to the waiting thread.
private final class ResultBox: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<HTTPResponse, TransportFailure>?

    func set(_ value: Result<HTTPResponse, TransportFailure>) {
        lock.lock()
        result = value
        lock.unlock()
        done.signal()
    }

    func wait() -> Result<HTTPResponse, TransportFailure> {
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        return result ?? .failure(TransportFailure("no result"))
    }
}
