// Tests of the quality check: clean outputs pass, and a corpus of planted leaks, one per kind, is found with kind and place.
@testable import Engine
import Foundation
import Testing

private let kowalski: SamplePatient = {
    var patient = SamplePatient.plain
    (patient.name, patient.id, patient.birthDate) = ("KOWALSKI^JAN", "PL-55012", "19551111")
    return patient
}()

/// The generated study de-identified (Clean Descriptors, so descriptions stay), one output per file.
private func cleanOutputs(_ patient: SamplePatient = .lithuanian, seed: UInt64 = 71, into folder: String) throws -> [PlantedLeaks.Output] {
    let sources = try SampleStudy(patient: patient, seed: seed).writeStudy(into: folder + "/in", slices: 2)
    return try sources.map { try PlantedLeaks.deidentify($0, into: folder + "/out") }
}

private func verify(_ output: PlantedLeaks.Output, name: String? = nil, pixels: Verifier.PixelCheck = .off) throws -> Verification {
    try PlantedLeaks.verifier(pixels: pixels).verify(output: output.path, name: name ?? output.name, source: output.source,
                                                     redactions: output.redactions)
}

@Test func cleanOutputsOfGeneratedStudiesPassEveryCheck() throws {
    let folder = try Fixtures.scratch()
    for (patient, seed) in [(SamplePatient.lithuanian, UInt64(71)), (.german, 72)] {
        for output in try cleanOutputs(patient, seed: seed, into: folder + "/\(seed)") {
            let result = try verify(output, pixels: .ocr)
            #expect(result.findings.isEmpty, "\((output.source as NSString).lastPathComponent): \(result.findings.map(\.summary))")
            // It looked: elements, bytes, and the frame of every image.
            #expect(result.elementsChecked > 20 && result.bytesScanned > 1000)
        }
    }
}

@Test func aNameInAPrivateTagIsFoundInEitherEncodingAndAnyOrder() throws {
    let folder = try Fixtures.scratch()
    let ct = try cleanOutputs(.german, seed: 73, into: folder)[0]
    try PlantedLeaks.edit(ct.path) { d in
        try d.put(Tag(0x0029, 0x0010), "LEAKY VENDOR", vr: "LO")
        // The source's own encoding (ISO_IR 100) inside an output declared UTF-8: no text decoding sees it.
        try d.put(Tag(0x0029, 0x1010), stringBytes: Array("Müller^Hans".unicodeScalars.map { UInt8($0.value) }), vr: "LO")
        try d.put(Tag(0x0029, 0x1011), "hans MÜLLER", vr: "LO")
    }
    let findings = try verify(ct).findings
    for element in ["(0029,1010)", "(0029,1011)"] {
        let found = findings.filter { $0.kind == .identifyingValue && $0.location == element }
        #expect(found.contains { $0.valueKind == .name && $0.sourceTag == "(0010,0010)" && $0.value == "Müller^Hans" }, "\(element): \(findings.map(\.summary))")
        #expect(findings.contains { $0.kind == .privateTag && $0.location == element })
    }
}

@Test func anIDInANestedSequenceIsFound() throws {
    let folder = try Fixtures.scratch()
    let ct = try cleanOutputs(into: folder)[0]
    try PlantedLeaks.edit(ct.path) { d in
        let region = try d.appendItem(Tag(0x0008, 0x2218)) // Anatomic Region Sequence: kept by the profile
        let modifier = try region.appendItem(Tag(0x0008, 0x2220))
        try modifier.put(.codeMeaning, "chest of LT-483920", vr: "LO")
    }
    let findings = try verify(ct).findings
    #expect(findings.count == 1)
    let finding = try #require(findings.first)
    #expect(finding.kind == .identifyingValue && finding.location == "(0008,2218)[1](0008,2220)[1](0008,0104)")
    #expect(finding.valueKind == .identifier && finding.sourceTag == "(0010,0020)" && finding.value == "LT-483920")
}

