// PNGImage: grey or RGB pixels encoded as PNG by Leptonica (which Tesseract brings), for report thumbnails.
import CTesseract

public enum PNGImage {
    /// PNG bytes of an 8-bit grey image.
    public static func encode(_ image: GrayImage) throws -> [UInt8] {
        try encode(width: image.width, height: image.height) { x, y in
            let v = UInt32(image.pixels[y * image.width + x])
            return (v, v, v)
        }
    }

    /// PNG bytes of interleaved 8-bit RGB.
    public static func encode(rgb: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        guard rgb.count >= width * height * 3 else { throw EngineError(.edit, "an RGB image is shorter than its size") }
        return try encode(width: width, height: height) { x, y in
            let i = (y * width + x) * 3
            return (UInt32(rgb[i]), UInt32(rgb[i + 1]), UInt32(rgb[i + 2]))
        }
    }

    private static func encode(width: Int, height: Int, pixel: (Int, Int) -> (UInt32, UInt32, UInt32)) throws -> [UInt8] {
        guard width > 0, height > 0, let pix = pixCreate(Int32(width), Int32(height), 32) else {
            throw EngineError(.edit, "cannot make an image of \(width)x\(height) pixels")
        }
        var owned: UnsafeMutablePointer<PIX>? = pix
        defer { pixDestroy(&owned) }
        // 32 bpp Leptonica words are RGBA with red in the most significant byte.
        let wpl = Int(pixGetWpl(pix))
        guard let data = pixGetData(pix) else { throw EngineError(.edit, "Leptonica gave an image without data") }
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b) = pixel(x, y)
                data[y * wpl + x] = r << 24 | g << 16 | b << 8 | 0xFF
            }
        }
        pixSetSpp(pix, 3)
        var bytes: UnsafeMutablePointer<UInt8>?
        var size = 0
        guard pixWriteMemPng(&bytes, &size, pix, 0) == 0, let bytes else {
            throw EngineError(.write, "Leptonica could not encode a PNG")
        }
        defer { lept_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }
}
