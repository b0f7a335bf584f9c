// PixelDataSpan: where the top-level Pixel Data value lies in a file's bytes, so the byte scan can leave samples aside.

/// Samples are not text, and a name spelled by chance in grey levels identifies no one; the OCR
/// checks what pixels show. So the byte scan skips native Pixel Data, and of compressed frames it
/// reads only the start of each fragment, where JPEG comments and JPEG 2000 boxes can carry text.
struct PixelDataSpan: Equatable {
    /// The value's bytes (after the element header) up to its end, delimiter included.
    let value: Range<Int>
    /// Fragments of encapsulated Pixel Data (the offset table first); empty for native.
    let fragments: [Range<Int>]
    var isEncapsulated: Bool { !fragments.isEmpty }

    static let undefinedLength: UInt32 = 0xFFFF_FFFF

    /// The first Pixel Data element header whose value ends where the dataset can end: at the end
    /// of the file or before an element of a group at or above 7FE0 (not an item delimiter), with
    /// the length DCMTK read (`nativeLength`) when native. Nil when none fits (deflated files,
    /// damage): then the caller scans every byte.
    static func locate(in bytes: UnsafeRawBufferPointer, transferSyntax: String, nativeLength: Int?) -> PixelDataSpan? {
        if transferSyntax == "1.2.840.10008.1.2.1.99" { return nil } // deflated: the bytes are compressed
        let bigEndian = transferSyntax == "1.2.840.10008.1.2.2"
        let explicit = transferSyntax != "1.2.840.10008.1.2"
        let tag: [UInt8] = bigEndian ? [0x7F, 0xE0, 0x00, 0x10] : [0xE0, 0x7F, 0x10, 0x00]
        let headerLength = explicit ? 12 : 8
        var i = 0
        while i + headerLength <= bytes.count {
            defer { i += 1 }
            guard bytes[i] == tag[0], bytes[i + 1] == tag[1], bytes[i + 2] == tag[2], bytes[i + 3] == tag[3] else { continue }
            let length: UInt32
            if explicit {
                let vr = String(decoding: [bytes[i + 4], bytes[i + 5]], as: UTF8.self)
                guard ["OB", "OW", "OD", "OF", "OL", "OV", "UN"].contains(vr), bytes[i + 6] == 0, bytes[i + 7] == 0 else { continue }
                length = uint32(bytes, at: i + 8, bigEndian: bigEndian)
            } else {
                length = uint32(bytes, at: i + 4, bigEndian: false)
            }
            let start = i + headerLength
            if length == undefinedLength {
                guard !bigEndian, let (fragments, end) = fragments(in: bytes, from: start), endsDataset(bytes, at: end) else { continue }
                return PixelDataSpan(value: start..<end, fragments: fragments)
            }
            let end = start + Int(length)
            guard end <= bytes.count, nativeLength.map({ $0 == Int(length) }) ?? true,
                  endsDataset(bytes, at: end, bigEndian: bigEndian) else { continue }
            return PixelDataSpan(value: start..<end, fragments: [])
        }
        return nil
    }

    /// Items (FFFE,E000) up to the sequence delimiter (FFFE,E0DD); nil when they do not parse.
    static func fragments(in bytes: UnsafeRawBufferPointer, from start: Int) -> ([Range<Int>], Int)? {
        var fragments: [Range<Int>] = []
        var p = start
        while p + 8 <= bytes.count {
            guard bytes[p] == 0xFE, bytes[p + 1] == 0xFF else { return nil }
            let length = Int(uint32(bytes, at: p + 4, bigEndian: false))
            if bytes[p + 2] == 0xDD, bytes[p + 3] == 0xE0 {
                return fragments.isEmpty ? nil : (fragments, p + 8)
            }
            guard bytes[p + 2] == 0x00, bytes[p + 3] == 0xE0, p + 8 + length <= bytes.count else { return nil }
            fragments.append(p + 8..<p + 8 + length)
            p += 8 + length
        }
        return nil
    }

    static func endsDataset(_ bytes: UnsafeRawBufferPointer, at end: Int, bigEndian: Bool = false) -> Bool {
        if end == bytes.count { return true }
        guard end + 4 <= bytes.count else { return false }
        let group = bigEndian ? UInt16(bytes[end]) << 8 | UInt16(bytes[end + 1]) : UInt16(bytes[end + 1]) << 8 | UInt16(bytes[end])
        return group >= 0x7FE0 && group != 0xFFFE
    }

    static func uint32(_ bytes: UnsafeRawBufferPointer, at p: Int, bigEndian: Bool) -> UInt32 {
        let b = (0..<4).map { UInt32(bytes[p + $0]) }
        return bigEndian ? b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3] : b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0]
    }
}
