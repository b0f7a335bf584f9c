// GrayImage: an 8-bit grey raster and the few operations OCR preprocessing needs (scale, invert, threshold).

public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public init(width: Int, height: Int, fill: UInt8 = 0) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: fill, count: width * height))
    }

    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Nearest-neighbour upscaling by an integer factor: small overlay glyphs become big enough for
    /// Tesseract without blurring their edges.
    func scaled(by factor: Int) -> GrayImage {
        guard factor > 1 else { return self }
        let w = width * factor, h = height * factor
        var out = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            let source = (y / factor) * width
            let row = y * w
            for x in 0..<w { out[row + x] = pixels[source + x / factor] }
        }
        return GrayImage(width: w, height: h, pixels: out)
    }

    func inverted() -> GrayImage {
        GrayImage(width: width, height: height, pixels: pixels.map { 255 - $0 })
    }

    /// Pixels at or above `level` become black text on white, the rest white.
    func textMask(atLeast level: UInt8) -> GrayImage {
        GrayImage(width: width, height: height, pixels: pixels.map { $0 >= level ? 0 : 255 })
    }

    /// Pixels below `level` become black text on white (dark text on a light ground).
    func darkMask(below level: UInt8) -> GrayImage {
        GrayImage(width: width, height: height, pixels: pixels.map { $0 < level ? 0 : 255 })
    }

    /// The level Otsu's method splits the histogram at (what Tesseract thresholds a grey image
    /// at): pixels at or above it are one class.
    func otsuLevel() -> UInt8 {
        var histogram = [Int](repeating: 0, count: 256)
        for p in pixels { histogram[Int(p)] += 1 }
        let total = Double(pixels.count)
        var sum = 0.0
        for (level, count) in histogram.enumerated() { sum += Double(level * count) }
        var below = 0.0, sumBelow = 0.0, best = -1.0, split = 0
        for level in 0..<255 {
            below += Double(histogram[level])
            sumBelow += Double(level * histogram[level])
            let above = total - below
            guard below > 0, above > 0 else { continue }
            let meanBelow = sumBelow / below, meanAbove = (sum - sumBelow) / above
            let between = below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove)
            if between > best { best = between; split = level + 1 }
        }
        return UInt8(split)
    }

    /// Grey levels far more common than their neighbours: overlay text is drawn in one flat colour,
    /// while image texture spreads over many levels.
    func spikeLevels(from lowest: Int = 100) -> [UInt8] {
        var histogram = [Int](repeating: 0, count: 256)
        for p in pixels { histogram[Int(p)] += 1 }
        return (lowest...255).compactMap { level in
            let neighbours = (3...8).flatMap { [level - $0, level + $0] }.filter { (0...255).contains($0) }
            let around = neighbours.map { histogram[$0] }.reduce(0, +) / max(1, neighbours.count)
            return histogram[level] >= 40 && histogram[level] >= 4 * around + 10 ? UInt8(level) : nil
        }
    }

    /// Pixels within one level of any of `levels` become black text on white.
    func levelMask(_ levels: [UInt8]) -> GrayImage {
        var lookup = [UInt8](repeating: 255, count: 256)
        for level in levels {
            for l in max(0, Int(level) - 1)...min(255, Int(level) + 1) { lookup[l] = 0 }
        }
        return GrayImage(width: width, height: height, pixels: pixels.map { lookup[Int($0)] })
    }

    /// The grey level below which `fraction` of the pixels fall.
    func percentile(_ fraction: Double) -> UInt8 {
        var histogram = [Int](repeating: 0, count: 256)
        for p in pixels { histogram[Int(p)] += 1 }
        let target = Int(Double(pixels.count) * fraction)
        var seen = 0
        for (level, count) in histogram.enumerated() {
            seen += count
            if seen > target { return UInt8(level) }
        }
        return 255
    }
}

extension GrayImage {
    /// The part of the image inside `rect` (clipped to the image); empty when outside.
    public func cropped(to rect: PixelRect) -> GrayImage {
        let box = rect.clipped(columns: width, rows: height)
        var out: [UInt8] = []
        out.reserveCapacity(box.area)
        for y in box.y..<box.maxY { out.append(contentsOf: pixels[(y * width + box.x)..<(y * width + box.maxX)]) }
        return GrayImage(width: box.width, height: box.height, pixels: out)
    }
}
