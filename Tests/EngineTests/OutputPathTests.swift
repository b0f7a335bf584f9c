// Tests of output paths: folders named by the replaced UIDs' digits and dots, "unknown" for a UID that is absent or only padding.
@testable import Engine
import Foundation
import Testing

@Test func anOutputPathHoldsOnlyTheUIDsDigitsAndDots() throws {
    let file = DicomFile.makeNew()
    try file.dataset.put(.studyInstanceUID, stringBytes: Array("2.25.17 ".utf8), vr: "UI")
    try file.dataset.put(.seriesInstanceUID, stringBytes: [0x20, 0x00], vr: "UI")
    try file.dataset.put(.sopInstanceUID, stringBytes: Array("2.25.9/../x\u{0}".utf8), vr: "UI")
    #expect(try InstanceProcessor.outputPath(file.dataset) == "2.25.17/unknown/2.25.9...dcm")

    let without = DicomFile.makeNew()
    try without.dataset.put(.sopInstanceUID, stringBytes: Array("  ".utf8), vr: "UI")
    #expect(throws: EngineError.self) { try InstanceProcessor.outputPath(without.dataset) }
    #expect(throws: EngineError.self) { try InstanceProcessor.outputPath(DicomFile.makeNew().dataset) }
}
