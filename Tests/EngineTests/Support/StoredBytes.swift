// StoredBytes: files opened with their Pixel Data value left in the file, and a JPEG file relabelled, for tests of values kept as stored.
@testable import Engine
import Foundation
import Testing

/// Opens `path` as a header-only batch does, its Pixel Data value left in the file whatever the
/// file's size, `prefix` bytes read first.
func leaving(_ path: String, prefix: Int) throws -> DicomFile {
    try DicomFile.open(path: path, maxBytes: DicomFile.defaultMaxBytes, loadsAllValues: true, keepsPixelsAsStored: true,
                       leavesValueFrom: 0, prefix: prefix)
}

/// A JPEG baseline or extended file (transfer syntax 1.2.840.10008.1.2.4.50 or .51) whose meta
/// header declares explicit little endian instead, its frames left as they are.
func declaringExplicitLittleEndian(_ jpeg: Data) throws -> Data {
    var bytes = jpeg
    let declared = try #require(bytes.range(of: Data("1.2.840.10008.1.2.4.5".utf8)))
    // 19 characters and a NUL for 22: the element and its group are 2 bytes shorter.
    bytes.replaceSubrange(declared.lowerBound..<declared.lowerBound + 22, with: Data("1.2.840.10008.1.2.1".utf8) + [0])
    bytes[declared.lowerBound - 2] -= 2
    bytes[140] -= 2 // (0002,0000) File Meta Information Group Length, after the preamble and its header
    return bytes
}
