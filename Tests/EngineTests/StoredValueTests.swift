// Tests of Pixel Data left in the source file: the same bytes as a whole read, copied by the kernel, refused when the source changes.
@testable import Engine
import Foundation
import Testing

/// Opens `path` kept as stored, leaving its Pixel Data value in the file whatever the file's size.

/// The check as a header-only batch runs it (no OCR, frames decoded only where changed), and a scrubber.
private func headerOnlyCheck() throws -> (Verifier, HeaderScrubber) {
    let verifier = try PlantedLeaks.headerOnlyVerifier()
    return (verifier, try HeaderScrubber(profile: verifier.profile, key: Fixtures.key))
}

/// The real files whose native value can stay in the file.
private let nativeImages = ["CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm",
                            "examples_rgb_color.dcm", "examples_palette.dcm", "liver_1frame.dcm"]
/// The real files whose encapsulated value (JPEG, RLE, JPEG 2000) can stay in the file. Not
/// MR_small_jpeg_ls_lossless.dcm: its items are stored as OW, which DCMTK writes back as OB.
private let compressedImages = ["JPEG-lossy.dcm", "JPGExtended.dcm", "MR_small_RLE.dcm", "examples_jpeg2k.dcm", "SC_rgb_rle.dcm"]

/// The same scrub written from a whole read and with the value left in the file: the same bytes,
/// through `encoded()` and through `write(to:)`, whose value the kernel copies.
@Test(arguments: realFiles)
func aValueLeftInTheFileWritesTheSameBytesAsAWholeRead(name: String) throws {
    let input = try Fixtures.pydicom(name)
    let folder = try Fixtures.scratch()
    let scrubber = try HeaderScrubber(profile: Profile.standard(), key: Fixtures.key)
    let whole = try DicomFile.open(path: input)
    _ = try scrubber.scrub(whole)
    guard whole.dataset.string(.sopInstanceUID) != nil, whole.sourceBytes != nil else { return }
    let expected = try whole.encoded()
    for prefix in [1 << 20, 8192] {
        let left = try leaving(input, prefix: prefix)
        if nativeImages.contains(name) || compressedImages.contains(name) {
            #expect(left.storedValue != nil, "\(name), \(prefix) bytes first")
        }
        _ = try scrubber.scrub(left)
        #expect(try left.encoded() == expected, "\(name), \(prefix) bytes first")
        let out = folder + "/\(prefix).dcm"
        try left.write(to: out, durable: false)
        #expect(FileManager.default.contents(atPath: out) == expected, "\(name), \(prefix) bytes first")
        if left.storedValue != nil {
            // Only the first bytes were read into memory.
            let size = try #require(try FileManager.default.attributesOfItem(atPath: input)[.size] as? Int)
            #expect(left.sourceBytes?.count == min(prefix, size), "\(name)")
        }
    }
}

/// A header longer than the bytes read first is read whole. Of encapsulated frames only the
/// item headers are read: the same items, at the same places, as a whole read finds.
@Test func aLongHeaderIsReadWholeAndOfCompressedFramesOnlyTheItemHeaders() throws {
    let short = try leaving(Fixtures.pydicom("CT_small.dcm"), prefix: 256)
    #expect(short.storedValue == nil && short.keptPixelData != nil)
    for name in compressedImages {
        let path = try Fixtures.pydicom(name)
        // 4 KB first: the items lie past the bytes read, their headers are read where they are.
        let file = try leaving(path, prefix: 4096)
        let value = try #require(file.storedValue, "\(name)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let whole = try #require(bytes.withUnsafeBytes {
            PixelDataSpan.locate(in: $0, transferSyntax: file.transferSyntax, nativeLength: nil)
        }, "\(name)")
        #expect(value.range == whole.value && value.fragments == whole.fragments, "\(name)")
        #expect(file.sourceBytes?.count == min(4096, bytes.count), "\(name)")
    }
    #expect(try leaving(Fixtures.pydicom("rtplan.dcm"), prefix: 1 << 20).storedValue == nil)
    let ow = try leaving(Fixtures.pydicom("MR_small_jpeg_ls_lossless.dcm"), prefix: 4096)
    #expect(ow.storedValue == nil && ow.keptPixelData == nil, "encapsulated OW: read whole, written as OB")
    // Items that run past the end of the file are no value to copy: read whole, and refused there.
    let folder = try Fixtures.scratch()
    let jpeg = try Data(contentsOf: URL(fileURLWithPath: try Fixtures.pydicom("JPEG-lossy.dcm")))
    let cut = folder + "/cut.dcm"
    try jpeg.prefix(jpeg.count - 100).write(to: URL(fileURLWithPath: cut))
    #expect(throws: EngineError.self) { try leaving(cut, prefix: 4096) }
}

