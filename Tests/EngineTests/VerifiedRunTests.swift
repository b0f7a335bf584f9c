// Tests of `run` with its delivery check: real vendor files and generated studies come out clean and pass `verify`; a leak is quarantined.
import Engine
import Foundation
import Testing

/// The real files named by the issue: CT, MR, Philips and GE ultrasound (palette, RGB, JPEG 2000),
/// a SonoSite JPEG cine, and an SR.
let verifiedRealFiles = ["CT_small.dcm", "MR_small.dcm", "examples_palette.dcm", "examples_rgb_color.dcm",
                         "examples_ybr_color.dcm", "examples_jpeg2k.dcm", "test-SR.dcm"]

@Test func runDeliversRealAndGeneratedFilesThatPassVerify() throws {
    let folder = try Fixtures.scratch()
    let inputs = folder + "/in"
    try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
    for name in verifiedRealFiles { try FileManager.default.copyItem(atPath: try Fixtures.pydicom(name), toPath: inputs + "/" + name) }
    _ = try SampleStudy(patient: .lithuanian, seed: 81).writeStudy(into: inputs + "/generated", slices: 1)
    var settings = RunSettings(inputs: [inputs], output: folder + "/out", key: Fixtures.key, keyFingerprint: "test")
    settings.templates = try BuiltinTemplates.defaultSet()
    settings.jobs = 2
    let report = try BatchRun(settings: settings).run()
    // Every output passed the check inside `run`, or it would be quarantined with the reason.
    #expect(report.delivered == verifiedRealFiles.count + 3, "\(report.instances.compactMap(\.reason))")
    #expect(report.deliveryCheck?.contains("stricter OCR") == true)
    let plan = try VerificationPlan.fromReport(output: folder + "/out", sources: [inputs])
    #expect(plan.pairs.count == report.delivered && plan.unpaired.isEmpty)
    // Redacted images carry their rectangles to verify, which then holds every other pixel to the source's.
    #expect(plan.pairs.contains { $0.source.hasSuffix("examples_palette.dcm") && $0.redactions?.isEmpty == false })
    let verified = VerificationRun(plan: plan, outputFolder: folder + "/out", verifier: try Verifier(profile: Profile.standard()), jobs: 2).run()
    #expect(verified.passed, "\(verified.terminalLines)")
    #expect(verified.outputsChecked == report.delivered)
    #expect(verified.outputs.reduce(0) { $0 + $1.framesDecoded } >= 30 + 6) // the SonoSite cine's 30 frames, and the others
}

@Test func runQuarantinesAnOutputTheCheckFails() throws {
    let folder = try Fixtures.scratch()
    let study = SampleStudy(patient: .german, seed: 82)
    let files = try study.writeStudy(into: folder + "/in", slices: 2)
    // A physician's name typed into a field the profile keeps (a code meaning): the scrubber takes
    // only the patient's own identifiers out of kept text (KeptText), so it gets through.
    let file = try DicomFile.open(path: files[1])
    let region = try file.dataset.appendItem(Tag(0x0008, 0x2218))
    try region.put(.codeMeaning, "Thorax Kazlauskas", vr: "LO")
    try file.write(to: files[1])
    let report = try runBatch([folder + "/in"], out: folder + "/out", pixels: .off)
    let outcome = try #require(report.instances.first { $0.input == 2 })
    #expect(outcome.state == .quarantined && outcome.code == "verification-failed")
    #expect(outcome.reason?.contains("(0008,2218)[1](0008,0104): identifying-value: name from (0008,0090)") == true)
    #expect(report.delivered == 3)
    let text = try String(contentsOfFile: folder + "/out/report.json", encoding: .utf8)
    #expect(!text.contains("Kazlauskas") && !text.contains("KAZLAUSKAS") && !text.contains("Thorax"))
    // Nothing of it is in the output folder: no file, and no empty folders made for it.
    let outputs = tree(folder + "/out").keys.filter { $0.hasSuffix(".dcm") }
    #expect(outputs.count == 3)
    let plan = try VerificationPlan.fromReport(output: folder + "/out", sources: [folder + "/in"])
    var verifier = try Verifier(profile: Profile.standard())
    verifier.pixels = .off
    #expect(VerificationRun(plan: plan, outputFolder: folder + "/out", verifier: verifier).run().passed)
}

@Test func textOnlyTheCheckReadsBecomesBoxesOnceAndNothingElseDoes() {
    var verification = Verification()
    #expect(BatchRun.readable(verification) == nil)
    let word = PixelRect(x: 40, y: 10, width: 30, height: 12)
    verification.findings = [
        VerificationFinding(kind: .burnedInText, location: "frame 1", value: "PUR", frame: 1, region: word),
        VerificationFinding(kind: .burnedInIdentifier, location: "frame 2", value: "KIM", frame: 2, region: PixelRect(x: 0, y: 0, width: 5, height: 5)),
    ]
    let boxes = BatchRun.readable(verification)
    #expect(boxes?.count == 2)
    #expect(boxes?.first?.rect == word.inset(by: BatchRun.checkMargin))
    #expect(boxes?.allSatisfy { $0.source == .ocr && $0.reason == "read by the quality check" } == true)
    // A header finding, or text without a place, cannot be fixed by a box: the output is quarantined.
    var header = verification
    header.findings.append(VerificationFinding(kind: .identifyingValue, location: "(0008,0104)"))
    #expect(BatchRun.readable(header) == nil)
    var nowhere = verification
    nowhere.findings.append(VerificationFinding(kind: .burnedInText, location: "frame 3", value: "X"))
    #expect(BatchRun.readable(nowhere) == nil)
}
