// Tests of commit's delivery check and of verify's pairing through the workspace.
import Engine
import Foundation
@testable import Review
import Testing

@Test func commitQuarantinesAnApprovedImageThatFailsTheCheck() throws {
    let folder = try Fixture.scratch()
    let files = try SampleStudy(patient: .lithuanian, seed: 130).writeStudy(into: folder + "/in", slices: 2)
    // A physician's name typed into a field the profile keeps: the scrubber takes only the patient's
    // own identifiers out of kept text, so it lets this through; the check does not.
    let file = try DicomFile.open(path: files[1])
    try file.dataset.appendItem(Tag(0x0008, 0x2218)).put(.codeMeaning, "Thorax of Kazlauskas", vr: "LO")
    try file.write(to: files[1])
    let ws = try Fixture.workspace(folder + "/ws")
    try ws.ingest([folder + "/in"], at: Fixture.at(1))
    for group in try ws.groups() {
        for instance in try ws.instances(group: group.id, state: .proposed) { try ws.approve(instance: instance.id!, at: Fixture.at(2)) }
    }
    let summary = try ws.commit(to: folder + "/out", at: Fixture.at(3))
    #expect(summary.committed == 3 && summary.quarantined == 1)
    let failed = try #require(try ws.groups().flatMap { try ws.instances(group: $0.id) }.first { $0.sourcePath == files[1] })
    #expect(failed.state == .quarantined && failed.quarantineCode == "verification-failed")
    #expect(failed.quarantineReason?.contains("(0008,2218)[1](0008,0104): identifying-value: name from (0008,0090)") == true)
    #expect(!FileManager.default.fileExists(atPath: folder + "/out/" + failed.outputPath!))
    let quarantine = try String(contentsOfFile: folder + "/ws/quarantine/report.json", encoding: .utf8)
    #expect(quarantine.contains("verification-failed") && !quarantine.contains("Kazlauskas") && !quarantine.contains("Thorax"))

    // verify pairs the committed instances with their indexed sources: clean, then a planted leak.
    var verifier = try Verifier(profile: Profile.standard())
    verifier.pixels = .off
    let plan = try ws.verificationPlan(output: folder + "/out")
    #expect(plan.pairing == .workspace && plan.pairs.count == 3 && plan.unpaired.isEmpty)
    #expect(VerificationRun(plan: plan, outputFolder: folder + "/out", verifier: verifier).run().passed)
    let victim = try #require(plan.pairs.first)
    let output = try DicomFile.open(path: folder + "/out/" + victim.output)
    try output.dataset.put(Tag(0x0010, 0x1000), "LT-483920", vr: "LO")
    try output.write(to: folder + "/out/" + victim.output)
    try Data("copied".utf8).write(to: URL(fileURLWithPath: folder + "/out/stray.dcm"))
    let report = VerificationRun(plan: try ws.verificationPlan(output: folder + "/out"), outputFolder: folder + "/out", verifier: verifier).run()
    #expect(!report.passed)
    #expect(report.terminalLines.contains("instance \(victim.position): (0010,1000): removed-attribute"))
    #expect(report.terminalLines.contains("instance \(victim.position): (0010,1000): identifying-value: identifier from (0010,0020)"))
    #expect(report.terminalLines.contains("unpaired output 1: file: unpaired-output"))
}
