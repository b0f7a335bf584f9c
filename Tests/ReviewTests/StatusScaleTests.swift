// Scale: `status` on a 100,000-instance workspace (rows inserted directly) answers in under a second.
import Foundation
import GRDB
import Review
import Testing

@Test func statusOnAHundredThousandInstancesTakesUnderASecond() throws {
    let folder = try Fixture.scratch()
    let ws = try Fixture.workspace(folder + "/ws")
    let queue = try DatabaseQueue(path: ws.databasePath)
    var generator = SplitMixForTests(seed: 5)
    try queue.write { db in
        for g in 1...100 {
            try db.execute(sql: "INSERT INTO groups (id, manufacturer, model, rows, columns) VALUES (?, ?, ?, 512, 512)",
                           arguments: [g, "Vendor \(g % 7)", "Model \(g)"])
            if g % 2 == 0 {
                for version in 1...2 {
                    try db.execute(sql: """
                        INSERT INTO templates (groupID, name, version, verified, author, createdAt, regions)
                        VALUES (?, 'group', ?, 1, 'alice', '2027-01-01T00:00:00.000Z', '[]')
                        """, arguments: [g, version])
                }
            }
        }
        let insert = try db.makeStatement(sql: """
            INSERT INTO instances (id, sourcePath, sourceSize, sourceModified, sourceSHA256, patientID, studyUID, seriesUID, sopUID,
                groupID, state, outputPath, templateVersion, ingestedAt)
            VALUES (?, ?, 1000, 0, ?, 'P', '1.2', '1.2.3', ?, ?, ?, ?, ?, '2027-01-01T00:00:00.000Z')
            """)
        let states = ["proposed", "approved", "committed", "committed", "quarantined"]
        for i in 1...100_000 {
            let state = states[Int(generator.next() % 5)]
            try insert.execute(arguments: [i, "/data/\(i).dcm", String(format: "%064x", i), "1.2.3.\(i)", 1 + i % 100, state,
                                           "2.25.\(i).dcm", state == "committed" ? Int(generator.next() % 3) : nil])
        }
        let check = try db.makeStatement(sql: """
            INSERT INTO spotChecks (instanceID, groupID, seed, drawnAt, drawnBy, verdict) VALUES (?, ?, 1, 't', 'qa', ?)
            """)
        for i in stride(from: 3, through: 100_000, by: 20) {
            try check.execute(arguments: [i, 1 + i % 100, i % 997 == 0 ? "leak" : (i % 7 == 0 ? nil : "clean")])
        }
        for i in 1...2000 {
            try db.execute(sql: "INSERT INTO audit (seq, time, reviewer, action, payload, prevHash, hash) VALUES (?, 't', ?, 'instance.approve', '{}', '', '')",
                           arguments: [i + 1, ["alice", "bob", "carol"][i % 3]])
            try db.execute(sql: "INSERT INTO decisions (action, reviewer, time, instanceID, groupID, auditSeq) VALUES ('instance.approve', ?, 't', ?, ?, ?)",
                           arguments: [["alice", "bob", "carol"][i % 3], i, 1 + i % 100, i + 1])
        }
    }
    _ = try ws.status(at: Fixture.at(1)) // warm the page cache, as a second `status` would find it
    let clock = ContinuousClock()
    var status: WorkspaceStatus?
    let elapsed = try clock.measure { status = try ws.status(at: Fixture.at(1)) }
    let seconds = Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds)
    print("status on 100,000 instances in 100 groups: \(String(format: "%.3f", seconds)) s")
    #expect(status?.totals.total == 100_000 && status?.groups.count == 100)
    #expect(status?.reviewers.map(\.decisions) == [666, 667, 667])
    #expect((status?.spotChecks.checked ?? 0) > 4000)
    #expect(seconds < 1.0)
    // And as the command runs it: a new process, a cold database handle.
    let started = ContinuousClock.now
    let run = try Command.run(["status", "--workspace", folder + "/ws", "--json"])
    let command = ContinuousClock.now - started
    print("dcmscrub status --json on 100,000 instances: \(command)")
    #expect(run.status == 0)
}

/// Writes the inputs of the ingest measurement: DCMSCRUB_REVIEW_BENCH_INPUTS=FOLDER[:COUNT] (default
/// 10,000 instances: studies of 8 CT slices, an ultrasound frame and a report). Off unless asked.
@Test(.enabled(if: ProcessInfo.processInfo.environment["DCMSCRUB_REVIEW_BENCH_INPUTS"] != nil))
func writeIngestBenchmarkInputs() throws {
    let setting = ProcessInfo.processInfo.environment["DCMSCRUB_REVIEW_BENCH_INPUTS"]!.split(separator: ":")
    let count = setting.count > 1 ? Int(setting[1]) ?? 10_000 : 10_000
    let files = try Fixture.studies(in: String(setting[0]), count: count / 10, slices: 8, firstSeed: 10_000)
    print("wrote \(files.count) instances")
}
