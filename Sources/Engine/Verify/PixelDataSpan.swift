// PixelDataSpan: where the top-level Pixel Data value lies in a file's bytes, so the byte scan can leave samples aside.
import Foundation

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

    /// How a transfer syntax writes the Pixel Data element's header; nil for deflated files, whose
    /// bytes are compressed.
    struct Encoding {
        let bigEndian: Bool
        let explicit: Bool
        /// (7FE0,0010) in its byte order.
        let tag: [UInt8]
        var headerLength: Int { explicit ? 12 : 8 }

        init?(_ transferSyntax: String) {
            if transferSyntax == "1.2.840.10008.1.2.1.99" { return nil }
            bigEndian = transferSyntax == "1.2.840.10008.1.2.2"
            explicit = transferSyntax != "1.2.840.10008.1.2"
            tag = bigEndian ? [0x7F, 0xE0, 0x00, 0x10] : [0xE0, 0x7F, 0x10, 0x00]
        }
    }

    /// The first Pixel Data element header whose value ends where the dataset can end: at the end
    /// of the file or before an element of a group at or above 7FE0 (not an item delimiter), with
    /// the length DCMTK read (`nativeLength`) when native. Nil when none fits (deflated files,
    /// damage): then the caller scans every byte.
    static func locate(in bytes: UnsafeRawBufferPointer, transferSyntax: String, nativeLength: Int?) -> PixelDataSpan? {
        guard let encoding = Encoding(transferSyntax) else { return nil }
        let (bigEndian, explicit, tag, headerLength) = (encoding.bigEndian, encoding.explicit, encoding.tag, encoding.headerLength)
        guard let base = bytes.baseAddress else { return nil }
        var i = 0
        while i + headerLength <= bytes.count {
            // memchr to the next candidate: the header before Pixel Data is scanned byte by byte otherwise.
            guard let found = memchr(base + i, Int32(tag[0]), bytes.count - headerLength + 1 - i) else { return nil }
            i = base.distance(to: UnsafeRawPointer(found))
            defer { i += 1 }
            guard bytes[i + 1] == tag[1], bytes[i + 2] == tag[2], bytes[i + 3] == tag[3] else { continue }
            let length: UInt32
            if explicit {
                guard Self.binaryVRs.contains(UInt16(bytes[i + 4]) << 8 | UInt16(bytes[i + 5])), bytes[i + 6] == 0, bytes[i + 7] == 0 else { continue }
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

    /// The span of `file`'s top-level Pixel Data in `bytes`, the bytes it was parsed from: the one its
    /// header-only read checked, or else located with the length DCMTK read. Nil without Pixel Data.
    static func of(_ file: DicomFile, in bytes: UnsafeRawBufferPointer) -> PixelDataSpan? {
        if let kept = file.keptSpan { return kept }
        let dataset = file.dataset
        guard let index = dataset.index(of: .pixelData) else { return nil }
        let length = dataset.element(at: index).length
        return locate(in: bytes, transferSyntax: file.transferSyntax,
                      nativeLength: length == Int(undefinedLength) ? nil : length)
    }

    /// The Pixel Data element whose tag is at `offset`, when it is the last of `bytes` (but for Data
    /// Set Trailing Padding): an even-length OB or OW value (any, in Implicit VR), or OB fragments,
    /// that end exactly there, as DCMTK would write them again. Nil otherwise: such a file is read with its Pixel Data
    /// (DicomFile.openHeader).
    static func element(at offset: Int, in bytes: UnsafeRawBufferPointer, transferSyntax: String) -> PixelDataSpan? {
        guard let (encoding, length, start) = header(at: offset, in: bytes, transferSyntax: transferSyntax) else { return nil }
        let (bigEndian, explicit) = (encoding.bigEndian, encoding.explicit)
        if length == undefinedLength {
            // Encapsulated values are OB: DCMTK writes one read as OW (files with it exist) as OB.
            guard !bigEndian, !explicit || bytes[offset + 5] == 0x42, let (fragments, end) = fragments(in: bytes, from: start),
                  endsWithPadding(bytes, at: end, explicit: explicit, bigEndian: bigEndian) else { return nil }
            return PixelDataSpan(value: start..<end, fragments: fragments)
        }
        // An odd length DCMTK would pad when it writes the value.
        let end = start + Int(length)
        guard length % 2 == 0, end <= bytes.count, endsWithPadding(bytes, at: end, explicit: explicit, bigEndian: bigEndian) else { return nil }
        return PixelDataSpan(value: start..<end, fragments: [])
    }

    /// Where the native value of the Pixel Data element whose tag is at `offset` begins, and its
    /// length, from the element's header alone (the value need not be in `bytes`): an even-length
    /// OB or OW value, as `element(at:)` takes it. Nil for encapsulated Pixel Data or anything else.
    static func nativeValue(at offset: Int, in bytes: UnsafeRawBufferPointer,
                            transferSyntax: String) -> (lowerBound: Int, length: Int, encoding: Encoding)? {
        guard let (encoding, length, start) = header(at: offset, in: bytes, transferSyntax: transferSyntax),
              length != undefinedLength, length % 2 == 0 else { return nil }
        return (start, Int(length), encoding)
    }

    /// Where the encapsulated value of the Pixel Data element whose tag is at `offset` begins, from
    /// the element's header alone: undefined length, OB when explicit, little endian, as
    /// `element(at:)` takes it. Nil for native Pixel Data or anything else.
    static func encapsulatedValue(at offset: Int, in bytes: UnsafeRawBufferPointer,
                                  transferSyntax: String) -> (lowerBound: Int, encoding: Encoding)? {
        guard let (encoding, length, start) = header(at: offset, in: bytes, transferSyntax: transferSyntax),
              length == undefinedLength, !encoding.bigEndian, !encoding.explicit || bytes[offset + 5] == 0x42 else { return nil }
        return (start, encoding)
    }

    /// A Pixel Data element header at `offset` in the transfer syntax's encoding (OB or OW when
    /// explicit): its encoding, the length it states and where its value begins.
    private static func header(at offset: Int, in bytes: UnsafeRawBufferPointer, transferSyntax: String) -> (Encoding, UInt32, Int)? {
        guard let encoding = Encoding(transferSyntax) else { return nil }
        let (explicit, tag, headerLength) = (encoding.explicit, encoding.tag, encoding.headerLength)
        guard offset >= 0, offset + headerLength <= bytes.count, (0..<4).allSatisfy({ bytes[offset + $0] == tag[$0] }) else { return nil }
        if explicit {
            guard bytes[offset + 4] == 0x4F, bytes[offset + 5] == 0x42 || bytes[offset + 5] == 0x57,
                  bytes[offset + 6] == 0, bytes[offset + 7] == 0 else { return nil }
        }
        return (encoding, uint32(bytes, at: offset + headerLength - 4, bigEndian: encoding.bigEndian), offset + headerLength)
    }

    /// True when `bytes` end at `end`, or after one Data Set Trailing Padding element (FFFC,FFFC) there.
    static func endsWithPadding(_ bytes: UnsafeRawBufferPointer, at end: Int, explicit: Bool, bigEndian: Bool) -> Bool {
        if end == bytes.count { return true }
        let headerLength = explicit ? 12 : 8
        let tag: [UInt8] = bigEndian ? [0xFF, 0xFC, 0xFF, 0xFC] : [0xFC, 0xFF, 0xFC, 0xFF]
        guard end + headerLength <= bytes.count, (0..<4).allSatisfy({ bytes[end + $0] == tag[$0] }) else { return false }
        if explicit { guard bytes[end + 4] == 0x4F, bytes[end + 5] == 0x42, bytes[end + 6] == 0, bytes[end + 7] == 0 else { return false } }
        let length = uint32(bytes, at: end + headerLength - 4, bigEndian: bigEndian)
        return length != undefinedLength && end + headerLength + Int(length) == bytes.count
    }

    /// OB, OW, OD, OF, OL, OV, UN: the VRs Pixel Data can have, as their two bytes.
    static let binaryVRs: [UInt16] = ["OB", "OW", "OD", "OF", "OL", "OV", "UN"].map { vr in
        let b = Array(vr.utf8)
        return UInt16(b[0]) << 8 | UInt16(b[1])
    }

    /// Items (FFFE,E000) of even length up to the sequence delimiter (FFFE,E0DD) of length 0, as
    /// DCMTK writes them (it pads an odd item): a value copied as it is must be what DCMTK would
    /// write. Nil when they do not parse so.
    static func fragments(in bytes: UnsafeRawBufferPointer, from start: Int) -> ([Range<Int>], Int)? {
        fragments(from: start, end: bytes.count) { p in
            p + 8 <= bytes.count ? UnsafeRawBufferPointer(rebasing: bytes[p..<p + 8]).loadUnaligned(as: ItemHeader.self) : nil
        }
    }

    /// The 8 bytes of an item's tag and length, as stored (little endian).
    typealias ItemHeader = (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    /// `fragments(in:from:)` over bytes that need not be in memory: `header(p)` gives the 8 bytes at
    /// `p` (nil when they cannot be read), and the items must end by `end`.
    static func fragments(from start: Int, end: Int, header: (Int) -> ItemHeader?) -> ([Range<Int>], Int)? {
        var fragments: [Range<Int>] = []
        var p = start
        while p + 8 <= end, let h = header(p) {
            guard h.0 == 0xFE, h.1 == 0xFF else { return nil }
            let length = Int(UInt32(h.7) << 24 | UInt32(h.6) << 16 | UInt32(h.5) << 8 | UInt32(h.4))
            if h.2 == 0xDD, h.3 == 0xE0 {
                return fragments.isEmpty || length != 0 ? nil : (fragments, p + 8)
            }
            guard h.2 == 0x00, h.3 == 0xE0, length % 2 == 0, p + 8 + length <= end else { return nil }
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
        let b0 = UInt32(bytes[p]), b1 = UInt32(bytes[p + 1]), b2 = UInt32(bytes[p + 2]), b3 = UInt32(bytes[p + 3])
        return bigEndian ? b0 << 24 | b1 << 16 | b2 << 8 | b3 : b3 << 24 | b2 << 16 | b1 << 8 | b0
    }
}
