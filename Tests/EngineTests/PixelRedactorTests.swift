// Tests of PixelRedactor on pydicom's real files and generated ones, judged by re-reading the saved file.
import Engine
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension RedactionCheck {
    /// Every photometric interpretation, bit depth, byte order and transfer syntax among pydicom's test
    /// files that DCMTK decodes.
    static let files = [
        "CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm", "image_dfl.dcm",
        "JPEG-lossy.dcm", "JPGExtended.dcm", "MR_small_jpeg_ls_lossless.dcm", "JPEGLSNearLossless_08.dcm",
        "JPEGLSNearLossless_16.dcm", "MR_small_RLE.dcm", "SC_rgb_rle.dcm", "SC_rgb_rle_16bit.dcm",
        "SC_rgb_rle_2frame.dcm", "SC_rgb_rle_16bit_2frame.dcm", "SC_rgb_rle_32bit_2frame.dcm",
        "examples_ybr_color.dcm", "SC_ybr_full_422_uncompressed.dcm", "examples_palette.dcm",
        "examples_rgb_color.dcm", "ExplVR_BigEnd.dcm", "SC_rgb_small_odd.dcm", "SC_rgb_small_odd_jpeg.dcm",
        "SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_dcmtk_+eb+cy+np.dcm", "SC_rgb_jpeg_gdcm.dcm", "SC_rgb_jls_lossy_line.dcm",
        "rtdose.dcm", "rtdose_expb.dcm", "rtdose_rle.dcm", "SC_rgb_rle_32bit.dcm", "SC_jpeg_no_color_transform.dcm",
        "SC_rgb_dcmtk_+eb+cy+n1.dcm", "SC_rgb_jpeg_dcmd.dcm", "examples_overlay.dcm",
    ]

    /// What the written Photometric Interpretation must be where decoding changes it.
    static let expectedPhotometric = [
        "examples_ybr_color.dcm": "RGB", // JPEG YBR_FULL_422: the decoder converts to RGB
        "examples_jpeg2k.dcm": "RGB", // JPEG 2000 YBR_RCT: OpenJPEG inverts the colour transform
        "GDCMJ2K_TextGBR.dcm": "RGB",
        "SC_rgb_jpeg_dcmtk.dcm": "RGB",
        "SC_ybr_full_422_uncompressed.dcm": "YBR_FULL", // native 4:2:2, widened
        "examples_palette.dcm": "PALETTE COLOR",
        "CT_small.dcm": "MONOCHROME2",
    ]

    static let explicitLittle = "1.2.840.10008.1.2.1"
    static let nativeSyntaxes: Set<String> = ["1.2.840.10008.1.2", explicitLittle, "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"]
    static let lossySyntaxes: Set<String> = ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.81",
                                             "1.2.840.10008.1.2.4.91"]

    /// Two overlapping rectangles well inside any image of at least one pixel.
    static func twoRectangles(_ info: PixelInfo) -> [PixelRect] {
        let c = info.columns, r = info.rows
        return [
            PixelRect(x: c / 8, y: r / 8, width: max(1, c / 3), height: max(1, r / 4)),
            PixelRect(x: c / 4, y: r / 5, width: max(1, c / 3), height: max(1, r / 3)),
        ]
    }
}

@Test(arguments: RedactionCheck.files)
func redactsRealFile(name: String) throws {
    let input = try Fixtures.pydicom(name)
    let info = try DicomFile.open(path: input).pixelInfo()
    try RedactionCheck.run(input: input, rectangles: RedactionCheck.twoRectangles(info), label: name)
}

@Test(arguments: RedactionCheck.GeneratedImage.allCases)
func redactsGeneratedImage(kind: RedactionCheck.GeneratedImage) throws {
    let folder = try Fixtures.scratch()
    let input = folder + "/\(kind.rawValue).dcm"
    try kind.write(to: input)
    let info = try DicomFile.open(path: input).pixelInfo()
    try RedactionCheck.run(input: input, rectangles: RedactionCheck.twoRectangles(info), label: kind.rawValue)
}

