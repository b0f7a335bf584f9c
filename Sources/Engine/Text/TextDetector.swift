// TextDetector: finds burned-in text in a frame or a whole multi-frame image, tuned for overlay text.

public struct DetectedText: Sendable, Codable, Equatable {
    public var rect: PixelRect
    public var text: String
    public var confidence: Float
    /// The box holds more marks than the text read ("27.07" of "DOB 27.07.1946"): what it says
    /// cannot vouch for the box, so it is never passed by the allow list.
    public var partial = false

    public init(rect: PixelRect, text: String, confidence: Float, partial: Bool = false) {
        self.rect = rect
        self.text = text
        self.confidence = confidence
        self.partial = partial
    }
}

public struct TextDetector: Sendable {
    /// Words Tesseract is less sure of than this are noise on image texture, not text.
    public var minimumConfidence: Float = 25
    /// Images narrower than this are upscaled 2x: 8-12 px overlay text is too small for Tesseract.
    public var upscaleBelowWidth = 1400
    /// Detection reads a crop without that upscale when the median height of the marks in it is at
    /// least this: larger text gains nothing from it (Tesseract scales every line to its own height
    /// before reading it) and the upscaled crop cost four times the page layout. The quality check
    /// (`extraViews`) reads every crop upscaled. Bench, 40 US frames, `--verify headers`: 3.55-3.66 s
    /// of CPU against 3.25-3.49 s at 8 px, recall 447/447 either way; the corpus of 200 images:
    /// 1,000/1,000 tokens either way, median over-redaction 1.65% and 1.61%. Never upscaling: the
    /// same recall through the rows of marks redacted unread, but 3.7% over-redaction.
    public var readsUnscaledFromGlyphHeight = 8
    /// Views beyond detection's, for the quality check (see `strictViews`), and a lower saturation
    /// level for coloured text.
    public var extraViews = false
    /// Tesseract's languages: `languages` reads every crop, and the words it reads less sure than
    /// `minimumConfidence` are read again, in a crop around them, with `rereadLanguages`. English
    /// alone is sure of words in its dictionary; names and IDs it often reads right but at 0-20%,
    /// where the Lithuanian model is sure of them (an accession number: English 0%, Lithuanian 87%).
    /// Read as "eng+lit", Tesseract reads every word outside its English dictionary twice, image
    /// texture's garbage included: a quarter more time for the same words (bench, 40 frames).
    static let languages = "eng", rereadLanguages = "lit"

    public init() {}

    /// Settings stricter than detection's, for the quality check (Verifier): more views, larger
    /// upscaling of the masks, and words read at a lower confidence.
    public static let verification: TextDetector = {
        var detector = TextDetector()
        detector.extraViews = true
        detector.minimumConfidence = 20
        return detector
    }()

    /// Words in one frame, from several views of it: the grey image inverted (light text on dark
    /// ground becomes dark on light), a mask of the brightest pixels (white and grey overlays), and
    /// for colour images a mask of saturated pixels (yellow, green, cyan overlays).
    public func detect(_ raster: FrameRaster) throws -> [DetectedText] {
        try detect(raster, within: nil)
    }

    /// One image Tesseract reads, how much it is upscaled, and the marks in it that words are made of.
    struct View {
        var image: GrayImage
        var factor: Int
        var marks: [PixelRect]
        /// Read only where the mask's ink lies on a plain ground (see `plainGround`).
        var plainGroundOnly = false
    }

    /// True when the grey image is nearly flat around the ink of `mask` in `region`: the middle
    /// 60% of the other pixels' levels lie within `plainSpread`. Text on a banner or a black
    /// corner is; the speckle of an ultrasound sector is not.
    static func plainGround(_ gray: GrayImage, mask: GrayImage, _ region: PixelRect) -> Bool {
        var histogram = [Int](repeating: 0, count: 256)
        var count = 0
        for y in region.y..<region.maxY {
            for x in region.x..<region.maxX where mask[x, y] != 0 {
                histogram[Int(gray[x, y])] += 1
                count += 1
            }
        }
        guard count > 0 else { return true }
        var seen = 0, low: Int?
        for (level, n) in histogram.enumerated() {
            seen += n
            if low == nil && seen * 5 > count { low = level }
            if seen * 5 >= count * 4 { return level - (low ?? level) <= plainSpread }
        }
        return true
    }