@Test func aBirthDateInAnotherFormatInADescriptionIsFound() throws {
    let folder = try Fixtures.scratch()
    let ct = try cleanOutputs(into: folder)[0]
    try PlantedLeaks.edit(ct.path) { d in try d.put(.studyDescription, "Chest, DOB 03/14/1962", vr: "LO") }
    let findings = try verify(ct).findings
    let finding = try #require(findings.first { $0.location == Tag.studyDescription.description })
    #expect(finding.kind == .identifyingValue && finding.valueKind == .date)
    #expect(finding.sourceTag == "(0010,0030)" && finding.value == "19620314")
    #expect(findings.count == 1)
}

@Test func anOriginalUIDInAReferenceIsFound() throws {
    let folder = try Fixtures.scratch()
    let second = try cleanOutputs(into: folder).first { $0.source.hasSuffix("ct-2.dcm") }!
    // The output references the first slice by its original UID instead of the replaced one.
    try PlantedLeaks.edit(second.path) { d in
        let reference = d.items(at: d.index(of: Tag(0x0008, 0x1140))!)[0]
        try reference.put(Tag(0x0008, 0x1155), SampleStudy(patient: .lithuanian, seed: 71).instanceUID(1, 1), vr: "UI")
    }
    let findings = try verify(second).findings
    #expect(findings.count == 1)
    let finding = try #require(findings.first)
    #expect(finding.kind == .identifyingValue && finding.location == "(0008,1140)[1](0008,1155)" && finding.valueKind == .uid)
    #expect(finding.value == SampleStudy(patient: .lithuanian, seed: 71).instanceUID(1, 1))
}

@Test func aNameBurnedIntoOneFrameOfACineIsFoundInThatFrame() throws {
    let folder = try Fixtures.scratch()
    try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
    try PlantedLeaks.cine(patient: kowalski, nameInFrame: nil, to: folder + "/in/still.dcm")
    try PlantedLeaks.cine(patient: kowalski, nameInFrame: 4, to: folder + "/in/cine.dcm")
    // Detection finds it too (TextDetectionTests), so the leak is planted by leaving the pixels as they were.
    let clean = try PlantedLeaks.deidentify(folder + "/in/still.dcm", into: folder + "/out", options: [])
    let leaky = try PlantedLeaks.deidentify(folder + "/in/cine.dcm", into: folder + "/out2", options: [], pixels: .off)
    let verifier = try PlantedLeaks.verifier(options: [], pixels: .ocr)
    let passed = try verifier.verify(output: clean.path, name: clean.name, source: clean.source, redactions: clean.redactions)
    #expect(passed.findings.isEmpty, "\(passed.findings.map(\.summary))")
    #expect(passed.framesDecoded == 6)
    let findings = try verifier.verify(output: leaky.path, name: leaky.name, source: leaky.source, redactions: leaky.redactions).findings
    let finding = try #require(findings.first { $0.kind == .burnedInIdentifier }, "\(findings.map(\.summary))")
    #expect(finding.frame == 4 && finding.location.hasPrefix("frame 4 "))
    #expect(finding.valueKind == .name && finding.sourceTag == "(0010,0010)")
    #expect(finding.value.map { TextMatcher.fold($0).contains("kowalski") } == true)
}

