// PixelRedactor+Blocks: JPEG Baseline redacted in the compressed domain, checked against the decoded original before it is kept.

extension PixelRedactor {
    public static let jpegBaseline = "1.2.840.10008.1.2.4.50"

    /// What a block edit of `rectangles` changes in `source` (the boxes clipped, grown to the
    /// blocks and the reach of chroma upsampling), for checking an output that is still JPEG
    /// Baseline against boxes recorded before the edit; nil when the source is not such a file.
    public static func blockReach(of rectangles: [PixelRect], in source: DicomFile) -> [PixelRect]? {
        guard source.transferSyntax == jpegBaseline, let info = try? source.pixelInfo() else { return nil }
        let clipped = rectangles.map { $0.clipped(columns: info.columns, rows: info.rows) }.filter { !$0.isEmpty }
        return clipped.isEmpty ? [] : source.jpegBlockReach(clipped)
    }

    enum BlockAttempt {
        case redacted(RedactionOutcome)
        /// Why the stream must be decoded instead; the file is as it was.
        case fallBack(String)
    }

    /// Blacks the DCT blocks meeting `rectangles` (clipped, non-empty) on a copy of the file, then
    /// decodes every frame of both: the blackened blocks must read as black and every pixel outside
    /// the changed rectangles as it did. Only then does the file take the new fragments (as CTP's
    /// DicomPixelAnonymizer does for JPEG, no new loss and the rest of the image bit-identical).
    static func redactBlocks(_ file: DicomFile, rectangles: [PixelRect], info: PixelInfo) throws -> BlockAttempt {
        let edited = file.copy()
        var refusal = ""
        guard let edit = try edited.redactJPEGBlocks(rectangles, refusal: &refusal) else { return .fallBack(refusal) }
        let changed = RowSpans(edit.changed), blackened = RowSpans(edit.blackened)
        let width = info.columns
        var allowed = [Bool](repeating: false, count: info.columns * info.rows)
        for span in changed.spans { for x in span.x0..<span.x1 { allowed[span.y * width + x] = true } }
        var fills: [SampleFill] = []
        for index in 0..<info.frames {
            let before = try file.decodeFrameOnce(index, info: info)
            let after = try edited.decodeFrame(index, info: info)
            guard before.samples.count == info.frameBytes, after.samples.count == before.samples.count,
                  after.photometric == before.photometric else {
                return .fallBack("frame \(index + 1) decodes differently after the block edit")
            }
            if index == 0 {
                let decoded = before.photometric == "YBR_FULL_422" ? "YBR_FULL" : before.photometric
                fills = try BlackLevel.fills(photometric: decoded, info: info, dataset: file.dataset)
            }
            let pixelBytes = info.samplesPerPixel
            let outsideSame = before.samples.withUnsafeBufferPointer { old in
                after.samples.withUnsafeBufferPointer { new in
                    (0..<(info.columns * info.rows)).allSatisfy { p in
                        allowed[p] || (0..<pixelBytes).allSatisfy { new[p * pixelBytes + $0] == old[p * pixelBytes + $0] }
                    }
                }
            }
            guard outsideSame else { return .fallBack("frame \(index + 1): the block edit changed pixels outside its blocks") }
            let black = after.samples.withUnsafeBufferPointer { new in
                blackened.spans.allSatisfy { span in
                    (span.x0..<span.x1).allSatisfy { x in
                        let offset = (span.y * width + x) * pixelBytes
                        return fills.enumerated().allSatisfy { s, fill in UInt32(new[offset + s]) & ~fill.keep == fill.value }
                    }
                }
            }
            guard black else { return .fallBack("frame \(index + 1): the edited blocks do not decode as black") }
        }
        try file.adoptPixelData(from: edited)
        return .redacted(RedactionOutcome(
            changed: true, rectangles: edit.changed, pixelsPerFrame: blackened.pixelCount, framesTouched: info.frames,
            photometric: nil, lossyInput: true, method: .dctBlocks))
    }
}