@Test func blackInGeneratedImagesIsTheExpectedStoredValue() throws {
    // The generic check derives black from the rules; these pin the numbers themselves.
    let expected: [RedactionCheck.GeneratedImage: [UInt32]] = [
        .monochrome1Unsigned12: [0x0FFF], .monochrome2Signed12: [0xF800], .monochrome1Signed16: [0x7FFF],
        .monochrome2Signed8: [0x80], .monochrome2Unsigned24in32: [0], .palette16BitEntries: [37],
        .palette8BitEntriesFirstMapped16: [21],
    ]
    let folder = try Fixtures.scratch()
    for (kind, black) in expected {
        let input = folder + "/\(kind.rawValue).dcm"
        try kind.write(to: input)
        let file = try DicomFile.open(path: input)
        let info = try file.pixelInfo()
        let rectangle = PixelRect(x: 2, y: 3, width: 4, height: 2)
        _ = try PixelRedactor.redact(file, rectangles: [rectangle])
        let output = input + ".out.dcm"
        try file.write(to: output)
        let reread = try DicomFile.open(path: output)
        let samples = try reread.decodeFrame(0, info: info).samples
        let bytes = info.bitsAllocated / 8
        let value = RedactionCheck.Samples.read(samples, at: (3 * info.columns + 2) * bytes, bytes: bytes)
        let stored: UInt32 = info.bitsStored == 32 ? .max : (1 << UInt32(info.bitsStored)) - 1
        let seen = info.isSigned ? value : value & stored
        #expect(seen == black[0], "\(kind.rawValue): \(String(seen, radix: 16))")
    }
}

@Test(arguments: ["CT_small.dcm", "MR_small_bigendian.dcm", "JPEG-lossy.dcm", "MR_small_RLE.dcm",
                  "SC_rgb_rle_2frame.dcm", "examples_ybr_color.dcm", "examples_palette.dcm", "examples_jpeg2k.dcm"])
func noRectanglesLeaveTheFileAsItWas(name: String) throws {
    let input = try Fixtures.pydicom(name)
    try RedactionCheck.expectUntouched(input: input, rectangles: [], label: name)
}

@Test(arguments: ["JPEG-lossy.dcm", "MR_small.dcm", "SC_rgb_rle.dcm", "examples_ybr_color.dcm"])
func rectanglesOutsideTheImageChangeNothing(name: String) throws {
    let input = try Fixtures.pydicom(name)
    let info = try DicomFile.open(path: input).pixelInfo()
    let outside = [
        PixelRect(x: info.columns, y: 0, width: 20, height: 20),
        PixelRect(x: -30, y: -30, width: 30, height: 500),
        PixelRect(x: 0, y: info.rows + 4, width: info.columns, height: 9),
        PixelRect(x: 3, y: 3, width: 0, height: 10),
        PixelRect(x: 3, y: 3, width: 10, height: -2),
    ]
    try RedactionCheck.expectUntouched(input: input, rectangles: outside, label: name)
}

@Test(arguments: ["SC_rgb_rle_2frame.dcm", "MR_small.dcm", "JPGExtended.dcm"])
func rectanglesPartlyOutsideAreClipped(name: String) throws {
    let input = try Fixtures.pydicom(name)
    let info = try DicomFile.open(path: input).pixelInfo()
    let c = info.columns, r = info.rows
    let rectangles = [
        PixelRect(x: -10, y: -10, width: 30, height: 25),
        PixelRect(x: c - 15, y: r - 5, width: 40, height: 40),
        PixelRect(x: c + 3, y: 0, width: 10, height: 10),
        PixelRect(x: 5, y: 5, width: 0, height: 10),
    ]
    let outcome = try RedactionCheck.run(input: input, rectangles: rectangles, label: name)
    #expect(outcome.rectangles == [PixelRect(x: 0, y: 0, width: 20, height: 15), PixelRect(x: c - 15, y: r - 5, width: 15, height: 5)])
    #expect(outcome.filledPixels == (20 * 15 + 15 * 5) * info.frames)
}

