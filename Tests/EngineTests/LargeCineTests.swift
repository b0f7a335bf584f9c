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

/// 360 frames of seeded 8-bit noise, 192 x 256, compressed losslessly with DCMTK's JPEG-LS encoder:
/// noise keeps it larger than what is read whole. Returns the compressed file and the samples.
private func compressedNoiseCine(in folder: String) throws -> (path: String, samples: [UInt8]) {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let samples = (0..<360 * frameBytes).map { _ -> UInt8 in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
    let raw = folder + "/noise-raw.dcm", path = folder + "/noise-jls.dcm"
    try smallImage(rows: 192, columns: 256, instance: "1.2.826.0.1.3680043.10.1455.78.1.1") { d in
        try d.put(Tag(0x0028, 0x0008), "360", vr: "IS")
        try d.put(.pixelData, bytes: samples, vr: "OB")
    }.write(to: URL(fileURLWithPath: raw))
    try JPEGSample.run("/usr/bin/dcmcjpls", [raw, path])
    try FileManager.default.removeItem(atPath: raw)
    return (path, samples)
}

/// A compressed cine read from its file: each frame's fragments are read from there when it is
/// decoded and let go after (DCMTK reads them again when asked), so decoding a frame twice, or
/// every frame for the redaction, gives the same samples as the source had.
@Test func aLargeCompressedCineIsDecodedFromItsFileAsOftenAsAsked() throws {
    let folder = try Fixtures.scratch()
    let (path, samples) = try compressedNoiseCine(in: folder)
    let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    #expect(size > DicomFile.memoryLimit)
    let file = try DicomFile.open(path: path, loadsAllValues: false)
    #expect(file.transferSyntax == "1.2.840.10008.1.2.4.80")
    let info = try file.pixelInfo()
    for frame in [7, 7, 359, 7] {
        #expect(try file.decodeFrame(frame, info: info).samples == Array(samples[frame * frameBytes..<(frame + 1) * frameBytes]), "frame \(frame)")
    }
    var processor = InstanceProcessor(scrubber: try HeaderScrubber(profile: Profile.standard(), key: Fixtures.key))
    processor.pixels = .clean
    let box = PixelRect(x: 30, y: 40, width: 50, height: 20)
    let output = folder + "/out.dcm"
    try processor.deidentify(path: path, rectangles: [box]).file.write(to: output)
    let written = try DicomFile.open(path: output)
    #expect(written.transferSyntax == "1.2.840.10008.1.2.1")
    let index = try #require(written.dataset.index(of: .pixelData))
    var expected = samples
    for frame in 0..<360 {
        for y in box.y..<box.y + box.height { for x in box.x..<box.x + box.width { expected[frame * frameBytes + y * 256 + x] = 0 } }
    }
    #expect(written.dataset.bytes(at: index) == expected)
}
