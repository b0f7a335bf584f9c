// GlyphFont: Leptonica's built-in bitmap fonts as glyph masks, to burn known text into generated images.
import CTesseract

/// One character's pixels: `ink[y * width + x]`; `baseline` rows from the top to the baseline.
public struct Glyph: Sendable {
    public let width: Int
    public let height: Int
    public let baseline: Int
    public let ink: [Bool]
}

public struct GlyphFont: Sendable {
    /// Leptonica sizes: 4, 6, ... 20 (points at 300 ppi).
    public let size: Int
    public let glyphs: [Character: Glyph]
    public let spaceWidth: Int
    public let kernWidth: Int
    public let lineHeight: Int

    public init(size: Int) throws {
        guard let bmf = bmfCreate(nil, Int32(size)) else {
            throw EngineError(.unsupported, "Leptonica has no bitmap font of size \(size)")
        }
        var font: UnsafeMutablePointer<L_BMF>? = bmf
        defer { bmfDestroy(&font) }
        var glyphs: [Character: Glyph] = [:]
        for code in 33...126 {
            let char = CChar(code)
            guard let pix = bmfGetPix(bmf, char) else { continue }
            let width = Int(pixGetWidth(pix)), height = Int(pixGetHeight(pix))
            var baseline: Int32 = 0
            bmfGetBaseline(bmf, char, &baseline)
            var ink = [Bool](repeating: false, count: width * height)
            for y in 0..<height {
                for x in 0..<width {
                    var value: UInt32 = 0
                    pixGetPixel(pix, Int32(x), Int32(y), &value)
                    ink[y * width + x] = value != 0
                }
            }
            var optional: UnsafeMutablePointer<PIX>? = pix
            pixDestroy(&optional)
            glyphs[Character(Unicode.Scalar(UInt8(code)))] = Glyph(width: width, height: height, baseline: Int(baseline), ink: ink)
        }
        self.size = size
        self.glyphs = glyphs
        spaceWidth = Int(bmf.pointee.spacewidth)
        kernWidth = Int(bmf.pointee.kernwidth)
        lineHeight = Int(bmf.pointee.lineheight)
    }
}

/// Where each character of a drawn string put ink, in image coordinates.
public struct InkMap: Sendable {
    public var points: [(x: Int, y: Int)] = []
    public var bounds: PixelRect? {
        guard let first = points.first else { return nil }
        var r = PixelRect(x: first.x, y: first.y, width: 1, height: 1)
        for p in points { r = r.union(PixelRect(x: p.x, y: p.y, width: 1, height: 1)) }
        return r
    }
}

extension GlyphFont {
    /// The scale that makes a capital letter `capHeight` pixels tall.
    public func scale(forCapHeight capHeight: Int) -> Double {
        Double(capHeight) / Double(glyphs["H"]?.height ?? lineHeight)
    }

    /// Lays out `text` with its baseline at `baselineY`, scaled by `scale` (below 1 a target pixel
    /// is inked when most of its source area is, as device overlay fonts look), calling `plot` for
    /// each inked pixel. Lithuanian letters are drawn as their base letter with the mark added
    /// (caron, dot above, macron, ogonek), since the bitmap fonts are ASCII.
    public func draw(_ text: String, x: Int, baselineY: Int, scale: Double = 1, plot: (Int, Int) -> Void) -> InkMap {
        var ink = InkMap()
        var pen = Double(x)
        let markScale = max(1, Int(scale * 3))
        for character in text {
            if character == " " {
                pen += Double(spaceWidth + kernWidth) * scale
                continue
            }
            let (base, mark) = Self.decompose(character)
            guard let glyph = glyphs[base] else { continue }
            let left = Int(pen.rounded())
            let top = baselineY - Int((Double(glyph.baseline) * scale).rounded())
            let w = max(1, Int((Double(glyph.width) * scale).rounded())), h = max(1, Int((Double(glyph.height) * scale).rounded()))
            var inkTop = h
            for ty in 0..<h {
                for tx in 0..<w where Self.inked(glyph, tx, ty, scale) {
                    plot(left + tx, top + ty)
                    ink.points.append((left + tx, top + ty))
                    inkTop = min(inkTop, ty)
                }
            }
            if let mark {
                for (mx, my) in Self.markPoints(mark, width: w, scale: markScale, below: h) {
                    let py = my < 0 ? top + inkTop + my : top + my
                    plot(left + mx, py)
                    ink.points.append((left + mx, py))
                }
            }
            pen += Double(glyph.width + kernWidth) * scale
        }
        return ink
    }

