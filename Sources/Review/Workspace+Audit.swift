// Workspace+Audit: verify the audit trail's hash chain (and that decisions and commits agree with it), export it as CSV or JSON.
import Foundation
import GRDB

public struct AuditProblem: Sendable, Codable, Equatable {
    /// The audit entry concerned; 0 for the trail as a whole.
    public var seq: Int64
    public var message: String
}

public struct AuditVerification: Sendable, Codable, Equatable {
    public var entries = 0
    /// The last entry's hash: recorded outside the workspace, it also shows that no entry was cut off the end.
    public var head = AuditEntry.genesis
    public var problems: [AuditProblem] = []
    public var ok: Bool { problems.isEmpty }
}

public enum AuditFormat: String, Sendable, CaseIterable {
    case csv, json
}

extension Workspace {
    public func verifyAudit() throws -> AuditVerification {
        try read { db in
            var result = AuditVerification()
            var expectedSeq: Int64 = 1
            var previous = AuditEntry.genesis
            var actions: [Int64: String] = [:]
            var commits: [Int64: Int] = [:]
            for entry in try AuditEntry.order(Column("seq")).fetchAll(db) {
                if entry.seq != expectedSeq {
                    result.problems.append(AuditProblem(seq: entry.seq, message: "entry \(expectedSeq) is missing"))
                }
                if entry.prevHash != previous {
                    result.problems.append(AuditProblem(seq: entry.seq, message: "the previous hash does not match entry \(entry.seq - 1)"))
                }
                if entry.hash != entry.expectedHash {
                    result.problems.append(AuditProblem(seq: entry.seq, message: "the entry was changed after it was written"))
                }
                if entry.action == AuditAction.instanceCommit.rawValue, let instance = Self.payloadInstance(entry.payload) {
                    commits[instance, default: 0] += 1
                }
                actions[entry.seq] = entry.action
                previous = entry.hash
                expectedSeq = entry.seq + 1
                result.entries += 1
            }
            result.head = previous
            for row in try Row.fetchAll(db, sql: "SELECT id, action, auditSeq FROM decisions ORDER BY id") {
                let seq: Int64 = row["auditSeq"], action: String = row["action"], id: Int64 = row["id"]
                if actions[seq] != action {
                    result.problems.append(AuditProblem(seq: seq, message: "decision \(id) does not match its audit entry"))
                }
            }
            for id in try Int64.fetchAll(db, sql: "SELECT id FROM instances WHERE state = 'committed' ORDER BY id") where commits[id] != 1 {
                result.problems.append(AuditProblem(
                    seq: 0, message: "instance \(id) is committed with \(commits[id] ?? 0) commit entries instead of one"))
            }
            let triggers = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('audit_no_update', 'audit_no_delete')
                """) ?? 0
            if triggers != 2 {
                result.problems.append(AuditProblem(seq: 0, message: "the audit trail's append-only triggers were removed"))
            }
            return result
        }
    }

    public func exportAudit(_ format: AuditFormat) throws -> Data {
        let entries = try auditEntries()
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return try encoder.encode(entries)
        case .csv:
            var text = "seq,time,reviewer,action,payload,prev_hash,hash\n"
            for e in entries {
                text += [String(e.seq), e.time, e.reviewer, e.action, e.payload, e.prevHash, e.hash].map(Self.csvField)
                    .joined(separator: ",") + "\n"
            }
            return Data(text.utf8)
        }
    }

    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func payloadInstance(_ payload: String) -> Int64? {
        struct Target: Decodable { var instance: Int64? }
        return (try? JSONDecoder().decode(Target.self, from: Data(payload.utf8)))?.instance
    }
}