    static let plainSpread = 24

    /// Words read at least this sure settle the marks under them for detection's later views.
    static let settledConfidence: Float = 70

    /// Words in one frame; with `area`, only in those parts of it (what some frames of a cine changed).
    func detect(_ raster: FrameRaster, within area: [PixelRect]?) throws -> [DetectedText] {
        let factor = raster.width < upscaleBelowWidth ? 2 : 1
        let (width, height) = (raster.width, raster.height)
        let spikes = raster.gray.spikeLevels()
        let mask = spikes.isEmpty
            ? raster.gray.textMask(atLeast: max(UInt8(150), raster.gray.percentile(0.97))) : raster.gray.levelMask(spikes)
        // Rows of glyph-sized marks: they complete words Tesseract read only in part, and in one
        // flat colour they are text even when no word of them can be read.
        let rows = TextLineFinder.lines(in: mask)
        var unread = spikes.isEmpty ? [] : rows
        // (mask, upscale): the binary mask of bright pixels is cheap for Tesseract, so it gets a
        // larger upscale, which is what 8 px text needs; the quality check reads it one step
        // larger still, for the smallest glyphs, when it holds rows of glyph-sized marks at all
        // (a CT's bright bone is no text, and costs the most to read). That larger reading is
        // only of text on a plain ground: on image texture the mask is the texture's brightest
        // speckle, a third of the check's time on ultrasound, and text there is the grey view's,
        // which the check reads at every mark of every mask.
        var masks: [(GrayImage, Int)] = [(mask, factor + (extraViews && !rows.isEmpty ? 2 : 1))]
        let saturationLevel: UInt8 = extraViews ? 30 : 60
        let saturation = raster.saturation
        if let saturation, saturation.percentile(0.999) > saturationLevel {
            masks.append((saturation.textMask(atLeast: saturationLevel), factor))
        }
        if extraViews { masks += strictMasks(raster, saturation: saturation, factor: factor) }
        // Each view is read only around its marks of glyph size in rows (a word is made of them);
        // the grey view around what Tesseract's own threshold makes ink of, in either polarity,
        // and around every mask's marks.
        let maskMarks = TextRegions.marks(in: mask)
        var allMarks = maskMarks
        var views: [View] = []
        for (image, f) in masks {
            let marks = image == mask ? maskMarks : TextRegions.marks(in: image)
            if image != mask { allMarks += marks }
            views.append(View(image: image, factor: f, marks: TextRegions.inRows(marks), plainGroundOnly: f > factor + 1))
        }
        let level = raster.gray.otsuLevel()
        let greyMarks = TextRegions.inRows(TextRegions.marks(in: raster.gray.textMask(atLeast: level &+ 1))
            + TextRegions.marks(in: raster.gray.darkMask(below: level)) + allMarks)
        // Detection reads the grey view first: it shows text of every colour, and on the bench's
        // ultrasound frames it alone reads 99.1% of the identifying words. The masks then read
        // only the marks it left unsettled. Read first, they read most text a second time in the
        // grey view: 35% more time for the same words. The quality check reads every view whole.
        views.insert(View(image: raster.gray.inverted(), factor: factor, marks: greyMarks), at: extraViews ? views.endIndex : 0)
        // On a light ground, the grey image as it is too (dark text on light).
        if extraViews && raster.gray.percentile(0.5) > 128 { views.append(View(image: raster.gray, factor: factor, marks: greyMarks)) }
        var found: [DetectedText] = []
        try withReaders { ocr, again in
            for view in views {
                var marks = view.marks
                // Detection reads a mark once: where an earlier view read words with confidence,
                // a later one has nothing to add but misreadings. The quality check reads every view.
                if !extraViews {
                    let settled = found.filter { $0.confidence >= Self.settledConfidence }.map(\.rect)
                    marks.removeAll { mark in settled.contains { Self.overlap(mark, $0) > 0.5 } }
                }
                var regions = TextRegions.regions(around: marks, width: width, height: height)
                if view.plainGroundOnly { regions.removeAll { !Self.plainGround(raster.gray, mask: view.image, $0) } }
                if let area { regions = regions.flatMap { r in area.map { r.intersection($0) }.filter { !$0.isEmpty } } }
                for region in regions {
                    let whole = region.width == width && region.height == height
                    let crop = whole ? view.image : view.image.cropped(to: region)
                    let f = view.factor == factor && factor > 1 && !extraViews
                        && Self.medianHeight(of: marks, in: region) >= readsUnscaledFromGlyphHeight ? 1 : view.factor
                    for word in try words(in: crop, factor: f, ocr, again) {
                        guard word.text.contains(where: { $0.isLetter || $0.isNumber }) else { continue }
                        let rect = PixelRect(x: region.x + word.rect.x, y: region.y + word.rect.y,
                                             width: word.rect.width, height: word.rect.height)
                        found.append(DetectedText(rect: rect, text: word.text, confidence: word.confidence))
                    }
                }
            }
        }
        for i in found.indices {
            let read = found[i].rect
            for row in rows where row.height <= found[i].rect.height * 2 && Self.overlap(row, found[i].rect) > 0.5 {
                found[i].rect = found[i].rect.union(row)
            }
            found[i].rect = Self.grown(found[i].rect, in: raster.gray)
            // Coloured text on grey texture stands out in saturation where its luminance does not
            // (green digits beside a word read in the grey view were left a glyph short).
            if let saturation { found[i].rect = Self.grown(found[i].rect, in: saturation) }
            if found[i].rect.width > read.width * 13 / 10 + 2 { found[i].partial = true }
        }
        if let area { unread.removeAll { row in !area.contains { $0.intersects(row) } } }
        unread.removeAll { line in found.contains { $0.rect.union(line) == $0.rect } }
        found += unread.map { DetectedText(rect: $0, text: "", confidence: 0) }
        return Self.deduplicated(found)
    }

