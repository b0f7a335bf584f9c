// Tests of commit: the same bytes as `run`, only what was approved, resumable without duplicates, fail closed, --auto.
import Engine
import Foundation
@testable import Review
import Testing

private func approvedWorkspace(_ name: String = #function, studies: Int = 2, pixels: PixelPolicy = .off) throws -> (Workspace, String) {
    let folder = try Fixture.scratch(name)
    try Fixture.studies(in: folder + "/in", count: studies, slices: 2)
    let ws = try Fixture.workspace(folder + "/ws", pixels: pixels)
    try ws.ingest([folder + "/in"], at: Fixture.at(1))
    return (ws, folder)
}

private func approveAll(_ ws: Workspace) throws {
    for group in try ws.groups() {
        for instance in try ws.instances(group: group.id, state: .proposed) {
            try ws.approve(instance: instance.id!, at: Fixture.at(5))
        }
    }
}

@Test func commitWritesWhatRunWritesForTheSameKey() throws {
    let (ws, folder) = try approvedWorkspace()
    try approveAll(ws)
    let summary = try ws.commit(to: folder + "/out", at: Fixture.at(10))
    #expect(summary.committed == 8 && summary.quarantined == 0 && summary.awaitingReview == 0)
    // The batch command with the workspace's key and settings: byte-identical outputs (one engine).
    let key = try ProjectKey.load(path: ws.keyPath)
    var settings = RunSettings(inputs: [folder + "/in"], output: folder + "/run", key: key, keyFingerprint: "test")
    settings.pixels = .off
    let report = try BatchRun(settings: settings).run()
    #expect(report.instances.allSatisfy { $0.state == .delivered })
    let committed = Fixture.tree(folder + "/out")
    let ran = Fixture.tree(folder + "/run").filter { !$0.key.hasPrefix(".") && $0.key != "report.json" }
    #expect(committed.count == 8 && committed == ran)
    // Every committed instance records its output's hash; a second commit does nothing.
    for instance in try ws.instances(group: try Fixture.group(ws, model: "Helix 64", rows: 64).id) {
        let bytes = try #require(committed[instance.outputPath!])
        #expect(instance.outputSHA256 == (try Workspace.sha256(folder + "/out/" + instance.outputPath!)) && !bytes.isEmpty)
    }
    let again = try ws.commit(to: folder + "/out", at: Fixture.at(11))
    #expect(again.committed == 0 && again.alreadyCommitted == 8)
    #expect(try ws.auditEntries().filter { $0.action == "instance.commit" }.count == 8)
}

@Test func onlyApprovedInstancesAreWrittenAndBoxesAreRedacted() throws {
    let (ws, folder) = try approvedWorkspace(studies: 1, pixels: .clean)
    let ct = try ws.instances(group: try Fixture.group(ws, model: "Helix 64", rows: 64).id).compactMap(\.id)
    try ws.addBox(instance: ct[0], rect: PixelRect(x: 0, y: 0, width: 16, height: 16), at: Fixture.at(2))
    let rejected = try ws.addBox(instance: ct[0], rect: PixelRect(x: 32, y: 32, width: 16, height: 16), at: Fixture.at(2))
    try ws.reject(proposal: rejected, at: Fixture.at(3))
    try ws.approve(instance: ct[0], at: Fixture.at(4))
    let summary = try ws.commit(to: folder + "/out", at: Fixture.at(10))
    #expect(summary.committed == 1 && summary.awaitingReview == 3)
    #expect(Fixture.tree(folder + "/out").count == 1)
    let instance = try ws.instance(ct[0])
    let output = try DicomFile.open(path: folder + "/out/" + instance.outputPath!)
    let pixels = try #require(output.dataset.index(of: .pixelData).flatMap(output.dataset.bytes(at:)))
    let original = try DicomFile.open(path: instance.sourcePath)
    let before = try #require(original.dataset.index(of: .pixelData).flatMap(original.dataset.bytes(at:)))
    func value(_ bytes: [UInt8], _ x: Int, _ y: Int) -> UInt16 { UInt16(bytes[(y * 64 + x) * 2]) | UInt16(bytes[(y * 64 + x) * 2 + 1]) << 8 }
    #expect(value(before, 5, 5) != 0 && value(pixels, 5, 5) == 0) // inside the accepted box: black
    #expect(value(pixels, 40, 40) == value(before, 40, 40)) // inside the rejected box: kept
    #expect(output.dataset.string(.burnedInAnnotation) == "NO")
}

