// Tests of ingest: indexing, device groups, idempotence, quarantine at ingest, a private workspace, proposals stored.
import Engine
import Foundation
import GRDB
import Review
import Testing

@Test func ingestGroupsByDeviceAndIsANoOpTheSecondTime() throws {
    let folder = try Fixture.scratch()
    try Fixture.studies(in: folder + "/in", count: 2)
    let workspace = try Fixture.workspace(folder + "/ws")
    let first = try workspace.ingest([folder + "/in"], at: Fixture.at(1))
    #expect(first.files == 8 && first.added == 8 && first.quarantined == 0 && first.unchanged == 0)
    let groups = try workspace.groups()
    #expect(groups.count == 3) // CT 64x64, the ultrasound frame, the report without pixels
    #expect(Set(groups.map(\.model)) == ["Helix 64", "SonoView 5"])
    let ct = try Fixture.group(workspace, model: "Helix 64", rows: 64)
    #expect(try workspace.instances(group: ct.id).count == 4)
    let audit = try workspace.auditEntries().count

    let again = try workspace.ingest([folder + "/in"], at: Fixture.at(2))
    #expect(again.added == 0 && again.unchanged == 8)
    #expect(try workspace.auditEntries().count == audit) // nothing happened, nothing recorded

    // The same content under another name is the same instance; a new study is added.
    try FileManager.default.copyItem(atPath: folder + "/in/s100/ct-1.dcm", toPath: folder + "/in/copy.dcm")
    try Fixture.studies(in: folder + "/in", count: 1, firstSeed: 200)
    let third = try workspace.ingest([folder + "/in"], at: Fixture.at(3))
    #expect(third.added == 4 && third.unchanged == 9)
    #expect(try workspace.status(at: Fixture.at(3)).totals.proposed == 12)
}

@Test func ingestKeepsOriginalIdentifiersOnlyInTheWorkspace() throws {
    let folder = try Fixture.scratch()
    let files = try Fixture.studies(in: folder + "/in", count: 1)
    let workspace = try Fixture.workspace(folder + "/ws")
    try workspace.ingest([folder + "/in"], at: Fixture.at(1))
    let instance = try #require(try workspace.instances(group: try Fixture.group(workspace, model: "Helix 64", rows: 64).id).first)
    let original = try DicomFile.open(path: files[0]).dataset
    #expect(instance.sopUID == original.string(.sopInstanceUID))
    #expect(instance.patientID == original.string(.patientID))
    #expect(instance.sourceSHA256.count == 64 && instance.sourceSize > 0)
    // The output path is built from the replaced UIDs only.
    let output = try #require(instance.outputPath)
    #expect(output.hasPrefix("2.25.") && !output.contains(original.string(.studyInstanceUID)!))
    // The header plan names tags, never values.
    let json = try #require(instance.headerPlan)
    let plan = try #require(HeaderPlan(json: json))
    #expect((plan.removed + plan.emptied + plan.replaced).contains("(0010,0010)"))
    #expect(!(instance.headerPlan ?? "").contains("LT-483920") && !(instance.headerPlan ?? "").contains("Santaros"))
}

@Test func theWorkspaceIsPrivate() throws {
    let folder = try Fixture.scratch()
    try Fixture.studies(in: folder + "/in", count: 1)
    let workspace = try Fixture.workspace(folder + "/ws")
    try workspace.ingest([folder + "/in"], at: Fixture.at(1))
    #expect(Fixture.mode(folder + "/ws") == 0o700)
    #expect(Fixture.mode(folder + "/ws/out") == 0o700)
    #expect(Fixture.mode(folder + "/ws/quarantine") == 0o700)
    #expect(Fixture.mode(folder + "/ws/workspace.sqlite") == 0o600)
    #expect(Fixture.mode(folder + "/ws/key") == 0o600)
    for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: folder + "/ws/workspace.sqlite" + suffix) {
        #expect(Fixture.mode(folder + "/ws/workspace.sqlite" + suffix) == 0o600)
    }
    // A workspace is not created over other files, nor opened where there is none.
    #expect(throws: ReviewError.self) { try Fixture.workspace(folder + "/in") }
    #expect(throws: ReviewError.self) { try Workspace.open(at: folder + "/nothing") }
}