/// A 4096x4200 image (34 MB, above the in-memory limit) whose header carries `header` bytes of a
/// private value, opened with its value left in the file; expects that open to write what a whole
/// read writes, and returns how many bytes it read and the file's size.
private func largeImageLeftInFile(header: Int) throws -> (read: Int, size: Int) {
    let folder = try Fixtures.scratch()
    let path = folder + "/large.dcm"
    try smallImage(rows: 4096, columns: 4200) { d in
        try d.put(Tag(0x0011, 0x0010), "ACME LONG HEADER", vr: "LO")
        try d.put(Tag(0x0011, 0x1001), bytes: [UInt8](repeating: 7, count: header), vr: "OB")
    }.write(to: URL(fileURLWithPath: path))
    let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    #expect(size > DicomFile.memoryLimit)
    let scrubber = try HeaderScrubber(profile: Profile.standard(), key: Fixtures.key)
    let left = try DicomFile.open(path: path, keepsPixelsAsStored: true)
    #expect(try #require(left.storedValue).range.count == 4096 * 4200)
    let whole = try DicomFile.open(path: path)
    _ = try scrubber.scrub(whole)
    _ = try scrubber.scrub(left)
    let out = folder + "/out.dcm"
    try left.write(to: out, durable: false)
    #expect(FileManager.default.contents(atPath: out) == (try whole.encoded()))
    return (try #require(left.sourceBytes?.count), size)
}

/// A file larger than the in-memory limit (a cine, a multi-frame CT) is read up to its Pixel Data
/// for a header-only output, as a smaller one is, and writes what a whole read writes.
@Test func aFileLargerThanTheMemoryLimitLeavesItsValueInTheFile() throws {
    // A header longer than any first read: the file is read once more, up to 1 MB.
    #expect(try largeImageLeftInFile(header: 200 << 10).read <= DicomFile.headerPrefixLimit)
}

/// A header of megabytes (an enhanced multi-frame's per-frame items) in a large file is read up to
/// its Pixel Data too, in reads that grow, not whole.
@Test func aHeaderOfMegabytesLeavesTheValueOfALargeFileInTheFile() throws {
    let (read, size) = try largeImageLeftInFile(header: 3 << 20)
    #expect(read > 3 << 20 && read <= size / 4)
}

/// The check of an output whose compressed frames stay in the source file reads the start of each
/// fragment there, where JPEG comments carry text: a name written there is found.
@Test func theCheckReadsTheFragmentHeadsOfAValueLeftInTheFile() throws {
    let (verifier, scrubber) = try headerOnlyCheck()
    let original = try Fixtures.pydicom("JPEG-lossy.dcm")
    let patient = try #require(DicomFile.open(path: original).dataset.string(.patientName))
    var named = try Data(contentsOf: URL(fileURLWithPath: original))
    let soi = try #require(named.range(of: Data([0xFF, 0xD8, 0xFF]))).lowerBound
    named.replaceSubrange((soi + 40)..<(soi + 40 + patient.utf8.count), with: Data(patient.utf8))
    let folder = try Fixtures.scratch()
    let source = folder + "/named.dcm"
    try named.write(to: URL(fileURLWithPath: source))
    for (path, leaks) in [(original, false), (source, true)] {
        let file = try leaving(path, prefix: 4096)
        let value = try #require(file.storedValue)
        let facts = SourceFacts(collecting: file, path: path, profile: verifier.profile)
        _ = try scrubber.scrub(file)
        let whole = try file.encoded()
        let check = verifier.verify(Verifier.Subject(output: .bytesThenValue(whole.prefix(whole.count - value.range.count), value),
                                                     name: "out.dcm", source: facts))
        #expect(check.framesDecoded == 0)
        #expect(check.bytesScanned > whole.count - value.range.count, "the fragment heads were scanned")
        if leaks {
            #expect(check.findings.contains { $0.kind == .identifyingValue && $0.location == "(7FE0,0010) fragment 1" },
                    "\(check.findings.map(\.summary))")
        } else {
            #expect(check.passed, "\(check.findings.map(\.summary))")
        }
    }
}

