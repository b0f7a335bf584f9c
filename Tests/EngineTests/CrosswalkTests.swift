// Tests of the crosswalk (--map): an input that turns out a duplicate takes back exactly the rows it gave.
@testable import Engine
import Foundation
import Testing

@Test func aDuplicateTakesBackOnlyTheCrosswalkRowsNoOtherInputGave() throws {
    var shared = ScrubResult(originalPatientID: "PX-1001", patientPseudonym: "P1")
    shared.uids = ["1.2.3": "2.25.1", "1.2.3.4": "2.25.2"]
    var duplicate = ScrubResult(originalPatientID: "PX-2002", patientPseudonym: "P2")
    duplicate.uids = ["1.2.3": "2.25.1", "1.2.9": "2.25.9"]
    var crosswalk = Crosswalk()
    crosswalk.add(input: "in/a.dcm", output: "s/x.dcm", result: shared)
    crosswalk.add(input: "in/b.dcm", output: "s/x.dcm", result: duplicate)
    crosswalk.remove(input: "in/b.dcm", output: "s/x.dcm", result: duplicate)
    let path = try Fixtures.scratch() + "/map.csv"
    try crosswalk.write(to: path)
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    #expect(lines == ["kind,original,replacement", "file,in/a.dcm,s/x.dcm", "patient-id,PX-1001,P1",
                      "uid,1.2.3,2.25.1", "uid,1.2.3.4,2.25.2"])
    // Without its scrub only the file row can be named; the rest stays listed.
    crosswalk.add(input: "in/b.dcm", output: "s/x.dcm", result: duplicate)
    crosswalk.remove(input: "in/b.dcm", output: "s/x.dcm", result: nil)
    try crosswalk.write(to: path)
    let kept = try String(contentsOfFile: path, encoding: .utf8)
    #expect(!kept.contains("in/b.dcm") && kept.contains("PX-2002") && kept.contains("uid,1.2.3,2.25.1"))
}

@Test func scrubbingAHeaderAgainGivesTheCrosswalkRowsOfItsDelivery() throws {
    let folder = try Fixtures.scratch()
    // Larger than DicomFile.memoryLimit: read again without its Pixel Data.
    let path = folder + "/large.dcm"
    try smallImage(rows: 4096, columns: 4200, instance: "1.2.3.9.7") { try $0.put(.patientID, "PX-77", vr: "LO") }
        .write(to: URL(fileURLWithPath: path))
    var processor = InstanceProcessor(scrubber: try HeaderScrubber(profile: Profile.standard(), key: Fixtures.key))
    processor.pixels = .off
    processor.keepsPixelsAsStored = true
    let delivered = try processor.deidentify(path: path).scrub
    let again = try processor.scrubResult(path: path)
    #expect(again.originalPatientID == "PX-77" && again.originalPatientID == delivered.originalPatientID)
    #expect(again.patientPseudonym == delivered.patientPseudonym)
    #expect(again.uids == delivered.uids && again.uids["1.2.3.9.7"] != nil)
}