@Test func aNameInAnOutputPathIsFoundButDigitsOfAUIDAreNoID() throws {
    let folder = try Fixtures.scratch()
    let ct = try cleanOutputs(into: folder)[0]
    let parts = ct.name.split(separator: "/").map(String.init)
    let renamed = "\(parts[0])/Zemaitiene ULA/\(parts[2])"
    let findings = try verify(ct, name: renamed).findings
    #expect(findings.count == 1, "\(findings.map(\.summary))") // surname and given name: one value, found once
    #expect(findings.allSatisfy { $0.kind == .fileName && $0.location == "file name" && $0.valueKind == .name })
    #expect(findings.contains { $0.value == "ŽEMAITIENĖ^Ūla^Šarūnė" && $0.sourceTag == "(0010,0010)" })
    // The birth date's digits inside a replacement UID are a coincidence of 39 random digits, not
    // a leak; as a whole number in a name they are one, and so is the ID.
    #expect(try verify(ct, name: "\(parts[0])/2.25.9919620314123/\(parts[2])").findings.isEmpty)
    let date = try verify(ct, name: "\(parts[0])/19620314/\(parts[2])").findings
    #expect(date.count == 1 && date[0].kind == .fileName && date[0].valueKind == .date)
    let id = try verify(ct, name: "\(parts[0])/lt-483920/\(parts[2])").findings
    #expect(id.count == 1 && id[0].kind == .fileName && id[0].valueKind == .identifier)
}

@Test func textInAnOverlayPlaneIsFound() throws {
    let folder = try Fixtures.scratch()
    let ct = try cleanOutputs(into: folder)[0]
    try PlantedLeaks.edit(ct.path) { d in try PlantedLeaks.addOverlay(d, text: "KOWALSKI", rows: 64, columns: 64) }
    let findings = try verify(ct).findings
    let overlay = try #require(findings.first { $0.kind == .overlay })
    #expect(overlay.location == "(6000,3000)" && overlay.region == PixelRect(x: 0, y: 0, width: 64, height: 64))
    #expect(findings.allSatisfy { $0.kind == .overlay || ($0.kind == .removedAttribute && $0.location.hasPrefix("(6000,")) })
    // An empty plane draws nothing: its group is still one the scrubber removes.
    try PlantedLeaks.edit(ct.path) { d in try d.put(Tag(0x6000, 0x3000), bytes: [UInt8](repeating: 0, count: 512), vr: "OW") }
    #expect(try verify(ct).findings.map(\.kind) == [.removedAttribute])
}

@Test func aValueOutsideEveryElementIsFoundInTheBytes() throws {
    let folder = try Fixtures.scratch()
    let ct = try cleanOutputs(into: folder)[0]
    // The 128-byte preamble is no element: DCMTK reads past it, the byte scan does not.
    var bytes = try Data(contentsOf: URL(fileURLWithPath: ct.path))
    bytes.replaceSubrange(16..<(16 + 9), with: Data("LT-483920".utf8))
    try bytes.write(to: URL(fileURLWithPath: ct.path))
    let findings = try verify(ct).findings
    #expect(findings.count == 1)
    #expect(findings.first?.kind == .identifyingValue && findings.first?.location.hasPrefix("bytes at offset 16") == true)
    #expect(findings.first?.value == "LT-483920")
}

@Test func removedAndEmptiedAttributesAreFoundAtEveryDepth() throws {
    let folder = try Fixtures.scratch()
    let ct = try cleanOutputs(into: folder)[0]
    try PlantedLeaks.edit(ct.path) { d in
        try d.put(.studyDate, "20240517", vr: "DA") // Z
        let region = try d.appendItem(Tag(0x0008, 0x2218))
        try region.put(.otherPatientIDs, "OLD-1", vr: "LO") // X, nested
    }
    let findings = try verify(ct).findings
    #expect(findings.contains { $0.kind == .emptiedAttribute && $0.location == "(0008,0020)" })
    #expect(findings.contains { $0.kind == .removedAttribute && $0.location == "(0008,2218)[1](0010,1000)" })
    #expect(findings.contains { $0.kind == .identifyingValue && $0.location == "(0008,0020)" && $0.valueKind == .date })
}

