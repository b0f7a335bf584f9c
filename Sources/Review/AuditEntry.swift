// AuditEntry: one row of the append-only audit trail, chained to the previous row by its hash.
import Crypto
import Foundation
import GRDB

public struct AuditEntry: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit"
    /// The previous hash of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    public var seq: Int64
    public var time: String
    /// The login name of whoever decided or ran the command.
    public var reviewer: String
    /// An `area.verb` of AuditAction; kept as text so that a row written by a newer version still verifies.
    public var action: String
    /// Canonical JSON (sorted keys); workspace numbers only, never a patient value or a path.
    public var payload: String
    public var prevHash: String
    public var hash: String

    /// SHA-256 over the previous hash and the row's fields as a JSON array of strings, which leaves
    /// no doubt where one field ends and the next begins.
    static func hash(seq: Int64, time: String, reviewer: String, action: String, payload: String, prevHash: String) -> String {
        let fields = [String(seq), time, reviewer, action, payload]
        let canonical = (try? JSONEncoder().encode(fields)) ?? Data()
        var hasher = SHA256()
        hasher.update(data: Data(prevHash.utf8))
        hasher.update(data: canonical)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    var expectedHash: String {
        Self.hash(seq: seq, time: time, reviewer: reviewer, action: action, payload: payload, prevHash: prevHash)
    }

    /// Appends an entry inside the caller's write transaction. The write lock SQLite takes for the
    /// transaction is what keeps two processes from chaining onto the same previous row.
    @discardableResult
    static func append(_ db: Database, action: AuditAction, reviewer: String, time: String, payload: AuditPayload) throws -> AuditEntry {
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        let seq: Int64 = (last?["seq"] ?? 0) + 1
        let prev: String = last?["hash"] ?? genesis
        let text = payload.json
        let entry = AuditEntry(seq: seq, time: time, reviewer: reviewer, action: action.rawValue, payload: text, prevHash: prev,
                               hash: hash(seq: seq, time: time, reviewer: reviewer, action: action.rawValue, payload: text, prevHash: prev))
        try entry.insert(db)
        return entry
    }
}

/// The payload of an audit entry: a flat object of numbers and short words.
public struct AuditPayload: Sendable, ExpressibleByDictionaryLiteral {
    public enum Value: Sendable, Encodable, Equatable {
        case int(Int64), double(Double), text(String), bool(Bool), ints([Int64]), null

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .int(let v): try c.encode(v)
            case .double(let v): try c.encode(v)
            case .text(let v): try c.encode(v)
            case .bool(let v): try c.encode(v)
            case .ints(let v): try c.encode(v)
            case .null: try c.encodeNil()
            }
        }
    }

    public var values: [String: Value]

    public init(dictionaryLiteral elements: (String, Value)...) {
        values = Dictionary(elements, uniquingKeysWith: { _, b in b })
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(values)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

extension AuditPayload.Value {
    static func id(_ value: Int64?) -> Self { value.map { .int($0) } ?? .null }
    static func optionalText(_ value: String?) -> Self { value.map { .text($0) } ?? .null }
}
