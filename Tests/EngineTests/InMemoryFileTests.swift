// Tests of files read and written through memory: the same dataset and the same bytes as DCMTK's own file reading and writing.
@testable import Engine
import Foundation
import Testing

@Test(arguments: realFiles)
func memoryAndFileReadersSeeTheSameDataset(name: String) throws {
    let input = try Fixtures.pydicom(name)
    let inMemory = try DicomFile.open(path: input)
    let fromFile = try DicomFile.openFile(path: input, maxBytes: DicomFile.defaultMaxBytes, loadsAllValues: true)
    // Deflated files are the one kind read from the file either way.
    #expect((inMemory.sourceBytes == nil) == (name == "image_dfl.dcm"), "\(name)")
    #expect(inMemory.transferSyntax == fromFile.transferSyntax, "\(name)")
    #expect(inMemory.hasPreamble == fromFile.hasPreamble, "\(name)")
    let listed = HeaderListing.list(inMemory)
    #expect(!listed.isEmpty, "\(name)")
    #expect(listed == HeaderListing.list(fromFile), "\(name)")
    let meta = { (file: DicomFile) in file.meta.elements.map { "\($0.tag) \($0.vr) \($0.length)" } }
    #expect(meta(inMemory) == meta(fromFile), "\(name)")
}

@Test(arguments: realFiles)
func memoryAndFileWritersWriteTheSameBytes(name: String) throws {
    let folder = try Fixtures.scratch()
    let input = try Fixtures.pydicom(name)
    let scrubber = try HeaderScrubber(profile: Profile.standard(), key: Fixtures.key)
    let file = try DicomFile.open(path: input)
    _ = try scrubber.scrub(file)
    // A copy keeps no source bytes, so it is written by DCMTK to a file.
    let copy = file.copy()
    #expect(!copy.encodesInMemory(transferSyntax: nil))
    try copy.write(to: folder + "/disk.dcm")
    let onDisk = try Data(contentsOf: URL(fileURLWithPath: folder + "/disk.dcm"))
    var checked: Data?
    try file.write(to: folder + "/memory.dcm") { output in
        if case .bytes(let bytes) = output { checked = bytes }
    }
    let written = try Data(contentsOf: URL(fileURLWithPath: folder + "/memory.dcm"))
    // Without a SOP Instance UID, DCMTK makes up a new one for the meta header on every write.
    guard file.dataset.string(.sopInstanceUID) != nil else {
        #expect(written.count == onDisk.count, "\(name)")
        return
    }
    #expect(written == onDisk, "\(name): \(written.count) bytes from memory, \(onDisk.count) from DCMTK's file writer")
    if name != "image_dfl.dcm" {
        #expect(checked == written, "\(name): the check saw other bytes than were written")
        #expect(written.prefix(128).allSatisfy { $0 == 0 } && written.count > 132, "\(name)")
    }
}

@Test func bytesThatEndEarlyAreRefusedWhereverTheyEnd() throws {
    let input = try Fixtures.pydicom("CT_small.dcm")
    let whole = try Data(contentsOf: URL(fileURLWithPath: input))
    #expect(try HeaderListing.list(DicomFile.open(bytes: whole)).count > 20)
    // Inside the meta header, inside the dataset's header, inside Pixel Data, one byte short.
    for length in [100, 300, 1_000, whole.count / 2, whole.count - 1] {
        #expect(throws: EngineError.self, "\(length) of \(whole.count) bytes") {
            try DicomFile.open(bytes: whole.prefix(length))
        }
    }
    #expect(throws: EngineError.self) { try DicomFile.open(bytes: Data()) }
    #expect(throws: EngineError.self) { try DicomFile.open(bytes: Data((0..<5_000).map { UInt8(truncatingIfNeeded: $0 * 7 + 200) })) }
}

/// Each open call says why it failed as a code from the C layer, whatever words DCMTK used.
@Test func everyOpenSaysWhyItFailed() throws {
    let folder = try Fixtures.scratch()
    let input = try Fixtures.pydicom("CT_small.dcm")
    let whole = try Data(contentsOf: URL(fileURLWithPath: input))
    let noise = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37 | 0x80) })
    try noise.write(to: URL(fileURLWithPath: folder + "/noise"))
    try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: folder + "/half.dcm"))
    let code = { (open: () throws -> DicomFile) -> String? in
        do { _ = try open(); return nil } catch let error as EngineError { return error.code.name } catch { return "\(error)" }
    }
    let fromFile = { (path: String, limit: UInt64) in
        code { try DicomFile.openFile(path: path, maxBytes: limit, loadsAllValues: true) }
    }
    #expect(fromFile(folder + "/absent.dcm", 0) == "io")
    #expect(fromFile(folder, 0) == "io")
    #expect(fromFile(input, UInt64(whole.count) - 1) == "too-large")
    #expect(fromFile(input, UInt64(whole.count)) == nil)
    #expect(fromFile(folder + "/noise", 0) == "not-dicom")
    #expect(fromFile(folder + "/half.dcm", 0) == "malformed")
    #expect(code { try DicomFile.open(bytes: noise) } == "not-dicom")
    #expect(code { try DicomFile.open(bytes: whole.prefix(whole.count / 2)) } == "malformed")
    #expect(code { try DicomFile.open(bytes: whole.prefix(whole.count / 2), keepsPixelsAsStored: true) } == "malformed")
    #expect(code { try DicomFile.open(bytes: whole) } == nil)
}
