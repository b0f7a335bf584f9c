// PixelRedactor: fills rectangles of burned-in text with black on every frame and sample, keeping the DICOM structure.

/// How the pixels were redacted.
public enum RedactionMethod: String, Sendable, Codable {
    /// Decoded, filled and stored again uncompressed.
    case decoded
    /// JPEG Baseline: the DCT blocks meeting the rectangles set to black in the compressed
    /// stream, every other block as it was; the transfer syntax stays.
    case dctBlocks = "dct-blocks"
}

/// What a redaction did, for the caller's Burned In Annotation decision and its report.
public struct RedactionOutcome: Sendable, Equatable {
    /// True when the Pixel Data was changed (see `method`).
    public let changed: Bool
    /// The rectangles whose pixels may differ from the source's: clipped to the image, the empty
    /// ones dropped; for a block edit grown to the blocks and the reach of chroma upsampling.
    public let rectangles: [PixelRect]
    /// Pixel positions made black in one frame, overlaps counted once.
    public let pixelsPerFrame: Int
    public let framesTouched: Int
    /// Photometric Interpretation of the stored samples now (RGB after decoding a YBR JPEG); nil when unchanged.
    public let photometric: String?
    /// The input was lossy compressed. After decoding, Lossy Image Compression (0028,2110) says 01;
    /// a block edit adds no loss and leaves it as it was.
    public let lossyInput: Bool
    public let method: RedactionMethod
    /// Why a JPEG Baseline input was decoded rather than edited block by block; nil otherwise.
    public let blockFallback: String?

    public init(changed: Bool, rectangles: [PixelRect], pixelsPerFrame: Int, framesTouched: Int, photometric: String?,
                lossyInput: Bool, method: RedactionMethod = .decoded, blockFallback: String? = nil) {
        self.changed = changed
        self.rectangles = rectangles
        self.pixelsPerFrame = pixelsPerFrame
        self.framesTouched = framesTouched
        self.photometric = photometric
        self.lossyInput = lossyInput
        self.method = method
        self.blockFallback = blockFallback
    }

    public var filledPixels: Int { pixelsPerFrame * framesTouched }

    public static let unchanged = RedactionOutcome(
        changed: false, rectangles: [], pixelsPerFrame: 0, framesTouched: 0, photometric: nil, lossyInput: false)
}

public enum PixelRedactor {
    /// Fills `rectangles` (image coordinates) with the value that reads as black, on every frame.
    /// Nothing inside the image to fill: the file is left exactly as it was, compressed or not.
    /// JPEG Baseline is edited in the compressed domain when its stream allows (`blockEdits`);
    /// otherwise every frame is decoded and the file holds native samples in Explicit VR Little
    /// Endian afterwards; nothing changes when a frame cannot be decoded (JPEG 2000, damage).
    public static func redact(_ file: DicomFile, rectangles: [PixelRect], blockEdits: Bool = true) throws -> RedactionOutcome {
        guard !rectangles.isEmpty else { return .unchanged }
        let info = try file.pixelInfo()
        let clipped = rectangles.map { $0.clipped(columns: info.columns, rows: info.rows) }.filter { !$0.isEmpty }
        guard !clipped.isEmpty else { return .unchanged }
        var blockFallback: String?
        if blockEdits && file.transferSyntax == jpegBaseline {
            switch try redactBlocks(file, rectangles: clipped, info: info) {
            case .redacted(let outcome): return outcome
            case .fallBack(let reason): blockFallback = reason
            }
        }
        let spans = RowSpans(clipped)
        let lossy = lossyTransferSyntaxes.contains(file.transferSyntax)

        // Frames are decoded one at a time straight into the room of the new Pixel Data (those
        // that detection decoded are there already), so a cine's pixels are held once more, beside
        // the source's until they are stored, never twice.
        guard !info.frameBytes.multipliedReportingOverflow(by: info.frames).overflow else {
            throw EngineError(.undecodable, "Pixel Data geometry is too large to redact")
        }
        var photometric = ""
        do {
            var fills: [SampleFill] = []
            for index in 0..<info.frames {
                let (frame, decodedAs) = try file.decodedFrame(index, info: info)
                // Decoded samples are full resolution: a 4:2:2 label would no longer describe them.
                let decoded = decodedAs == "YBR_FULL_422" ? "YBR_FULL" : decodedAs
                if index == 0 {
                    photometric = decoded
                    fills = try BlackLevel.fills(photometric: decoded, info: info, dataset: file.dataset)
                } else if decoded != photometric {
                    throw EngineError(.undecodable, "frame \(index + 1) decodes to another photometric interpretation")
                }
                fill(frame, spans: spans, fills: fills, info: info)
            }
            try file.storeDecodedFrames(photometric: photometric)
        } catch {
            // Filled frames in the room must never be read as the source's.
            file.discardDecodedFrames()
            throw error
        }
        if lossy, file.dataset.string(lossyImageCompression) != "01" {
            // PS3.3 C.7.6.1.1.5: once lossy, always said so; the stored pixels are the decoded loss.
            try file.dataset.put(lossyImageCompression, "01", vr: "CS")
        }
        return RedactionOutcome(
            changed: true, rectangles: clipped, pixelsPerFrame: spans.pixelCount, framesTouched: info.frames,
            photometric: photometric, lossyInput: lossy, blockFallback: blockFallback)
    }