@Test func pixelsChangedOutsideTheRedactionsAndBrokenStructureAreFound() throws {
    let folder = try Fixtures.scratch()
    let outputs = try cleanOutputs(into: folder)
    let ultrasound = try #require(outputs.first { $0.source.hasSuffix("ultrasound.dcm") })
    #expect(ultrasound.redactions?.isEmpty == false)
    // Black outside the recorded rectangles is still a change; black with no record of them is a redaction.
    try PlantedLeaks.edit(ultrasound.path) { d in
        var pixels = d.bytes(at: d.index(of: .pixelData)!)!
        for y in 200..<210 { for x in 100..<120 { for s in 0..<3 { pixels[(y * 320 + x) * 3 + s] = 0 } } }
        try d.put(.pixelData, bytes: pixels, vr: "OB")
    }
    let outside = try verify(ultrasound).findings
    #expect(outside.count == 1 && outside[0].kind == .pixelsChanged && outside[0].region == PixelRect(x: 100, y: 200, width: 20, height: 10))
    let unknown = PlantedLeaks.Output(source: ultrasound.source, path: ultrasound.path, name: ultrasound.name, redactions: nil)
    #expect(try verify(unknown).findings.isEmpty)
    try PlantedLeaks.edit(ultrasound.path) { d in
        var pixels = d.bytes(at: d.index(of: .pixelData)!)!
        pixels[(205 * 320 + 10) * 3] = 200
        try d.put(.pixelData, bytes: pixels, vr: "OB")
    }
    #expect(try verify(unknown).findings.map(\.kind) == [.pixelsChanged])

    let ct = outputs[0]
    try PlantedLeaks.edit(ct.path) { d in try d.put(.sopClassUID, "1.2.840.10008.5.1.4.1.1.7", vr: "UI") }
    #expect(try verify(ct).findings.map(\.kind) == [.sopClassChanged])
    let bytes = try Data(contentsOf: URL(fileURLWithPath: ct.path))
    try bytes.prefix(200).write(to: URL(fileURLWithPath: ct.path))
    #expect(try verify(ct).findings.map(\.kind) == [.unreadable])
}

/// The check reads an output's Pixel Data only where it must (it compares the stored bytes with the
/// source's): an output cut short inside it still fails, whether every frame is decoded or only
/// those that differ, as in a header-only batch.
@Test(arguments: [Verifier.FrameCheck.all, .whereChanged])
func anOutputCutShortInsideItsPixelDataFails(frames: Verifier.FrameCheck) throws {
    let folder = try Fixtures.scratch()
    let ct = try cleanOutputs(into: folder)[0]
    var verifier = try PlantedLeaks.verifier()
    verifier.frames = frames
    #expect(try verifier.verify(output: ct.path, name: ct.name, source: ct.source).passed)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: ct.path))
    try bytes.dropLast(1000).write(to: URL(fileURLWithPath: ct.path))
    let kinds = try verifier.verify(output: ct.path, name: ct.name, source: ct.source).findings.map(\.kind)
    #expect(!kinds.isEmpty && kinds.allSatisfy { [.unreadable, .undecodableFrame].contains($0) }, "\(kinds)")
}