@Test func whatCannotBeDeliveredIsQuarantinedAtIngestWithAReason() throws {
    let folder = try Fixture.scratch()
    let study = SampleStudy(patient: .plain, seed: 7)
    try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
    try study.write(.ct, series: 1, instance: 1, to: folder + "/in/a.dcm")
    var other = study
    other.institution = "Another Hospital" // other bytes, the same SOP Instance UID
    try other.write(.ct, series: 1, instance: 1, to: folder + "/in/b.dcm")
    try Data("not a DICOM file".utf8).write(to: URL(fileURLWithPath: folder + "/in/c.txt"))
    let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/in/a.dcm"))
    try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: folder + "/in/d.dcm"))
    let workspace = try Fixture.workspace(folder + "/ws")
    let summary = try workspace.ingest([folder + "/in"], at: Fixture.at(1))
    #expect(summary.added == 4 && summary.quarantined == 3)
    let all = try workspace.instances(group: nil) + workspace.groups().flatMap { try workspace.instances(group: $0.id) }
    let byName = Dictionary(uniqueKeysWithValues: all.map { (($0.sourcePath as NSString).lastPathComponent, $0) })
    #expect(byName["a.dcm"]?.state == .proposed)
    #expect(byName["b.dcm"]?.state == .quarantined)
    #expect(byName["b.dcm"]?.quarantineReason == "another input has the same SOP Instance UID; only the first is delivered")
    #expect(byName["c.txt"]?.quarantineCode == "not-dicom")
    #expect(byName["d.dcm"]?.quarantineCode == "malformed")
    for instance in all {
        #expect(!(instance.quarantineReason ?? "").contains("PX-1001") && !(instance.quarantineReason ?? "").contains(folder))
    }
}

@Test func aChangedSourceIsIndexedAgainAndTheOldEntryRetired() throws {
    let folder = try Fixture.scratch()
    let study = SampleStudy(patient: .german, seed: 8)
    try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
    try study.write(.ct, series: 1, instance: 1, to: folder + "/in/a.dcm")
    let workspace = try Fixture.workspace(folder + "/ws")
    try workspace.ingest([folder + "/in"], at: Fixture.at(1))
    var changed = study
    changed.institution = "Changed"
    try changed.write(.ct, series: 1, instance: 1, to: folder + "/in/a.dcm")
    let summary = try workspace.ingest([folder + "/in"], at: Fixture.at(2))
    #expect(summary.added == 1 && summary.replaced == 1 && summary.quarantined == 0)
    let instances = try workspace.instances(group: try workspace.groups()[0].id)
    #expect(instances.map(\.state) == [.quarantined, .proposed])
    #expect(instances[0].quarantineCode == "source-changed")
}

@Test func proposalsFromTemplatesAndOCRAreStored() throws {
    let folder = try Fixture.scratch()
    try Fixture.studies(in: folder + "/in", count: 1, slices: 1)
    let workspace = try Fixture.workspace(folder + "/ws", pixels: .clean)
    var options = IngestOptions()
    let sonics = DeviceSignature(.predicate(DeviceSignature.Predicate(attribute: "Manufacturer", op: .equals, value: "Acme Sonics")!))
    options.templates = [DeviceTemplate(name: "sonics banner", signature: sonics, rectangles: [PixelRect(x: 0, y: 0, width: 320, height: 12)],
                                        source: .reviewer)]
    let summary = try workspace.ingest([folder + "/in"], options: options, at: Fixture.at(1))
    #expect(summary.added == 3 && summary.proposals > 1)
    let us = try Fixture.group(workspace, model: "SonoView 5", rows: try workspace.groups().first { $0.model == "SonoView 5" }!.rows)
    let instance = try #require(try workspace.instances(group: us.id).first?.id)
    let proposals = try workspace.proposals(instance: instance)
    #expect(proposals.contains { $0.source == .template && $0.text == "sonics banner" && $0.rect == PixelRect(x: 0, y: 0, width: 320, height: 12) })
    #expect(proposals.contains { $0.source == .ocr })
    #expect(proposals.allSatisfy { $0.status == .pending && $0.active })
    #expect(!(try workspace.groupBoxes(group: us.id)).isEmpty)
}
