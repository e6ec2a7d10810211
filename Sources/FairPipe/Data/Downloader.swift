import Foundation

/// A file FairPipe can download: its original name, canonical URL and pinned SHA-256.
public struct RemoteFile: Equatable, Sendable {
    /// The upstream file name; also its name in the cache and under a mirror.
    public var name: String
    /// The canonical URL.
    public var url: String
    /// Lowercase hex SHA-256 of the upstream file; nil when it could not be verified
    /// (the file is then accepted and its checksum logged; `data.checksums` can pin it).
    public var sha256: String?

    public init(name: String, url: String, sha256: String?) {
        self.name = name
        self.url = url
        self.sha256 = sha256
    }
}

/// Why a fetch failed, as the fetcher saw it.
public struct FetchFailure: Error, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// No route to the server: DNS, connection refused, timeout (typically offline).
        case unreachable
        /// The server answered with an HTTP error status (404, 500...).
        case status(Int)
        /// The transfer ended before the announced length.
        case truncated
        /// No download tool.
        case noTool
        case other
    }
    public var kind: Kind
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }
}

/// Copies a URL to a local file. The seam where a download implementation is chosen.
public protocol FileFetcher: Sendable {
    /// Writes the resource at `url` to `destination` (which it may leave partial on
    /// failure: the caller removes it). Throws ``FetchFailure``.
    func fetch(_ url: String, to destination: String) throws
}

/// Downloads with the `curl` command-line tool.
///
/// Why not `URLSession`: on Linux, swift-corelibs-foundation's `URLSession` is itself a
/// libcurl wrapper whose completion-handler API needs a semaphore bridge into this
/// synchronous stage under strict concurrency, and it does not reliably report a body
/// shorter than its `Content-Length`. The `curl` binary ships with every Linux and macOS
/// CI image, honours `https_proxy`/`.netrc`, follows redirects, and its exit status tells
/// an unreachable host (6, 7, 28) from an HTTP error (22) and a truncated transfer (18).
public struct CurlFetcher: FileFetcher {
    /// Seconds allowed for the whole transfer.
    public var maxSeconds: Int
    /// The environment's `PATH`, searched for `curl`.
    public var searchPath: String

    public init(
        maxSeconds: Int = 600, searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    ) {
        self.maxSeconds = maxSeconds
        self.searchPath = searchPath
    }

    public func fetch(_ url: String, to destination: String) throws {
        let candidates =
            searchPath.split(separator: ":").map { "\($0)/curl" } + ["/usr/bin/curl", "/usr/local/bin/curl"]
        guard let curl = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw FetchFailure(.noTool, "`curl` not found on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: curl)
        process.arguments = [
            "--fail", "--silent", "--show-error", "--location",
            "--connect-timeout", "20", "--max-time", String(maxSeconds),
            "--output", destination, url,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw FetchFailure(.noTool, "cannot run \(curl): \(error.localizedDescription)")
        }
        let message =
            String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        process.waitUntilExit()
        let status = process.terminationStatus
        guard status != 0 else { return }
        switch status {
        case 5, 6, 7, 28, 35, 56: throw FetchFailure(.unreachable, message)
        case 18: throw FetchFailure(.truncated, message)
        case 22:
            // "The requested URL returned error: 404" (wording varies by version).
            let code = message.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.last {
                (400..<600).contains($0)
            }
            throw FetchFailure(.status(code ?? 0), message)
        case 37: throw FetchFailure(.status(404), message)  // file:// mirror: no such file
        default: throw FetchFailure(.other, "curl exit \(status): \(message)")
        }
    }
}

/// Download problems. Every message ends with what to do by hand: which file to place
/// where, and its expected SHA-256. Exit status `unavailable` (69).
public enum DownloadError: FairPipeError, Equatable {
    /// `alsoMissing`: the dataset's other files not yet in the cache, as `path (SHA-256 …)`,
    /// so one message lists everything to place by hand.
    case fetchFailed(file: RemoteFile, from: String, destination: String, reason: String, alsoMissing: [String] = [])
    case checksumMismatch(file: RemoteFile, from: String, destination: String, expected: String, found: String)
    /// A file already in the cache whose checksum is not the pinned one.
    case cachedFileMismatch(file: RemoteFile, destination: String, expected: String, found: String)
    case cacheUnwritable(folder: String, reason: String)

    public var exitStatus: ExitStatus { .unavailable }

