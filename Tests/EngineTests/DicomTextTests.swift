// Tests of DicomText: character set shortcuts read text exactly as DCMTK's converter does.
import CDCMTK
import Engine
import Testing

/// ISO_IR 100 is decoded without DCMTK's converter: every byte must read as DCMTK's converter
/// (called directly here) reads it.
@Test func latin1ShortcutReadsEveryByteAsDCMTKDoes() {
    let bytes = (UInt8(0x20)...UInt8(0xFF)).filter { $0 != 0x5C && $0 != 0x1B }
    var output: UnsafeMutablePointer<CChar>?
    var length = 0
    var error = [CChar](repeating: 0, count: 256)
    let status = bytes.map { CChar(bitPattern: $0) }.withUnsafeBufferPointer {
        cdcm_to_utf8("ISO_IR 100", $0.baseAddress, $0.count, &output, &length, &error, error.count)
    }
    #expect(status == 0)
    guard let output else { return }
    defer { cdcm_free(output) }
    let converted = output.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    #expect(DicomText.decode(bytes, charset: "ISO_IR 100") == converted)
    #expect(DicomText.decode([0x4D, 0x61, 0x72, 0xED, 0x61], charset: "ISO_IR 100") == "María")
}
