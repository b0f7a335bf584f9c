// Tests of the audit trail: append-only in the database, a hash chain that shows any edit of history, CSV and JSON export.
import Foundation
import GRDB
@testable import Review
import Testing

/// A workspace with a few decisions in its trail.
private func audited(_ name: String = #function) throws -> (Workspace, String) {
    let folder = try Fixture.scratch(name)
    try Fixture.studies(in: folder + "/in", count: 1, slices: 2)
    let ws = try Fixture.workspace(folder + "/ws")
    try ws.ingest([folder + "/in"], at: Fixture.at(1))
    let ids = try ws.instances(group: try Fixture.group(ws, model: "Helix 64", rows: 64).id).compactMap(\.id)
    try ws.approve(instance: ids[0], reason: "ok, \"quoted\"", at: Fixture.at(2))
    try ws.quarantine(instance: ids[1], reason: "form", at: Fixture.at(3))
    try ws.commit(to: ws.defaultOutput, at: Fixture.at(4))
    return (ws, folder + "/ws/workspace.sqlite")
}

@Test func theChainVerifiesAndLinksEveryEntry() throws {
    let (ws, _) = try audited()
    let entries = try ws.auditEntries()
    #expect(entries.map(\.action) == ["workspace.create", "workspace.ingest", "instance.approve", "instance.quarantine", "instance.commit"])
    #expect(entries.map(\.seq) == [1, 2, 3, 4, 5])
    #expect(entries[0].prevHash == AuditEntry.genesis)
    for (previous, entry) in zip(entries, entries.dropFirst()) { #expect(entry.prevHash == previous.hash) }
    let result = try ws.verifyAudit()
    #expect(result.ok && result.entries == 5 && result.head == entries.last?.hash)
}

@Test func theDatabaseRefusesToChangeHistory() throws {
    let (_, path) = try audited()
    let queue = try DatabaseQueue(path: path)
    #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "UPDATE audit SET reviewer = 'mallory' WHERE seq = 3") } }
    #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "DELETE FROM audit WHERE seq = 5") } }
    #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "UPDATE decisions SET reason = 'x'") } }
}

@Test func anEditedRowIsFound() throws {
    let (ws, path) = try audited()
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
        try db.execute(sql: "DROP TRIGGER audit_no_update")
        try db.execute(sql: "UPDATE audit SET payload = replace(payload, 'form', 'nothing') WHERE seq = 4")
    }
    let result = try ws.verifyAudit()
    #expect(!result.ok)
    #expect(result.problems.contains { $0.seq == 4 && $0.message == "the entry was changed after it was written" })
    #expect(result.problems.contains { $0.message.contains("append-only triggers were removed") })
}

@Test func anEditWithARecomputedHashBreaksTheNextLink() throws {
    let (ws, path) = try audited()
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
        try db.execute(sql: "DROP TRIGGER audit_no_update")
        let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM audit WHERE seq = 3"))
        let forged = AuditEntry(seq: 3, time: row["time"], reviewer: "mallory", action: row["action"], payload: row["payload"],
                                prevHash: row["prevHash"], hash: "")
        // The forger knows the algorithm: SHA-256 over the previous hash and the fields as a JSON array.
        let hash = AuditEntry.hash(seq: 3, time: forged.time, reviewer: forged.reviewer, action: forged.action,
                                   payload: forged.payload, prevHash: forged.prevHash)
        try db.execute(sql: "UPDATE audit SET reviewer = 'mallory', hash = ? WHERE seq = 3", arguments: [hash])
        try db.execute(sql: "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END")
    }
    let result = try ws.verifyAudit()
    #expect(result.problems.map(\.seq) == [4])
    #expect(result.problems.first?.message == "the previous hash does not match entry 3")
}

@Test func aDeletedRowIsFound() throws {
    let (ws, path) = try audited()
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
        try db.execute(sql: "DROP TRIGGER audit_no_delete")
        // The ingest entry: no decision row points at it, so the foreign key lets it go.
        try db.execute(sql: "DELETE FROM audit WHERE seq = 2")
    }
    let result = try ws.verifyAudit()
    #expect(result.problems.contains { $0.seq == 3 && $0.message == "entry 2 is missing" })
    #expect(result.problems.contains { $0.seq == 3 && $0.message == "the previous hash does not match entry 2" })
}

@Test func aCommitWithoutItsAuditEntryIsFound() throws {
    let (ws, path) = try audited()
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
        try db.execute(sql: "UPDATE instances SET state = 'committed' WHERE state = 'quarantined'")
    }
    #expect(try ws.verifyAudit().problems.contains { $0.message.contains("committed with 0 commit entries") })
}

@Test func exportsHoldEveryEntry() throws {
    let (ws, _) = try audited()
    let json = try JSONSerialization.jsonObject(with: try ws.exportAudit(.json)) as? [[String: Any]]
    #expect(json?.count == 5)
    #expect(json?[2]["action"] as? String == "instance.approve")
    #expect(json?[2]["reviewer"] as? String == "alice")
    let csv = String(decoding: try ws.exportAudit(.csv), as: UTF8.self)
    let lines = csv.split(separator: "\n")
    #expect(lines.count == 6 && lines[0] == "seq,time,reviewer,action,payload,prev_hash,hash")
    // The reason's comma and quotes are quoted CSV-style.
    #expect(lines[3].hasPrefix("3,") && lines[3].contains(",\"{\"\"acceptedPending\"\":0,") && lines[3].contains("quoted"))
    #expect(lines[3].hasSuffix("," + (try ws.auditEntries()[2].hash)))
}