/// Trailing padding after the value is checked in the file and left out, as a whole read leaves it.
@Test func paddingAfterALeftValueIsLeftOut() throws {
    let folder = try Fixtures.scratch()
    let padded = try smallImage { try $0.put(Tag(0xFFFC, 0xFFFC), bytes: [1, 2, 3, 4], vr: "OB") }
    let path = folder + "/padded.dcm"
    try padded.write(to: URL(fileURLWithPath: path))
    let file = try leaving(path, prefix: 8192)
    #expect(file.storedValue?.range.upperBound == padded.count - 16)
    #expect(try file.encoded() == padded.prefix(padded.count - 16))
    // Something else after the value is no padding: read whole, and written with it.
    let followed = try smallImage { try $0.put(Tag(0xFFFA, 0xFFFA), bytes: [0, 0, 0, 0], vr: "OB") }
    try followed.write(to: URL(fileURLWithPath: path))
    let whole = try leaving(path, prefix: 8192)
    #expect(whole.storedValue == nil && whole.keptPixelData == nil)
    #expect(try whole.encoded() == followed)
}

/// A source written to after it was opened is no source of the output's pixels: nothing is written.
@Test func aSourceChangedBeforeTheCopyIsRefused() throws {
    let folder = try Fixtures.scratch()
    let path = folder + "/in.dcm"
    try FileManager.default.copyItem(atPath: try Fixtures.pydicom("CT_small.dcm"), toPath: path)
    let file = try leaving(path, prefix: 8192)
    #expect(file.storedValue != nil)
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data([0, 0]))
    try handle.close()
    let out = folder + "/out"
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    #expect(throws: EngineError.self) { try file.write(to: out + "/out.dcm", durable: false) }
    #expect(throws: EngineError.self) { try file.encoded() }
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty, "no output and no temporary file")
}

/// The check of an output whose value follows from the source file: it passes the source's own
/// value, and fails one it cannot account for.
@Test func theCheckKnowsTheValueItsWriterCopies() throws {
    let (verifier, scrubber) = try headerOnlyCheck()
    let source = try Fixtures.pydicom("MR_small.dcm")
    let file = try leaving(source, prefix: 8192)
    let value = try #require(file.storedValue)
    let facts = SourceFacts(collecting: file, path: source, profile: verifier.profile)
    #expect(facts.stored == nil, "no partial source to parse again")
    _ = try scrubber.scrub(file)
    let whole = try file.encoded()
    let head = whole.prefix(whole.count - value.range.count)
    let check = { (output: DicomFile.Output) in verifier.verify(Verifier.Subject(output: output, name: "out.dcm", source: facts)) }
    let clean = check(.bytesThenValue(head, value))
    #expect(clean.passed, "\(clean.findings.map(\.summary))")
    #expect(clean.framesDecoded == 0)
    #expect(check(.bytes(whole)).passed, "the same output in one piece")
    // Another value of the same length (the same file opened again) is not the one the source was read with.
    let other = try #require(try leaving(source, prefix: 8192).storedValue)
    #expect(!check(.bytesThenValue(head, other)).passed)
    // A header whose Pixel Data length is not the value's.
    #expect(!check(.bytesThenValue(head.dropLast(2), value)).passed)
    // A patient's name in the header still shows.
    let patient = try #require(DicomFile.open(path: source).dataset.string(.patientName))
    var named = head
    named.replaceSubrange(200..<(200 + patient.utf8.count), with: Data(patient.utf8))
    #expect(!check(.bytesThenValue(named, value)).passed)
}

