// RGBImage: the value every Render step hands on, 8-bit interleaved RGB in row order.

/// An image of `width` x `height` pixels, 3 bytes per pixel (R, G, B), rows top to bottom.
///
/// `Preview.compose` produces it; `SixelEncoder` and `HalfBlocks` consume it; `SixelDecoder` gives it back.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes.
    public var pixels: [UInt8]

    /// One colour, as the overlay styles and the tests speak of it.
    public struct Color: Sendable, Hashable, CustomStringConvertible {
        public var r: UInt8
        public var g: UInt8
        public var b: UInt8

        public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
            self.r = r
            self.g = g
            self.b = b
        }

        public static let black = Color(0, 0, 0)
        public static let white = Color(255, 255, 255)

        /// The largest difference of one channel: the tolerance a palette is judged by.
        public func distance(to other: Color) -> Int {
            max(abs(Int(r) - Int(other.r)), abs(Int(g) - Int(other.g)), abs(Int(b) - Int(other.b)))
        }

        public var isGray: Bool { r == g && g == b }

        public var description: String { "rgb(\(r),\(g),\(b))" }
    }

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3, "RGBImage: pixel count does not match the size")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public init(width: Int, height: Int, fill: Color = .black) {
        var pixels = [UInt8](repeating: 0, count: max(0, width * height * 3))
        if fill != .black {
            for i in stride(from: 0, to: pixels.count, by: 3) {
                pixels[i] = fill.r; pixels[i + 1] = fill.g; pixels[i + 2] = fill.b
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// A short stable hash of size and pixels (64-bit FNV-1a, hex), so a screen snapshot can name an
    /// image slot (`[img 512x512 #…]`) and change when its pixels do.
    public var fingerprint: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        for v in [width, height] { for shift in stride(from: 0, to: 32, by: 8) { mix(UInt8(truncatingIfNeeded: v >> shift)) } }
        pixels.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                hash ^= UInt64(p[i])
                hash = hash &* 0x0000_0100_0000_01B3
                i += 1
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The pixel at column `x`, row `y` (both inside the image).
    public subscript(x: Int, y: Int) -> Color {
        get {
            let i = (y * width + x) * 3
            return Color(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            let i = (y * width + x) * 3
            pixels[i] = newValue.r; pixels[i + 1] = newValue.g; pixels[i + 2] = newValue.b
        }
    }
}
