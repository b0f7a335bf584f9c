// Tests of JPEG Baseline redaction in the DCT domain: generated images encoded by DCMTK's dcmcjpeg, and pydicom's real files.
import Engine
import Foundation
import Testing

/// JPEG Baseline images made here: 8-bit text burned into a textured picture, encoded by dcmcjpeg
/// with the sampling and colour options named, at sizes that are no multiple of 8 or 16.
enum JPEGSample: String, CaseIterable, CustomStringConvertible {
    case monochrome2, monochrome2Fragmented, ybr422Cine, ybr420, ybr444, rgb

    var description: String { rawValue }
    var colour: Bool { self != .monochrome2 && self != .monochrome2Fragmented }
    var frames: Int { self == .ybr422Cine ? 3 : 1 }
    var columns: Int { 205 }
    var rows: Int { 150 }
    var photometric: String {
        switch self {
        case .monochrome2, .monochrome2Fragmented: return "MONOCHROME2"
        case .ybr422Cine: return "YBR_FULL_422"
        case .ybr420, .ybr444: return "YBR_FULL"
        case .rgb: return "RGB"
        }
    }

    /// dcmcjpeg's options: baseline, then colour model and subsampling (DCMTK calls 2x2 "4:1:1").
    var encoderOptions: [String] {
        switch self {
        case .monochrome2: return ["+eb"]
        case .monochrome2Fragmented: return ["+eb", "+fs", "1"]
        case .ybr422Cine: return ["+eb", "+cy", "+s2"]
        case .ybr420: return ["+eb", "+cy", "+n1"]
        case .ybr444: return ["+eb", "+cy", "+s4"]
        case .rgb: return ["+eb", "+cr"]
        }
    }

    /// The burned-in text's boxes: one inside, one on the right and bottom edges.
    var textBoxes: [PixelRect] {
        [PixelRect(x: 13, y: 9, width: 67, height: 11), PixelRect(x: 150, y: 137, width: 55, height: 13)]
    }

    func write(to path: String) throws {
        let raw = path + ".native.dcm"
        let samples = colour ? 3 : 1
        var random = CorpusRandom(state: 17)
        var data: [UInt8] = []
        let font = try GlyphFont(size: 4)
        let scale = font.scale(forCapHeight: 8)
        for frame in 0..<frames {
            var pixels = [UInt8](repeating: 0, count: columns * rows * samples)
            for y in 0..<rows {
                for x in 0..<columns {
                    let base = (x * 3 + y * 2 + frame * 20) % 160 + Int(random.next() % 40)
                    for s in 0..<samples { pixels[(y * columns + x) * samples + s] = UInt8(min(255, base + s * 30)) }
                }
            }
            for box in textBoxes {
                _ = font.draw("ID 39004120011", x: box.x + 1, baselineY: box.y + 9, scale: scale) { px, py in
                    guard box.contains(x: px, y: py), px < columns, py < rows else { return }
                    for s in 0..<samples { pixels[(py * columns + px) * samples + s] = s == 2 ? 40 : 250 }
                }
            }
            data += pixels
        }
        let file = DicomFile.makeNew()
        let d = file.dataset
        try d.put(.sopClassUID, colour ? "1.2.840.10008.5.1.4.1.1.7" : "1.2.840.10008.5.1.4.1.1.7", vr: "UI")
        try d.put(.sopInstanceUID, "1.2.826.0.1.3680043.10.1455.91.\(JPEGSample.allCases.firstIndex(of: self)!)", vr: "UI")
        try d.put(.patientName, "Jonaitis^Petras", vr: "PN")
        try d.put(.patientID, "39004120011", vr: "LO")
        try d.put(.modality, colour ? "US" : "OT", vr: "CS")
        try d.put(Tag(0x0028, 0x0002), "\(samples)", vr: "US")
        try d.put(Tag(0x0028, 0x0004), colour ? "RGB" : "MONOCHROME2", vr: "CS")
        if colour { try d.put(Tag(0x0028, 0x0006), "0", vr: "US") }
        if frames > 1 { try d.put(Tag(0x0028, 0x0008), "\(frames)", vr: "IS") }
        try d.put(Tag(0x0028, 0x0010), "\(rows)", vr: "US")
        try d.put(Tag(0x0028, 0x0011), "\(columns)", vr: "US")
        try d.put(Tag(0x0028, 0x0100), "8", vr: "US")
        try d.put(Tag(0x0028, 0x0101), "8", vr: "US")
        try d.put(Tag(0x0028, 0x0102), "7", vr: "US")
        try d.put(Tag(0x0028, 0x0103), "0", vr: "US")
        try d.put(.pixelData, bytes: data, vr: "OB")
        try file.write(to: raw, transferSyntax: "1.2.840.10008.1.2.1")
        try JPEGSample.run("/usr/bin/dcmcjpeg", encoderOptions + [raw, path])
        try FileManager.default.removeItem(atPath: raw)
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw EngineError(.io, "\(tool) failed") }
    }
}