@Test func jpeg2000IsRedactedAndStoredUncompressed() throws {
    let input = try Fixtures.pydicom("examples_jpeg2k.dcm")
    let original = try DicomFile.open(path: input)
    let info = try original.pixelInfo()
    let before = try original.decodeFrame(0, info: info)
    let file = try DicomFile.open(path: input)
    #expect(file.transferSyntax == "1.2.840.10008.1.2.4.90")
    // The banner with the institution's name and the time.
    let banner = PixelRect(x: 0, y: 0, width: 200, height: 110)
    let outcome = try PixelRedactor.redact(file, rectangles: [banner])
    #expect(outcome.changed && outcome.framesTouched == 1 && outcome.pixelsPerFrame == 200 * 110)
    #expect(outcome.photometric == "RGB" && !outcome.lossyInput)
    #expect(file.transferSyntax == RedactionCheck.explicitLittle)
    let output = try Fixtures.scratch() + "/j2k.dcm"
    try file.write(to: output)

    let reread = try DicomFile.open(path: output)
    #expect(reread.transferSyntax == RedactionCheck.explicitLittle)
    #expect(reread.meta.string(.transferSyntaxUID) == RedactionCheck.explicitLittle)
    #expect(reread.dataset.string(Tag(0x0028, 0x0004)) == "RGB")
    let after = try reread.decodeFrame(0, info: try reread.pixelInfo())
    #expect(after.samples.count == before.samples.count)
    var wrong = 0, darkened = 0
    for y in 0..<info.rows {
        for x in 0..<info.columns {
            let o = (y * info.columns + x) * 3
            if banner.x <= x && x < banner.maxX && banner.y <= y && y < banner.maxY {
                if after.samples[o..<(o + 3)] != [0, 0, 0] { wrong += 1 }
                if before.samples[o..<(o + 3)] != [0, 0, 0] { darkened += 1 }
            } else if after.samples[o..<(o + 3)] != before.samples[o..<(o + 3)] {
                wrong += 1
            }
        }
    }
    #expect(wrong == 0)
    #expect(darkened > 500, "the banner held text to remove")
    // Nothing of the codestream is left: no start of codestream, no fragment.
    let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
    #expect(!RedactionCheck.Bytes.contains(written, [0xFF, 0x4F, 0xFF, 0x51]))
    #expect(try RedactionCheck.storedPixels(output).count == 1)
    let fragments = try RedactionCheck.storedPixels(input)
    #expect(fragments.count >= 2, "offset table and fragments")
    let (checked, found) = RedactionCheck.Bytes.windows(of: fragments, foundIn: written)
    #expect(checked > 0 && found.isEmpty, "\(found)")
}

@Test func oneBitPixelsAreRefused() throws {
    let file = try DicomFile.open(path: try Fixtures.pydicom("liver_1frame.dcm"))
    do {
        _ = try PixelRedactor.redact(file, rectangles: [PixelRect(x: 10, y: 10, width: 50, height: 20)])
        Issue.record("1-bit pixels were redacted")
    } catch let error as EngineError {
        #expect(error.code == .unsupported)
    }
    #expect(file.transferSyntax == RedactionCheck.explicitLittle)
}

// MARK: the check

