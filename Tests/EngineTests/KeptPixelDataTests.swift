// Tests of Pixel Data kept as stored: a header-only read writes the same bytes as a whole one, falls back where it must, and the check still sees every pixel byte.
@testable import Engine
import Foundation
import Testing

/// The same scrub of the same file, read whole and read up to its Pixel Data, writes the same bytes.
@Test(arguments: realFiles)
func aHeaderOnlyReadWritesTheSameBytesAsAWholeRead(name: String) throws {
    let input = try Fixtures.pydicom(name)
    let scrubber = try HeaderScrubber(profile: Profile.standard(), key: Fixtures.key)
    let whole = try DicomFile.open(path: input)
    let kept = try DicomFile.open(path: input, keepsPixelsAsStored: true)
    #expect(whole.keptPixelData == nil)
    #expect(kept.hasPixelData == whole.hasPixelData, "\(name)")
    // Trailing padding after kept Pixel Data is left out: the profile removes it anyway (X).
    let listing = { (file: DicomFile) in HeaderListing.list(file).filter { $0.path != "(7FE0,0010)" && $0.path != "(FFFC,FFFC)" } }
    #expect(listing(kept) == listing(whole), "\(name)")
    _ = try scrubber.scrub(whole)
    _ = try scrubber.scrub(kept)
    // Without a SOP Instance UID, DCMTK makes up a new one for the meta header on every write.
    guard whole.dataset.string(.sopInstanceUID) != nil, whole.sourceBytes != nil else { return }
    let a = try whole.encoded(), b = try kept.encoded()
    let firstDifference = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    #expect(a.count == b.count && a == b, "\(name): \(a.count) bytes read whole, \(b.count) with Pixel Data kept, first differing at \(firstDifference ?? -1)")
    if kept.keptPixelData != nil {
        #expect(throws: EngineError.self, "\(name): frames of kept Pixel Data are not decoded") { try kept.decodeFrame(0, info: kept.pixelInfo()) }
        #expect(try kept.pixelInfo() == whole.pixelInfo(), "\(name)")
    }
}

/// Every real image read from memory, in every byte order and encoding, keeps its Pixel Data unread.
@Test func realImagesOfEveryEncodingKeepTheirPixelData() throws {
    let images = ["CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm",
                  "JPEG-lossy.dcm", "JPGExtended.dcm", "MR_small_RLE.dcm", "examples_jpeg2k.dcm", "SC_rgb_rle.dcm"]
    for name in images {
        let file = try DicomFile.open(path: try Fixtures.pydicom(name), keepsPixelsAsStored: true)
        let kept = try #require(file.keptPixelData, "\(name)")
        #expect(file.dataset.index(of: .pixelData) == nil, "\(name)")
        // What stays unread is the element, from its tag.
        let tag = Array(file.sourceBytes![kept.prefix(4)])
        #expect(tag == [0xE0, 0x7F, 0x10, 0x00] || tag == [0x7F, 0xE0, 0x00, 0x10], "\(name)")
    }
    // Deflated files are inflated by DCMTK from the file, whole.
    #expect(try DicomFile.open(path: Fixtures.pydicom("image_dfl.dcm"), keepsPixelsAsStored: true).keptPixelData == nil)
}

/// A small image written by DCMTK (4x4, 8 bits unless told), with `extra` elements put after its
/// Pixel Data or beside it.
func smallImage(rows: Int = 4, columns: Int = 4, instance: String = "1.2.3.4.5.6.7",
                _ extra: (DicomItem) throws -> Void = { _ in }) throws -> Data {
    let file = DicomFile.makeNew()
    let d = file.dataset
    try d.put(.sopClassUID, "1.2.840.10008.5.1.4.1.1.7", vr: "UI")
    try d.put(.sopInstanceUID, instance, vr: "UI")
    try d.put(.patientName, "KOWALSKI^JAN", vr: "PN")
    for (tag, value) in [(Tag(0x0028, 0x0002), 1), (Tag(0x0028, 0x0010), rows), (Tag(0x0028, 0x0011), columns),
                         (Tag(0x0028, 0x0100), 8), (Tag(0x0028, 0x0101), 8), (Tag(0x0028, 0x0103), 0)] {
        try d.put(tag, bytes: [UInt8(value & 0xFF), UInt8(value >> 8)], vr: "US")
    }
    try d.put(Tag(0x0028, 0x0004), "MONOCHROME2", vr: "CS")
    try d.put(.pixelData, bytes: (0..<rows * columns).map { UInt8(truncatingIfNeeded: $0 * 9) }, vr: "OB")
    try extra(d)
    return try file.encoded()
}