@Test(arguments: JPEGSample.allCases)
func generatedJPEGIsRedactedInItsBlocks(sample: JPEGSample) throws {
    let input = try Fixtures.scratch() + "/\(sample).dcm"
    try sample.write(to: input)
    let file = try DicomFile.open(path: input)
    #expect(file.transferSyntax == BlockCheck.baseline)
    #expect(file.dataset.string(Tag(0x0028, 0x0004)) == sample.photometric)
    let outcome = try BlockCheck.run(input: input, rectangles: sample.textBoxes, label: sample.rawValue)
    // The text's own pixels, worked out from the boxes: the grid is 8 px for grey and 4:4:4 colour,
    // 16 wide for 4:2:2, 16 by 16 for 4:2:0, and chroma upsampling reaches one pixel further.
    let grid: (Int, Int, Int, Int) = switch sample {
    case .monochrome2, .monochrome2Fragmented, .ybr444, .rgb: (8, 8, 0, 0)
    case .ybr422Cine: (16, 8, 1, 0)
    case .ybr420: (16, 16, 1, 1)
    }
    let expected = sample.textBoxes.map { box -> PixelRect in
        let (mx, my) = (grid.2, grid.3)
        let x0 = max(0, box.x - mx) / grid.0 * grid.0, y0 = max(0, box.y - my) / grid.1 * grid.1
        let x1 = min(sample.columns, (min(sample.columns, box.maxX + mx) + grid.0 - 1) / grid.0 * grid.0)
        let y1 = min(sample.rows, (min(sample.rows, box.maxY + my) + grid.1 - 1) / grid.1 * grid.1)
        return PixelRect(x0: max(0, x0 - mx), y0: max(0, y0 - my), x1: min(sample.columns, x1 + mx), y1: min(sample.rows, y1 + my))
    }
    #expect(outcome.rectangles == expected, "\(sample)")
}

/// pydicom's JPEG Baseline files: YBR_FULL_422 cine (SonoSite), DCMTK's YBR_FULL and 4:1:1, and a 3x3 image.
@Test(arguments: ["examples_ybr_color.dcm", "SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_dcmtk_+eb+cy+np.dcm",
                  "SC_rgb_dcmtk_+eb+cy+n1.dcm", "SC_rgb_jpeg_lossy_gdcm.dcm", "SC_rgb_small_odd_jpeg.dcm"])
func realJPEGBaselineIsRedactedInItsBlocks(name: String) throws {
    let input = try Fixtures.pydicom(name)
    let info = try DicomFile.open(path: input).pixelInfo()
    try BlockCheck.run(input: input, rectangles: RedactionCheck.twoRectangles(info) + [
        PixelRect(x: info.columns - 5, y: info.rows - 3, width: 9, height: 9),
    ], label: name)
}