enum RedactionCheck {
    /// Redacts `input` by decoding, saves it, re-opens the saved file and checks it against the decoded input:
    /// black inside, bit-identical outside, the same attributes, no compressed original left.
    @discardableResult
    static func run(input: String, rectangles: [PixelRect], label: String) throws -> RedactionOutcome {
        let original = try DicomFile.open(path: input)
        let info = try original.pixelInfo()
        let before = try (0..<info.frames).map { try original.decodeFrame($0, info: info) }

        let file = try DicomFile.open(path: input)
        // The decode path on every file; JPEGBlockRedactionTests checks the block edit of JPEG Baseline.
        let outcome = try PixelRedactor.redact(file, rectangles: rectangles, blockEdits: false)
        #expect(outcome.method == .decoded, "\(label)")
        let output = try Fixtures.scratch() + "/redacted.dcm"
        try file.write(to: output)

        let reread = try DicomFile.open(path: output)
        let after = try reread.pixelInfo()
        #expect(after.rows == info.rows && after.columns == info.columns && after.frames == info.frames, "\(label)")
        #expect(after.samplesPerPixel == info.samplesPerPixel && after.bitsAllocated == info.bitsAllocated, "\(label)")
        #expect(after.bitsStored == info.bitsStored && after.isSigned == info.isSigned, "\(label)")
        #expect(reread.dataset.string(.sopClassUID) == original.dataset.string(.sopClassUID), "\(label)")

        // Photometric: what the decoder delivered, a 4:2:2 label widened to YBR_FULL.
        let decodedPhotometric = before[0].photometric == "YBR_FULL_422" ? "YBR_FULL" : before[0].photometric
        if let expected = expectedPhotometric[(input as NSString).lastPathComponent] {
            #expect(decodedPhotometric == expected, "\(label)")
        }
        #expect(reread.dataset.string(Tag(0x0028, 0x0004)) == decodedPhotometric, "\(label)")
        #expect(outcome.photometric == decodedPhotometric, "\(label)")
        if info.samplesPerPixel > 1 {
            #expect(Samples.uint16(reread.dataset, Tag(0x0028, 0x0006)) == 0, "\(label): colour-by-pixel")
        }

        // Inside and outside, every frame and sample.
        let inside = Coverage(rectangles, columns: info.columns, rows: info.rows)
        #expect(outcome.changed, "\(label)")
        #expect(outcome.framesTouched == info.frames, "\(label)")
        #expect(outcome.filledPixels == inside.count * info.frames, "\(label)")
        let black = try BlackRule(photometric: decodedPhotometric, info: info, dataset: reread.dataset)
        var failures: [String] = []
        var decodedAfter: [UInt8] = []
        for index in 0..<info.frames {
            let frame = try reread.decodeFrame(index, info: after)
            decodedAfter += frame.samples
            #expect(frame.photometric == decodedPhotometric, "\(label) frame \(index + 1)")
            if failures.count <= 10 {
                failures += black.compare(frame.samples, with: before[index].samples, inside: inside, info: info, frame: index)
            }
        }
        #expect(failures.isEmpty, "\(label): \(failures.prefix(10))")

        // Every other attribute as it was, at every depth.
        let changed = Attributes.differences(original.dataset, reread.dataset, allowed: [
            Tag(0x0028, 0x0004), Tag(0x0028, 0x0006), Tag(0x0028, 0x2110), .pixelData,
        ])
        #expect(changed.isEmpty, "\(label): \(changed.prefix(10))")
        let lossy = lossySyntaxes.contains(original.transferSyntax)
        #expect(outcome.lossyInput == lossy, "\(label)")
        let wasLossy = original.dataset.string(Tag(0x0028, 0x2110))
        #expect(reread.dataset.string(Tag(0x0028, 0x2110)) == (lossy || wasLossy == "01" ? "01" : wasLossy), "\(label)")

        // Uncompressed now, and nothing of the compressed original in the bytes.
        #expect(reread.transferSyntax == explicitLittle, "\(label)")
        #expect(reread.meta.string(.transferSyntaxUID) == explicitLittle, "\(label)")
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
        if ["5", "7", "8"].contains(where: { original.transferSyntax.hasPrefix("1.2.840.10008.1.2.4." + $0) }) {
            #expect(!Bytes.contains(written, [0xFF, 0xD8, 0xFF]), "\(label): a JPEG start of image remains")
        }
        // The stored Pixel Data is one native value holding exactly the frames read back (an odd
        // length padded by one byte): no fragment, no second representation.
        let stored = try storedPixels(output)
        #expect(stored.count == 1, "\(label): \(stored.count) Pixel Data items")
        #expect(stored[0].count == decodedAfter.count + decodedAfter.count % 2, "\(label)")
        #expect(stored[0].prefix(decodedAfter.count).elementsEqual(decodedAfter), "\(label): stored Pixel Data is not the native frames")
        if !nativeSyntaxes.contains(original.transferSyntax) {
            let (checked, found) = Bytes.windows(of: try storedPixels(input), foundIn: written)
            #expect(checked > 0, "\(label): no window of the fragments to look for")
            #expect(found.isEmpty, "\(label): bytes of the compressed original remain at \(found)")
        }
        return outcome
    }