    public var description: String {
        switch self {
        case .fetchFailed(let file, let from, let destination, let reason, let alsoMissing):
            let also = alsoMissing.isEmpty ? "" : "; also needed: " + alsoMissing.joined(separator: ", ")
            return
                "cannot download \(file.name) from \(from) (\(reason)); place it at \(destination)\(Self.expecting(file.sha256))\(also)"
        case .checksumMismatch(let file, let from, let destination, let expected, let found):
            return
                "\(file.name) from \(from) has SHA-256 \(found), expected \(expected) (nothing kept); place the original file at \(destination)"
        case .cachedFileMismatch(let file, let destination, let expected, let found):
            return
                "\(destination): SHA-256 is \(found), expected \(expected); delete it to download \(file.name) again, or set data.checksums.\(file.name) if this copy is intended"
        case .cacheUnwritable(let folder, let reason):
            return "\(folder): cannot create the download cache: \(reason)"
        }
    }

    static func expecting(_ sha256: String?) -> String {
        sha256.map { " (SHA-256 \($0))" } ?? " (no pinned SHA-256)"
    }
}

/// Hex SHA-256 helpers.
public enum SHA256Hex {
    /// 64 hexadecimal digits (either case).
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 64
            && text.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0)
            }
    }

    /// The SHA-256 of a file, streamed.
    public static func ofFile(_ path: String) throws -> String {
        try FileDigest(path: path, relativeTo: "/").sha256
    }
}

/// Fetches files into a cache folder: download to a temporary file beside the target,
/// verify its SHA-256, then rename. A failed, truncated or mismatching download leaves
/// nothing in the cache, so a later run never mistakes it for the real file.
public struct Downloader: Sendable {
    public var fetcher: any FileFetcher
    public var log: ProgressLog

    public init(fetcher: any FileFetcher = CurlFetcher(), log: ProgressLog = .silent) {
        self.fetcher = fetcher
        self.log = log
    }

    /// The URL `file` is fetched from: `<mirror>/<name>` when a mirror is set.
    public static func url(of file: RemoteFile, mirror: String?) -> String {
        guard let mirror, !mirror.isEmpty else { return file.url }
        return (mirror.hasSuffix("/") ? String(mirror.dropLast()) : mirror) + "/" + file.name
    }

    /// The local path of `file` in `folder`, downloading it first when absent. `shown` is the
    /// folder as errors print it (relative to the repository root). Returns the path.
    public func ensure(_ file: RemoteFile, in folder: String, shown: String, mirror: String?) throws -> String {
        let destination = URL(fileURLWithPath: folder).appendingPathComponent(file.name).path
        let shownDestination = shown.hasSuffix("/") ? shown + file.name : shown + "/" + file.name
        if FileManager.default.fileExists(atPath: destination) {
            let found = try SHA256Hex.ofFile(destination)
            if let expected = file.sha256 {
                guard found == expected.lowercased() else {
                    throw DownloadError.cachedFileMismatch(
                        file: file, destination: shownDestination, expected: expected, found: found)
                }
            } else {
                log.warning(
                    "\(shownDestination): no pinned SHA-256; this copy has \(found) (pin it with data.checksums.\(file.name))"
                )
            }
            return destination
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DownloadError.cacheUnwritable(folder: shown, reason: error.localizedDescription)
        }
        let source = Self.url(of: file, mirror: mirror)
        // Unique per process, hidden, in the same folder so the final rename is atomic.
        let temporary = URL(fileURLWithPath: folder).appendingPathComponent(".\(file.name).\(getpid()).download").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        log.info("downloading \(file.name) from \(source)")
        do {
            try fetcher.fetch(source, to: temporary)
        } catch let failure as FetchFailure {
            let reason: String
            switch failure.kind {
            case .unreachable: reason = "offline or host unreachable: \(failure.detail)"
            case .status(let code): reason = "HTTP \(code)"
            case .truncated: reason = "transfer ended early: \(failure.detail)"
            case .noTool, .other: reason = failure.detail
            }
            throw DownloadError.fetchFailed(file: file, from: source, destination: shownDestination, reason: reason)
        }
        guard FileManager.default.fileExists(atPath: temporary) else {
            throw DownloadError.fetchFailed(
                file: file, from: source, destination: shownDestination, reason: "nothing received")
        }
        let found = try SHA256Hex.ofFile(temporary)
        if let expected = file.sha256 {
            guard found == expected.lowercased() else {
                throw DownloadError.checksumMismatch(
                    file: file, from: source, destination: shownDestination, expected: expected, found: found)
            }
        } else {
            log.warning(
                "\(file.name): no pinned SHA-256; downloaded copy has \(found) (pin it with data.checksums.\(file.name))"
            )
        }
        // rename(2) replaces atomically, so a concurrent run that finished the same download
        // first is harmless.
        guard rename(temporary, destination) == 0 else {
            throw DownloadError.cacheUnwritable(folder: shown, reason: String(cString: strerror(errno)))
        }
        return destination
    }
}
