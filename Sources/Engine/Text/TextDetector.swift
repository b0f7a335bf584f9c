// TextDetector: finds burned-in text in a frame or a whole multi-frame image, tuned for overlay text.

public struct DetectedText: Sendable, Codable, Equatable {
    public var rect: PixelRect
    public var text: String
    public var confidence: Float
}

public struct TextDetector: Sendable {
    /// Words Tesseract is less sure of than this are noise on image texture, not text.
    public var minimumConfidence: Float = 25
    /// Images narrower than this are upscaled 2x: 8-12 px overlay text is too small for Tesseract.
    public var upscaleBelowWidth = 1400

    public init() {}

    /// Words in one frame, from several views of it: the grey image inverted (light text on dark
    /// ground becomes dark on light), a mask of the brightest pixels (white and grey overlays), and
    /// for colour images a mask of saturated pixels (yellow, green, cyan overlays).
    public func detect(_ raster: FrameRaster) throws -> [DetectedText] {
        let factor = raster.width < upscaleBelowWidth ? 2 : 1
        // (view, upscale): the binary mask of bright pixels is cheap for Tesseract, so it gets a
        // larger upscale, which is what 8 px text needs.
        var views: [(GrayImage, Int)] = [(raster.gray.inverted(), factor)]
        let spikes = raster.gray.spikeLevels()
        if spikes.isEmpty {
            views.append((raster.gray.textMask(atLeast: max(UInt8(150), raster.gray.percentile(0.97))), factor + 1))
        } else {
            views.append((raster.gray.levelMask(spikes), factor + 1))
        }
        // Rows of flat-coloured marks are text even when no word of them can be read.
        var unread = spikes.isEmpty ? [] : TextLineFinder.lines(in: raster.gray.levelMask(spikes))
        if let saturation = raster.saturation, saturation.percentile(0.999) > 60 {
            views.append((saturation.textMask(atLeast: 60), factor))
        }
        var found: [DetectedText] = []
        try OCRPool.shared.with { ocr in
            for (view, factor) in views {
                for word in try ocr.words(in: view.scaled(by: factor)) where word.confidence >= minimumConfidence {
                    guard word.text.contains(where: { $0.isLetter || $0.isNumber }) else { continue }
                    let r = word.rect
                    let rect = PixelRect(x0: r.x / factor, y0: r.y / factor,
                                         x1: (r.maxX + factor - 1) / factor, y1: (r.maxY + factor - 1) / factor)
                    found.append(DetectedText(rect: rect, text: word.text, confidence: word.confidence))
                }
            }
        }
        unread.removeAll { line in found.contains { TextDetector.overlap($0.rect, line) > 0.8 && $0.rect.area * 2 >= line.area } }
        found += unread.map { DetectedText(rect: $0, text: "", confidence: 0) }
        return Self.deduplicated(found)
    }

    /// Every frame of a file. A multi-frame image's static overlay (pixels equal in every frame) is
    /// read once from a composite; the first and last frames are read too, for text that changes.
    public func detect(_ file: DicomFile) throws -> [DetectedText] {
        let info = try file.pixelInfo()
        let display = FrameRaster.Display(file.dataset)
        let first = try FrameRaster(frame: file.decodeFrame(0, info: info), info: info, display: display)
        guard info.frames > 1 else { return try detect(first) }
        var lowest = first.gray.pixels, highest = first.gray.pixels
        var last = first
        for index in 1..<info.frames {
            let raster = try FrameRaster(frame: file.decodeFrame(index, info: info), info: info, display: display)
            for i in 0..<lowest.count {
                let p = raster.gray.pixels[i]
                if p < lowest[i] { lowest[i] = p }
                if p > highest[i] { highest[i] = p }
            }
            last = raster
        }
        // Pixels that move are blacked out, so the composite shows only what stays: the overlay.
        var composite = first.gray
        for i in 0..<lowest.count where highest[i] &- lowest[i] > 8 { composite.pixels[i] = 0 }
        let still = FrameRaster(gray: composite, rgb: first.rgb.map { rgb in
            var masked = rgb
            for i in 0..<lowest.count where highest[i] &- lowest[i] > 8 { masked[i * 3] = 0; masked[i * 3 + 1] = 0; masked[i * 3 + 2] = 0 }
            return masked
        })
        return Self.deduplicated(try detect(still) + detect(first) + detect(last))
    }

    /// Words seen in several views or frames are kept once: the one with the larger box.
    static func deduplicated(_ words: [DetectedText]) -> [DetectedText] {
        var kept: [DetectedText] = []
        for word in words.sorted(by: { $0.rect.area > $1.rect.area }) {
            if let i = kept.firstIndex(where: { overlap($0.rect, word.rect) > 0.6 }) {
                if kept[i].confidence < word.confidence && kept[i].text.count <= word.text.count { kept[i].text = word.text }
                continue
            }
            kept.append(word)
        }
        return kept.sorted { ($0.rect.y, $0.rect.x) < ($1.rect.y, $1.rect.x) }
    }

    /// Intersection over the smaller box's area.
    static func overlap(_ a: PixelRect, _ b: PixelRect) -> Double {
        let w = min(a.maxX, b.maxX) - max(a.x, b.x), h = min(a.maxY, b.maxY) - max(a.y, b.y)
        guard w > 0, h > 0, a.area > 0, b.area > 0 else { return 0 }
        return Double(w * h) / Double(min(a.area, b.area))
    }
}

extension FrameRaster {
    init(gray: GrayImage, rgb: [UInt8]?) {
        width = gray.width
        height = gray.height
        self.gray = gray
        self.rgb = rgb
    }
}
