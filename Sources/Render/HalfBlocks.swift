// HalfBlocks: the Unicode-block preview for terminals without sixel, two pixels per cell in 256 colours.

/// One terminal cell of the fallback preview: "▀" (U+2580, upper half block) whose foreground is
/// the top pixel and background the bottom pixel.
public struct HalfBlockCell: Sendable, Equatable {
    /// The character every cell shows.
    public static let character: Character = "\u{2580}"

    public var foreground: RGBImage.Color
    public var background: RGBImage.Color

    public init(foreground: RGBImage.Color, background: RGBImage.Color) {
        self.foreground = foreground
        self.background = background
    }

    public var character: Character { Self.character }
    /// The xterm 256-colour index of the foreground (top pixel).
    public var foreground256: Int { HalfBlocks.colorIndex256(foreground) }
    /// The xterm 256-colour index of the background (bottom pixel).
    public var background256: Int { HalfBlocks.colorIndex256(background) }
}

/// Turns an image into rows of half-block cells, and colours into xterm's 256-colour palette.
///
/// Only the 6x6x6 cube (16...231) and the grey ramp (232...255) are used: the 16 system colours
/// (0...15) follow the user's theme and could show a box in the wrong colour.
public enum HalfBlocks {
    /// The image scaled to exactly `columns` x `2 * rows` pixels (area averaging when shrinking),
    /// then one cell per 1 x 2 pixels: `rows` arrays of `columns` cells, top row first.
    /// Use `geometry(imageWidth:imageHeight:columns:rows:)` to choose a size that keeps the aspect.
    public static func cells(_ image: RGBImage, columns: Int, rows: Int) -> [[HalfBlockCell]] {
        guard columns > 0, rows > 0, image.width > 0, image.height > 0 else { return [] }
        let stretch = PreviewGeometry(stretching: image.width, image.height, toWidth: columns, height: rows * 2)
        let small = Preview.scaled(image.pixels, channels: 3, width: image.width, height: image.height, geometry: stretch)
        return (0..<rows).map { row in
            (0..<columns).map { column in
                HalfBlockCell(foreground: small[column, row * 2], background: small[column, row * 2 + 1])
            }
        }
    }

    /// The geometry of an image shown in at most `columns` x `rows` cells, aspect kept, taking a cell
    /// as 1 x 2 pixels (cells are about twice as tall as wide). Its `width` x `height` (height even)
    /// are the pixels to pass to `cells` as `columns: width, rows: height / 2`.
    public static func geometry(imageWidth: Int, imageHeight: Int, columns: Int, rows: Int) -> PreviewGeometry {
        PreviewGeometry(imageWidth: imageWidth, imageHeight: imageHeight, columns: columns, rows: rows,
                        cellSize: PreviewGeometry.CellSize(width: 1, height: 2))
    }

    /// The six levels of each axis of xterm's colour cube.
    public static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The nearest colour of xterm's cube (16...231) or grey ramp (232...255).
    public static func colorIndex256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        let ri = cubeIndex(Int(r)), gi = cubeIndex(Int(g)), bi = cubeIndex(Int(b))
        let cube = 16 + 36 * ri + 6 * gi + bi
        let cubeError = squared(cubeLevels[ri] - Int(r)) + squared(cubeLevels[gi] - Int(g)) + squared(cubeLevels[bi] - Int(b))
        // Greys run 8, 18, ..., 238; compare with the mean so near-greys land on the finer ramp.
        let mean = (Int(r) + Int(g) + Int(b)) / 3
        let step = min(23, max(0, (mean - 3) / 10))
        let level = 8 + 10 * step
        let greyError = squared(level - Int(r)) + squared(level - Int(g)) + squared(level - Int(b))
        return greyError < cubeError ? 232 + step : cube
    }

    public static func colorIndex256(_ color: RGBImage.Color) -> Int {
        colorIndex256(color.r, color.g, color.b)
    }

    /// The colour xterm shows for index 16...255 (nil for the theme's 0...15).
    public static func color(ofIndex256 index: Int) -> RGBImage.Color? {
        switch index {
        case 16...231:
            let i = index - 16
            return RGBImage.Color(UInt8(cubeLevels[i / 36]), UInt8(cubeLevels[i / 6 % 6]), UInt8(cubeLevels[i % 6]))
        case 232...255:
            let v = UInt8(8 + 10 * (index - 232))
            return RGBImage.Color(v, v, v)
        default:
            return nil
        }
    }

    /// The nearest cube level: the thresholds are the midpoints between levels (47, 115, 155, ...).
    private static func cubeIndex(_ v: Int) -> Int {
        v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40
    }

    private static func squared(_ v: Int) -> Int { v * v }
}
