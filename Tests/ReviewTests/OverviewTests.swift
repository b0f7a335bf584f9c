// Tests of the workstation's lists: studies by pseudonym, instance rows with their boxes, header changes, spread per group.
import Engine
import Foundation
import Review
import Testing

@Test func studiesAreListedByPseudonymWithoutOriginalValues() throws {
    let folder = try Fixture.scratch()
    try Fixture.studies(in: folder + "/in", count: 3)
    let workspace = try Fixture.workspace(folder + "/ws")
    try workspace.ingest([folder + "/in"], at: Fixture.at(1))
    let studies = try workspace.studies()
    #expect(studies.count == 3)
    for study in studies {
        #expect(study.counts.total == 4 && study.counts.proposed == 4) // 2 CT slices, an ultrasound frame, a report
        #expect(study.modalities == ["CT", "SR", "US"])
        #expect(study.series == 3 && study.groups.count == 3)
        #expect(study.outputStudy.hasPrefix("2.25.") && study.outputStudy != study.key)
        #expect(!study.pseudonym.isEmpty && !["LT-483920", "DE-77120", "PX-1001"].contains(study.pseudonym))
    }
    #expect(Set(studies.map(\.pseudonym)).count == 3) // three patients, three pseudonyms
    let rows = try workspace.instanceSummaries(.study(studies[0].key))
    #expect(rows.count == 4 && Set(rows.map(\.pseudonym)) == [studies[0].pseudonym])
    #expect(Set(rows.map(\.modality)) == ["CT", "SR", "US"])
    #expect(rows.first { $0.modality == "SR" }?.frames == 0 && rows.first { $0.modality == "CT" }?.frames == 1)
}

@Test func instanceRowsCountBoxesBySourceAndDecision() throws {
    let folder = try Fixture.scratch()
    try Fixture.studies(in: folder + "/in", count: 1)
    let workspace = try Fixture.workspace(folder + "/ws", pixels: .clean)
    try workspace.ingest([folder + "/in"], at: Fixture.at(1))
    let us = try Fixture.group(workspace, model: "SonoView 5", rows: 240)
    let instance = try #require(try workspace.instanceSummaries(.group(us.id)).first)
    let proposals = try workspace.proposals(instance: instance.id)
    #expect(proposals.count > 0)
    #expect(instance.ocrBoxes + instance.templateBoxes == proposals.count && instance.pending == proposals.count)
    try workspace.reject(proposal: try #require(proposals[0].id), at: Fixture.at(2))
    _ = try workspace.addBox(instance: instance.id, rect: PixelRect(x: 1, y: 1, width: 5, height: 5), at: Fixture.at(3))
    let after = try #require(try workspace.instanceSummaries(.group(us.id)).first)
    #expect(after.rejected == 1 && after.manualBoxes == 1 && after.pending == proposals.count - 1)
    let status = try workspace.status(at: Fixture.at(4))
    let group = try #require(status.groups.first { $0.id == us.id })
    #expect(group.patients == 1 && group.studies == 1 && group.series == 1 && group.modalities == ["US"])
}

@Test func headerChangesShowWhatTheScrubWillDoAndTheSourceStaysAsItWas() throws {
    let folder = try Fixture.scratch()
    let files = try Fixture.studies(in: folder + "/in", count: 1)
    let before = try Data(contentsOf: URL(fileURLWithPath: files[0]))
    let workspace = try Fixture.workspace(folder + "/ws")
    try workspace.ingest([folder + "/in"], at: Fixture.at(1))
    let ct = try Fixture.group(workspace, model: "Helix 64", rows: 64)
    let id = try #require(try workspace.instanceSummaries(.group(ct.id)).first?.id)
    let changes = try workspace.headerChanges(instance: id)
    let name = try #require(changes.first { $0.path == "(0010,0010)" })
    #expect(name.before == "ŽEMAITIENĖ^Ūla^Šarūnė" && name.after != name.before)
    #expect(changes.contains { $0.path == "(0012,0062)" && $0.after == "YES" }) // Patient Identity Removed added
    #expect(!changes.contains { $0.path == "(0008,0060)" }) // Modality kept
    #expect(try Data(contentsOf: URL(fileURLWithPath: files[0])) == before)
    // Not committed yet: no output to open.
    #expect(try workspace.committedOutput(instance: id) == nil)
    try workspace.approve(instance: id, at: Fixture.at(2))
    try workspace.commit(to: folder + "/elsewhere", at: Fixture.at(3))
    let output = try #require(try workspace.committedOutput(instance: id))
    #expect(output.hasPrefix(folder + "/elsewhere/2.25."))
}
