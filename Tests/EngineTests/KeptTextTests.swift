// Tests of kept text: the patient's own names, IDs and birth date leave text the profile keeps, at any depth; the rest stays.
import Engine
import Foundation
import Testing

/// A CT of the Lithuanian sample patient with her identifiers typed into text the basic profile keeps.
private func plantedCT(into folder: String) throws -> String {
    let input = folder + "/ct.dcm"
    try SampleStudy(patient: .lithuanian, seed: 41).write(.ct, series: 1, instance: 1, to: input)
    let file = try DicomFile.open(path: input)
    let d = file.dataset
    try d.put(Tag(0x0018, 0x0015), "CHEST", vr: "CS") // Body Part Examined
    try d.put(Tag(0x0018, 0x9531), "recon for zemaitiene, LT-483920, born 14.03.1962", vr: "LO") // Reconstruction Description
    // Anatomic Region Sequence > Anatomic Region Modifier Sequence: kept, and not listed inside.
    let region = try d.appendItem(Tag(0x0008, 0x2218))
    try region.put(.codeValue, "T-D3000", vr: "SH")
    try region.put(.codingSchemeDesignator, "SRT", vr: "SH")
    try region.put(.codeMeaning, "Chest", vr: "LO")
    let modifier = try region.appendItem(Tag(0x0008, 0x2220))
    try modifier.put(.codeValue, "G-A101", vr: "SH")
    try modifier.put(.codingSchemeDesignator, "SRT", vr: "SH")
    try modifier.put(.codeMeaning, "left side of Šarūnė ŽEMAITIENĖ", vr: "LO")
    try file.write(to: input)
    return input
}

@Test(arguments: [Set<ProfileOption>(), [.cleanDescriptors]])
func thePatientLeavesKeptTextAtEveryDepth(options: Set<ProfileOption>) throws {
    let folder = try Fixtures.scratch()
    let input = try plantedCT(into: folder)
    let output = try PlantedLeaks.deidentify(input, into: folder + "/out", options: options, pixels: .off)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: output.path))
    for secret in ["Šarūnė", "ŽEMAITIENĖ", "zemaitiene", "LT-483920", "14.03.1962"] {
        #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret)")
    }
    let d = try DicomFile.open(path: output.path).dataset
    // Only the matched spans go.
    #expect(d.string(Tag(0x0018, 0x9531)) == "recon for *, *, born *")
    let region = d.items(at: try #require(d.index(of: Tag(0x0008, 0x2218))))[0]
    #expect(region.string(.codeMeaning) == "Chest" && region.string(.codeValue) == "T-D3000")
    let modifier = region.items(at: try #require(region.index(of: Tag(0x0008, 0x2220))))[0]
    #expect(modifier.string(.codeMeaning) == "left side of * *")
    // What holds no identifier is kept as it was.
    #expect(d.string(Tag(0x0018, 0x0015)) == "CHEST")
    #expect(d.string(.modality) == "CT" && d.string(.manufacturer) == "Acme Medical")
    // The quality check behind `dcmscrub verify` passes on the output.
    let verification = try PlantedLeaks.verifier(options: options).verify(output: output.path, name: output.name, source: input)
    #expect(verification.passed, "\(verification.findings.map(\.summary))")
}

@Test func theSameTextPlantedInTheOutputIsWhatTheCheckFinds() throws {
    // The scrubber's rule is the check's: without the scrubber, the planted values fail the check.
    let folder = try Fixtures.scratch()
    let input = try plantedCT(into: folder)
    let output = try PlantedLeaks.deidentify(input, into: folder + "/out", options: [], pixels: .off)
    try PlantedLeaks.edit(output.path) { d in
        let region = d.items(at: d.index(of: Tag(0x0008, 0x2218))!)[0]
        let modifier = region.items(at: region.index(of: Tag(0x0008, 0x2220))!)[0]
        try modifier.put(.codeMeaning, "left side of Šarūnė ŽEMAITIENĖ", vr: "LO")
    }
    let verification = try PlantedLeaks.verifier(options: []).verify(output: output.path, name: output.name, source: input)
    #expect(verification.findings.contains { $0.kind == .identifyingValue && $0.location.hasSuffix("(0008,0104)") },
            "\(verification.findings.map(\.summary))")
}

@Test func aShortNamePartAloneIsNoIdentifierInKeptText() throws {
    // A patient called "GE^ONA": the maker's name "GE Healthcare" names no one and stays.
    let folder = try Fixtures.scratch()
    var patient = SamplePatient.plain
    patient.name = "GE^ONA"
    let input = folder + "/ct.dcm"
    try SampleStudy(patient: patient, seed: 42).write(.ct, series: 1, instance: 1, to: input)
    try PlantedLeaks.edit(input) { d in
        try d.put(.manufacturer, "GE Healthcare", vr: "LO")
        try d.put(Tag(0x0018, 0x9531), "recon of Ge Ona", vr: "LO")
    }
    let output = try PlantedLeaks.deidentify(input, into: folder + "/out", options: [], pixels: .off)
    let d = try DicomFile.open(path: output.path).dataset
    #expect(d.string(.manufacturer) == "GE Healthcare")
    #expect(d.string(Tag(0x0018, 0x9531)) == "recon of * *") // two parts together are the name
}
