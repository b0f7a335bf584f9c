// Tests that drive the built dcmscrub binary: two processes deciding at once, commit killed with SIGKILL, audit verify, private output.
import Foundation
import GRDB
import Review
import Testing

/// A workspace with `studies` studies of `slices` CT slices, made through the binary.
private func ingested(_ folder: String, studies: Int, slices: Int) throws {
    try Fixture.studies(in: folder + "/in", count: studies, slices: slices)
    let result = try Command.run(["ingest", folder + "/in", "--workspace", folder + "/ws", "--pixels", "off", "--jobs", "2"])
    try #require(result.status == 0, "\(result.stderr)")
}

@Test(.timeLimit(.minutes(5)))
func twoProcessesDecideOnOneWorkspaceAndNoDecisionIsLostOrDoubled() throws {
    let folder = try Fixture.scratch()
    try ingested(folder, studies: 4, slices: 3) // 20 instances
    let ws = try Workspace.open(at: folder + "/ws")
    let ids = try ws.groups().flatMap { try ws.instances(group: $0.id) }.compactMap(\.id).sorted()
    #expect(ids.count == 20)
    let base = ["--workspace", folder + "/ws"]

    // Both add a box to every instance at the same time: every box lands.
    let a = try Command.start(["decide", "add-box"] + base + ["--box", "0,0,8,8"] + ids.flatMap { ["--instance", String($0)] })
    let b = try Command.start(["decide", "add-box"] + base + ["--box", "8,8,8,8"] + ids.reversed().flatMap { ["--instance", String($0)] })
    let (ra, rb) = (Command.finish(a), Command.finish(b))
    #expect(ra.status == 0 && rb.status == 0, "\(ra.stderr) \(rb.stderr)")
    for id in ids {
        #expect(Set(try ws.proposals(instance: id).map(\.rect.x)) == [0, 8])
    }

    // Both approve every instance at the same time: each is approved exactly once.
    let c = try Command.start(["decide", "approve"] + base + ids.flatMap { ["--instance", String($0)] })
    let d = try Command.start(["decide", "approve"] + base + ids.reversed().flatMap { ["--instance", String($0)] })
    let (rc, rd) = (Command.finish(c), Command.finish(d))
    func recorded(_ r: Executed) -> Int { Int(r.stdout.split(separator: " ").first ?? "") ?? -1 }
    #expect(recorded(rc) + recorded(rd) == 20, "\(rc.stdout) \(rd.stdout)")
    for line in (rc.stderr + rd.stderr).split(separator: "\n") {
        #expect(line.hasPrefix("dcmscrub: instance ") && line.hasSuffix(" is approved; instance.approve needs proposed"))
    }
    let approvals = try ws.auditEntries().filter { $0.action == "instance.approve" }
    #expect(approvals.count == 20)
    #expect(Set(approvals.map(\.payload)).count == 20)
    #expect(try ws.status(at: Date()).totals.approved == 20)
    let entries = try ws.auditEntries()
    #expect(entries.map(\.seq) == Array(1...Int64(entries.count)))
    #expect(entries.count == 2 + 40 + 20)

    // A group claimed by a live reviewer is refused to the other process; a dead holder's claim is taken over.
    let ct = try Fixture.group(ws, model: "Helix 64", rows: 64)
    let ctIDs = try ws.instances(group: ct.id).compactMap(\.id)
    let here = Reviewer(login: "qa", host: ProcessInfo.processInfo.hostName, pid: getpid())
    try ws.reopened(as: here).claim(group: ct.id, at: Date())
    let refused = try Command.run(["decide", "reopen"] + base + ["--claim"] + ctIDs.flatMap { ["--instance", String($0)] })
    #expect(refused.status == 1 && refused.stdout.hasPrefix("0 decisions recorded, 12 refused"))
    #expect(refused.stderr.contains("group \(ct.id) is claimed by qa (pid \(getpid())"))
    try ws.reopened(as: here).release(group: ct.id)
    let gone = Reviewer(login: "qa", host: here.host, pid: try Fixture.deadPid())
    try ws.reopened(as: gone).claim(group: ct.id, at: Date())
    let taken = try Command.run(["decide", "reopen"] + base + ["--claim"] + ctIDs.flatMap { ["--instance", String($0)] })
    #expect(taken.status == 0 && taken.stdout.hasPrefix("12 decisions recorded, 0 refused"), "\(taken.stderr)")
    #expect(try ws.group(ct.id).claim == nil) // given back at the end
    let verify = try Command.run(["audit", "verify"] + base)
    #expect(verify.status == 0 && verify.stdout.contains("chain intact"))
}

