/// Process exit statuses, documented in the README. Values follow BSD `sysexits.h`
/// where one fits, so shell scripts and CI can tell failures apart.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Everything ran.
    case success = 0
    /// A bug in FairPipe: an error no user input should be able to cause.
    case internalError = 1
    /// `evaluate --fail-on-violation`: a fairness gate from `fairness.thresholds` failed.
    case gateFailed = 3
    /// `make-dataset`: a data-audit finding listed in `data.audit.fail_on`.
    case auditFailed = 4
    /// Command-line or configuration error: unknown key, wrong type, value out of range.
    case usage = 64
    /// Input data is malformed or unusable: bad CSV, missing column, one label class, NaN.
    case dataError = 65
    /// An input file or folder does not exist or cannot be read.
    case noInput = 66
    /// A download failed or the network is unavailable.
    case unavailable = 69
    /// `model.type: external`: the model's fit or predict command failed, timed out, or
    /// wrote unusable output.
    case externalCommand = 70
    /// An output could not be written.
    case ioError = 74
}

/// An error a user can act on. Every error area has one enum conforming to this;
/// executables print `description` as one line on stderr and exit with `exitStatus`.
public protocol FairPipeError: Error, CustomStringConvertible {
    var exitStatus: ExitStatus { get }
}

/// Errors of reading and writing files, shared by every area.
public enum FileError: FairPipeError, Equatable {
    case notFound(path: String)
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case malformed(path: String, reason: String)

    public var exitStatus: ExitStatus {
        switch self {
        case .notFound, .unreadable: return .noInput
        case .unwritable: return .ioError
        case .malformed: return .dataError
        }
    }

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such file"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .unwritable(let path, let reason): return "\(path): cannot write: \(reason)"
        case .malformed(let path, let reason): return "\(path): \(reason)"
        }
    }
}