@Test func bannerOfTheSonoSiteCineKeepsTheRestOfEveryFrame() throws {
    // The measured case of the issue: how much of the image stays as the vendor stored it.
    let input = try Fixtures.pydicom("examples_ybr_color.dcm")
    let banner = PixelRect(x: 0, y: 0, width: 320, height: 21)
    let outcome = try BlockCheck.run(input: input, rectangles: [banner], label: "banner")
    // Its chroma is 2x2 subsampled whatever the 4:2:2 label says: 16-pixel rows of blocks, plus the blended row.
    #expect(outcome.rectangles == [PixelRect(x: 0, y: 0, width: 320, height: 33)])
    let size = { (path: String) in try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 }
    let folder = try Fixtures.scratch()
    let blocks = try DicomFile.open(path: input)
    _ = try PixelRedactor.redact(blocks, rectangles: [banner])
    try blocks.write(to: folder + "/blocks.dcm")
    let decoded = try DicomFile.open(path: input)
    _ = try PixelRedactor.redact(decoded, rectangles: [banner], blockEdits: false)
    try decoded.write(to: folder + "/decoded.dcm")
    let (original, edited, native) = (try size(input), try size(folder + "/blocks.dcm"), try size(folder + "/decoded.dcm"))
    // Same order as the source; the decode path stores 30 frames of 320x240x3 uncompressed.
    #expect(edited < original * 11 / 10 && native > 30 * 320 * 240 * 3, "\(original) \(edited) \(native)")
}

/// Where the stream cannot be edited in place the redactor decodes, as before, and says why.
/// 12-bit extended (process 2+4, another transfer syntax) and an RGB-labelled JPEG whose own
/// markers say YCbCr (which "black" would be is ambiguous there).
@Test(arguments: ["JPEG-lossy.dcm", "JPGExtended.dcm", "SC_jpeg_no_color_transform.dcm"])
func otherJPEGFallsBackToDecoding(name: String) throws {
    let input = try Fixtures.pydicom(name)
    let file = try DicomFile.open(path: input)
    let info = try file.pixelInfo()
    let outcome = try PixelRedactor.redact(file, rectangles: RedactionCheck.twoRectangles(info))
    #expect(outcome.method == .decoded, "\(name)")
    #expect(file.transferSyntax == RedactionCheck.explicitLittle, "\(name)")
    if name.hasPrefix("SC_") { #expect(outcome.blockFallback?.contains("colour space") == true, "\(name)") }
}

@Test func aCineWithoutAnOffsetTableIsEditedWhenEachFrameIsOneFragment() throws {
    let folder = try Fixtures.scratch()
    try JPEGSample.ybr422Cine.write(to: folder + "/cine.dcm")
    try JPEGSample.run("/usr/bin/dcmdjpeg", [folder + "/cine.dcm", folder + "/raw.dcm"])
    try JPEGSample.run("/usr/bin/dcmcjpeg", ["+eb", "-ot", folder + "/raw.dcm", folder + "/whole.dcm"])
    try BlockCheck.run(input: folder + "/whole.dcm", rectangles: JPEGSample.ybr422Cine.textBoxes, label: "no offset table")
    // Split frames without a table cannot be told apart; DCMTK cannot decode them either, and nothing changes.
    try JPEGSample.run("/usr/bin/dcmcjpeg", ["+eb", "+fs", "1", "-ot", folder + "/raw.dcm", folder + "/split.dcm"])
    let file = try DicomFile.open(path: folder + "/split.dcm")
    #expect(throws: EngineError.self) { try PixelRedactor.redact(file, rectangles: JPEGSample.ybr422Cine.textBoxes) }
    #expect(file.transferSyntax == BlockCheck.baseline)
}

@Test func blockRedactedOutputPassesTheVerifier() throws {
    let folder = try Fixtures.scratch()
    let input = folder + "/ybr.dcm"
    try JPEGSample.ybr420.write(to: input)
    let file = try DicomFile.open(path: input)
    let outcome = try PixelRedactor.redact(file, rectangles: JPEGSample.ybr420.textBoxes)
    #expect(outcome.method == .dctBlocks)
    // A workspace knows only the reviewer's boxes; from them and the source the same reach follows.
    #expect(PixelRedactor.blockReach(of: JPEGSample.ybr420.textBoxes, in: try DicomFile.open(path: input)) == outcome.rectangles)
    #expect(PixelRedactor.blockReach(of: [PixelRect(x: 1, y: 1, width: 2, height: 2)],
                                     in: try DicomFile.open(path: try Fixtures.pydicom("JPEG-lossy.dcm"))) == nil)
    try file.write(to: folder + "/out.dcm")
    var verifier = try Verifier(profile: Profile.standard())
    verifier.pixels = .off
    let passes = try verifier.verify(output: folder + "/out.dcm", name: "out.dcm", source: input, redactions: outcome.rectangles)
    #expect(!passes.findings.contains { $0.kind == .pixelsChanged }, "\(passes.findings)")
    // The text's own boxes are not enough: the blocks around them changed too, and the verifier sees it.
    let strict = try verifier.verify(output: folder + "/out.dcm", name: "out.dcm", source: input, redactions: JPEGSample.ybr420.textBoxes)
    #expect(strict.findings.contains { $0.kind == .pixelsChanged })
}

