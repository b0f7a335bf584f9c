// DicomText: character sets and padding of DICOM string values.
import CDCMTK

public enum DicomText {
    /// Strips the space and NUL padding DICOM adds to reach an even length.
    /// Over the UTF-8 bytes (both are ASCII): walking Characters cost more than what most callers
    /// then do with the value.
    public static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        var start = utf8.startIndex, end = utf8.endIndex
        while end > start {
            let before = utf8.index(before: end)
            guard utf8[before] == 0x20 || utf8[before] == 0 else { break }
            end = before
        }
        while start < end, utf8[start] == 0x20 { start = utf8.index(after: start) }
        if start == utf8.startIndex && end == utf8.endIndex { return text }
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }

    /// Charsets whose bytes are already UTF-8 (ASCII is a subset).
    public static func isUTF8Compatible(_ charset: String) -> Bool {
        // The common declarations answered without splitting: this is asked of every text value.
        if charset.isEmpty || charset == "ISO_IR 192" || charset == "ISO_IR 6" { return true }
        if charset == "ISO_IR 100" { return false }
        let terms = charset.split(separator: "\\").map { $0.trimmingCharacters(in: .whitespaces) }
        return terms.allSatisfy { $0.isEmpty || $0 == "ISO_IR 6" || $0 == "ISO_IR 192" || $0 == "ISO 2022 IR 6" }
    }

    /// Decodes a value stored under `charset` (the dataset's Specific Character Set) to a String.
    /// Undeclared non-ASCII bytes are read as UTF-8 when valid, else as Latin-1, as most viewers do.
    public static func decode(_ bytes: [UInt8], charset: String) -> String? {
        // ASCII is valid UTF-8 as it is; the generic validating initializer resolves its types at
        // run time, half a percent of a header-only file's work (perf), where most values are ASCII.
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        if isUTF8Compatible(charset) {
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            if charset.isEmpty { return latin1(bytes) }
            return nil
        }
        // ISO_IR 100 alone (no code extensions) is ISO 8859-1, whose bytes are the first 256
        // Unicode scalars: no converter is opened for the most common European declaration.
        if charset == "ISO_IR 100" { return latin1(bytes) }
        var output: UnsafeMutablePointer<CChar>?
        var length = 0
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                withErrorBuffer { err, len in
                    cdcm_to_utf8(charset, chars.baseAddress, chars.count, &output, &length, err, len)
                }
            }
        }
        guard status == 0, let output else { return nil }
        defer { cdcm_free(output) }
        return output.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// ISO 8859-1 to UTF-8: a byte from 0x80 up is the scalar of the same value, two bytes in UTF-8.
    private static func latin1(_ bytes: [UInt8]) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            if byte < 0x80 {
                utf8.append(byte)
            } else {
                utf8.append(0xC0 | byte >> 6)
                utf8.append(0x80 | byte & 0x3F)
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}
