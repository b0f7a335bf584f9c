// TextRegions: the parts of a view where Tesseract can find words (around marks of glyph size), so it reads crops, not the whole upscaled frame.

/// Tesseract's time goes on the area it is given and on every blob in it that it tries to read as
/// a line, while a frame's text covers a few percent of it. A word is made of marks of glyph size
/// in a binary view of the image; crops around them, grown by a glyph's height on either side and
/// half of it above and below, hold every word Tesseract could read in the whole view.
enum TextRegions {
    /// Above this share of the image, crops would cost about as much as the whole view.
    static let wholeViewShare = 0.55

    /// Boxes of the marks of `mask` (0 = ink) that could be glyphs or parts of a word: at least
    /// 3 px in one direction, no taller than a quarter of the image (and not the large areas that
    /// TextLineFinder.components leaves out).
    static func marks(in mask: GrayImage) -> [PixelRect] {
        let tallest = max(8, mask.height / 4)
        return TextLineFinder.components(in: mask).map(\.box).filter { $0.height <= tallest && max($0.width, $0.height) >= 3 }
    }

    /// The marks that can be part of a word of two glyphs or more: beside another mark on its row
    /// (as TextLineFinder joins them), or as wide as one and a half glyphs (letters that touch).
    /// Lone specks of image texture go; a lone letter is no word that could identify anyone.
    static func inRows(_ marks: [PixelRect]) -> [PixelRect] {
        let sorted = marks.filter { $0.height >= 4 || $0.width >= 4 }.sorted { $0.x < $1.x }
        var kept = [Bool](repeating: false, count: sorted.count)
        for i in sorted.indices {
            let a = sorted[i]
            if a.width * 2 >= a.height * 3 { kept[i] = true }
            var j = i + 1
            while j < sorted.count, sorted[j].x <= a.maxX + max(3, 4 * a.height + 3) {
                let b = sorted[j]
                let overlap = min(a.maxY, b.maxY) - max(a.y, b.y)
                let gap = b.x - a.maxX
                if overlap * 2 >= min(a.height, b.height), gap <= max(3, max(a.height, b.height) * 5 / 4),
                   a.height * 3 >= b.height, b.height * 3 >= a.height {
                    kept[i] = true
                    kept[j] = true
                }
                j += 1
            }
        }
        return sorted.indices.filter { kept[$0] }.map { sorted[$0] }
    }

    /// Crops around `marks`, merged where they touch; the whole image when they would cover most
    /// of it anyway; none when there are no marks.
    static func regions(around marks: [PixelRect], width: Int, height: Int) -> [PixelRect] {
        guard !marks.isEmpty else { return [] }
        let whole = [PixelRect(x: 0, y: 0, width: width, height: height)]
        var cover = GrayImage(width: width, height: height, fill: 255)
        for b in marks {
            let h = b.height
            let grown = PixelRect(x: b.x - h - 2, y: b.y - h / 2 - 3, width: b.width + 2 * h + 4, height: h + 2 * (h / 2) + 6)
                .clipped(columns: width, rows: height)
            for y in grown.y..<grown.maxY {
                let row = y * width
                for x in grown.x..<grown.maxX { cover.pixels[row + x] = 0 }
            }
        }
        var covered = 0
        for p in cover.pixels where p == 0 { covered += 1 }
        if Double(covered) > wholeViewShare * Double(width * height) { return whole }
        var boxes = boundingBoxes(cover)
        // The boxes of L-shaped areas can overlap: merge until none does.
        var merging = true
        while merging {
            merging = false
            search: for i in boxes.indices {
                for j in (i + 1)..<boxes.count where boxes[i].intersects(boxes[j]) {
                    boxes[i] = boxes[i].union(boxes[j])
                    boxes.remove(at: j)
                    merging = true
                    break search
                }
            }
        }
        let area = boxes.reduce(0) { $0 + $1.area }
        return Double(area) > wholeViewShare * Double(width * height) ? whole : boxes
    }

    /// Bounding boxes of the 4-connected ink areas of a mask, of any size.
    static func boundingBoxes(_ mask: GrayImage) -> [PixelRect] {
        TextLineFinder.connectedInk(mask, eightConnected: false).map(\.box)
    }
}
