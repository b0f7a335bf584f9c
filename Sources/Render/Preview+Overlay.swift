// Preview+Overlay: box outlines (solid or dashed) and number tags drawn into a composed preview.
import Engine

extension Preview {
    /// Where the number tag of `box` goes: above the outline's top-left corner, or just inside it
    /// when the box touches the top of the preview. Nil when the box has no number or is outside.
    public static func labelRect(of box: OverlayBox, geometry: PreviewGeometry) -> PixelRect? {
        let outline = outlineRect(of: box, geometry: geometry)
        guard box.number > 0, !outline.isEmpty else { return nil }
        let s = digitScale(geometry)
        let digits = String(box.number).count
        let w = digits * (DigitGlyphs.width + 1) * s + s, h = (DigitGlyphs.height + 2) * s
        let x = min(outline.x, max(0, geometry.width - w))
        let y = outline.y - h >= 0 ? outline.y - h : min(outline.y + box.style.thickness, max(0, geometry.height - h))
        return PixelRect(x: x, y: y, width: w, height: h).clipped(columns: geometry.width, rows: geometry.height)
    }

    /// Digits twice as large on previews tall enough to spare them.
    static func digitScale(_ geometry: PreviewGeometry) -> Int { geometry.height >= 360 ? 2 : 1 }

    static func drawOutline(_ box: OverlayBox, geometry: PreviewGeometry, on image: inout RGBImage) {
        let outer = outlineRect(of: box, geometry: geometry)
        guard !outer.isEmpty else { return }
        let t = box.style.thickness, color = box.style.color
        let dash = box.style.isDashed ? 4 : 0
        let left = outer.x..<min(outer.maxX, outer.x + t), right = max(left.upperBound, outer.maxX - t)..<outer.maxX
        for y in outer.y..<outer.maxY {
            let edgeRow = y < outer.y + t || y >= outer.maxY - t
            // Only the side bands between the top and bottom edges: a box over the whole image stays cheap.
            for span in edgeRow ? [outer.x..<outer.maxX] : [left, right] {
                for x in span {
                    // Dashes run along the perimeter, so corners and sides share one rhythm.
                    if dash > 0, ((edgeRow ? x - outer.x : y - outer.y) / dash) % 2 == 1 { continue }
                    image[x, y] = color
                }
            }
        }
    }

    static func drawLabel(_ box: OverlayBox, geometry: PreviewGeometry, on image: inout RGBImage) {
        guard let tag = labelRect(of: box, geometry: geometry) else { return }
        let s = digitScale(geometry)
        for y in tag.y..<tag.maxY {
            for x in tag.x..<tag.maxX { image[x, y] = box.style.color }
        }
        var left = tag.x + s
        for digit in String(box.number).compactMap(\.wholeNumberValue) {
            for gy in 0..<DigitGlyphs.height {
                for gx in 0..<DigitGlyphs.width where DigitGlyphs.isInk(digit, x: gx, y: gy) {
                    for dy in 0..<s {
                        for dx in 0..<s {
                            let px = left + gx * s + dx, py = tag.y + s + gy * s + dy
                            if px < tag.maxX, py < tag.maxY { image[px, py] = .black }
                        }
                    }
                }
            }
            left += (DigitGlyphs.width + 1) * s
        }
    }
}

/// A 3x5 pixel font of the ten digits, enough to number boxes without a font library.
enum DigitGlyphs {
    static let width = 3
    static let height = 5
    /// Five rows of three bits per digit, top row first, leftmost pixel in the high bit.
    private static let rows: [[UInt8]] = [
        [0b111, 0b101, 0b101, 0b101, 0b111], // 0
        [0b010, 0b110, 0b010, 0b010, 0b111], // 1
        [0b111, 0b001, 0b111, 0b100, 0b111], // 2
        [0b111, 0b001, 0b111, 0b001, 0b111], // 3
        [0b101, 0b101, 0b111, 0b001, 0b001], // 4
        [0b111, 0b100, 0b111, 0b001, 0b111], // 5
        [0b111, 0b100, 0b111, 0b101, 0b111], // 6
        [0b111, 0b001, 0b010, 0b010, 0b010], // 7
        [0b111, 0b101, 0b111, 0b101, 0b111], // 8
        [0b111, 0b101, 0b111, 0b001, 0b111], // 9
    ]

    static func isInk(_ digit: Int, x: Int, y: Int) -> Bool {
        rows[digit][y] >> (2 - x) & 1 == 1
    }
}
