import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One command of the external-model contract (`model.external.fit` or `.predict`): an
/// argv whose entries may be whole placeholders (`"{train}"`). Placeholders are replaced
/// entry by entry and the program is started directly, without a shell, so nothing in a
/// path or value can inject a command.
public struct ExternalCommand: Equatable, Sendable {
    /// `fit` or `predict`, for messages (`model.external.fit`).
    public var role: String
    public var argv: [String]
    /// Seconds before the command is stopped and the stage fails.
    public var timeout: Double

    public init(role: String, argv: [String], timeout: Double) {
        self.role = role
        self.argv = argv
        self.timeout = timeout
    }

    /// The placeholders each role may use.
    public static func placeholders(for role: String) -> [String] {
        role == "fit" ? ["train", "validation", "weights", "model_dir"] : ["model_dir", "input", "output"]
    }

    /// The placeholders a role must use: without them the command cannot see its data.
    static func requiredPlaceholders(for role: String) -> [String] {
        role == "fit" ? ["train", "model_dir"] : ["model_dir", "input", "output"]
    }

    /// The command as a user wrote it, for messages.
    public var display: String { argv.joined(separator: " ") }

    /// The placeholder an argv entry is (`{train}` → `train`), or nil for a literal entry.
    static func placeholder(in entry: String) -> String? {
        guard entry.hasPrefix("{"), entry.hasSuffix("}"), entry.count > 2 else { return nil }
        return String(entry.dropFirst().dropLast())
    }

    /// Throws unless the argv is non-empty, uses only its role's placeholders as whole
    /// entries, and uses the required ones. `key` is the config key (`external.fit`).
    public func validate(key: String) throws {
        guard let program = argv.first, !program.isEmpty else {
            throw ConfigError.invalidValue(
                key: key, expected: "a command as a list: [program, argument, …]", found: "an empty list")
        }
        if Self.placeholder(in: program) != nil {
            throw ConfigError.invalidValue(key: key, expected: "a program as the first entry", found: "`\(program)`")
        }
        let allowed = Self.placeholders(for: role)
        var used: Set<String> = []
        for entry in argv {
            if let name = Self.placeholder(in: entry) {
                guard allowed.contains(name) else {
                    throw ConfigError.invalidValue(
                        key: key, expected: "placeholders among \(allowed.map { "{\($0)}" }.joined(separator: ", "))",
                        found: "`\(entry)`")
                }
                used.insert(name)
            } else if entry.contains("{") && allowed.contains(where: { entry.contains("{\($0)}") }) {
                throw ConfigError.invalidValue(
                    key: key, expected: "each placeholder as a list entry of its own (no shell joins them)",
                    found: "`\(entry)`")
            }
        }
        for name in Self.requiredPlaceholders(for: role) where !used.contains(name) {
            throw ConfigError.invalidValue(key: key, expected: "a command that uses {\(name)}", found: "`\(display)`")
        }
    }

    /// The argv with placeholders replaced by `values` (every placeholder used must have one).
    func substituted(_ values: [String: String]) throws -> [String] {
        try argv.map { entry in
            guard let name = Self.placeholder(in: entry) else { return entry }
            guard let value = values[name] else {
                throw ExternalModelError.unavailablePlaceholder(role: role, command: display, placeholder: name)
            }
            return value
        }
    }

    /// Files in the repository that the command names (scripts, model code): each literal
    /// argv entry that is a regular file under `root`. Their SHA-256 goes into the train
    /// manifest and the config stamp, so `make` reruns train when a script changes.
    public func repositoryFiles(root: String = FileManager.default.currentDirectoryPath) -> [String] {
        var files: [String] = []
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        for entry in argv where Self.placeholder(in: entry) == nil {
            let url = URL(fileURLWithPath: entry, relativeTo: rootURL).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard url.path.hasPrefix(rootURL.path + "/"),
                FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            let relative = String(url.path.dropFirst(rootURL.path.count + 1))
            if !files.contains(relative) { files.append(relative) }
        }
        return files
    }