@Test func samplesAreNotTextButTheHeadsOfCompressedFramesAre() throws {
    let folder = try Fixtures.scratch()
    // Native samples that spell an ID are grey levels, not text: only the pixel change is found.
    let ct = try cleanOutputs(into: folder)[0]
    try PlantedLeaks.edit(ct.path) { d in
        var pixels = d.bytes(at: d.index(of: .pixelData)!)!
        pixels.replaceSubrange(100..<110, with: Array("LT-483920 ".utf8))
        try d.put(.pixelData, bytes: pixels, vr: "OW")
    }
    #expect(try verify(ct).findings.map(\.kind) == [.pixelsChanged])
    // A JPEG frame kept as it came (pixels off): a name written into the start of its fragment,
    // where JPEG comments live, is found there.
    let jpeg = try PlantedLeaks.deidentify(try Fixtures.pydicom("JPEG-lossy.dcm"), into: folder + "/jpeg", options: [], pixels: .off)
    let name = try #require(DicomFile.open(path: jpeg.source).dataset.string(.patientName))
    var bytes = try Data(contentsOf: URL(fileURLWithPath: jpeg.path))
    let soi = try #require(bytes.range(of: Data([0xFF, 0xD8, 0xFF]))).lowerBound
    bytes.replaceSubrange((soi + 40)..<(soi + 40 + name.utf8.count), with: Data(name.utf8))
    try bytes.write(to: URL(fileURLWithPath: jpeg.path))
    var verifier = try PlantedLeaks.verifier(options: [])
    verifier.frames = .whereChanged
    let findings = verifier.verify(Verifier.Subject(output: jpeg.path, name: jpeg.name,
                                                    source: try SourceFacts.read(path: jpeg.source, profile: verifier.profile))).findings
    #expect(findings.contains { $0.kind == .identifyingValue && $0.location == "(7FE0,0010) fragment 1" && $0.valueKind == .name },
            "\(findings.map(\.summary))")
}

/// Placeholders of real files ("Anonymized", "Last Name^First Name", "Test^S R", "OB^^^^") are
/// names only by position: the product's own dummies, codes, concept names and code strings do not
/// hold them. A name typed where the profile keeps free text still does.
@Test func codesConceptNamesAndTheProductsOwnWordsAreNoLeak() throws {
    let folder = try Fixtures.scratch()
    var placeholder = SamplePatient.plain
    placeholder.name = "Anonymized^Name"
    let source = try SampleStudy(patient: placeholder, seed: 75).writeStudy(into: folder + "/in", slices: 1)[0]
    let ct = try PlantedLeaks.deidentify(source, into: folder + "/out")
    try PlantedLeaks.edit(ct.path) { d in
        let concept = try d.appendItem(Tag(0x0040, 0xA043)) // Concept Name Code Sequence
        try concept.put(.codeValue, "IHE.04", vr: "SH")
        try concept.put(.codingSchemeDesignator, "ANONYMIZED", vr: "SH")
        try concept.put(.codeMeaning, "Recording Observer's Name", vr: "LO")
        try d.put(Tag(0x0040, 0xA040), "PNAME", vr: "CS") // Value Type
    }
    let clean = try verify(ct).findings
    #expect(clean.isEmpty, "\(clean.map(\.summary))")
    try PlantedLeaks.edit(ct.path) { d in try d.put(Tag(0x0018, 0x0015), "NAME", vr: "CS") } // a whole token
    #expect(try verify(ct).findings.map(\.location) == ["(0018,0015)"])
}

@Test(arguments: [Set<ProfileOption>(), [.cleanDescriptors, .retainLongModifiedDates, .retainSafePrivate],
                  [.retainUIDs, .retainDeviceIdentity, .retainInstitutionIdentity, .retainPatientCharacteristics, .retainLongFullDates]])
func realFilesPassTheHeaderCheckUnderEveryOptionSet(options: Set<ProfileOption>) throws {
    let folder = try Fixtures.scratch()
    try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
    for name in realFiles { try FileManager.default.copyItem(atPath: try Fixtures.pydicom(name), toPath: folder + "/in/" + name) }
    let report = try runBatch([folder + "/in"], out: folder + "/out", pixels: .off, options: options)
    let failed = report.instances.filter { $0.code == EngineError.Code.verificationFailed.name }
    #expect(failed.isEmpty, "\(failed.map { "input \($0.input): \($0.reason ?? "")" })")
    #expect(report.delivered >= 19) // the rest are duplicates of one SOP Instance UID and files without a SOP Class
}

