// PixelComparison: which pixels of an output frame differ from the source's where they may not.

/// Redaction may change pixels only inside its rectangles; when the rectangles are not known
/// (a folder checked without its run's report), a changed pixel must at least be black.
struct PixelComparison {
    let columns: Int, rows: Int
    let bytesPerPixel: Int, bytesPerSample: Int
    let inside: [Bool]?
    let fills: [SampleFill]?

    init(output dataset: DicomItem, info: PixelInfo, redactions: [PixelRect]?, source: PixelInfo) {
        columns = info.columns
        rows = info.rows
        bytesPerSample = max(1, info.bitsAllocated / 8)
        bytesPerPixel = bytesPerSample * info.samplesPerPixel
        if let redactions {
            var mask = [Bool](repeating: false, count: columns * rows)
            let (width, height) = (info.columns, info.rows)
            for span in RowSpans(redactions.map { $0.clipped(columns: width, rows: height) }.filter { !$0.isEmpty }).spans {
                for x in span.x0..<span.x1 { mask[span.y * width + x] = true }
            }
            inside = mask
        } else {
            inside = nil
        }
        let photometric = info.photometric == "YBR_FULL_422" ? "YBR_FULL" : info.photometric
        fills = try? BlackLevel.fills(photometric: photometric, info: info, dataset: dataset)
    }

    /// The bounding box of the pixels that changed where they may not, or nil.
    func offending(output: Frame, source: Frame) -> PixelRect? {
        guard output.samples.count == source.samples.count, output.samples.count >= columns * rows * bytesPerPixel else {
            return PixelRect(x: 0, y: 0, width: columns, height: rows)
        }
        var box: PixelRect?
        output.samples.withUnsafeBufferPointer { after in
            source.samples.withUnsafeBufferPointer { before in
                for p in 0..<(columns * rows) {
                    let offset = p * bytesPerPixel
                    var differs = false
                    for b in 0..<bytesPerPixel where after[offset + b] != before[offset + b] { differs = true; break }
                    guard differs else { continue }
                    if let inside {
                        if inside[p] { continue }
                    } else if isBlack(after, at: offset) {
                        continue
                    }
                    let dot = PixelRect(x: p % columns, y: p / columns, width: 1, height: 1)
                    box = box.map { $0.union(dot) } ?? dot
                }
            }
        }
        return box
    }

    private func isBlack(_ samples: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        guard let fills else { return false }
        var p = offset
        for fill in fills {
            var value: UInt32 = 0
            for b in 0..<bytesPerSample { value |= UInt32(samples[p + b]) << (8 * b) }
            if value & ~fill.keep != fill.value { return false }
            p += bytesPerSample
        }
        return true
    }
}
