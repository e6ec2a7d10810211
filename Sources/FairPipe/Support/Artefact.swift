import Foundation

/// A file a stage writes. Each artefact has exactly one type conforming to this protocol,
/// used by the stage that writes it and by every stage or page that reads it (DESIGN.md,
/// "One schema per artefact"): there is no second description of the schema anywhere.
///
/// Files carry a `schema_version`. A reader accepts any version up to
/// ``currentSchemaVersion`` (fields added later are optional and decoded with
/// `decodeIfPresent`), and refuses a newer file with a message naming it, instead of
/// misreading it.
public protocol Artefact: Codable, Sendable {
    /// The version this build writes and the newest it reads.
    static var currentSchemaVersion: Int { get }
    /// Whether the type's coding keys are already the wire names (explicit snake_case
    /// `CodingKeys`), or camelCase properties converted by ``CanonicalJSON``.
    static var keysAreVerbatim: Bool { get }
}

extension Artefact {
    public static var keysAreVerbatim: Bool { false }

    /// The canonical bytes: sorted keys, two-space indentation, a trailing newline.
    public func jsonData() throws -> Data {
        Self.keysAreVerbatim ? try CanonicalJSON.verbatimData(self) : try CanonicalJSON.data(self)
    }

    /// Decodes `data` read from `path`; any failure names the file and, for a missing or
    /// mistyped field, its key path (`attributes[0].groups[1].n`).
    public static func decode(_ data: Data, path: String) throws -> Self {
        let decoder = keysAreVerbatim ? JSONDecoder() : CanonicalJSON.decoder()
        let version: SchemaVersionProbe
        do {
            version = try decoder.decode(SchemaVersionProbe.self, from: data)
        } catch {
            throw FileError.malformed(path: path, reason: "not a JSON object (\(ArtefactDecoding.describe(error)))")
        }
        if let found = version.schemaVersion, found > currentSchemaVersion {
            throw FileError.malformed(
                path: path,
                reason:
                    "schema_version \(found) is newer than this FairPipe reads (\(currentSchemaVersion)); update FairPipe"
            )
        }
        do {
            return try decoder.decode(Self.self, from: data)
        } catch {
            throw FileError.malformed(
                path: path, reason: "not a valid \(Self.self) file: \(ArtefactDecoding.describe(error))")
        }
    }

    /// Reads and decodes the file at `path`.
    public static func read(at path: String) throws -> Self {
        guard FileManager.default.fileExists(atPath: path) else { throw FileError.notFound(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError.unreadable(path: path, reason: "permission denied or not a regular file")
        }
        return try decode(data, path: path)
    }
}

/// Reads only `schema_version`, whatever else the object holds.
private struct SchemaVersionProbe: Decodable {
    var schemaVersion: Int?

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case camel = "schemaVersion"
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion =
            try c.decodeIfPresent(Int.self, forKey: .schemaVersion) ?? c.decodeIfPresent(Int.self, forKey: .camel)
    }
}

enum ArtefactDecoding {
    /// `DecodingError` as one line: what is wrong, at which key path.
    static func describe(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let index = key.intValue {
                    out += "[\(index)]"
                } else {
                    out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return out.isEmpty ? "the top level" : "`\(out)`"
        }
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key \(path(context.codingPath + [key]))"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) is not a \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null, expected a \(type)"
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo["NSDebugDescription"] as? String
            return "\(path(context.codingPath)): \(underlying ?? context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