/// A header-only batch over images large enough to leave their values in the files delivers what
/// a whole read writes.
@Test func aBatchLeavesLargeValuesInTheirFiles() throws {
    let folder = try Fixtures.scratch()
    try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
    let samples = 64 << 10
    for n in 1...3 {
        let bytes = try smallImage(rows: 256, columns: samples / 256, instance: "1.2.3.4.5.6.\(n)")
        try bytes.write(to: URL(fileURLWithPath: folder + "/in/\(n).dcm"))
    }
    let report = try runBatch([folder + "/in"], out: folder + "/out")
    #expect(report.delivered == 3)
    let scrubber = try HeaderScrubber(profile: Profile.standard(), key: Fixtures.key)
    for instance in report.instances {
        let source = folder + "/in/\(instance.input).dcm"
        let left = try DicomFile.open(path: source, keepsPixelsAsStored: true)
        #expect(left.storedValue != nil)
        let whole = try DicomFile.open(path: source)
        _ = try scrubber.scrub(whole)
        let delivered = FileManager.default.contents(atPath: folder + "/out/" + (instance.output ?? ""))
        #expect(delivered == (try whole.encoded()))
    }
}

/// A header longer than the bytes read first is read whole once; the files after it are read
/// with enough bytes first, and leave their values in their files.
@Test func aLongHeaderRaisesHowMuchIsReadFirst() throws {
    let folder = try Fixtures.scratch()
    let bytes = try smallImage(rows: 256, columns: 256) { d in
        try d.put(Tag(0x0011, 0x0010), "ACME LONG HEADER", vr: "LO")
        try d.put(Tag(0x0011, 0x1001), bytes: [UInt8](repeating: 7, count: 40 << 10), vr: "OB")
    }
    let path = folder + "/long.dcm"
    try bytes.write(to: URL(fileURLWithPath: path))
    let whole = try DicomFile.open(path: path)
    _ = try DicomFile.open(path: path, keepsPixelsAsStored: true)
    let header = try #require(try DicomFile.open(path: path, maxBytes: 0, loadsAllValues: true, keepsPixelsAsStored: true,
                                                 leavesValueFrom: 0, prefix: 1 << 20).storedValue).range.lowerBound
    #expect(header > 40 << 10)
    #expect(DicomFile.headerPrefix.load(ordering: .relaxed) >= header)
    let again = try DicomFile.open(path: path, keepsPixelsAsStored: true)
    #expect(again.storedValue != nil)
    #expect(try again.encoded() == whole.encoded())
}

/// Writes `damaged` to `path`, scrubs it read whole and with the value left in the file, and
/// expects the same bytes from both (nil when refused). True when the whole read wrote anything.
private func expectSameOutput(_ damaged: Data, at path: String, prefix: Int, _ scrubber: HeaderScrubber, _ what: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
    try damaged.write(to: URL(fileURLWithPath: path))
    func written(_ open: () throws -> DicomFile) -> Data? {
        guard let file = try? open(), (try? scrubber.scrub(file)) != nil else { return nil }
        return try? file.encoded()
    }
    let whole = written { try DicomFile.open(bytes: damaged) }
    let left = written { try leaving(path, prefix: prefix) }
    #expect(whole == left, "\(what)", sourceLocation: sourceLocation)
    return whole != nil
}