    static func inked(_ glyph: Glyph, _ tx: Int, _ ty: Int, _ scale: Double) -> Bool {
        let x0 = Int(Double(tx) / scale), x1 = max(x0 + 1, Int(Double(tx + 1) / scale))
        let y0 = Int(Double(ty) / scale), y1 = max(y0 + 1, Int(Double(ty + 1) / scale))
        var on = 0, all = 0
        for y in y0..<min(y1, glyph.height) {
            for x in x0..<min(x1, glyph.width) {
                all += 1
                if glyph.ink[y * glyph.width + x] { on += 1 }
            }
        }
        return all > 0 && on * 5 >= all * 2
    }

    /// Width in pixels of `text` as `draw` lays it out.
    public func width(of text: String, scale: Double = 1) -> Int {
        Int(text.reduce(0.0) { sum, c in
            c == " " ? sum + Double(spaceWidth + kernWidth) * scale
                : sum + Double((glyphs[Self.decompose(c).base]?.width ?? 0) + kernWidth) * scale
        }.rounded())
    }

    enum Mark { case caron, dot, macron, ogonek, diaeresis }

    static func decompose(_ c: Character) -> (base: Character, mark: Mark?) {
        switch c {
        case "Ž": ("Z", .caron); case "ž": ("z", .caron)
        case "Š": ("S", .caron); case "š": ("s", .caron)
        case "Č": ("C", .caron); case "č": ("c", .caron)
        case "Ė": ("E", .dot); case "ė": ("e", .dot)
        case "Ū": ("U", .macron); case "ū": ("u", .macron)
        case "Ą": ("A", .ogonek); case "ą": ("a", .ogonek)
        case "Ę": ("E", .ogonek); case "ę": ("e", .ogonek)
        case "Į": ("I", .ogonek); case "į": ("i", .ogonek)
        case "Ų": ("U", .ogonek); case "ų": ("u", .ogonek)
        case "Ü": ("U", .diaeresis); case "ü": ("u", .diaeresis)
        case "Ö": ("O", .diaeresis); case "ö": ("o", .diaeresis)
        case "Ä": ("A", .diaeresis); case "ä": ("a", .diaeresis)
        default: (c, nil)
        }
    }

    /// Mark pixels relative to the glyph: negative y = rows above the ink's top; an ogonek sits at
    /// the absolute row `below`.
    static func markPoints(_ mark: Mark, width: Int, scale: Int, below: Int) -> [(Int, Int)] {
        let mid = width / 2
        var points: [(Int, Int)] = []
        for s in 0..<scale {
            switch mark {
            case .caron:
                let offsets: [(Int, Int)] = [(-2, -3), (-1, -2), (0, -1), (1, -2), (2, -3)]
                for (dx, dy) in offsets { points.append((mid + dx * scale, dy * scale + s)) }
            case .dot:
                for sx in 0..<scale { points.append((mid + sx, -2 * scale + s)) }
            case .diaeresis:
                for sx in 0..<scale { points.append((mid - 2 * scale + sx, -2 * scale + s)); points.append((mid + scale + sx, -2 * scale + s)) }
            case .macron:
                let from = max(0, mid - 2 * scale), to = min(width, mid + 2 * scale)
                for x in from..<to { points.append((x, -2 * scale + s)) }
            case .ogonek:
                points.append((width - 2 * scale + s, below + s))
                points.append((width - scale + s, below + scale + s))
            }
        }
        return points
    }
}