    /// The top-level Pixel Data as the file stores it (the value, or each item: offset table, then
    /// fragments), from the .raw files dcmdump +W writes. Throws rather than answer nothing, so a
    /// comparison cannot pass empty.
    static func storedPixels(_ path: String) throws -> [[UInt8]] {
        let folder = try Fixtures.scratch("pixels")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dcmdump")
        process.arguments = ["-q", "+L", "+W", folder, "+P", "7fe0,0010", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // +P also prints an icon image's Pixel Data, unindented; the top-level one comes last.
        var elements: [[String]] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("(7fe0,0010)") { elements.append([]) }
            guard let start = line.range(of: "=")?.upperBound, let name = line[start...].split(separator: " ").first,
                  name.hasSuffix(".raw"), !elements.isEmpty else { continue }
            elements[elements.count - 1].append((String(name) as NSString).lastPathComponent)
        }
        guard let names = elements.last, !names.isEmpty else { throw EngineError(.io, "dcmdump wrote no Pixel Data") }
        return try names.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0))) }
    }

    /// The redactor must leave such a file exactly as stored: the same bytes as saving it untouched.
    static func expectUntouched(input: String, rectangles: [PixelRect], label: String) throws {
        let folder = try Fixtures.scratch()
        let plain = try DicomFile.open(path: input)
        try plain.write(to: folder + "/plain.dcm")
        let file = try DicomFile.open(path: input)
        let syntax = file.transferSyntax
        let outcome = try PixelRedactor.redact(file, rectangles: rectangles)
        #expect(outcome == .unchanged, "\(label)")
        #expect(outcome.filledPixels == 0, "\(label)")
        #expect(file.transferSyntax == syntax, "\(label)")
        try file.write(to: folder + "/redacted.dcm")
        let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/plain.dcm"))
        let b = try Data(contentsOf: URL(fileURLWithPath: folder + "/redacted.dcm"))
        #expect(a == b, "\(label): saving after an empty redaction differs from saving untouched")
        let stored = try storedPixels(input)
        #expect(try stored == storedPixels(folder + "/redacted.dcm"), "\(label): Pixel Data changed")
        if !nativeSyntaxes.contains(syntax) {
            // The control for the leak check in run(): it does find the fragments of a file saved untouched.
            let (checked, found) = Bytes.windows(of: stored, foundIn: [UInt8](b))
            #expect(checked > 0 && found.count == checked, "\(label): \(found.count) of \(checked) windows found")
        }
    }
}

extension RedactionCheck {
    /// The pixel positions inside any of the rectangles after clipping, worked out apart from the redactor.
    struct Coverage {
        let mask: [Bool]
        let count: Int

        init(_ rectangles: [PixelRect], columns: Int, rows: Int) {
            var mask = [Bool](repeating: false, count: columns * rows)
            for r in rectangles {
                for y in max(0, r.y)..<max(max(0, r.y), min(rows, r.y + r.height)) {
                    for x in max(0, r.x)..<max(max(0, r.x), min(columns, r.x + r.width)) { mask[y * columns + x] = true }
                }
            }
            self.mask = mask
            count = mask.filter { $0 }.count
        }
    }

    /// What reads as black, by the rules of PS3.3 C.7.6.3.1.2, written out here independently.
    struct BlackRule {
        /// Expected stored value per sample, or nil for PALETTE COLOR (judged through the tables).
        let values: [Int]?
        let palette: TestPalette?

        init(photometric: String, info: PixelInfo, dataset: DicomItem) throws {
            let bits = info.bitsStored
            palette = photometric == "PALETTE COLOR" ? try TestPalette(dataset) : nil
            switch photometric {
            case "MONOCHROME2": values = [info.isSigned ? -(1 << (bits - 1)) : 0]
            case "MONOCHROME1": values = [info.isSigned ? (1 << (bits - 1)) - 1 : (1 << bits) - 1]
            case "RGB": values = [0, 0, 0]
            case "YBR_FULL": values = [0, 1 << (bits - 1), 1 << (bits - 1)]
            case "PALETTE COLOR": values = nil
            default: throw EngineError(.unsupported, "no black rule for \(photometric)")
            }
        }