    /// The median height of the marks that meet `region`; 0 when none does.
    static func medianHeight(of marks: [PixelRect], in region: PixelRect) -> Int {
        let heights = marks.filter { region.intersects($0) }.map(\.height).sorted()
        return heights.isEmpty ? 0 : heights[heights.count / 2]
    }

    /// The engines for `languages` and `rereadLanguages`, for the calling thread.
    private func withReaders<T>(_ body: (OCR, OCR) throws -> T) throws -> T {
        try OCRPool.shared.with(Self.languages) { ocr in try OCRPool.shared.with(Self.rereadLanguages) { try body(ocr, $0) } }
    }

    /// The words of `image` read `factor` times larger, at least `minimumConfidence` sure, in the
    /// image's coordinates.
    func words(in image: GrayImage, factor: Int) throws -> [RecognizedWord] {
        try withReaders { try words(in: image, factor: factor, $0, $1) }
    }

    /// The words of `crop` read `factor` times larger by `ocr`, in the crop's coordinates; those
    /// it is unsure of are read again by `again`, in a crop around them.
    private func words(in crop: GrayImage, factor f: Int, _ ocr: OCR, _ again: OCR) throws -> [RecognizedWord] {
        func unscaled(_ r: PixelRect) -> PixelRect {
            PixelRect(x0: r.x / f, y0: r.y / f, x1: (r.maxX + f - 1) / f, y1: (r.maxY + f - 1) / f)
        }
        let read = try ocr.words(in: crop.scaled(by: f))
        var sure = read.filter { $0.confidence >= minimumConfidence }
            .map { RecognizedWord(rect: unscaled($0.rect), text: $0.text, confidence: $0.confidence) }
        let unsure = read.filter { $0.confidence < minimumConfidence }.map { unscaled($0.rect) }
        for region in TextRegions.regions(around: unsure, width: crop.width, height: crop.height) {
            let whole = region.width == crop.width && region.height == crop.height
            for word in try again.words(in: (whole ? crop : crop.cropped(to: region)).scaled(by: f))
            where word.confidence >= minimumConfidence {
                let r = unscaled(word.rect)
                let rect = PixelRect(x: region.x + r.x, y: region.y + r.y, width: r.width, height: r.height)
                // Only where the first reader saw a word: the second adds no words of its own.
                guard unsure.contains(where: { Self.overlap($0, rect) > 0.5 }) else { continue }
                sure.append(RecognizedWord(rect: rect, text: word.text, confidence: word.confidence))
            }
        }
        return sure
    }

