import Foundation
import Testing

@testable import FairPipe

#if canImport(Glibc)
    import Glibc
    private let streamSocket = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
    import Darwin
    private let streamSocket = SOCK_STREAM
#endif

/// A minimal HTTP/1.0 server on 127.0.0.1 (an ephemeral port), for download and tracking
/// tests that must not need the internet, Python or a real server. One background thread
/// accepts connections one at a time and answers each from `routes` (path with query), else
/// from `handler`, else 404.
final class TestHTTPServer: @unchecked Sendable {
    enum Response {
        case file(Data)
        /// Announces the full length but sends only the first half, then closes.
        case truncated(Data)
        case status(Int)
        /// A JSON body with any status (an MLflow error: `{"error_code": ..., "message": ...}`).
        case json(Int, Data)
    }

    /// A request as received: method, path with query, headers (lowercased names), body.
    struct Request: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: Data
    }

    let port: UInt16
    private let socket: Int32
    private let lock = NSLock()
    private var routes: [String: Response]
    private var requested: [String] = []
    private var received: [Request] = []
    private let handler: (@Sendable (Request) -> Response)?
    private let finished = DispatchSemaphore(value: 0)

    init(routes: [String: Response], handler: (@Sendable (Request) -> Response)? = nil) throws {
        self.routes = routes
        self.handler = handler
        let fd = posixSocket(AF_INET, streamSocket, 0)
        guard fd >= 0 else { throw FileError.unwritable(path: "socket", reason: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw FileError.unwritable(path: "socket", reason: "bind/listen failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.socket = fd
        self.port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Paths requested so far, in order.
    var requests: [String] {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }

    /// Requests received so far, in order, with their headers and bodies.
    var receivedRequests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
        finished.wait()
    }

    private func serve() {
        defer { finished.signal() }
        while true {
            let client = accept(socket, nil, nil)
            if client < 0 { return }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !request.containsHeaderEnd {
            let n = recv(client, &buffer, buffer.count, 0)
            if n <= 0 { return }
            request.append(contentsOf: buffer[0..<n])
        }
        let headerEnd = request.headerEnd
        let head = String(decoding: request[..<headerEnd], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let parts = (lines.first ?? "").split(separator: " ")
        let path = parts.count > 1 ? String(parts[1]) : "/"
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var body = Array(request[(headerEnd + 4)...])
        let length = Int(headers["content-length"] ?? "") ?? 0
        if length > body.count, headers["expect"]?.lowercased() == "100-continue" {
            send(client, "HTTP/1.1 100 Continue\r\n\r\n", Data())
        }
        while body.count < length {
            let n = recv(client, &buffer, buffer.count, 0)
            if n <= 0 { return }
            body.append(contentsOf: buffer[0..<n])
        }
        let received = Request(
            method: parts.first.map(String.init) ?? "GET", path: path, headers: headers, body: Data(body))
        lock.lock()
        requested.append(path)
        self.received.append(received)
        let response = routes[path] ?? handler?(received)
        lock.unlock()
        switch response {
        case .file(let data):
            send(
                client,
                "HTTP/1.0 200 OK\r\nContent-Length: \(data.count)\r\nContent-Type: application/octet-stream\r\n\r\n",
                data)
        case .truncated(let data):
            send(client, "HTTP/1.0 200 OK\r\nContent-Length: \(data.count)\r\n\r\n", data.prefix(data.count / 2))
        case .status(let code):
            send(client, "HTTP/1.0 \(code) Error\r\nContent-Length: 0\r\n\r\n", Data())
        case .json(let code, let data):
            send(
                client,
                "HTTP/1.0 \(code) Status\r\nContent-Length: \(data.count)\r\nContent-Type: application/json\r\n\r\n",
                data)
        case nil:
            send(client, "HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\n", Data("not found".utf8))
        }
    }

    private func send(_ client: Int32, _ head: String, _ body: Data) {
        var bytes = Array(head.utf8)
        bytes.append(contentsOf: body)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { posixSend(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            offset += n
        }
    }
}

private func posixSocket(_ domain: Int32, _ type: Int32, _ proto: Int32) -> Int32 { socket(domain, type, proto) }
private func posixSend(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    send(fd, buffer, count, flags)
}

extension Array where Element == UInt8 {
    fileprivate var containsHeaderEnd: Bool { headerEnd < count }

    /// Index of the blank line's `\r\n\r\n`, or `count` when not received yet.
    fileprivate var headerEnd: Int {
        guard count >= 4 else { return count }
        for i in 0...(count - 4)
        where self[i] == 0x0D && self[i + 1] == 0x0A && self[i + 2] == 0x0D && self[i + 3] == 0x0A {
            return i
        }
        return count
    }
}

private let curlAvailable = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    .contains { FileManager.default.isExecutableFile(atPath: "\($0)/curl") }

/// Downloads into the cache: verified, atomic, and failing with a message that says what
/// to place where. Runs against ``TestHTTPServer``; needs the `curl` tool, like the code.
@Suite(.enabled(if: curlAvailable, "the downloader shells out to curl"), .serialized)
struct DownloadTests {
    static func fixture(_ name: String) throws -> Data { try Fixtures.data("datasets/\(name)") }

    /// A config fetching from `server` into `root/cache`, with the fixtures' checksums pinned.
    static func config(_ source: DataSource, server: TestHTTPServer, pin: Bool = true) throws -> DataConfig {
        var config = DataConfig()
        config.source = source
        config.mirror = server.baseURL + "/mirror/"
        config.cache = "cache"
        if pin, let dataset = source.benchmark {
            for file in dataset.files { config.checksums[file.name] = sha256Hex(try fixture(file.name)) }
        }
        return config
    }

    static func contents(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test func downloadsVerifiesAndThenUsesTheCache() throws {
        let data = try Self.fixture("adult.data"), test = try Self.fixture("adult.test")
        let server = try TestHTTPServer(routes: ["/mirror/adult.data": .file(data), "/mirror/adult.test": .file(test)])
        let root = try Fixtures.temporaryFolder()
        let config = try Self.config(.adult, server: server)
        let paths = try BenchmarkDatasets.fetch(.adult, config: config, root: root.path)
        #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent } == ["adult.data", "adult.test"])
        #expect(FileManager.default.contents(atPath: paths[0]) == data)
        #expect(Self.contents(root.appendingPathComponent("cache/adult")) == ["adult.data", "adult.test"])
        #expect(server.requests == ["/mirror/adult.data", "/mirror/adult.test"])
        server.stop()
        // Offline now: the verified cache is enough.
        let again = try BenchmarkDatasets.fetch(.adult, config: config, root: root.path)
        #expect(again == paths)
    }

    @Test func checksumMismatchLeavesNothingInTheCache() throws {
        let server = try TestHTTPServer(routes: ["/mirror/german.data": .file(try Self.fixture("german.data"))])
        defer { server.stop() }
        let root = try Fixtures.temporaryFolder()
        var config = try Self.config(.german, server: server)
        config.checksums["german.data"] = String(repeating: "0", count: 64)
        #expect {
            try BenchmarkDatasets.fetch(.german, config: config, root: root.path)
        } throws: { error in
            guard let error = error as? DownloadError, case .checksumMismatch = error else { return false }
            return error.exitStatus == .unavailable && error.description.contains("expected 0000")
                && error.description.contains("place the original file at cache/german/german.data")
        }
        #expect(Self.contents(root.appendingPathComponent("cache/german")).isEmpty)
    }

    @Test func truncatedDownloadLeavesNothingInTheCache() throws {
        // german.data has no pinned checksum: the truncation itself must be caught.
        let server = try TestHTTPServer(routes: ["/mirror/german.data": .truncated(try Self.fixture("german.data"))])
        defer { server.stop() }
        let root = try Fixtures.temporaryFolder()
        let config = try Self.config(.german, server: server, pin: false)
        #expect {
            try BenchmarkDatasets.fetch(.german, config: config, root: root.path)
        } throws: { error in
            guard let error = error as? DownloadError, case .fetchFailed(_, _, _, let reason, _) = error else {
                return false
            }
            return reason.contains("ended early")
        }
        #expect(Self.contents(root.appendingPathComponent("cache/german")).isEmpty)
    }

    @Test func missingFileNamesWhatToPlaceWhere() throws {
        let server = try TestHTTPServer(routes: [:])
        defer { server.stop() }
        let root = try Fixtures.temporaryFolder()
        var config = try Self.config(.compas, server: server)
        config.checksums = [:]
        let pinned = CompasDataset.spec.files[0].sha256 ?? ""
        #expect {
            try BenchmarkDatasets.fetch(.compas, config: config, root: root.path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("HTTP 404") && text.contains("place it at cache/compas/compas-scores-two-years.csv")
                && text.contains(pinned) && !text.contains("\n")
        }
        #expect(Self.contents(root.appendingPathComponent("cache/compas")).isEmpty)
    }

    @Test func unreachableHostSaysOfflineWithTheExpectedChecksum() throws {
        // A port that was just free: connection refused, as when offline.
        let closed = try TestHTTPServer(routes: [:])
        let port = closed.port
        closed.stop()
        let root = try Fixtures.temporaryFolder()
        var config = DataConfig()
        config.source = .adult
        config.mirror = "http://127.0.0.1:\(port)"
        let downloader = Downloader(fetcher: CurlFetcher(maxSeconds: 10))
        #expect {
            try BenchmarkDatasets.fetch(.adult, config: config, root: root.path, downloader: downloader)
        } throws: { error in
            guard let error = error as? DownloadError else { return false }
            return error.exitStatus == .unavailable && error.description.contains("offline")
                && error.description.contains(
                    "place it at data/raw/adult/adult.data (SHA-256 5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d)"
                )
                && error.description.contains(
                    "also needed: data/raw/adult/adult.test (SHA-256 a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05)"
                )
        }
        #expect(Self.contents(root.appendingPathComponent("data/raw/adult")).isEmpty)
    }

    @Test func aCachedFileWithTheWrongChecksumIsReportedNotReplaced() throws {
        let root = try Fixtures.temporaryFolder()
        let folder = root.appendingPathComponent("data/raw/german")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("not german".utf8).write(to: folder.appendingPathComponent("german.data"))
        var config = DataConfig()
        config.source = .german
        config.checksums["german.data"] = sha256Hex(try Self.fixture("german.data"))
        #expect(throws: DownloadError.self) { try BenchmarkDatasets.fetch(.german, config: config, root: root.path) }
        #expect(
            FileManager.default.contents(atPath: folder.appendingPathComponent("german.data").path)
                == Data("not german".utf8))
    }

    @Test func loaderFetchesParsesAndFiltersCompas() throws {
        let server = try TestHTTPServer(routes: [
            "/mirror/compas-scores-two-years.csv": .file(try Self.fixture("compas-scores-two-years.csv"))
        ])
        defer { server.stop() }
        let root = try Fixtures.temporaryFolder()
        let config = try Self.config(.compas, server: server)
        let dataset = try DatasetLoader.load(config, seed: 1, root: root.path)
        let expected = try Fixtures.json(ExpectedFixtures.self, "datasets/expected.json").compas
        #expect(dataset.table.rowCount == expected.rows)
        #expect(dataset.label == "two_year_recid" && dataset.sensitive == ["race", "sex"])
        #expect(dataset.features == CompasDataset.spec.features)
        #expect(
            dataset.inputFiles.map { URL(fileURLWithPath: $0).lastPathComponent } == ["compas-scores-two-years.csv"])
        // data.types retypes a parsed column; the cache is used this time.
        var retyped = config
        retyped.types = ["juv_fel_count": .categorical]
        let again = try DatasetLoader.load(retyped, seed: 1, root: root.path)
        #expect(again.table["juv_fel_count"]?.type == .categorical)
        #expect(server.requests.count == 1)
    }

    @Test func fetchOnlyDownloadsWithoutWritingStageOutputs() throws {
        let server = try TestHTTPServer(routes: ["/mirror/german.data": .file(try Self.fixture("german.data"))])
        defer { server.stop() }
        let root = try Fixtures.temporaryFolder()
        var config = PipelineConfig()
        #expect(try MakeDatasetStage.fetchOnly(config, root: root.path, log: .silent).isEmpty)  // synthetic
        config.data = try Self.config(.german, server: server)
        let paths = try MakeDatasetStage.fetchOnly(config, root: root.path, log: .silent)
        #expect(paths == [root.appendingPathComponent("cache/german/german.data").path])
        #expect(Self.contents(root) == ["cache"])
    }

    @Test func mirrorURLsUseTheOriginalFileNames() {
        let file = AdultDataset.spec.files[0]
        #expect(Downloader.url(of: file, mirror: nil) == file.url)
        #expect(Downloader.url(of: file, mirror: "https://example.org/data/") == "https://example.org/data/adult.data")
        #expect(Downloader.url(of: file, mirror: "file:///srv/mirror") == "file:///srv/mirror/adult.data")
    }
}

/// `Tests/Fixtures/datasets/expected.json`, written by make_dataset_fixtures.py.
struct ExpectedFixtures: Decodable {
    struct Adult: Decodable {
        var rows: Int
        var positives: Int
        var rows_with_missing: Int
        var missing_workclass: Int
        var first_age: Double
        var last_income: String
    }
    struct Compas: Decodable {
        var rows_in_file: Int
        var rows: Int
        var no_recidivism: Int
        var duplicated_columns: [String]
        var decile_score_1_sum: Double
        var quoted_kept: Bool
    }
    struct German: Decodable {
        var rows: Int
        var good: Int
        var female: Int
        var under_25: Int
        var first_purpose_code: String
    }
    var adult: Adult
    var compas: Compas
    var german: German
}