        /// One line per wrong sample: inside not black (or high bits lost), outside not identical.
        func compare(_ out: [UInt8], with original: [UInt8], inside: Coverage, info: PixelInfo, frame: Int) -> [String] {
            var failures: [String] = []
            let bytes = info.bitsAllocated / 8, spp = info.samplesPerPixel
            let stored: UInt32 = info.bitsStored == 32 ? .max : (1 << UInt32(info.bitsStored)) - 1
            guard out.count == original.count else { return ["frame \(frame + 1): \(out.count) bytes, expected \(original.count)"] }
            for p in 0..<(info.rows * info.columns) {
                let place = "frame \(frame + 1) x \(p % info.columns) y \(p / info.columns)"
                if !inside.mask[p] {
                    let range = (p * spp * bytes)..<((p + 1) * spp * bytes)
                    if out[range] != original[range] { failures.append("\(place): outside changed") }
                } else {
                    for s in 0..<spp {
                        let offset = (p * spp + s) * bytes
                        let value = Samples.read(out, at: offset, bytes: bytes)
                        let old = Samples.read(original, at: offset, bytes: bytes)
                        let number = info.isSigned ? Samples.signed(value, bytes: bytes) : Int(value & stored)
                        let ok: Bool
                        if let values {
                            ok = number == values[s]
                        } else {
                            ok = palette?.isDarkest(number) == true
                        }
                        if !ok { failures.append("\(place) sample \(s): \(number) is not black") }
                        if !info.isSigned, value & ~stored != old & ~stored {
                            failures.append("\(place) sample \(s): bits above Bits Stored changed")
                        }
                    }
                }
                if failures.count > 10 { break }
            }
            return failures
        }
    }

    /// The palette tables as the test reads them: 16-bit words, or packed bytes for 8-bit entries.
    struct TestPalette {
        let first: Int
        let luma: [Double]

        init(_ dataset: DicomItem) throws {
            var tables: [[Double]] = []
            var first = 0
            for (d, t) in [(0x1101, 0x1201), (0x1102, 0x1202), (0x1103, 0x1203)] as [(UInt16, UInt16)] {
                let descriptor = try #require(dataset.index(of: Tag(0x0028, d)).flatMap { dataset.bytes(at: $0) })
                let data = try #require(dataset.index(of: Tag(0x0028, t)).flatMap { dataset.bytes(at: $0) })
                let count = Int(descriptor[0]) | Int(descriptor[1]) << 8
                first = Int(descriptor[2]) | Int(descriptor[3]) << 8
                let bits = Int(descriptor[4])
                let entries = data.count >= 2 * count
                    ? (0..<count).map { Double(Int(data[2 * $0]) | Int(data[2 * $0 + 1]) << 8) }
                    : (0..<count).map { Double(data[$0]) }
                tables.append(entries.map { $0 / Double((1 << bits) - 1) })
            }
            self.first = first
            luma = (0..<tables[0].count).map { 0.299 * tables[0][$0] + 0.587 * tables[1][$0] + 0.114 * tables[2][$0] }
        }

        func isDarkest(_ value: Int) -> Bool {
            let entry = min(max(value - first, 0), luma.count - 1)
            return luma[entry] == luma.min()
        }
    }

    enum Samples {
        static func read(_ buffer: [UInt8], at offset: Int, bytes: Int) -> UInt32 {
            (0..<bytes).reduce(UInt32(0)) { $0 | UInt32(buffer[offset + $1]) << (8 * $1) }
        }

        static func signed(_ value: UInt32, bytes: Int) -> Int {
            switch bytes {
            case 1: Int(Int8(truncatingIfNeeded: value))
            case 2: Int(Int16(truncatingIfNeeded: value))
            default: Int(Int32(bitPattern: value))
            }
        }

        static func uint16(_ dataset: DicomItem, _ tag: Tag) -> Int? {
            guard let index = dataset.index(of: tag), let b = dataset.bytes(at: index), b.count >= 2 else { return nil }
            return Int(b[0]) | Int(b[1]) << 8
        }
    }