    /// The quality check's further masks (Tesseract reads a mask in a fraction of the time of a
    /// grey image): each colour channel's own flat-colour mask (text in a colour whose luminance
    /// does not stand out).
    private func strictMasks(_ raster: FrameRaster, saturation: GrayImage?, factor: Int) -> [(GrayImage, Int)] {
        var views: [(GrayImage, Int)] = []
        if let rgb = raster.rgb, let saturation, saturation.percentile(0.999) > 20 {
            let count = raster.width * raster.height
            for channel in 0..<3 {
                var plane = [UInt8](repeating: 0, count: count)
                for i in 0..<count { plane[i] = rgb[i * 3 + channel] }
                let image = GrayImage(width: raster.width, height: raster.height, pixels: plane)
                let spikes = image.spikeLevels()
                views.append((spikes.isEmpty ? image.textMask(atLeast: max(UInt8(150), image.percentile(0.97))) : image.levelMask(spikes), factor + 1))
            }
        }
        return views
    }

    /// Every frame of a file. A multi-frame image's static overlay (pixels equal in every frame) is
    /// read once from a composite; the first and last frames are read too, for text that changes;
    /// and where pixels change in few of the steps from frame to frame (a name shown during some
    /// frames appears and goes once; the moving image changes at nearly every step), the frames
    /// that show the change are read there.
    public func detect(_ file: DicomFile) throws -> [DetectedText] {
        let info = try file.pixelInfo()
        let display = FrameRaster.Display(file.dataset)
        let first = try FrameRaster(frame: file.decodeFrameOnce(0, info: info), info: info, display: display)
        guard info.frames > 1 else { return try detect(first) }
        var lowest = first.gray.pixels, highest = first.gray.pixels
        let count = lowest.count
        // Per pixel: at how many steps from one frame to the next it changes, and the first and
        // the last frame in which it differs from the first frame.
        var steps = [UInt32](repeating: 0, count: count)
        var earliest = [UInt32](repeating: 0, count: count), latest = [UInt32](repeating: 0, count: count)
        var last = first
        for index in 1..<info.frames {
            let raster = try FrameRaster(frame: file.decodeFrameOnce(index, info: info), info: info, display: display)
            raster.gray.pixels.withUnsafeBufferPointer { frame in
                first.gray.pixels.withUnsafeBufferPointer { start in
                    last.gray.pixels.withUnsafeBufferPointer { previous in
                        for i in 0..<count {
                            let p = frame[i]
                            if p < lowest[i] { lowest[i] = p }
                            if p > highest[i] { highest[i] = p }
                            if Self.differs(p, previous[i]) { steps[i] += 1 }
                            if Self.differs(p, start[i]) {
                                if earliest[i] == 0 { earliest[i] = UInt32(index) }
                                latest[i] = UInt32(index)
                            }
                        }
                    }
                }
            }
            last = raster
        }
        // Pixels that move are blacked out, so the composite shows only what stays: the overlay.
        var composite = first.gray
        for i in 0..<count where highest[i] &- lowest[i] > Self.stillTolerance { composite.pixels[i] = 0 }
        let still = FrameRaster(gray: composite, rgb: first.rgb.map { rgb in
            var masked = rgb
            for i in 0..<count where highest[i] &- lowest[i] > Self.stillTolerance { masked[i * 3] = 0; masked[i * 3 + 1] = 0; masked[i * 3 + 2] = 0 }
            return masked
        })
        var found = try detect(still) + detect(first) + detect(last)
        for (index, area) in Self.framesToRead(steps: steps, earliest: earliest, latest: latest, frames: info.frames,
                                               width: first.width, height: first.height) {
            let raster = try FrameRaster(frame: file.decodeFrameOnce(index, info: info), info: info, display: display)
            found += try detect(raster, within: area)
        }
        return Self.deduplicated(found)
    }

    /// Grey levels a still pixel may vary by between frames (compression noise).
    static let stillTolerance: UInt8 = 8

    static func differs(_ a: UInt8, _ b: UInt8) -> Bool { (a > b ? a - b : b - a) > stillTolerance }

