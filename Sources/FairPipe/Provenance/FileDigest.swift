import Crypto
import Foundation

/// A file's identity in a manifest: its path relative to the repository root, its
/// SHA-256 and its size in bytes.
public struct FileDigest: Codable, Equatable, Sendable {
    public var path: String
    public var sha256: String
    public var bytes: Int

    /// A digest computed elsewhere (by a reader that hashed the bytes on its own pass).
    init(path: String, sha256: String, bytes: Int, relativeTo root: String) {
        self.path = RepositoryPaths.relative(path, to: root)
        self.sha256 = sha256
        self.bytes = bytes
    }

    /// Hashes the file at `path` (streamed in 1 MiB blocks, so large inputs stay cheap).
    /// `relativeTo` is the repository root used to make the recorded path portable.
    public init(path: String, relativeTo root: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FileError.notFound(path: path) }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total = 0
        while true {
            let block = handle.readData(ofLength: 1 << 20)
            if block.isEmpty { break }
            hasher.update(data: block)
            total += block.count
        }
        self.path = RepositoryPaths.relative(path, to: root)
        self.sha256 = hasher.finalize().hexString
        self.bytes = total
    }
}

/// SHA-256 of bytes, as lowercase hex. Content hashes are SHA-256, never `hashValue`.
public func sha256Hex(_ data: Data) -> String {
    SHA256.hash(data: data).hexString
}

extension Sequence where Element == UInt8 {
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension SHA256Digest {
    var hexString: String { Array(self).hexString }
}

/// Path handling that keeps recorded paths independent of where the clone lives.
public enum RepositoryPaths {
    /// `path` relative to `root` when it lies inside it; otherwise `path` as given.
    public static func relative(_ path: String, to root: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let base = URL(fileURLWithPath: root).standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : path
    }
}
