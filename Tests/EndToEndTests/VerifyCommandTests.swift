// End-to-end tests of `dcmscrub verify` and of `run`'s delivery check, through the built binary.
import Engine
import Foundation
import Testing

private let secrets = ["ŽEMAITIENĖ", "Žemaitienė", "Šarūnė", "LT-483920", "19620314", "1.2.826.0.1.3680043.10.1455"]

private func mode(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

/// Draws white text into an 8-bit RGB image's Pixel Data, where the engine left the pixels alone.
private func burn(_ text: String, into path: String, columns: Int, x: Int, baseline: Int) throws {
    let file = try DicomFile.open(path: path)
    let d = file.dataset
    var pixels = try #require(d.index(of: .pixelData).flatMap(d.bytes(at:)))
    let font = try GlyphFont(size: 10)
    _ = font.draw(text, x: x, baselineY: baseline, scale: font.scale(forCapHeight: 12)) { px, py in
        let i = (py * columns + px) * 3
        if px >= 0, py >= 0, px < columns, i + 2 < pixels.count { pixels[i] = 255; pixels[i + 1] = 255; pixels[i + 2] = 255 }
    }
    try d.put(.pixelData, bytes: pixels, vr: "OB")
    try file.write(to: path)
}

@Test func verifyExitsZeroWhenCleanOneWithFindingsAndTwoForUsage() throws {
    let folder = try Executable.scratch()
    let (inputs, out, key) = (folder + "/in", folder + "/out", folder + "/key")
    _ = try SampleStudy(patient: .lithuanian, seed: 91).writeStudy(into: inputs, slices: 1)
    let ran = try Executable.run(Executable.dcmscrub, ["run", inputs, "--out", out, "--key", key])
    #expect(ran.status == 0 && ran.stdout.contains("3 inputs: 3 delivered, 0 quarantined"), "\(ran.stderr)")

    // 0: through the run's report, and through the key's UID mapping.
    let clean = try Executable.run(Executable.dcmscrub, ["verify", out, "--against", inputs])
    #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
    #expect(clean.stdout == "dcmscrub verify: 3 outputs checked: nothing identifying found\n")
    let byKey = try Executable.run(Executable.dcmscrub, ["verify", out, "--against", inputs, "--key", key, "--pixels", "off"])
    #expect(byKey.status == 0 && byKey.stdout.contains("3 outputs checked (pixels not read)"), "\(byKey.stdout)")

    // 1: a name in a private element of the CT (input 1), and a name burned into the ultrasound (input 3).
    let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/report.json")))
    let ct = out + "/" + (report.instances.first { $0.input == 1 }?.output ?? "")
    let ultrasound = out + "/" + (report.instances.first { $0.input == 3 }?.output ?? "")
    let file = try DicomFile.open(path: ct)
    try file.dataset.put(Tag(0x0029, 0x0010), "LEAKY VENDOR", vr: "LO")
    try file.dataset.put(Tag(0x0029, 0x1010), "Šarūnė ŽEMAITIENĖ", vr: "LO")
    try file.write(to: ct)
    try burn("ZEMAITIENE ULA", into: ultrasound, columns: 320, x: 10, baseline: 226)
    let (json, html) = (folder + "/qa/findings.json", folder + "/qa/html")
    try FileManager.default.createDirectory(atPath: folder + "/qa", withIntermediateDirectories: true)
    let leaky = try Executable.run(Executable.dcmscrub, ["verify", out, "--against", inputs, "--json", json, "--html", html])
    #expect(leaky.status == 1, "\(leaky.stderr)")
    let lines = leaky.stdout.split(separator: "\n").map(String.init)
    #expect(lines.contains("input 1: (0029,1010): identifying-value: name from (0010,0010)"), "\(lines)")
    #expect(lines.contains("input 1: (0029,1010): private-tag"))
    #expect(lines.contains { $0.hasPrefix("input 3: frame 1 ") && $0.hasSuffix(": burned-in-identifier: name from (0010,0010)") }, "\(lines)")
    #expect(lines.last?.hasPrefix("dcmscrub verify: 3 outputs checked: 2 with findings") == true)
    for secret in secrets + ["ZEMAITIENE", "Ula", folder] {
        #expect(!leaky.stdout.contains(secret) && !leaky.stderr.contains(secret), "\(secret)")
    }
    // The confidential reports hold the values, say so first, and only their owner can read them.
    let text = try String(contentsOfFile: json, encoding: .utf8)
    #expect(text.hasPrefix("{\n  \"confidential\" : \"CONFIDENTIAL"))
    #expect(text.contains("Šarūnė") || text.contains("\\u0160ar\\u016bn\\u0117"))
    #expect(mode(json) == 0o600 && mode(html + "/index.html") == 0o600 && mode(html) == 0o700)
    let page = try String(contentsOfFile: html + "/index.html", encoding: .utf8)
    #expect(page.contains("CONFIDENTIAL") && page.contains("ŽEMAITIENĖ^Ūla^Šarūnė") && page.contains("Acme Sonics / SonoView 5 / 240x320"))
    let pictures = try FileManager.default.contentsOfDirectory(atPath: html).filter { $0.hasSuffix(".png") }
    #expect(pictures.contains { $0.hasSuffix("-before.png") } && pictures.contains { $0.hasSuffix("-after.png") })
    for picture in pictures {
        #expect(FileManager.default.contents(atPath: html + "/" + picture)?.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        #expect(page.contains("src=\"\(picture)\""))
    }

    // 2: usage, a missing folder, sources that are not the run's, a report inside OUT, an unreadable source.
    for arguments in [["verify", out], ["verify", folder + "/missing", "--against", inputs],
                      ["verify", out, "--against", inputs + "/ct-1.dcm"], ["verify", out, "--against", inputs, "--json", out + "/f.json"]] {
        let result = try Executable.run(Executable.dcmscrub, arguments)
        #expect(result.status == 2, "\(arguments.dropFirst(2)): \(result.stderr)")
        #expect(result.stderr.hasPrefix("dcmscrub: ") && !result.stderr.contains(folder))
    }
    try Data("not dicom".utf8).write(to: URL(fileURLWithPath: inputs + "/report.dcm"))
    let unreadable = try Executable.run(Executable.dcmscrub, ["verify", out, "--against", inputs, "--pixels", "off"])
    #expect(unreadable.status == 2)
    #expect(unreadable.stdout.contains("input 2: the source cannot be read; its output was not checked"))
}

@Test func runQuarantinesAnOutputThatFailsItsCheck() throws {
    let folder = try Executable.scratch()
    let files = try SampleStudy(patient: .lithuanian, seed: 92).writeStudy(into: folder + "/in", slices: 2)
    // A physician's name typed into a code meaning, which the profile keeps: the scrubber takes only
    // the patient's own identifiers out of kept text, so this one gets through to the check.
    let file = try DicomFile.open(path: files[1])
    try file.dataset.appendItem(Tag(0x0008, 0x2218)).put(.codeMeaning, "Thorax of Kazlauskas", vr: "LO")
    try file.write(to: files[1])
    for check in ["full", "headers"] {
        let out = folder + "/out-" + check
        let result = try Executable.run(Executable.dcmscrub, ["run", folder + "/in", "--out", out, "--verify", check])
        #expect(result.status == 0)
        #expect(result.stdout.contains("4 inputs: 3 delivered, 1 quarantined"))
        #expect(result.stderr == "dcmscrub: input 2: quarantined (verification-failed): the quality check found 1 problem: "
            + "(0008,2218)[1](0008,0104): identifying-value: name from (0008,0090)\n")
        let report = try String(contentsOfFile: out + "/report.json", encoding: .utf8)
        for secret in secrets + ["Thorax", "Kazlauskas"] { #expect(!report.contains(secret) && !result.stderr.contains(secret)) }
        #expect(Executable.tree(out).keys.filter { $0.hasSuffix(".dcm") }.count == 3)
        let verified = try Executable.run(Executable.dcmscrub, ["verify", out, "--against", folder + "/in", "--pixels", "off"])
        #expect(verified.status == 0, "\(verified.stdout)")
    }
}

@Test func thePatientTypedIntoKeptTextIsScrubbedAndVerifyPasses() throws {
    let folder = try Executable.scratch()
    let files = try SampleStudy(patient: .lithuanian, seed: 93).writeStudy(into: folder + "/in", slices: 2)
    // The patient's own name in a code meaning inside a sequence, and her ID in a description the table does not list.
    let file = try DicomFile.open(path: files[1])
    let region = try file.dataset.appendItem(Tag(0x0008, 0x2218))
    try region.appendItem(Tag(0x0008, 0x2220)).put(.codeMeaning, "Thorax of Žemaitienė", vr: "LO")
    try file.dataset.put(Tag(0x0018, 0x9531), "for LT-483920", vr: "LO") // Reconstruction Description, not in the table
    try file.write(to: files[1])
    let out = folder + "/out"
    let result = try Executable.run(Executable.dcmscrub, ["run", folder + "/in", "--out", out, "--pixels", "off"])
    #expect(result.status == 0 && result.stdout.contains("4 inputs: 4 delivered, 0 quarantined"), "\(result.stderr)")
    for output in Executable.tree(out).keys where output.hasSuffix(".dcm") {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out + "/" + output))
        for secret in secrets { #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret)") }
    }
    let verified = try Executable.run(Executable.dcmscrub, ["verify", out, "--against", folder + "/in", "--pixels", "off"])
    #expect(verified.status == 0, "\(verified.stdout)")
}
