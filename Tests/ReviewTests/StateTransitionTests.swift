// Tests of every state transition of instances and proposals: what is allowed, what is refused, and what each records.
import Engine
import Foundation
import Review
import Testing

/// A workspace with one study ingested header-only: four instances in three groups.
private func reviewed(_ name: String = #function, pixels: PixelPolicy = .off) throws -> (Workspace, folder: String, ct: [Int64]) {
    let folder = try Fixture.scratch(name)
    try Fixture.studies(in: folder + "/in", count: 1, slices: 3)
    let workspace = try Fixture.workspace(folder + "/ws", pixels: pixels)
    try workspace.ingest([folder + "/in"], at: Fixture.at(1))
    let ct = try workspace.instances(group: try Fixture.group(workspace, model: "Helix 64", rows: 64).id).compactMap(\.id)
    return (workspace, folder, ct)
}

private func refused(_ code: ReviewError.Code, _ body: () throws -> Void) {
    #expect(performing: body, throws: { ($0 as? ReviewError)?.code == code })
}

@Test func instanceTransitions() throws {
    let (ws, _, ct) = try reviewed()
    let (a, b, c) = (ct[0], ct[1], ct[2])
    // proposed -> approved -> proposed (reopen) -> quarantined -> proposed (reopen) -> approved -> quarantined
    try ws.approve(instance: a, reason: "boxes fine", at: Fixture.at(10))
    #expect(try ws.instance(a).state == .approved)
    try ws.reopen(instance: a, reason: "second look", at: Fixture.at(11))
    #expect(try ws.instance(a).state == .proposed)
    try ws.quarantine(instance: a, reason: "scanned paper form", at: Fixture.at(12))
    #expect(try ws.instance(a).state == .quarantined)
    #expect(try ws.instance(a).quarantineCode == "reviewer")
    try ws.reopen(instance: a, at: Fixture.at(13))
    #expect(try ws.instance(a).state == .proposed && ws.instance(a).quarantineReason == nil)
    try ws.approve(instance: a, at: Fixture.at(14))
    try ws.quarantine(instance: a, reason: "changed my mind", at: Fixture.at(15))
    #expect(try ws.instance(a).state == .quarantined)

    // Refused: a decision applied twice, a quarantine without reason, reopening what is in review.
    try ws.approve(instance: b, at: Fixture.at(16))
    refused(.conflict) { try ws.approve(instance: b, at: Fixture.at(17)) }
    refused(.usage) { try ws.quarantine(instance: c, reason: "  ", at: Fixture.at(18)) }
    refused(.conflict) { try ws.reopen(instance: c, at: Fixture.at(18)) }
    refused(.notFound) { try ws.approve(instance: 9999, at: Fixture.at(18)) }

    // approved -> committed; a committed instance takes no decision any more.
    let summary = try ws.commit(to: ws.defaultOutput, at: Fixture.at(20))
    #expect(summary.committed == 1)
    #expect(try ws.instance(b).state == .committed)
    for decide in [{ try ws.approve(instance: b, at: Fixture.at(21)) }, { try ws.reopen(instance: b, at: Fixture.at(21)) },
                   { try ws.quarantine(instance: b, reason: "late", at: Fixture.at(21)) },
                   { _ = try ws.addBox(instance: b, rect: PixelRect(x: 0, y: 0, width: 4, height: 4), at: Fixture.at(21)) }] {
        refused(.conflict, decide)
    }

    // Each decision stored the reviewer, the time and the reason, with its audit entry.
    let decisions = try ws.decisions(instance: a)
    #expect(decisions.map(\.action) == [.instanceApprove, .instanceReopen, .instanceQuarantine, .instanceReopen, .instanceApprove,
                                        .instanceQuarantine])
    #expect(decisions.allSatisfy { $0.reviewer == "alice" })
    #expect(decisions[0].time == Timestamp.string(Fixture.at(10)) && decisions[0].reason == "boxes fine")
    #expect(decisions[3].reason == nil)
    let audit = Dictionary(uniqueKeysWithValues: try ws.auditEntries().map { ($0.seq, $0) })
    for decision in decisions {
        #expect(audit[decision.auditSeq]?.action == decision.action.rawValue)
        #expect(audit[decision.auditSeq]?.time == decision.time)
    }
    #expect(try ws.verifyAudit().ok)
}

@Test func anInstanceTheEngineQuarantinedCannotBeReopened() throws {
    let folder = try Fixture.scratch()
    try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
    try Data("plain text".utf8).write(to: URL(fileURLWithPath: folder + "/in/x.txt"))
    let ws = try Fixture.workspace(folder + "/ws")
    try ws.ingest([folder + "/in"], at: Fixture.at(1))
    let id = try #require(try ws.instances(group: nil).first?.id)
    refused(.conflict) { try ws.reopen(instance: id, at: Fixture.at(2)) }
    refused(.conflict) { try ws.approve(instance: id, at: Fixture.at(2)) }
}