    enum Attributes {
        /// Paths of elements added, removed or changed, at every depth, outside `allowed` (top level)
        /// and group lengths.
        static func differences(_ a: DicomItem, _ b: DicomItem, allowed: Set<Tag>) -> [String] {
            let before = flatten(a, allowed: allowed), after = flatten(b, allowed: allowed)
            var paths: [String] = []
            for (path, value) in before where after[path] != value {
                paths.append(after[path] == nil ? "\(path) removed" : "\(path) changed")
            }
            for path in after.keys where before[path] == nil { paths.append("\(path) added") }
            return paths.sorted()
        }

        static func flatten(_ item: DicomItem, prefix: String = "", allowed: Set<Tag> = []) -> [String: [UInt8]] {
            var values: [String: [UInt8]] = [:]
            for (index, element) in item.elements.enumerated() {
                if element.tag.isGroupLength || (prefix.isEmpty && allowed.contains(element.tag)) { continue }
                let path = prefix + element.tag.description
                if element.isSequence {
                    let items = item.items(at: index)
                    values[path] = Array("\(items.count) items".utf8)
                    for (i, nested) in items.enumerated() {
                        values.merge(flatten(nested, prefix: path + "[\(i)]"), uniquingKeysWith: { a, _ in a })
                    }
                } else {
                    values[path] = item.bytes(at: index) ?? []
                }
            }
            return values
        }
    }

    enum Bytes {
        static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
            guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
            return haystack.withUnsafeBufferPointer { h in
                needle.withUnsafeBufferPointer { n in
                    // memchr for the first byte, memcmp for the rest: fast enough in a debug build.
                    var start = 0
                    let last = h.count - n.count
                    while start <= last {
                        guard let hit = memchr(h.baseAddress! + start, Int32(first), last - start + 1) else { return false }
                        let offset = h.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                        if memcmp(h.baseAddress! + offset, n.baseAddress!, n.count) == 0 { return true }
                        start = offset + 1
                    }
                    return false
                }
            }
        }