@Test func anIDOfDigitsInANumberFieldIsNoLeakButInTextItIs() throws {
    let folder = try Fixtures.scratch()
    let source = try SampleStudy(patient: .german, seed: 74).writeStudy(into: folder + "/in", slices: 1)[0]
    try PlantedLeaks.edit(source) { d in
        try d.put(Tag(0x0020, 0x0010), "1024", vr: "SH") // Study ID
        try d.put(Tag(0x0028, 0x1052), "-1024", vr: "DS") // Rescale Intercept, kept
    }
    let output = try PlantedLeaks.deidentify(source, into: folder + "/out")
    let clean = try verify(output).findings
    #expect(clean.isEmpty, "\(clean.map(\.summary))")
    try PlantedLeaks.edit(output.path) { d in
        let region = try d.appendItem(Tag(0x0008, 0x2218))
        try region.put(.codeMeaning, "study 1024", vr: "LO")
    }
    let findings = try verify(output).findings
    #expect(findings.contains { $0.location == "(0008,2218)[1](0008,0104)" && $0.sourceTag == "(0020,0010)" }, "\(findings.map(\.summary))")
}

/// The rest of a word a box cut (it touches the box's edge on its line) is a finding whatever it
/// reads as; a separate word a space away, texture, and text of another line are not.
@Test func textThatABoxCutIsFoundButItsNeighboursAreNot() {
    let box = PixelRect(x: 100, y: 20, width: 60, height: 14)
    func word(_ x: Int, _ y: Int = 22, width: Int = 14, height: Int = 9, text: String = "MI", confidence: Float = 90) -> DetectedText {
        DetectedText(rect: PixelRect(x: x, y: y, width: width, height: height), text: text, confidence: confidence)
    }
    #expect(Verifier.cutByRedaction(word(160), [box]))                      // touches the right edge
    #expect(Verifier.cutByRedaction(word(86), [box]))                       // ends at the left edge
    #expect(Verifier.cutByRedaction(word(161), [box]))                      // a pixel short of it
    #expect(!Verifier.cutByRedaction(word(166), [box]))                     // a space away: "TIs" beside "0.4"
    #expect(!Verifier.cutByRedaction(word(160, 40), [box]))                 // the next line
    #expect(!Verifier.cutByRedaction(word(160, confidence: 30), [box]))     // texture read as a word
    #expect(!Verifier.cutByRedaction(word(160, height: 30), [box]))         // taller than the box
    #expect(!Verifier.cutByRedaction(word(160, text: ""), [box]))           // marks with nothing read
}

/// An output whose frames are not stored as its transfer syntax says (JPEG frames under explicit
/// little endian) is a finding, also where a header-only batch checks it (the bytes about to be
/// written, their Pixel Data kept as stored); the output as written is not.
@Test func framesStoredOtherwiseThanTheOutputsSyntaxSayAreAFinding() throws {
    let folder = try Fixtures.scratch()
    let source = try Fixtures.pydicom("JPEG-lossy.dcm")
    let report = try runBatch([source], out: folder + "/out")
    let output = folder + "/out/" + (try #require(report.instances.first?.output))
    let verifier = try PlantedLeaks.headerOnlyVerifier()
    let facts = try SourceFacts.read(path: source, profile: verifier.profile)
    let written = try Data(contentsOf: URL(fileURLWithPath: output))
    #expect(verifier.verify(Verifier.Subject(output: .bytes(written), name: "out.dcm", source: facts)).passed)
    let mislabelled = try declaringExplicitLittleEndian(written)
    #expect(verifier.verify(Verifier.Subject(output: .bytes(mislabelled), name: "out.dcm", source: facts)).findings.map(\.kind)
            == [.undecodableFrame])
    // As a header-only batch writes it: the header, then the value left in the (here: mislabelled) file.
    try mislabelled.write(to: URL(fileURLWithPath: output))
    let value = try #require(try leaving(output, prefix: 8192).storedValue)
    let head = mislabelled.prefix(value.range.lowerBound)
    #expect(verifier.verify(Verifier.Subject(output: .bytesThenValue(head, value), name: "out.dcm", source: facts)).findings.map(\.kind)
            == [.undecodableFrame])
}