@Test func elementsAfterThePixelDataOrItsGroupLengthMakeAWholeRead() throws {
    let plain = try DicomFile.open(bytes: try smallImage(), keepsPixelsAsStored: true)
    #expect(plain.keptPixelData != nil)
    // An element after Pixel Data (a digital signature, a private one) would be lost: the file is read whole.
    let followed = try smallImage { try $0.put(Tag(0xFFFA, 0xFFFA), bytes: [0, 0, 0, 0], vr: "OB") }
    let read = try DicomFile.open(bytes: followed, keepsPixelsAsStored: true)
    #expect(read.keptPixelData == nil && read.dataset.index(of: .pixelData) != nil)
    #expect(try read.encoded() == DicomFile.open(bytes: followed).encoded())
    // Trailing padding holds nothing and the profile removes it: the Pixel Data before it is kept, without it.
    let padded = try smallImage { try $0.put(Tag(0xFFFC, 0xFFFC), bytes: [1, 2, 3, 4], vr: "OB") }
    let trimmed = try DicomFile.open(bytes: padded, keepsPixelsAsStored: true)
    #expect(trimmed.keptPixelData?.upperBound == padded.count - 16)
    #expect(try trimmed.encoded() == padded.prefix(padded.count - 16))
    // A group length of 7FE0 counts the value: written again without it, it would be wrong.
    let counted = try smallImage { try $0.put(Tag(0x7FE0, 0x0000), bytes: [24, 0, 0, 0], vr: "UL") }
    #expect(try DicomFile.open(bytes: counted, keepsPixelsAsStored: true).keptPixelData == nil)
    #expect(try DicomFile.open(path: Fixtures.pydicom("ExplVR_BigEnd.dcm"), keepsPixelsAsStored: true).keptPixelData == nil)
    // Encapsulated Pixel Data read as OW is written as OB by DCMTK: read whole, so that both ways agree.
    #expect(try DicomFile.open(path: Fixtures.pydicom("MR_small_jpeg_ls_lossless.dcm"), keepsPixelsAsStored: true).keptPixelData == nil)
    // No Pixel Data at all: nothing to keep.
    let report = try DicomFile.open(path: Fixtures.pydicom("rtplan.dcm"), keepsPixelsAsStored: true)
    #expect(report.keptPixelData == nil && !report.hasPixelData)
}

@Test func aFileCutInsideItsKeptPixelDataIsRefused() throws {
    let whole = try Data(contentsOf: URL(fileURLWithPath: try Fixtures.pydicom("CT_small.dcm")))
    #expect(try DicomFile.open(bytes: whole, keepsPixelsAsStored: true).keptPixelData != nil)
    for length in [whole.count / 2, whole.count - 1] {
        #expect(throws: EngineError.self, "\(length) of \(whole.count) bytes") {
            try DicomFile.open(bytes: whole.prefix(length), keepsPixelsAsStored: true)
        }
    }
}

@Test func keptPixelDataIsWrittenOnlyInItsOwnSyntaxAndNeverRedacted() throws {
    let file = try DicomFile.open(path: Fixtures.pydicom("MR_small_bigendian.dcm"), keepsPixelsAsStored: true)
    #expect(file.keptPixelData != nil)
    #expect(throws: EngineError.self) { try file.encoded(transferSyntax: "1.2.840.10008.1.2.1") }
    #expect(throws: EngineError.self) { try PixelRedactor.redact(file, rectangles: [PixelRect(x: 0, y: 0, width: 4, height: 4)]) }
    // Nothing may follow the kept value: an element put after it refuses the write.
    try file.dataset.put(Tag(0xFFFC, 0xFFFC), bytes: [0, 0], vr: "OB")
    #expect(throws: EngineError.self) { try file.encoded() }
}

/// The header-only check of a header-only batch: the output's Pixel Data is compared with the
/// source's byte for byte; one byte changed and it reads the frames and finds the change.
@Test func theCheckOfAKeptOutputSeesAChangedPixelByteAndANameInAFragmentHead() throws {
    let verifier = try PlantedLeaks.headerOnlyVerifier()
    let scrubber = try HeaderScrubber(profile: verifier.profile, key: Fixtures.key)
    for name in ["CT_small.dcm", "JPEG-lossy.dcm"] {
        let source = try Fixtures.pydicom(name)
        let file = try DicomFile.open(path: source, keepsPixelsAsStored: true)
        let facts = SourceFacts(collecting: file, path: source, profile: verifier.profile)
        _ = try scrubber.scrub(file)
        let output = try file.encoded()
        let check = { (bytes: Data) in verifier.verify(Verifier.Subject(output: .bytes(bytes), name: "out.dcm", source: facts)) }
        let clean = check(output)
        #expect(clean.passed, "\(name): \(clean.findings.map(\.summary))")
        #expect(clean.framesDecoded == 0, "\(name)")
        let kept = try #require(file.keptPixelData)
        let pixelStart = output.count - kept.count
        var changed = output
        changed[pixelStart + (output.count - pixelStart) / 2] ^= 0x5A
        let found = check(changed)
        #expect(!found.passed, "\(name): a changed pixel byte passed")
        if name == "JPEG-lossy.dcm" {
            // A name written into the start of the first fragment, where JPEG comments live.
            let patient = try #require(DicomFile.open(path: source).dataset.string(.patientName))
            var named = output
            let soi = try #require(named.range(of: Data([0xFF, 0xD8, 0xFF]))).lowerBound
            named.replaceSubrange((soi + 40)..<(soi + 40 + patient.utf8.count), with: Data(patient.utf8))
            let findings = check(named).findings
            #expect(findings.contains { $0.kind == .identifyingValue && $0.location == "(7FE0,0010) fragment 1" },
                    "\(findings.map(\.summary))")
        }
    }
}
