// Tests of spot checks: a seeded stratified sample of committed outputs, one verdict each, and the bounds in status.
import Foundation
import Review
import Testing

private func committed(_ name: String = #function) throws -> Workspace {
    let folder = try Fixture.scratch(name)
    try Fixture.studies(in: folder + "/in", count: 4, slices: 3) // per group: 12 CT, 4 ultrasound, 4 reports
    let ws = try Fixture.workspace(folder + "/ws")
    try ws.ingest([folder + "/in"], at: Fixture.at(1))
    for group in try ws.groups() { try ws.approveGroup(group.id, rectangles: [], at: Fixture.at(2)) }
    try ws.commit(to: ws.defaultOutput, at: Fixture.at(3))
    return ws
}

@Test func theSampleIsStratifiedSeededAndNeverRepeats() throws {
    let ws = try committed()
    let preview = try ws.spotCheckSample(perGroup: 5, seed: 42)
    #expect(try ws.spotCheckSample(perGroup: 5, seed: 42).map(\.instance) == preview.map(\.instance))
    #expect(try ws.spotCheckSample(perGroup: 5, seed: 43).map(\.instance) != preview.map(\.instance))
    // Five from each group, or all of a smaller one.
    let perGroup = Dictionary(grouping: preview, by: \.group).mapValues(\.count)
    #expect(perGroup.values.sorted() == [4, 4, 5])
    let drawn = try ws.drawSpotChecks(perGroup: 5, seed: 42, at: Fixture.at(4))
    #expect(drawn.map(\.instanceID) == preview.map(\.instance))
    #expect(drawn.allSatisfy { $0.verdict == nil && $0.seed == 42 && $0.drawnBy == "alice" })
    // A second draw takes only what was not drawn: 7 CT left, none of the others.
    let second = try ws.drawSpotChecks(perGroup: 10, seed: 42, at: Fixture.at(5))
    #expect(second.count == 7 && Set(second.map(\.instanceID)).isDisjoint(with: drawn.map(\.instanceID)))
    #expect(try ws.auditEntries().filter { $0.action == "spotcheck.draw" }.count == 2)
}

@Test func verdictsAreRecordedOnceAndBoundTheLeakRate() throws {
    let ws = try committed()
    let checks = try ws.drawSpotChecks(perGroup: 12, seed: 7, at: Fixture.at(4))
    #expect(checks.count == 20)
    for check in checks { try ws.recordVerdict(check: check.id!, .clean, at: Fixture.at(5)) }
    #expect(performing: { try ws.recordVerdict(check: checks[0].id!, .leak, at: Fixture.at(6)) },
            throws: { ($0 as? ReviewError)?.code == .conflict })
    var status = try ws.status(at: Fixture.at(6))
    let ct = try #require(status.groups.first { $0.device.contains("64x64") })
    #expect(ct.spotChecks.checked == 12 && ct.spotChecks.leaks == 0)
    #expect(abs(ct.spotChecks.upper95 - (1 - pow(0.05, 1.0 / 12))) < 1e-12)
    #expect(ct.spotChecks.cleanChecksToTarget == 29956 - 12)
    #expect(status.spotChecks.checked == 20 && status.spotChecks.cleanChecksToTarget == 29936)

    // A leak: recorded with the officer's note, and the bound rises.
    let folder = (ws.folder as NSString).deletingLastPathComponent
    try Fixture.studies(in: folder + "/more", count: 1, slices: 1, firstSeed: 300)
    try ws.ingest([folder + "/more"], at: Fixture.at(7))
    for group in try ws.groups() { try ws.approveGroup(group.id, at: Fixture.at(8)) }
    try ws.commit(to: ws.defaultOutput, at: Fixture.at(9))
    let extra = try ws.drawSpotChecks(perGroup: 1, seed: 8, at: Fixture.at(10))
    try ws.recordVerdict(check: extra[0].id!, .leak, note: "name in the corner", at: Fixture.at(11))
    status = try ws.status(at: Fixture.at(11))
    #expect(status.spotChecks.leaks == 1 && status.spotChecks.pending == 2)
    #expect(abs(status.spotChecks.upper95 - ClopperPearson.upperBound(failures: 1, trials: 21)) < 1e-15)
    #expect(try ws.spotChecks(pendingOnly: true).count == 2)
    let decision = try #require(try ws.decisions(instance: extra[0].instanceID).last)
    #expect(decision.action == .spotcheckVerdict && decision.reason == "name in the corner")
    #expect(try ws.verifyAudit().ok)
}