enum BlockCheck {
    static let baseline = "1.2.840.10008.1.2.4.50"

    /// Redacts in the DCT domain, saves, re-reads, and checks against the decoded input: still JPEG
    /// Baseline, one fragment per frame after the offset table, black inside the rectangles, every
    /// pixel outside the reported rectangles bit-identical, the other attributes as they were.
    @discardableResult
    static func run(input: String, rectangles: [PixelRect], label: String) throws -> RedactionOutcome {
        let original = try DicomFile.open(path: input)
        let info = try original.pixelInfo()
        let file = try DicomFile.open(path: input)
        let outcome = try PixelRedactor.redact(file, rectangles: rectangles)
        #expect(outcome.method == .dctBlocks, "\(label): \(outcome.blockFallback ?? "")")
        #expect(outcome.changed && outcome.framesTouched == info.frames && outcome.photometric == nil, "\(label)")
        let clipped = rectangles.map { $0.clipped(columns: info.columns, rows: info.rows) }.filter { !$0.isEmpty }
        for box in clipped {
            #expect(outcome.rectangles.contains { $0.union(box) == $0 }, "\(label): \(box) is not inside what was reported")
        }
        let output = try Fixtures.scratch() + "/blocks.dcm"
        try file.write(to: output)

        let reread = try DicomFile.open(path: output)
        #expect(reread.transferSyntax == baseline && reread.meta.string(.transferSyntaxUID) == baseline, "\(label)")
        let changed = RedactionCheck.Attributes.differences(original.dataset, reread.dataset, allowed: [.pixelData])
        #expect(changed.isEmpty, "\(label): \(changed.prefix(10))")
        let stored = try RedactionCheck.storedPixels(output)
        #expect(stored.count == info.frames + 1, "\(label): offset table and one fragment per frame")
        #expect(stored[0].count == 4 * info.frames, "\(label): a Basic Offset Table entry per frame")

        let reported = RedactionCheck.Coverage(outcome.rectangles, columns: info.columns, rows: info.rows)
        let text = RedactionCheck.Coverage(clipped, columns: info.columns, rows: info.rows)
        let after = try reread.pixelInfo()
        var failures: [String] = []
        var unchanged = 0
        for index in 0..<info.frames {
            let before = try original.decodeFrame(index, info: info)
            let now = try reread.decodeFrame(index, info: after)
            #expect(now.photometric == before.photometric, "\(label)")
            let spp = info.samplesPerPixel
            for p in 0..<(info.rows * info.columns) where failures.count < 10 {
                let range = (p * spp)..<((p + 1) * spp)
                let same = now.samples[range] == before.samples[range]
                if same { unchanged += 1 }
                if !reported.mask[p] && !same { failures.append("frame \(index + 1) x \(p % info.columns) y \(p / info.columns): outside changed") }
                if text.mask[p] && now.samples[range].contains(where: { $0 != 0 }) {
                    failures.append("frame \(index + 1) x \(p % info.columns) y \(p / info.columns): not black")
                }
            }
        }
        #expect(failures.isEmpty, "\(label): \(failures)")
        let total = info.rows * info.columns * info.frames
        print("blocks \(label): \(unchanged) of \(total) pixels unchanged (\(100 * unchanged / max(1, total))%), "
              + "text \(text.count * info.frames), reported \(reported.count * info.frames)")
        return outcome
    }
}
