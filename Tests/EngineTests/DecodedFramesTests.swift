// Tests of frames decoded once for detection and redaction: the same frames and outputs as decoding each time, and never stale.
@testable import Engine
import Foundation
import Testing

/// A file that keeps its decoded frames gives the frames `decodeFrame` gives, read as often as
/// detection reads them, and a redaction of it writes the very bytes a redaction without them
/// writes: by decoding (every codec among pydicom's files) or in the DCT blocks (JPEG Baseline).
@Test(arguments: RedactionCheck.files + ["SC_rgb_jpeg_dcmtk.dcm"])
func framesDecodedOnceGiveTheSameFramesAndOutput(name: String) throws {
    let input = try Fixtures.pydicom(name)
    let plain = try DicomFile.open(path: input)
    let keeping = try DicomFile.open(path: input)
    let info = try plain.pixelInfo()
    keeping.keepDecodedFrames()
    #expect(keeping.decodedRoom != nil, "\(name)")
    for frame in Array(0..<info.frames) + [0, info.frames - 1] {
        let once = try keeping.decodeFrameOnce(frame, info: info)
        let each = try plain.decodeFrame(frame, info: info)
        #expect(once.samples == each.samples && once.photometric == each.photometric, "\(name) frame \(frame + 1)")
    }
    let box = PixelRect(x: 0, y: info.rows / 2, width: max(1, info.columns / 3), height: max(1, info.rows / 4))
    let outcome = try PixelRedactor.redact(keeping, rectangles: [box])
    let plainOutcome = try PixelRedactor.redact(plain, rectangles: [box])
    #expect(outcome.changed && outcome == plainOutcome, "\(name)")
    // Stored by the decode, discarded by the block edit: read again, the frames are the redacted ones.
    #expect(keeping.decodedRoom == nil, "\(name): \(outcome.method)")
    let after = try keeping.pixelInfo()
    #expect(try keeping.decodeFrameOnce(0, info: after).samples == plain.decodeFrame(0, info: plain.pixelInfo()).samples, "\(name)")
    #expect(try keeping.encoded() == plain.encoded(), "\(name): \(outcome.method)")
}

/// An edit of the Pixel Data or of an element its geometry is read from drops the room, whichever
/// call makes it: no frame decoded before the edit is given after it, and none is stored. Edits of
/// other elements, and of the same tags inside an item (an icon image), keep it.
@Test func anEditOfThePixelsOrTheirGeometryDropsTheRoom() throws {
    let newSamples = [UInt8](repeating: 7, count: 16)
    let edits: [(String, (DicomItem) throws -> Void)] = [
        ("put Pixel Data", { try $0.put(.pixelData, bytes: newSamples, vr: "OB") }),
        ("set Pixel Data", { try $0.setBytes(at: $0.index(of: .pixelData)!, newSamples) }),
        ("clear Pixel Data", { try $0.clear(at: $0.index(of: .pixelData)!) }),
        ("put Rows", { try $0.put(Tag(0x0028, 0x0010), bytes: [2, 0], vr: "US") }),
        ("set Photometric Interpretation", { try $0.setString(at: $0.index(of: Tag(0x0028, 0x0004))!, "MONOCHROME1") }),
        ("remove Bits Stored", { try $0.remove(at: $0.index(of: Tag(0x0028, 0x0101))!) }),
    ]
    let image = try smallImage()
    for (what, edit) in edits {
        let file = try DicomFile.open(bytes: image)
        file.keepDecodedFrames()
        _ = try file.decodeFrameOnce(0, info: file.pixelInfo())
        #expect(file.decodedRoom != nil, "\(what)")
        try edit(file.dataset)
        #expect(file.decodedRoom == nil, "\(what)")
        #expect(throws: EngineError.self, "\(what)") { try file.storeDecodedFrames(photometric: "MONOCHROME2") }
    }
    // Read again after the edit, the frame is the new Pixel Data's.
    let file = try DicomFile.open(bytes: image)
    let info = try file.pixelInfo()
    file.keepDecodedFrames()
    let before = try file.decodeFrameOnce(0, info: info).samples
    try file.dataset.put(.pixelData, bytes: newSamples, vr: "OB")
    let after = try file.decodeFrameOnce(0, info: info).samples
    #expect(before != newSamples && after == newSamples)

    let kept = try DicomFile.open(bytes: image)
    kept.keepDecodedFrames()
    _ = try kept.decodeFrameOnce(0, info: kept.pixelInfo())
    try kept.dataset.put(.patientName, "NOWAK^ANNA", vr: "PN")
    let icon = try kept.dataset.appendItem(Tag(0x0088, 0x0200))
    try icon.put(Tag(0x0028, 0x0010), bytes: [2, 0], vr: "US")
    try icon.put(.pixelData, bytes: [1, 2, 3, 4], vr: "OB")
    #expect(kept.decodedRoom != nil)
    try kept.storeDecodedFrames(photometric: "MONOCHROME2")
    #expect(try kept.decodeFrame(0, info: kept.pixelInfo()).samples == before)
}
