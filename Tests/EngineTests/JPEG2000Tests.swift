// Tests of JPEG 2000 decoding (OpenJPEG inside CDCMTK) on pydicom's JPEG 2000 files.
import Engine
import Foundation
import Testing

enum JPEG2000Check {
    /// FNV-1a 64 of the first frame as pydicom 3.0.2 with pylibjpeg-openjpeg 2.6.0 decodes it, written
    /// as little-endian container bytes (RGB interleaved): an independent build of OpenJPEG, driven
    /// by pydicom's own fragment, sign and colour handling.
    static let pydicomDigests: [String: UInt64] = [
        "examples_jpeg2k.dcm": 0xeb0b_e435_cfe3_fad9, // lossless, YBR_RCT
        "GDCMJ2K_TextGBR.dcm": 0xf8be_8800_1430_502a, // lossless, YBR_RCT, JP2 header around the codestream
        "MR_small_jp2klossless.dcm": 0x5143_3421_a5f7_529a, // lossless, signed 16-bit
        "J2K_pixelrep_mismatch.dcm": 0x67ce_3c8f_ce96_2aa2, // unsigned codestream, Pixel Representation 1
        "JPEG2000.dcm": 0x1d1f_af91_a2a2_79de, // lossy, signed 16-bit
        "693_J2KI.dcm": 0x8906_371a_812b_0b27, // lossy, 14 of 16 bits, signed
    ]

    static let files = pydicomDigests.keys.sorted()

    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }

    static func hasCodestreamMarker(_ path: String) throws -> Bool {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        return RedactionCheck.Bytes.contains(bytes, [0xFF, 0x4F, 0xFF, 0x51])
    }
}

@Test(arguments: JPEG2000Check.files)
func jpeg2000FramesDecodeAsPydicomDecodesThem(name: String) throws {
    let file = try DicomFile.open(path: try Fixtures.pydicom(name))
    let info = try file.pixelInfo()
    #expect(file.transferSyntax.hasPrefix("1.2.840.10008.1.2.4.9"), "\(name)")
    for index in 0..<info.frames {
        let frame = try file.decodeFrame(index, info: info)
        #expect(frame.samples.count == info.rows * info.columns * info.samplesPerPixel * info.bitsAllocated / 8, "\(name)")
        #expect(frame.photometric == (info.photometric == "YBR_RCT" ? "RGB" : info.photometric), "\(name)")
        #expect(Set(frame.samples).count > 16, "\(name) frame \(index + 1): hardly any distinct bytes")
        if index == 0 {
            let digest = JPEG2000Check.fnv1a(frame.samples)
            #expect(digest == JPEG2000Check.pydicomDigests[name], "\(name): \(String(digest, radix: 16))")
        }
    }
}

@Test func losslessJPEG2000EqualsItsUncompressedTwin() throws {
    let j2k = try DicomFile.open(path: try Fixtures.pydicom("MR_small_jp2klossless.dcm"))
    let plain = try DicomFile.open(path: try Fixtures.pydicom("MR_small.dcm"))
    let a = try j2k.pixelInfo(), b = try plain.pixelInfo()
    #expect(a == b)
    #expect(a.frames == 1 && a.isSigned && a.bitsAllocated == 16)
    for index in 0..<a.frames {
        let x = try j2k.decodeFrame(index, info: a), y = try plain.decodeFrame(index, info: b)
        #expect(x.samples == y.samples, "frame \(index + 1)")
        #expect(x.photometric == y.photometric)
    }
    // The samples are the stored value of the uncompressed file, byte for byte.
    let stored = try #require(plain.dataset.index(of: .pixelData).flatMap { plain.dataset.bytes(at: $0) })
    #expect(try j2k.decodeFrame(0, info: a).samples == stored)
}