    static let lossyImageCompression = Tag(0x0028, 0x2110)

    /// Transfer syntaxes whose pixels may have lost information (PS3.5 A.4, PS3.6 Annex A). JPEG-LS
    /// near-lossless counts as lossy: the syntax allows loss, and claiming none is the worse error.
    static let lossyTransferSyntaxes: Set<String> = Set(
        ["50", "51", "52", "53", "54", "55", "56", "59", "60", "61", "62", "63", "64", "81", "91", "93",
         "100", "100.1", "101", "101.1", "102", "102.1", "103", "103.1", "104", "104.1", "105", "105.1",
         "106", "106.1", "107", "108", "111", "112", "203"].map { "1.2.840.10008.1.2.4." + $0 })

    /// Writes the fills over every span of one decoded frame.
    static func fill(_ frame: UnsafeMutableBufferPointer<UInt8>, spans: RowSpans, fills: [SampleFill], info: PixelInfo) {
        let bytesPerSample = info.bitsAllocated / 8
        let samples = info.samplesPerPixel
        for span in spans.spans {
            for x in span.x0..<span.x1 {
                var offset = ((span.y * info.columns + x) * samples) * bytesPerSample
                for sample in fills {
                    var old: UInt32 = 0
                    for b in 0..<bytesPerSample { old |= UInt32(frame[offset + b]) << (8 * b) }
                    let new = (old & sample.keep) | sample.value
                    for b in 0..<bytesPerSample { frame[offset + b] = UInt8(truncatingIfNeeded: new >> (8 * b)) }
                    offset += bytesPerSample
                }
            }
        }
    }
}

/// Rectangles as horizontal runs per row, merged, so overlapping rectangles fill and count each pixel once.
struct RowSpans: Sendable {
    struct Span: Sendable, Equatable {
        let y: Int
        let x0: Int
        let x1: Int
    }

    let spans: [Span]

    init(_ rectangles: [PixelRect]) {
        var spans: [Span] = []
        let top = rectangles.map(\.y).min() ?? 0, bottom = rectangles.map(\.maxY).max() ?? 0
        for y in top..<max(top, bottom) {
            let runs = rectangles.filter { $0.y <= y && y < $0.maxY }.map { ($0.x, $0.maxX) }.sorted { $0.0 < $1.0 }
            var current: (Int, Int)?
            for run in runs {
                if let c = current, run.0 <= c.1 {
                    current = (c.0, max(c.1, run.1))
                } else {
                    if let c = current { spans.append(Span(y: y, x0: c.0, x1: c.1)) }
                    current = run
                }
            }
            if let c = current { spans.append(Span(y: y, x0: c.0, x1: c.1)) }
        }
        self.spans = spans
    }

    var pixelCount: Int { spans.reduce(0) { $0 + $1.x1 - $1.x0 } }
}