    /// Runs the command with `values` for its placeholders, its standard output and error
    /// captured in `workFolder`. Throws ``ExternalModelError`` when it cannot start, exits
    /// non-zero, or runs longer than `timeout` (it is then terminated, and killed if needed).
    /// Returns the first line of its standard error (for messages about its outputs).
    @discardableResult
    public func run(_ values: [String: String], workFolder: URL) throws -> String {
        let arguments = try substituted(values)
        let program = try Self.resolve(arguments[0], role: role, command: display)
        let stdoutURL = workFolder.appendingPathComponent("\(role).stdout")
        let stderrURL = workFolder.appendingPathComponent("\(role).stderr")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(arguments.dropFirst())
        process.standardInput = FileHandle.nullDevice
        do {
            process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
            process.standardError = try FileHandle(forWritingTo: stderrURL)
        } catch {
            throw ExternalModelError.cannotStart(
                role: role, command: display, reason: "cannot capture its output: \(error.localizedDescription)")
        }
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            throw ExternalModelError.cannotStart(role: role, command: display, reason: error.localizedDescription)
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            // The command's children too: a script's `sleep` or worker would otherwise keep
            // running (and keep the process's end of Foundation's watch open).
            let pid = process.processIdentifier
            for child in Self.processTree(pid) { kill(child, SIGTERM) }
            if finished.wait(timeout: .now() + 2) == .timedOut {
                for child in Self.processTree(pid) { kill(child, SIGKILL) }
                _ = finished.wait(timeout: .now() + 5)
            }
            throw ExternalModelError.timedOut(
                role: role, command: display, seconds: timeout, stderr: Self.firstLine(of: stderrURL))
        }
        let stderr = Self.firstLine(of: stderrURL)
        let status = process.terminationStatus
        if process.terminationReason == .uncaughtSignal {
            throw ExternalModelError.failed(
                role: role, command: display, status: "killed by signal \(status)", stderr: stderr)
        }
        guard status == 0 else {
            throw ExternalModelError.failed(
                role: role, command: display, status: "exit status \(status)", stderr: stderr)
        }
        return stderr
    }

    /// `pid` and its descendants (from /proc where there is one; else `pid` alone).
    static func processTree(_ pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [pid] }
        var children: [Int32: [Int32]] = [:]
        for entry in entries {
            guard let child = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // pid (comm) state ppid …: the command name may hold spaces, so split after `)`.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { children[parent, default: []].append(child) }
        }
        var tree = [pid], index = 0
        while index < tree.count {
            tree.append(contentsOf: (children[tree[index]] ?? []).sorted())
            index += 1
        }
        return tree
    }

    /// The first non-empty line of a captured stream, trimmed.
    static func firstLine(of url: URL) -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else { return "" }
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) } ?? ""
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// The executable for `program`: a path as given (relative to the working folder), or
    /// the first match on `PATH`, as a shell would find it (but no shell runs).
    static func resolve(_ program: String, role: String, command: String) throws -> String {
        let fileManager = FileManager.default
        if program.contains("/") {
            guard fileManager.isExecutableFile(atPath: program) else {
                throw ExternalModelError.cannotStart(
                    role: role, command: command, reason: "`\(program)` is not an executable file")
            }
            return program
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(program).path
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ExternalModelError.cannotStart(role: role, command: command, reason: "`\(program)` is not on PATH")
    }
}

/// Failures of an external model's commands or of what they wrote. One line each, naming
/// the command as configured, how it ended and the first line of its standard error.
public enum ExternalModelError: FairPipeError, Equatable {
    case cannotStart(role: String, command: String, reason: String)
    case failed(role: String, command: String, status: String, stderr: String)
    case timedOut(role: String, command: String, seconds: Double, stderr: String)
    /// The command exited 0 but its output is unusable (missing, wrong row count, not a
    /// probability, an empty model folder).
    case badOutput(role: String, command: String, problem: String, stderr: String)
    case unavailablePlaceholder(role: String, command: String, placeholder: String)
    /// The model folder's files differ from the SHA-256 train recorded.
    case modelChanged(path: String, reason: String)
    /// An operation the model's feature mode cannot do.
    case unsupported(reason: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .modelChanged: return .dataError
        case .unsupported: return .usage
        default: return .externalCommand
        }
    }

    private static func said(_ stderr: String) -> String {
        stderr.isEmpty ? "no stderr output" : "stderr: \(stderr)"
    }

    public var description: String {
        switch self {
        case .cannotStart(let role, let command, let reason):
            return "model.external.\(role) `\(command)` could not start: \(reason)"
        case .failed(let role, let command, let status, let stderr):
            return "model.external.\(role) `\(command)` failed with \(status); \(Self.said(stderr))"
        case .timedOut(let role, let command, let seconds, let stderr):
            return
                "model.external.\(role) `\(command)` timed out after \(NumberFormat.string(seconds)) s (model.external.timeout) and was stopped; \(Self.said(stderr))"
        case .badOutput(let role, let command, let problem, let stderr):
            return "model.external.\(role) `\(command)` exited with status 0 but \(problem); \(Self.said(stderr))"
        case .unavailablePlaceholder(let role, let command, let placeholder):
            return "model.external.\(role) `\(command)`: {\(placeholder)} has no value here"
        case .modelChanged(let path, let reason):
            return "\(path): \(reason); rerun train"
        case .unsupported(let reason):
            return reason
        }
    }
}
