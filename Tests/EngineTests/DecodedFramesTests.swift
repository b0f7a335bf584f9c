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
