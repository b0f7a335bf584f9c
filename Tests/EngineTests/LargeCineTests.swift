// Tests of large multi-frame files (above DicomFile.memoryLimit): their pixels cleaned and checked from their files, their Pixel Data never held twice.
@testable import Engine
import Foundation
import Testing

/// A 360-frame 8-bit cine of 192 x 256 (17.7 MB), and the processor that cleans its pixels.
private func largeCine(in folder: String) throws -> (source: String, bytes: Data, processor: InstanceProcessor) {
    let source = folder + "/cine.dcm"
    try PlantedLeaks.cine(patient: .plain, frames: 360, nameInFrame: nil, to: source)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
    #expect(bytes.count > DicomFile.memoryLimit)
    var processor = InstanceProcessor(scrubber: try HeaderScrubber(profile: Profile.standard(options: [.cleanDescriptors]), key: Fixtures.key))
    processor.pixels = .clean
    return (source, bytes, processor)
}

private let frameBytes = 192 * 256

/// Its frames are read from the file as they are decoded, and written into the new Pixel Data:
/// every frame of the output is its source's with the box black, and nothing else differs. A
/// source cut short inside its Pixel Data is refused, as a whole read refuses it.
@Test func aLargeCineIsRedactedFromItsFile() throws {
    let folder = try Fixtures.scratch()
    let (source, original, processor) = try largeCine(in: folder)
    // Over the disc of the first frames: the cine is black elsewhere.
    let box = PixelRect(x: 60, y: 95, width: 80, height: 30)
    let output = folder + "/out.dcm"
    try processor.deidentify(path: source, rectangles: [box]).file.write(to: output)
    let written = try DicomFile.open(path: output)
    let index = try #require(written.dataset.index(of: .pixelData))
    let pixels = try #require(written.dataset.bytes(at: index))
    var expected = [UInt8](original.suffix(360 * frameBytes))
    for frame in 0..<360 {
        for y in box.y..<box.y + box.height { for x in box.x..<box.x + box.width { expected[frame * frameBytes + y * 256 + x] = 0 } }
    }
    #expect(pixels.count == expected.count)
    #expect(pixels == expected)
    #expect(expected != [UInt8](original.suffix(360 * frameBytes)))
    let cut = folder + "/cut.dcm"
    try original.dropLast(2 * frameBytes).write(to: URL(fileURLWithPath: cut))
    #expect(throws: EngineError.self) { try processor.deidentify(path: cut, rectangles: [box]) }
}

/// A source larger than what is read whole is compared from its file, one frame at a time, with
/// its Pixel Data not loaded: a frame that differs there, or can no longer be read, fails.
@Test func aLargeSourceIsComparedFrameByFrameFromItsFile() throws {
    let folder = try Fixtures.scratch()
    let (source, original, processor) = try largeCine(in: folder)
    let box = PixelRect(x: 10, y: 10, width: 40, height: 20)
    let result = try processor.deidentify(path: source, rectangles: [box])
    let output = folder + "/out.dcm"
    try result.file.write(to: output)
    let verifier = try PlantedLeaks.verifier()
    let facts = try SourceFacts.read(path: source, profile: verifier.profile, maxBytes: DicomFile.defaultMaxBytes)
    let subject = Verifier.Subject(output: output, name: result.relativePath, source: facts, redactions: [box])
    #expect(verifier.verify(subject).passed)
    // After its facts were read, one pixel of the source's frame 300 changed outside the box...
    let start = original.count - (360 - 299) * frameBytes
    var changed = original
    changed[start + 100 * 256 + 200] ^= 0x55
    try changed.write(to: URL(fileURLWithPath: source))
    let differs = verifier.verify(subject).findings
    #expect(differs.map(\.kind) == [.pixelsChanged] && differs.first?.frame == 300, "\(differs.map(\.location))")
    // ...or its last two frames cut off.
    try original.dropLast(2 * frameBytes).write(to: URL(fileURLWithPath: source))
    let unread = verifier.verify(subject).findings
    #expect(!unread.isEmpty && unread.allSatisfy { $0.kind == .pixelsChanged && $0.location.hasSuffix("(the source cannot be read to compare)") },
            "\(unread.map(\.location))")
}