@Test func proposalTransitions() throws {
    let (ws, _, ct) = try reviewed()
    let instance = ct[0]
    // A box the engine did not propose, clipped to the 64x64 image; one wholly outside is refused.
    let box = try ws.addBox(instance: instance, rect: PixelRect(x: 60, y: 0, width: 10, height: 8), reason: "date", at: Fixture.at(10))
    refused(.usage) { _ = try ws.addBox(instance: instance, rect: PixelRect(x: 70, y: 70, width: 5, height: 5), at: Fixture.at(10)) }
    var proposals = try ws.proposals(instance: instance)
    #expect(proposals.count == 1 && proposals[0].rect == PixelRect(x: 60, y: 0, width: 4, height: 8))
    #expect(proposals[0].source == .manual && proposals[0].status == .accepted)

    // accepted -> rejected -> accepted; the same decision twice is refused.
    refused(.conflict) { try ws.accept(proposal: box, at: Fixture.at(11)) }
    try ws.reject(proposal: box, reason: "scale mark", at: Fixture.at(12))
    #expect(try ws.proposals(instance: instance)[0].status == .rejected)
    refused(.conflict) { try ws.reject(proposal: box, at: Fixture.at(13)) }
    try ws.accept(proposal: box, at: Fixture.at(14))

    // An edit replaces the box: the old one stays in the history, inactive, and takes no more decisions.
    let edited = try ws.edit(proposal: box, to: PixelRect(x: 50, y: 0, width: 14, height: 10), at: Fixture.at(15))
    proposals = try ws.proposals(instance: instance)
    #expect(proposals.map(\.id) == [edited] && proposals[0].supersedes == box && proposals[0].source == .manual)
    #expect(try ws.proposals(instance: instance, history: true).count == 2)
    refused(.conflict) { try ws.accept(proposal: box, at: Fixture.at(16)) }
    refused(.conflict) { _ = try ws.edit(proposal: box, to: PixelRect(x: 0, y: 0, width: 2, height: 2), at: Fixture.at(16)) }

    // A pending box is accepted when its instance is approved (fail closed: only a rejection keeps pixels).
    let pending = try ws.addBox(instance: ct[1], rect: PixelRect(x: 0, y: 0, width: 8, height: 8), at: Fixture.at(17))
    try ws.reject(proposal: pending, at: Fixture.at(18))
    try ws.approve(instance: ct[1], at: Fixture.at(19))
    #expect(try ws.proposals(instance: ct[1])[0].status == .rejected)
    // Boxes of an approved instance are frozen until it is reopened.
    refused(.conflict) { try ws.accept(proposal: pending, at: Fixture.at(20)) }
    try ws.reopen(instance: ct[1], at: Fixture.at(21))
    try ws.accept(proposal: pending, at: Fixture.at(22))

    let actions = try ws.decisions(instance: instance).map(\.action)
    #expect(actions == [.proposalAdd, .proposalReject, .proposalAccept, .proposalEdit])
    refused(.notFound) { try ws.accept(proposal: 9999, at: Fixture.at(23)) }
}

@Test func approvingAGroupSavesAVerifiedTemplateAndNewVersionsReachOnlyWhatIsNotCommitted() throws {
    let (ws, _, ct) = try reviewed(pixels: .clean)
    let group = try Fixture.group(ws, model: "Helix 64", rows: 64).id
    // No template yet: approving the group needs its rectangles.
    refused(.conflict) { _ = try ws.approveGroup(group, at: Fixture.at(10)) }
    let v1 = try ws.approveGroup(group, rectangles: [PixelRect(x: 0, y: 0, width: 64, height: 6)], reason: "header band", at: Fixture.at(11))
    #expect(v1.template.version == 1 && v1.template.verified && v1.approved == 3)
    for id in ct {
        let template = try ws.proposals(instance: id).filter { $0.source == .template }
        #expect(template.map(\.rect) == [PixelRect(x: 0, y: 0, width: 64, height: 6)] && template[0].templateVersion == 1)
        #expect(try ws.instance(id).state == .approved)
    }
    // Two are committed with v1; the third is reopened; then v2 is saved.
    try ws.reopen(instance: ct[2], at: Fixture.at(12))
    #expect(try ws.commit(to: ws.defaultOutput, at: Fixture.at(13)).committed == 2)
    let v2 = try ws.saveTemplate(group: group, rectangles: [PixelRect(x: 0, y: 0, width: 64, height: 8), PixelRect(x: 0, y: 58, width: 64, height: 6)],
                                 reason: "footer too", at: Fixture.at(14))
    #expect(v2.version == 2)
    #expect(try ws.templates(group: group).map(\.version) == [1, 2])
    let reviewing = try ws.proposals(instance: ct[2]).filter { $0.source == .template }
    #expect(reviewing.count == 2 && reviewing.allSatisfy { $0.templateVersion == 2 })
    #expect(try ws.proposals(instance: ct[2], history: true).contains { $0.templateVersion == 1 && !$0.active })
    // Committed images keep v1, and the workspace says so.
    for id in ct.prefix(2) {
        #expect(try ws.proposals(instance: id).filter { $0.source == .template }.allSatisfy { $0.templateVersion == 1 })
        #expect(try ws.instance(id).templateVersion == 1)
    }
    #expect(try ws.committedWithOlderTemplate(group: group).compactMap(\.id) == Array(ct.prefix(2)))
    let status = try ws.status(at: Fixture.at(15)).groups.first { $0.id == group }
    #expect(status?.template?.version == 2 && status?.committedWithOlderTemplate == 2)
    // Approving the group again keeps v2 and approves what is in review.
    let again = try ws.approveGroup(group, at: Fixture.at(16))
    #expect(again.template.version == 2 && again.approved == 1)
    #expect(try ws.decisions(group: group).map(\.action) == [.groupApprove, .instanceReopen, .templateSave, .groupApprove])
}
