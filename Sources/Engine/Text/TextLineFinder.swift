// TextLineFinder: text-like rows of glyph-sized marks in a binary mask, found without reading them.

/// Overlay text that Tesseract cannot read (8 px glyphs on texture) is still a row of marks of one
/// height in one flat colour; this finds such rows so that they are redacted all the same.
enum TextLineFinder {
    struct Component {
        var box: PixelRect
        var area: Int
    }

    /// Rows of at least `minimumMarks` marks in `mask` (0 = ink, as the masks of GrayImage are).
    static func lines(in mask: GrayImage, minimumMarks: Int = 3) -> [PixelRect] {
        let marks = components(in: mask).filter { c in
            let h = c.box.height, w = c.box.width
            return h >= 4 && h <= mask.height / 6 && w <= h * 3 && c.area >= 3 && Double(c.area) <= 0.9 * Double(c.box.area) + 4
        }.sorted { $0.box.x < $1.box.x }
        var used = [Bool](repeating: false, count: marks.count)
        var lines: [PixelRect] = []
        for start in marks.indices where !used[start] {
            var line = marks[start].box
            var members = 1
            used[start] = true
            var grew = true
            while grew {
                grew = false
                for i in marks.indices where !used[i] && belongs(marks[i].box, to: line) {
                    line = line.union(marks[i].box)
                    used[i] = true
                    members += 1
                    grew = true
                }
            }
            if members >= minimumMarks { lines.append(line) }
        }
        return lines
    }

    /// Same row (most of the smaller height shared) and close (gap under about one glyph height).
    static func belongs(_ mark: PixelRect, to line: PixelRect) -> Bool {
        let overlap = min(mark.maxY, line.maxY) - max(mark.y, line.y)
        let gap = max(mark.x - line.maxX, line.x - mark.maxX)
        return overlap * 2 >= min(mark.height, line.height) && gap <= max(3, mark.height + mark.height / 4)
            && mark.height * 3 >= line.height && line.height * 3 >= mark.height * 1
    }

    /// 8-connected components of ink pixels, glyph-sized (larger areas are regions, not glyphs).
    static func components(in mask: GrayImage) -> [Component] {
        connectedInk(mask, eightConnected: true).filter { $0.area <= 20_000 }
    }

    /// Every connected area of ink (0) pixels of a mask, in raster order of its first pixel, with its
    /// bounding box and pixel count; 8-connected (diagonal neighbours join) or 4-connected.
    static func connectedInk(_ mask: GrayImage, eightConnected: Bool) -> [Component] {
        let w = mask.width, h = mask.height
        var seen = [Bool](repeating: false, count: w * h)
        var result: [Component] = []
        var stack: [Int] = []
        for start in 0..<(w * h) where mask.pixels[start] == 0 && !seen[start] {
            seen[start] = true
            stack.append(start)
            var minX = start % w, maxX = minX, minY = start / w, maxY = minY, area = 0
            while let p = stack.popLast() {
                area += 1
                let x = p % w, y = p / w
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                for dy in -1...1 {
                    let ny = y + dy
                    guard ny >= 0, ny < h else { continue }
                    for dx in -1...1 where eightConnected || dx == 0 || dy == 0 {
                        let nx = x + dx
                        guard nx >= 0, nx < w else { continue }
                        let q = ny * w + nx
                        if mask.pixels[q] == 0 && !seen[q] {
                            seen[q] = true
                            stack.append(q)
                        }
                    }
                }
            }
            result.append(Component(box: PixelRect(x0: minX, y0: minY, x1: maxX + 1, y1: maxY + 1), area: area))
        }
        return result
    }
}
