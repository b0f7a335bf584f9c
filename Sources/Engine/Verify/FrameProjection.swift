// FrameProjection: a cine's frames folded into the brightest and darkest value of each pixel, so text in any one frame is read once.

/// Detection reads a cine's still overlay and its first and last frames; text burned into one
/// frame in the middle escapes that. The quality check instead reads two images that hold every
/// frame: light text of any frame is in the per-pixel maximum, dark text in the minimum.
struct FrameProjection {
    private(set) var frames = 0
    private var first: FrameRaster?
    private var highest: [UInt8] = [], lowest: [UInt8] = []
    private var highestRGB: [UInt8]?, lowestRGB: [UInt8]?

    mutating func add(_ raster: FrameRaster) {
        frames += 1
        guard let first else {
            self.first = raster
            highest = raster.gray.pixels
            lowest = raster.gray.pixels
            highestRGB = raster.rgb
            lowestRGB = raster.rgb
            return
        }
        guard raster.width == first.width, raster.height == first.height else { return }
        let gray = raster.gray.pixels
        for i in 0..<gray.count {
            if gray[i] > highest[i] { highest[i] = gray[i] }
            if gray[i] < lowest[i] { lowest[i] = gray[i] }
        }
        if let rgb = raster.rgb, highestRGB != nil, lowestRGB != nil {
            for i in 0..<rgb.count {
                if rgb[i] > highestRGB![i] { highestRGB![i] = rgb[i] }
                if rgb[i] < lowestRGB![i] { lowestRGB![i] = rgb[i] }
            }
        }
    }

    /// What to read: the frame itself, or the two projections of a cine.
    var views: [FrameRaster] {
        guard let first else { return [] }
        if frames == 1 { return [first] }
        let size = (first.width, first.height)
        return [
            FrameRaster(gray: GrayImage(width: size.0, height: size.1, pixels: highest), rgb: highestRGB),
            FrameRaster(gray: GrayImage(width: size.0, height: size.1, pixels: lowest), rgb: lowestRGB),
        ]
    }

    /// The first frame as shown, for comparing regions with the source.
    var firstFrame: FrameRaster? { first }

    /// How far `raster` is, inside `rect`, from the brightest (view 0) or darkest (view 1)
    /// projection: the frame nearest to it is the one that put the text there.
    func distance(of raster: FrameRaster, from view: Int, in rect: PixelRect) -> Int {
        let target = view == 0 ? highest : lowest
        let box = rect.clipped(columns: raster.width, rows: raster.height)
        var sum = 0
        for y in box.y..<box.maxY {
            for x in box.x..<box.maxX {
                sum += abs(Int(raster.gray.pixels[y * raster.width + x]) - Int(target[y * raster.width + x]))
            }
        }
        return sum
    }
}