@Test func ultrasoundJPEG2000DecodesToRGB() throws {
    let file = try DicomFile.open(path: try Fixtures.pydicom("examples_jpeg2k.dcm"))
    let info = try file.pixelInfo()
    #expect(info.photometric == "YBR_RCT")
    #expect(info.samplesPerPixel == 3 && info.bitsAllocated == 8 && info.columns == 640 && info.rows == 480)
    let frame = try file.decodeFrame(0, info: info)
    #expect(frame.photometric == "RGB")
    #expect(frame.samples.count == 640 * 480 * 3)
    func pixel(_ x: Int, _ y: Int) -> (r: Int, g: Int, b: Int) {
        let o = (y * 640 + x) * 3
        return (Int(frame.samples[o]), Int(frame.samples[o + 1]), Int(frame.samples[o + 2]))
    }
    // The banner (institution, time, probe) is white text on black in the top rows.
    let banner = (20..<110).flatMap { y in (0..<640).map { pixel($0, y) } }
    #expect(banner.filter { $0.r > 200 && $0.g > 200 && $0.b > 200 }.count > 500)
    #expect(banner.filter { $0.r + $0.g + $0.b == 0 }.count > banner.count / 2)
    // The power Doppler is orange (red over blue); read as YBR it would not be.
    let doppler = (150..<290).flatMap { y in (90..<540).map { pixel($0, y) } }
    #expect(doppler.filter { $0.r > 200 && $0.b < 100 }.count > 2000)
    let corner = pixel(0, 0)
    #expect(corner.r + corner.g + corner.b == 0)
}

@Test func damagedJPEG2000FailsWithOneLine() throws {
    // A copy of JPEG2000.dcm with four codestream bytes (in its SIZ marker) replaced: the DICOM
    // structure reads, the codestream does not decode.
    let input = try Fixtures.pydicom("JPEG2000-embedded-sequence-delimiter.dcm")
    let file = try DicomFile.open(path: input)
    let info = try file.pixelInfo()
    do {
        _ = try file.decodeFrame(0, info: info)
        Issue.record("a damaged codestream decoded")
    } catch let error as EngineError {
        #expect(error.code == .undecodable)
        #expect(error.message.contains("JPEG 2000"), "\(error.message)")
        #expect(!error.message.contains("\n"))
    }
    do {
        _ = try PixelRedactor.redact(file, rectangles: [PixelRect(x: 10, y: 10, width: 50, height: 20)])
        Issue.record("a damaged codestream was redacted")
    } catch let error as EngineError {
        #expect(error.code == .undecodable)
    }
    // Nothing changed: the file saves with its fragments as they were.
    let output = try Fixtures.scratch() + "/damaged.dcm"
    try file.write(to: output)
    #expect(file.transferSyntax == "1.2.840.10008.1.2.4.91")
    #expect(try RedactionCheck.storedPixels(input) == RedactionCheck.storedPixels(output))
}

@Test(arguments: JPEG2000Check.files)
func decodingJPEG2000LeavesTheFragmentsAsStored(name: String) throws {
    let input = try Fixtures.pydicom(name)
    let file = try DicomFile.open(path: input)
    let syntax = file.transferSyntax
    let info = try file.pixelInfo()
    for index in 0..<info.frames { _ = try file.decodeFrame(index, info: info) }
    let output = try Fixtures.scratch() + "/decoded.dcm"
    try file.write(to: output)
    #expect(try DicomFile.open(path: output).transferSyntax == syntax, "\(name)")
    let stored = try RedactionCheck.storedPixels(input)
    #expect(stored.count >= 2, "\(name): offset table and fragments")
    #expect(try stored == RedactionCheck.storedPixels(output), "\(name)")
}

@Test(arguments: JPEG2000Check.files)
func jpeg2000FilesRedact(name: String) throws {
    let input = try Fixtures.pydicom(name)
    let info = try DicomFile.open(path: input).pixelInfo()
    // Black inside, identical outside, Explicit VR Little Endian, no byte of the fragments left.
    try RedactionCheck.run(input: input, rectangles: RedactionCheck.twoRectangles(info), label: name)
    let file = try DicomFile.open(path: input)
    _ = try PixelRedactor.redact(file, rectangles: [PixelRect(x: 0, y: 0, width: 8, height: 8)])
    let output = try Fixtures.scratch() + "/redacted.dcm"
    try file.write(to: output)
    #expect(try !JPEG2000Check.hasCodestreamMarker(output), "\(name)")
}

