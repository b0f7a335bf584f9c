// PixelRedactor+Black: the sample values that read as black in each photometric interpretation, and the bits kept around them.

/// How one sample of a filled pixel is written in its BitsAllocated container: `(old & keep) | value`.
struct SampleFill: Equatable, Sendable {
    let value: UInt32
    let keep: UInt32
}

enum BlackLevel {
    /// One fill per sample of a pixel whose decoded samples are `photometric`.
    static func fills(photometric: String, info: PixelInfo, dataset: DicomItem) throws -> [SampleFill] {
        guard [8, 16, 32].contains(info.bitsAllocated) else {
            throw EngineError(.unsupported, "cannot redact pixels of Bits Allocated \(info.bitsAllocated)")
        }
        guard info.bitsStored >= 1, info.bitsStored <= info.bitsAllocated else {
            throw EngineError(.malformed, "Bits Stored (0028,0101) does not fit Bits Allocated (0028,0100)")
        }
        // The decoded samples and the mask below assume the stored bits sit at the bottom of the
        // container, which PS3.5 8.1.1 requires; an older layout is refused rather than guessed.
        if let highBit = dataset.redactorUInt16s(Tag(0x0028, 0x0102))?.first, Int(highBit) != info.bitsStored - 1 {
            throw EngineError(.unsupported, "cannot redact pixels whose High Bit (0028,0102) is not Bits Stored - 1")
        }
        let bits = info.bitsStored
        let signedMin = -(1 << (bits - 1)), signedMax = (1 << (bits - 1)) - 1, unsignedMax = (1 << bits) - 1
        let black: [Int]
        switch photometric {
        case "MONOCHROME2":
            black = [info.isSigned ? signedMin : 0]
        case "MONOCHROME1":
            black = [info.isSigned ? signedMax : unsignedMax]
        case "RGB":
            black = [0, 0, 0]
        case "YBR_FULL", "YBR_FULL_422":
            // Full-range YCbCr: no luma, chroma at its midpoint (PS3.3 C.7.6.3.1.2).
            black = [0, 1 << (bits - 1), 1 << (bits - 1)]
        case "PALETTE COLOR":
            black = [try PaletteLookup(dataset, isSigned: info.isSigned).darkestPixelValue()]
        default:
            throw EngineError(.unsupported, "cannot redact pixels of this Photometric Interpretation (0028,0004)")
        }
        guard black.count == info.samplesPerPixel else {
            throw EngineError(.malformed, "Samples per Pixel (0028,0002) does not match Photometric Interpretation (0028,0004)")
        }
        if info.isSigned && black.count > 1 {
            throw EngineError(.unsupported, "cannot redact colour pixels with signed samples")
        }
        let container: UInt32 = info.bitsAllocated == 32 ? .max : (1 << UInt32(info.bitsAllocated)) - 1
        let stored: UInt32 = bits == 32 ? .max : (1 << UInt32(bits)) - 1
        return try black.map { value in
            guard value >= (info.isSigned ? signedMin : 0), value <= (info.isSigned ? signedMax : unsignedMax) else {
                throw EngineError(.malformed, "the black pixel value lies outside the stored range")
            }
            // Signed values are sign-extended through the whole container; unsigned ones leave the
            // bits above Bits Stored as they were (old files keep overlays there).
            return info.isSigned
                ? SampleFill(value: UInt32(truncatingIfNeeded: value) & container, keep: 0)
                : SampleFill(value: UInt32(value) & stored, keep: container & ~stored)
        }
    }
}

/// The Red, Green and Blue Palette Color Lookup Tables (PS3.3 C.7.6.3.1.5-6), read to find black.
struct PaletteLookup {
    let firstMapped: Int
    let red: [Int], green: [Int], blue: [Int]
    let maxima: (red: Int, green: Int, blue: Int)

    init(_ dataset: DicomItem, isSigned: Bool) throws {
        let descriptorTags = [Tag(0x0028, 0x1101), Tag(0x0028, 0x1102), Tag(0x0028, 0x1103)]
        let dataTags = [Tag(0x0028, 0x1201), Tag(0x0028, 0x1202), Tag(0x0028, 0x1203)]
        var tables: [(entries: [Int], first: Int, maximum: Int)] = []
        for (descriptorTag, dataTag) in zip(descriptorTags, dataTags) {
            guard let descriptor = dataset.redactorUInt16s(descriptorTag), descriptor.count == 3 else {
                throw EngineError(.malformed, "PALETTE COLOR without a valid \(descriptorTag) descriptor")
            }
            guard let index = dataset.index(of: dataTag), let data = dataset.bytes(at: index), !data.isEmpty else {
                // Segmented tables (0028,1221-1223) only: rare enough to refuse instead of expanding.
                throw EngineError(.unsupported, "cannot redact PALETTE COLOR without lookup table data \(dataTag)")
            }
            let count = descriptor[0] == 0 ? 65536 : Int(descriptor[0])
            // The second value is SS when Pixel Representation is 1 (PS3.3 C.7.6.3.1.5).
            let first = isSigned ? Int(Int16(bitPattern: descriptor[1])) : Int(descriptor[1])
            let bits = Int(descriptor[2])
            guard (1...16).contains(bits) else {
                throw EngineError(.malformed, "\(descriptorTag) gives an entry size other than 1 to 16 bits")
            }
            tables.append((try Self.entries(data, count: count, bits: bits, tag: dataTag), first, (1 << bits) - 1))
        }
        guard tables[1].first == tables[0].first, tables[2].first == tables[0].first,
              tables[1].entries.count == tables[0].entries.count, tables[2].entries.count == tables[0].entries.count
        else {
            throw EngineError(.malformed, "the three PALETTE COLOR descriptors disagree")
        }
        firstMapped = tables[0].first
        red = tables[0].entries
        green = tables[1].entries
        blue = tables[2].entries
        maxima = (tables[0].maximum, tables[1].maximum, tables[2].maximum)
    }

    /// 8-bit entries are packed two to a word by the standard, but many writers give each its own
    /// word; the data length tells which.
    static func entries(_ data: [UInt8], count: Int, bits: Int, tag: Tag) throws -> [Int] {
        if data.count >= 2 * count {
            let words = (0..<count).map { Int(data[2 * $0]) | Int(data[2 * $0 + 1]) << 8 }
            // An 8-bit table in 16-bit words holds its values either in the low or the high byte.
            if bits == 8, words.contains(where: { $0 > 255 }) { return words.map { $0 >> 8 } }
            return words
        }
        if bits == 8, data.count >= count { return data.prefix(count).map { Int($0) } }
        throw EngineError(.malformed, "\(tag) is shorter than its descriptor says")
    }

    /// The pixel value whose entry is darkest (Rec. 601 luma), the lowest on a tie; values below the
    /// first mapped one read as the first entry, so no value outside the table is needed.
    func darkestPixelValue() -> Int {
        var darkest = 0
        var lowest = Double.infinity
        for i in red.indices {
            let luma = 0.299 * Double(red[i]) / Double(maxima.red) + 0.587 * Double(green[i]) / Double(maxima.green)
                + 0.114 * Double(blue[i]) / Double(maxima.blue)
            if luma < lowest {
                lowest = luma
                darkest = i
            }
        }
        return firstMapped + darkest
    }
}

extension DicomItem {
    /// The values of a US/SS/OW element as 16-bit words, or nil when it is missing or not binary.
    fileprivate func redactorUInt16s(_ tag: Tag) -> [UInt16]? {
        guard let index = index(of: tag), let bytes = bytes(at: index), bytes.count >= 2 else { return nil }
        return stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
    }
}
