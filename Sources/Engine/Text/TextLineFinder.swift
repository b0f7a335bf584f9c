// TextLineFinder: text-like rows of glyph-sized marks in a binary mask, found without reading them.

/// Overlay text that Tesseract cannot read (8 px glyphs on texture) is still a row of marks of one
/// height in one flat colour; this finds such rows so that they are redacted all the same.
enum TextLineFinder {
    struct Component: Equatable {
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
    /// Labels runs of ink, not pixels: each row's runs join the runs of the row above that they
    /// touch (union-find, the earliest run as root), so the work goes with the runs.
    static func connectedInk(_ mask: GrayImage, eightConnected: Bool) -> [Component] {
        let w = mask.width, h = mask.height
        var runs: [Run] = []
        var parent: [Int] = []
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i {
                parent[i] = parent[parent[i]]
                i = parent[i]
            }
            return i
        }
        // Runs touch the run below when their columns overlap, or only meet at a corner (8-connected).
        let reach = eightConnected ? 1 : 0
        mask.pixels.withUnsafeBufferPointer { pixels in
            var above = 0..<0
            for y in 0..<h {
                let row = y * w, first = runs.count
                var x = 0, candidate = above.lowerBound
                while x < w {
                    guard pixels[row + x] == 0 else { x += 1; continue }
                    let x0 = x
                    while x < w && pixels[row + x] == 0 { x += 1 }
                    let index = runs.count
                    runs.append(Run(x0: x0, x1: x, y: y))
                    parent.append(index)
                    while candidate < above.upperBound && runs[candidate].x1 + reach <= x0 { candidate += 1 }
                    var k = candidate
                    while k < above.upperBound && runs[k].x0 < x + reach {
                        let a = root(k), b = root(index)
                        if a != b { parent[max(a, b)] = min(a, b) }
                        k += 1
                    }
                }
                above = first..<runs.count
            }
        }
        var slot = [Int](repeating: -1, count: runs.count)
        var result: [Component] = []
        for (i, run) in runs.enumerated() {
            let r = root(i)
            let box = PixelRect(x0: run.x0, y0: run.y, x1: run.x1, y1: run.y + 1)
            if slot[r] < 0 {
                slot[r] = result.count
                result.append(Component(box: box, area: run.x1 - run.x0))
            } else {
                result[slot[r]].box = result[slot[r]].box.union(box)
                result[slot[r]].area += run.x1 - run.x0
            }
        }
        return result
    }

    /// Columns x0..<x1 of row y, all ink.
    private struct Run {
        var x0: Int, x1: Int, y: Int
    }
}