/// Encapsulated Pixel Data built by hand (PS3.5 A.4), spliced into a copy of a real file.
enum Encapsulation {
    static let pixelDataHeader: [UInt8] = [0xE0, 0x7F, 0x10, 0x00, 0x4F, 0x42, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF]

    /// The Pixel Data element, tag to sequence delimiter: each frame's fragments, after a Basic
    /// Offset Table pointing at each frame's first fragment or an empty one.
    static func pixelData(_ frames: [[[UInt8]]], offsetTable: Bool) -> [UInt8] {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        func item(_ value: [UInt8]) -> [UInt8] { [0xFE, 0xFF, 0x00, 0xE0] + le32(value.count) + value }
        var fragments: [UInt8] = [], offsets: [Int] = []
        for frame in frames {
            offsets.append(fragments.count)
            for fragment in frame { fragments += item(fragment) }
        }
        return pixelDataHeader + item(offsetTable ? offsets.flatMap(le32) : []) + fragments + [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]
    }

    /// Writes `template` (a file whose last element is encapsulated Pixel Data) with Number of Frames
    /// `frames` and `pixelData` in place of its own, to `path`.
    static func splice(template: String, frames: Int, pixelData: [UInt8], to path: String) throws {
        let file = try DicomFile.open(path: template)
        try file.dataset.put(Tag(0x0028, 0x0008), "\(frames)", vr: "IS")
        try file.write(to: path + ".template")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path + ".template")))
        let header = pixelDataHeader
        let start = try #require((0...(bytes.count - header.count)).last { bytes[$0..<($0 + header.count)].elementsEqual(header) })
        try Data(bytes[..<start] + pixelData).write(to: URL(fileURLWithPath: path))
    }

    /// The first frame of a single-frame file: its codestream and its decoded samples.
    static func single(_ name: String) throws -> (codestream: [UInt8], samples: [UInt8]) {
        let path = try Fixtures.pydicom(name)
        let file = try DicomFile.open(path: path)
        return (Array(try RedactionCheck.storedPixels(path).dropFirst().joined()),
                try file.decodeFrame(0, info: try file.pixelInfo()).samples)
    }
}

/// Fragment layouts PS3.5 A.4 allows for three frames; `framesClaimed` 4 makes the frames impossible
/// to tell apart.
enum FragmentLayout: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case offsetTableThreePerFrame, noOffsetTableThreePerFrame, noOffsetTableOnePerFrame, offsetTableOnePerFrame
    case noOffsetTableOneFrameMissing

    var testDescription: String { rawValue }
    var hasOffsetTable: Bool { self == .offsetTableThreePerFrame || self == .offsetTableOnePerFrame }
    var piecesPerFrame: Int { self == .noOffsetTableOnePerFrame || self == .offsetTableOnePerFrame ? 1 : 3 }
    var framesClaimed: Int { self == .noOffsetTableOneFrameMissing ? 4 : 3 }

    /// A codestream cut into `piecesPerFrame` fragments of even length.
    func fragments(_ stream: [UInt8]) -> [[UInt8]] {
        let cut = (stream.count / piecesPerFrame) & ~1
        return (0..<piecesPerFrame).map { piece in
            Array(stream[(piece * cut)..<(piece == piecesPerFrame - 1 ? stream.count : (piece + 1) * cut)])
        }
    }
}

func expectUndecodableJPEG2000(_ file: DicomFile, frame: Int, _ label: String) throws {
    do {
        _ = try file.decodeFrame(frame, info: try file.pixelInfo())
        Issue.record("\(label): frames were guessed")
    } catch let error as EngineError {
        #expect(error.code == .undecodable, "\(label)")
        #expect(error.message.contains("JPEG 2000") && !error.message.contains("\n"), "\(label): \(error.message)")
    }
}