    /// Frames (0-based, neither the first nor the last, which are read whole) and the regions of
    /// each to read: around the marks of the pixels that change at one step from frame to frame
    /// or more but at no more than half of them, read in the first and the last frame in which
    /// most of a region's such pixels differ from the first frame.
    static func framesToRead(steps: [UInt32], earliest: [UInt32], latest: [UInt32], frames: Int,
                             width: Int, height: Int) -> [(Int, [PixelRect])] {
        guard frames > 2 else { return [] }
        var transient = GrayImage(width: width, height: height, fill: 255)
        for i in steps.indices where steps[i] > 0 && Int(steps[i]) * 2 <= frames - 1 && earliest[i] > 0 { transient.pixels[i] = 0 }
        var areas: [Int: [PixelRect]] = [:]
        for region in TextRegions.regions(around: TextRegions.marks(in: transient), width: width, height: height) {
            var byEarliest: [UInt32: Int] = [:], byLatest: [UInt32: Int] = [:]
            for y in region.y..<region.maxY {
                for x in region.x..<region.maxX where transient[x, y] == 0 {
                    byEarliest[earliest[y * width + x], default: 0] += 1
                    byLatest[latest[y * width + x], default: 0] += 1
                }
            }
            for choice in [byEarliest, byLatest] {
                guard let index = choice.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key,
                      index > 0, Int(index) < frames - 1 else { continue }
                if !(areas[Int(index)]?.contains(region) ?? false) { areas[Int(index), default: []].append(region) }
            }
        }
        return areas.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// A word box grows over the marks beside it on its line (a "+2:" Tesseract did not read next
    /// to the "09:04" it did), so that a line is never left half covered. Marks are the pixels
    /// brighter than halfway between the word box's median and its brightest pixel.
    static func grown(_ rect: PixelRect, in gray: GrayImage) -> PixelRect {
        let box = rect.clipped(columns: gray.width, rows: gray.height)
        guard !box.isEmpty else { return rect }
        var inside: [UInt8] = []
        for y in box.y..<box.maxY { for x in box.x..<box.maxX { inside.append(gray[x, y]) } }
        inside.sort()
        let median = Int(inside[inside.count / 2]), brightest = Int(inside[inside.count - 1])
        guard brightest - median > 40 else { return rect }
        let level = UInt8((median + brightest) / 2)
        let h = box.height
        // The whole row: the line may go on, mark by mark, past any fixed reach.
        let region = PixelRect(x: 0, y: box.y - h / 3, width: gray.width, height: h + 2 * (h / 3))
            .clipped(columns: gray.width, rows: gray.height)
        var crop = GrayImage(width: region.width, height: region.height, fill: 255)
        for y in 0..<region.height {
            for x in 0..<region.width where gray[region.x + x, region.y + y] >= level { crop[x, y] = 0 }
        }
        let marks = TextLineFinder.components(in: crop).map {
            PixelRect(x: $0.box.x + region.x, y: $0.box.y + region.y, width: $0.box.width, height: $0.box.height)
        }
        var grown = rect
        var changed = true
        while changed {
            changed = false
            for mark in marks where !(grown.contains(x: mark.x, y: mark.y) && grown.contains(x: mark.maxX - 1, y: mark.maxY - 1)) {
                let overlap = min(mark.maxY, grown.maxY) - max(mark.y, grown.y)
                let gap = max(mark.x - grown.maxX, grown.x - mark.maxX)
                guard overlap * 2 >= mark.height, mark.height <= h * 3 / 2, gap <= max(2, h * 2 / 3) else { continue }
                grown = grown.union(mark)
                changed = true
            }
        }
        return grown
    }

    /// Words seen in several views or frames are kept once: the one with the larger box.
    static func deduplicated(_ words: [DetectedText]) -> [DetectedText] {
        var kept: [DetectedText] = []
        for word in words.sorted(by: { $0.rect.area > $1.rect.area }) {
            if let i = kept.firstIndex(where: { overlap($0.rect, word.rect) > 0.6 }) {
                // Unread marks ("") stay unread: a word read inside them does not make them safe.
                if !kept[i].text.isEmpty && !word.text.isEmpty && kept[i].confidence < word.confidence
                    && kept[i].text.count <= word.text.count { kept[i].text = word.text }
                if word.text.isEmpty { kept[i].text = "" }
                if word.partial { kept[i].partial = true }
                kept[i].rect = kept[i].rect.union(word.rect) // one box, but never less covered
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
    /// A raster computed elsewhere: a cine's median frame here, Render's table-windowed previews.
    public init(gray: GrayImage, rgb: [UInt8]?) {
        width = gray.width
        height = gray.height
        self.gray = gray
        self.rgb = rgb
    }
}
