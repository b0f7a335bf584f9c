// DeviceTemplate+Regions: the concrete rectangles a template redacts in one image, clipped to it.

extension DeviceTemplate {
    /// Rectangles to redact in an image of `columns` x `rows`, none empty, none outside the image.
    /// Regions read from the header (`from:`) come from `dataset`.
    public func regions(in dataset: DicomItem, rows: Int, columns: Int) -> [PixelRect] {
        let image = PixelRect(x: 0, y: 0, width: max(0, columns), height: max(0, rows))
        guard !image.isEmpty else { return [] }
        var result = rectangles.map { Self.placed($0, rows: rows, columns: columns) }
        if wholeImage { result.append(image) }
        if let redactRegionsFrom {
            // DICOM's RegionLocationMax is inclusive; one more pixel each way errs toward redacting.
            result += Self.headerRegions(redactRegionsFrom, in: dataset)
                .map { PixelRect(x: $0.x, y: $0.y, width: $0.width + 1, height: $0.height + 1) }
        }
        if !keepRectangles.isEmpty || keepRegionsFrom != nil {
            // Kept regions read with an exclusive maximum keep one pixel less, never one more.
            var kept = keepRectangles.map { Self.placed($0, rows: rows, columns: columns) }
            if let keepRegionsFrom { kept += Self.headerRegions(keepRegionsFrom, in: dataset) }
            result += Self.complement(of: kept, within: image)
        }
        return result.map { $0.clipped(columns: columns, rows: rows) }.filter { !$0.isEmpty }
    }

    /// CTP's rule: a negative origin counts from the far edge.
    static func placed(_ rect: PixelRect, rows: Int, columns: Int) -> PixelRect {
        var placed = rect
        if placed.x < 0 { placed.x += columns }
        if placed.y < 0 { placed.y += rows }
        return placed
    }

    /// Region corners (x0, y0, x1, y1) listed in the items of a sequence such as SequenceOfUltrasoundRegions.
    static func headerRegions(_ field: String, in dataset: DicomItem) -> [PixelRect] {
        guard let tag = DeviceSignature.Predicate.resolve(field), let index = dataset.index(of: tag),
              dataset.element(at: index).isSequence else { return [] }
        let corners = [Tag(0x0018, 0x6018), Tag(0x0018, 0x601A), Tag(0x0018, 0x601C), Tag(0x0018, 0x601E)]
        return dataset.items(at: index).compactMap { item in
            let values = corners.compactMap { tag -> Int? in
                guard case .text(let text) = AttributeReader.read(tag, in: item, charset: "") else { return nil }
                return Int(text)
            }
            guard values.count == 4 else { return nil }
            return PixelRect(x: values[0], y: values[1], width: values[2] - values[0], height: values[3] - values[1])
        }
    }

    /// The parts of `image` that no kept rectangle covers, as bands of rectangles.
    static func complement(of kept: [PixelRect], within image: PixelRect) -> [PixelRect] {
        let keep = kept.map { $0.clipped(columns: image.maxX, rows: image.maxY) }.filter { !$0.isEmpty }
        let edges = Set([image.y, image.maxY] + keep.flatMap { [$0.y, $0.maxY] }).sorted()
        var bands: [PixelRect] = []
        for (top, bottom) in zip(edges, edges.dropFirst()) where bottom > top {
            let covering = keep.filter { $0.y <= top && $0.maxY >= bottom }.sorted { $0.x < $1.x }
            var x = image.x
            var gaps: [PixelRect] = []
            for rect in covering {
                if rect.x > x { gaps.append(PixelRect(x: x, y: top, width: rect.x - x, height: bottom - top)) }
                x = max(x, rect.maxX)
            }
            if x < image.maxX { gaps.append(PixelRect(x: x, y: top, width: image.maxX - x, height: bottom - top)) }
            for gap in gaps {
                // Join a gap to the same gap of the band above, so a frame around a region is 4 rectangles.
                if let i = bands.lastIndex(where: { $0.x == gap.x && $0.width == gap.width && $0.maxY == gap.y }) {
                    bands[i].height += gap.height
                } else {
                    bands.append(gap)
                }
            }
        }
        return bands
    }
}