@Test func aFileWrittenButNotMarkedIsWrittenAgainOnce() throws {
    let (ws, folder) = try approvedWorkspace()
    try approveAll(ws)
    // A copy of the workspace taken before the commit: its database says approved while the
    // output folder already holds the files, as after a kill between write and mark.
    try FileManager.default.createDirectory(atPath: folder + "/copy", withIntermediateDirectories: true)
    for name in ["key", "workspace.sqlite", "workspace.sqlite-wal", "workspace.sqlite-shm"]
        where FileManager.default.fileExists(atPath: folder + "/ws/" + name) {
        try FileManager.default.copyItem(atPath: folder + "/ws/" + name, toPath: folder + "/copy/" + name)
    }
    try FileManager.default.createDirectory(atPath: folder + "/copy/quarantine", withIntermediateDirectories: true)
    try ws.commit(to: folder + "/out", at: Fixture.at(10))
    let delivered = Fixture.tree(folder + "/out")
    let copy = try Workspace.open(at: folder + "/copy", reviewer: .alice)
    #expect(try copy.status(at: Fixture.at(11)).totals.approved == 8)
    // Plus a temporary left by a killed writer.
    let stale = folder + "/out/.x.dcm.\(try Fixture.deadPid()).1234.tmp"
    _ = FileManager.default.createFile(atPath: stale, contents: Data("partial".utf8))
    let summary = try copy.commit(to: folder + "/out", at: Fixture.at(12))
    #expect(summary.committed == 8)
    #expect(Fixture.tree(folder + "/out") == delivered)
    #expect(try copy.auditEntries().filter { $0.action == "instance.commit" }.count == 8)
    #expect(try copy.verifyAudit().ok)
}

@Test func aSourceChangedAfterReviewIsQuarantinedNotDelivered() throws {
    let (ws, folder) = try approvedWorkspace(studies: 1)
    try approveAll(ws)
    let instance = try #require(try ws.instances(group: try Fixture.group(ws, model: "Helix 64", rows: 64).id).first)
    var study = SampleStudy(patient: .lithuanian, seed: 100)
    study.institution = "Changed"
    try study.write(.ct, series: 1, instance: 1, to: instance.sourcePath)
    let summary = try ws.commit(to: folder + "/out", at: Fixture.at(10))
    #expect(summary.committed == 3 && summary.quarantined == 1)
    #expect(try ws.instance(instance.id!).state == .quarantined && ws.instance(instance.id!).quarantineCode == "source-changed")
    #expect(!FileManager.default.fileExists(atPath: folder + "/out/" + instance.outputPath!))
    #expect(FileManager.default.fileExists(atPath: folder + "/ws/quarantine/report.json"))
    #expect(try ws.verifyAudit().ok)
}

@Test func aStrayOutputOfAnInstanceNotCommittedIsRemoved() throws {
    let (ws, folder) = try approvedWorkspace(studies: 1)
    let instance = try #require(try ws.instances(group: try Fixture.group(ws, model: "Helix 64", rows: 64).id).first)
    let stray = folder + "/out/" + instance.outputPath!
    try FileManager.default.createDirectory(atPath: (stray as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: stray, contents: Data("from a commit killed before the approval was withdrawn".utf8))
    let summary = try ws.commit(to: folder + "/out", at: Fixture.at(10))
    #expect(summary.removedStray == 1 && !FileManager.default.fileExists(atPath: stray))
}

@Test func oneCommitAtATimePerWorkspace() throws {
    let (ws, folder) = try approvedWorkspace(studies: 1)
    let held = try CommitLock(path: folder + "/ws/commit.lock")
    #expect(performing: { try ws.commit(to: folder + "/out", at: Fixture.at(10)) },
            throws: { ($0 as? ReviewError)?.message == "another commit is running on this workspace" })
    held.release()
    #expect(try ws.commit(to: folder + "/out", at: Fixture.at(11)).committed == 0)
}

@Test func autoCommitsOnlyWhatAVerifiedTemplateCovers() throws {
    let (ws, folder) = try approvedWorkspace(studies: 1, pixels: .clean)
    let ct = try Fixture.group(ws, model: "Helix 64", rows: 64)
    let ids = try ws.instances(group: ct.id).compactMap(\.id)
    // Not verified: nothing is automatic.
    try ws.saveTemplate(group: ct.id, rectangles: [PixelRect(x: 0, y: 0, width: 64, height: 6)], verified: false, at: Fixture.at(2))
    #expect(try ws.commit(to: folder + "/out", options: { var o = CommitOptions(); o.auto = true; return o }(), at: Fixture.at(3)).committed == 0)
    try ws.saveTemplate(group: ct.id, rectangles: [PixelRect(x: 0, y: 0, width: 64, height: 6)], verified: true, at: Fixture.at(4))
    // A reviewer's own box means the instance waits for an approval.
    try ws.addBox(instance: ids[0], rect: PixelRect(x: 10, y: 30, width: 8, height: 8), at: Fixture.at(5))
    var options = CommitOptions()
    options.auto = true
    let summary = try ws.commit(to: folder + "/out", options: options, at: Fixture.at(6))
    #expect(summary.committed == 1 && summary.automatic == 1)
    #expect(try ws.instance(ids[0]).state == .proposed && ws.instance(ids[1]).state == .committed)
    #expect(try ws.instance(ids[1]).templateVersion == 2)
    // Without --auto, nothing in review is committed.
    #expect(try ws.commit(to: folder + "/out", at: Fixture.at(7)).committed == 0)
    let entry = try #require(try ws.auditEntries().last)
    #expect(entry.action == "instance.commit" && entry.payload.contains("\"automatic\":true"))
}