/// Damaged item headers (each byte of each item's tag and length, and of the delimiter, set to
/// other values): the value left in the file writes exactly what DCMTK writes from a whole parse,
/// or the file is refused as a whole parse refuses it. Never other bytes.
@Test(arguments: ["JPEG-lossy.dcm", "SC_rgb_rle.dcm"])
func damagedItemHeadersWriteWhatAWholeParseWritesOrNothing(name: String) throws {
    let original = try Data(contentsOf: URL(fileURLWithPath: try Fixtures.pydicom(name)))
    let value = try #require(try leaving(try Fixtures.pydicom(name), prefix: 4096).storedValue)
    // Every item header: the 8 bytes before each fragment, and the delimiter ending the value.
    let headers = value.fragments.map { $0.lowerBound - 8 } + [value.range.upperBound - 8]
    let folder = try Fixtures.scratch()
    let path = folder + "/damaged.dcm"
    let scrubber = try HeaderScrubber(profile: Profile.standard(), key: Fixtures.key)
    var compared = 0
    for at in headers.flatMap({ $0..<$0 + 8 }) {
        for replacement: UInt8 in [0x00, 0x01, 0xFF, original[at] ^ 0x80] where replacement != original[at] {
            var damaged = original
            damaged[at] = replacement
            if try expectSameOutput(damaged, at: path, prefix: 4096, scrubber, "\(name): byte \(at) set to \(replacement)") {
                compared += 1
            }
        }
    }
    #expect(compared > 0)
    // A fragment of odd length, which DCMTK pads when it writes it: read whole, and padded.
    var odd = original
    let fragment = value.fragments[1]
    odd.remove(at: fragment.upperBound - 1)
    let length = UInt32(fragment.count - 1)
    odd.replaceSubrange(fragment.lowerBound - 4..<fragment.lowerBound, with: withUnsafeBytes(of: length.littleEndian) { Data($0) })
    try odd.write(to: URL(fileURLWithPath: path))
    #expect(try leaving(path, prefix: 4096).storedValue == nil)
    let whole = try DicomFile.open(bytes: odd)
    _ = try scrubber.scrub(whole)
    let left = try leaving(path, prefix: 4096)
    _ = try scrubber.scrub(left)
    #expect(try left.encoded() == whole.encoded())
    #expect(try left.encoded().count == whole.encoded().count)
}

/// A damaged Pixel Data element header (each byte of its tag, VR, reserved bytes and length set
/// to other values), in native, big endian and encapsulated files: the value left in the file
/// writes what a whole parse writes, or both refuse the file. Never other bytes.
@Test(arguments: ["CT_small.dcm", "MR_small_bigendian.dcm", "JPEG-lossy.dcm"])
func aDamagedPixelDataHeaderWritesWhatAWholeParseWritesOrNothing(name: String) throws {
    let original = try Data(contentsOf: URL(fileURLWithPath: try Fixtures.pydicom(name)))
    let tag: [UInt8] = name.contains("bigendian") ? [0x7F, 0xE0, 0x00, 0x10] : [0xE0, 0x7F, 0x10, 0x00]
    let header = try #require(original.lastRange(of: Data(tag))).lowerBound
    let folder = try Fixtures.scratch()
    let path = folder + "/damaged.dcm"
    let scrubber = try HeaderScrubber(profile: Profile.standard(), key: Fixtures.key)
    // Undamaged, the value stays in the file: the comparisons below start from that path.
    #expect(try leaving(try Fixtures.pydicom(name), prefix: 8192).storedValue != nil)
    var compared = 0
    for at in header..<header + 12 {
        for replacement: UInt8 in [0x00, 0x01, 0xFF, original[at] ^ 0x80] where replacement != original[at] {
            var damaged = original
            damaged[at] = replacement
            let what = "\(name): byte \(at - header) of the header set to \(replacement)"
            if try expectSameOutput(damaged, at: path, prefix: 8192, scrubber, what) { compared += 1 }
        }
    }
    #expect(compared > 0)
}