@Test(.timeLimit(.minutes(5)))
func aCommitKilledAtRandomMomentsDeliversEveryApprovedImageExactlyOnce() throws {
    let folder = try Fixture.scratch()
    try ingested(folder, studies: 8, slices: 6) // 64 instances
    do {
        let ws = try Workspace.open(at: folder + "/ws")
        for group in try ws.groups() { try ws.approveGroup(group.id, rectangles: [], at: Date()) }
        #expect(try ws.status(at: Date()).totals.approved == 64)
    } // the handle closes here, so the database files can be copied whole
    try FileManager.default.copyItem(atPath: folder + "/ws", toPath: folder + "/ws-clean")
    let clean = try Command.run(["commit", "--workspace", folder + "/ws-clean", "--out", folder + "/clean"])
    #expect(clean.status == 0 && clean.stdout.hasPrefix("64 committed"), "\(clean.stderr)")

    var generator = SplitMixForTests(seed: 20261123)
    var kills = 0
    for _ in 0..<8 {
        let started = try Command.start(["commit", "--workspace", folder + "/ws", "--out", folder + "/killed", "--jobs", "2"])
        usleep(UInt32.random(in: 20_000...400_000, using: &generator))
        if started.0.isRunning {
            kill(started.0.processIdentifier, SIGKILL)
            kills += 1
        }
        _ = Command.finish(started)
    }
    let finish = try Command.run(["commit", "--workspace", folder + "/ws", "--out", folder + "/killed"])
    #expect(finish.status == 0, "\(finish.stderr)")
    #expect(kills > 0)

    let expected = Fixture.tree(folder + "/clean")
    let actual = Fixture.tree(folder + "/killed")
    #expect(expected.count == 64)
    #expect(actual == expected) // no temporary, no partial, no extra file: the same bytes
    let ws = try Workspace.open(at: folder + "/ws")
    let commits = try ws.auditEntries().filter { $0.action == "instance.commit" }
    #expect(commits.count == 64 && Set(commits.map(\.payload)).count == 64)
    #expect(try ws.status(at: Date()).totals.committed == 64)
    #expect(try ws.verifyAudit().ok)
    print("commit killed \(kills) times of 8, then finished: \(finish.stdout.trimmingCharacters(in: .newlines))")
}

@Test func auditVerifyFailsAfterHistoryIsEdited() throws {
    let folder = try Fixture.scratch()
    try ingested(folder, studies: 1, slices: 2)
    let base = ["--workspace", folder + "/ws"]
    #expect(try Command.run(["decide", "approve"] + base + ["--instance", "1", "--reason", "fine"]).status == 0)
    #expect(try Command.run(["decide", "quarantine"] + base + ["--instance", "2", "--reason", "form"]).status == 0)
    #expect(try Command.run(["audit", "verify"] + base).status == 0)
    let queue = try DatabaseQueue(path: folder + "/ws/workspace.sqlite")
    try queue.write { db in
        try db.execute(sql: "DROP TRIGGER audit_no_update")
        try db.execute(sql: "UPDATE audit SET reviewer = 'someone-else' WHERE seq = 3")
    }
    let verify = try Command.run(["audit", "verify"] + base)
    #expect(verify.status == 1)
    #expect(verify.stderr.contains("dcmscrub: audit entry 3: the entry was changed after it was written"))
    let json = try Command.run(["audit", "export"] + base + ["--format", "json"])
    #expect(json.status == 0 && json.stdout.contains("\"action\" : \"instance.quarantine\""))
}

@Test func commandOutputCarriesNoIdentifier() throws {
    let folder = try Fixture.scratch()
    try Fixture.studies(in: folder + "/in", count: 3, slices: 1)
    try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/in/not-dicom.txt"))
    let ingest = try Command.run(["ingest", folder + "/in", "--workspace", folder + "/ws", "--pixels", "off"])
    #expect(ingest.status == 0 && ingest.stdout.hasPrefix("10 files: 10 added (1 quarantined), 0 already indexed"))
    let status = try Command.run(["status", "--workspace", folder + "/ws"])
    let json = try Command.run(["status", "--workspace", folder + "/ws", "--json"])
    #expect(status.status == 0 && json.status == 0)
    #expect(status.stdout.contains("Acme Medical / Helix 64 / 64x64"))
    let decoded = try JSONDecoder().decode(WorkspaceStatus.self, from: Data(json.stdout.utf8))
    #expect(decoded.totals.proposed == 9 && decoded.ungrouped.quarantined == 1)
    for secret in ["LT-483920", "ŽEMAITIENĖ", "Müller", "DE-77120", "PX-1001", "DOE", "Santaros", folder + "/in"] {
        for text in [ingest.stdout, ingest.stderr, status.stdout, json.stdout] { #expect(!text.contains(secret)) }
    }
    let missing = try Command.run(["status", "--workspace", folder + "/nothing"])
    #expect(missing.status == 2 && missing.stderr == "dcmscrub: no workspace in that folder; dcmscrub ingest creates one\n")
}

struct SplitMixForTests: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