        /// Looks for 48-byte windows spread over each item, headers included (JPEG tables and RLE
        /// headers are as telling as the coded data), skipping windows of fewer than four distinct
        /// bytes, in `target`. Returns how many were looked for and the offsets of those found.
        static func windows(of items: [[UInt8]], foundIn target: [UInt8]) -> (checked: Int, found: [String]) {
            var checked = 0
            var found: [String] = []
            for (item, source) in items.enumerated() where !source.isEmpty {
                let length = min(48, source.count)
                for offset in stride(from: 0, through: source.count - length, by: max(8, source.count / 32)) {
                    let window = Array(source[offset..<(offset + length)])
                    guard Set(window).count >= 4 else { continue }
                    checked += 1
                    if contains(target, window) { found.append("item \(item) offset \(offset)") }
                }
            }
            return (checked, found)
        }
    }

    // MARK: generated images

    /// Images no pydicom file covers: MONOCHROME1, signed samples, bits above Bits Stored in use,
    /// palettes whose black is not entry 0.
    enum GeneratedImage: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case monochrome1Unsigned12 = "mono1-u12-overlay-bits"
        case monochrome2Signed12 = "mono2-s12"
        case monochrome1Signed16 = "mono1-s16"
        case monochrome2Signed8 = "mono2-s8"
        case monochrome2Unsigned24in32 = "mono2-u24-in-32"
        case palette16BitEntries = "palette-16bit-entries"
        case palette8BitEntriesFirstMapped16 = "palette-8bit-entries-first-16"

        var testDescription: String { rawValue }

        var layout: (photometric: String, allocated: Int, stored: Int, signed: Bool, frames: Int) {
            switch self {
            case .monochrome1Unsigned12: ("MONOCHROME1", 16, 12, false, 2)
            case .monochrome2Signed12: ("MONOCHROME2", 16, 12, true, 3)
            case .monochrome1Signed16: ("MONOCHROME1", 16, 16, true, 1)
            case .monochrome2Signed8: ("MONOCHROME2", 8, 8, true, 2)
            case .monochrome2Unsigned24in32: ("MONOCHROME2", 32, 24, false, 2)
            case .palette16BitEntries, .palette8BitEntriesFirstMapped16: ("PALETTE COLOR", 8, 8, false, 2)
            }
        }

        /// The raw container value of one sample; signed ones are sign-extended, except where the
        /// unused bits deliberately carry something else.
        func sample(x: Int, y: Int, frame: Int) -> UInt32 {
            let l = layout
            let pattern = x * 37 + y * 11 + frame * 5
            if l.signed {
                let value = pattern % (1 << l.stored) - (1 << (l.stored - 1))
                return UInt32(truncatingIfNeeded: value) & (l.allocated == 32 ? .max : (1 << UInt32(l.allocated)) - 1)
            }
            let value = UInt32(pattern % (1 << l.stored))
            if self == .monochrome1Unsigned12 { return value | ((x + y) % 3 == 0 ? 0x5000 : 0) }
            if self == .monochrome2Unsigned24in32 { return value | 0xA5 << 24 }
            return value
        }

        func write(to path: String) throws {
            let (photometric, allocated, stored, signed, frames) = layout
            let rows = 20, columns = 24
            let file = DicomFile.makeNew()
            let d = file.dataset
            try d.put(.sopClassUID, "1.2.840.10008.5.1.4.1.1.7", vr: "UI")
            try d.put(.sopInstanceUID, "1.2.826.0.1.3680043.10.1455.77.\(allocated).\(stored)", vr: "UI")
            try d.put(.studyInstanceUID, "1.2.826.0.1.3680043.10.1455.77", vr: "UI")
            try d.put(.seriesInstanceUID, "1.2.826.0.1.3680043.10.1455.77.1", vr: "UI")
            try d.put(.modality, "OT", vr: "CS")
            try d.put(Tag(0x0028, 0x0002), "1", vr: "US")
            try d.put(Tag(0x0028, 0x0004), photometric, vr: "CS")
            if frames > 1 { try d.put(Tag(0x0028, 0x0008), "\(frames)", vr: "IS") }
            try d.put(Tag(0x0028, 0x0010), "\(rows)", vr: "US")
            try d.put(Tag(0x0028, 0x0011), "\(columns)", vr: "US")
            try d.put(Tag(0x0028, 0x0100), "\(allocated)", vr: "US")
            try d.put(Tag(0x0028, 0x0101), "\(stored)", vr: "US")
            try d.put(Tag(0x0028, 0x0102), "\(stored - 1)", vr: "US")
            try d.put(Tag(0x0028, 0x0103), signed ? "1" : "0", vr: "US")
            try d.put(Tag(0x0028, 0x0301), "YES", vr: "CS")
            if self == .palette16BitEntries {
                // Bright everywhere but entry 37, which is black.
                for (d1, t) in [(0x1101, 0x1201), (0x1102, 0x1202), (0x1103, 0x1203)] as [(UInt16, UInt16)] {
                    try d.put(Tag(0x0028, d1), "256\\0\\16", vr: "US")
                    let words = (0..<256).map { $0 == 37 ? 0 : 0x8000 + $0 * 100 }
                    try d.put(Tag(0x0028, t), bytes: words.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, vr: "OW")
                }
            }
            if self == .palette8BitEntriesFirstMapped16 {
                // 8-bit entries packed two to a word; entry 5 (pixel value 21) is the darkest, not black.
                for (channel, (d1, t)) in ([(0x1101, 0x1201), (0x1102, 0x1202), (0x1103, 0x1203)] as [(UInt16, UInt16)]).enumerated() {
                    try d.put(Tag(0x0028, d1), "240\\16\\8", vr: "US")
                    let entries = (0..<240).map { UInt8($0 == 5 ? 10 + channel : 60 + ($0 * 7) % 190) }
                    try d.put(Tag(0x0028, t), bytes: entries, vr: "OW")
                }
            }
            var pixels: [UInt8] = []
            for frame in 0..<frames {
                for y in 0..<rows {
                    for x in 0..<columns {
                        let value = sample(x: x, y: y, frame: frame)
                        pixels += (0..<(allocated / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
                    }
                }
            }
            try d.put(.pixelData, bytes: pixels, vr: allocated == 8 ? "OB" : "OW")
            try file.write(to: path, transferSyntax: explicitLittle)
        }
    }
}