@Test(arguments: FragmentLayout.allCases)
func multiFrameJPEG2000FindsEachFramesFragments(layout: FragmentLayout) throws {
    // 693_J2KI and J2K_pixelrep_mismatch are both 512x512 signed 16-bit; alternating them shows a
    // frame taken from the wrong fragments.
    let a = try Encapsulation.single("693_J2KI.dcm"), b = try Encapsulation.single("J2K_pixelrep_mismatch.dcm")
    #expect(a.samples != b.samples)
    let frames = [a, b, a]
    let path = try Fixtures.scratch() + "/frames.dcm"
    try Encapsulation.splice(
        template: try Fixtures.pydicom("693_J2KI.dcm"), frames: layout.framesClaimed,
        pixelData: Encapsulation.pixelData(frames.map { layout.fragments($0.codestream) }, offsetTable: layout.hasOffsetTable),
        to: path)

    let file = try DicomFile.open(path: path)
    let info = try file.pixelInfo()
    #expect(info.frames == layout.framesClaimed)
    if layout.framesClaimed != frames.count {
        try expectUndecodableJPEG2000(file, frame: 1, layout.rawValue)
        return
    }
    for index in (0..<info.frames).reversed() {
        #expect(try file.decodeFrame(index, info: info).samples == frames[index].samples, "frame \(index + 1)")
    }
    let stored = try RedactionCheck.storedPixels(path)
    #expect(stored.count == 1 + 3 * layout.piecesPerFrame)
    try file.write(to: path + ".saved.dcm")
    #expect(try RedactionCheck.storedPixels(path + ".saved.dcm") == stored)
}

@Test func jp2FramesCutAtTheCodestreamNeedTheOffsetTable() throws {
    // GDCMJ2K_TextGBR holds a JP2 file; cut where its codestream box's content starts, each frame
    // has two fragments that look like the start of a frame, so only the offset table tells.
    let jp2 = try Encapsulation.single("GDCMJ2K_TextGBR.dcm")
    let codestream = try #require(jp2.codestream.indices.first { jp2.codestream[$0...].starts(with: [0xFF, 0x4F, 0xFF, 0x51]) })
    #expect(jp2.codestream.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50]) && codestream % 2 == 0)
    let frame = [Array(jp2.codestream[..<codestream]), Array(jp2.codestream[codestream...])]
    for offsetTable in [true, false] {
        let path = try Fixtures.scratch() + "/jp2.dcm"
        try Encapsulation.splice(template: try Fixtures.pydicom("GDCMJ2K_TextGBR.dcm"), frames: 2,
                                 pixelData: Encapsulation.pixelData([frame, frame], offsetTable: offsetTable), to: path)
        let file = try DicomFile.open(path: path)
        let info = try file.pixelInfo()
        guard offsetTable else {
            try expectUndecodableJPEG2000(file, frame: 0, "without offset table")
            continue
        }
        for index in 0..<2 {
            let decoded = try file.decodeFrame(index, info: info)
            #expect(decoded.samples == jp2.samples && decoded.photometric == "RGB", "frame \(index + 1)")
        }
    }
}

@Test func jpeg2000NotMatchingTheDatasetIsRefusedWithOneLine() throws {
    // A 512x512 codestream where the dataset says 64x64; a 3-component one where it says 1 sample.
    let cases = [("693_J2KI.dcm", "512x512, Columns x Rows say 64x64"), ("GDCMJ2K_TextGBR.dcm", "3 components")]
    for (source, expected) in cases {
        let path = try Fixtures.scratch() + "/mismatch.dcm"
        let codestream = try Encapsulation.single(source).codestream
        try Encapsulation.splice(template: try Fixtures.pydicom("MR_small_jp2klossless.dcm"), frames: 1,
                                 pixelData: Encapsulation.pixelData([[codestream]], offsetTable: false), to: path)
        let file = try DicomFile.open(path: path)
        do {
            _ = try file.decodeFrame(0, info: try file.pixelInfo())
            Issue.record("\(source): decoded into the wrong geometry")
        } catch let error as EngineError {
            #expect(error.code == .undecodable)
            #expect(error.message.contains(expected) && !error.message.contains("\n"), "\(error.message)")
        }
    }
}
