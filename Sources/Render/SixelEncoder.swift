// SixelEncoder: the one wrapper over libsixel; every pointer and C call of Render's sixel work stays here.
import CSixel

/// Turns an `RGBImage` into a DEC sixel byte string (`ESC P q ... ESC \`, 7-bit, RGB palette) ready
/// to write to a terminal, or to wrap with `Passthrough` first.
///
/// Palette, chosen for speed and for what previews hold (grey images with a few box colours):
/// - Images whose non-grey pixels use a few distinct colours (`colors / 8`, at least 8) get a palette of those
///   colours exactly plus the grey levels present (or an even grey ramp when there are more levels
///   than registers, at most 1 level off). Swift maps pixels through a 256-entry table and hands
///   libsixel indices (PAL8), so libsixel only writes sixels: no histogram, no colour search.
///   It is also truer: libsixel's quantiser put a windowed CT 6.8 grey levels off on average
///   (visible banding), this palette 0.07 (measured on the 512x512 timing image).
/// - Other images (colour ultrasound, photographs) go through libsixel's own quantiser in its fast
///   settings: low-quality histogram, median cut on the RGB range, box centres, no diffusion (error
///   diffusion speckles overlay text and costs time; flat regions read better without it).
///
/// Sixel paints in bands six pixels tall; a preview whose height is a multiple of 6 leaves no strip
/// of background below the image on terminals that paint the whole last band.
public struct SixelEncoder: Sendable {
    /// The number of colour registers a sixel image may use (VT340 has 16; xterm and the rest 256).
    public static let maximumColors = 256

    /// How the palette of the last encode was chosen (for tests and timing reports).
    public enum PaletteMethod: String, Sendable {
        /// Greys and a few colours mapped by Render (PAL8).
        case greysAndOverlays
        /// libsixel's median cut quantiser.
        case libsixel
    }

    /// Sixel bytes for `image`, with at most `colors` registers (2...256).
    /// Throws `RenderError` `.size` for an empty image, `.encode` when libsixel fails.
    public static func encode(_ image: RGBImage, colors: Int = 256) throws -> [UInt8] {
        try encodeReporting(image, colors: colors).bytes
    }

    /// As `encode`, also saying which palette method was used.
    public static func encodeReporting(_ image: RGBImage, colors: Int = 256) throws -> (bytes: [UInt8], method: PaletteMethod) {
        guard image.width > 0, image.height > 0 else { throw RenderError(.size, "empty image cannot be encoded") }
        guard image.width <= 1 << 14, image.height <= 1 << 14 else { throw RenderError(.size, "image too large for a terminal") }
        let colors = min(max(colors, 2), maximumColors)
        if let indexed = SixelPalette.greysAndOverlays(image, colors: colors) {
            return (try encodeIndexed(indexed, width: image.width, height: image.height), .greysAndOverlays)
        }
        return (try encodeQuantised(image, colors: colors), .libsixel)
    }

    // MARK: libsixel

    /// Collects what libsixel writes; passed through the callback's private pointer.
    private final class Sink {
        var bytes: [UInt8] = []
    }

    private static func check(_ status: SIXELSTATUS, _ code: RenderError.Code, _ what: String) throws {
        // SIXEL_FAILED(status): the 0x1000 bit marks every error status.
        if status & 0x1000 != 0 {
            throw RenderError(code, "\(what) failed in libsixel (status 0x\(String(status, radix: 16)))")
        }
    }

    /// Runs `body` with an output context whose writes land in the returned bytes.
    private static func withOutput(_ body: (OpaquePointer) throws -> Void) throws -> [UInt8] {
        let sink = Sink()
        sink.bytes.reserveCapacity(1 << 16)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        var output: OpaquePointer?
        let write: sixel_write_function = { data, size, priv in
            guard let data, let priv, size > 0 else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(priv).takeUnretainedValue()
            data.withMemoryRebound(to: UInt8.self, capacity: Int(size)) { bytes in
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(size)))
            }
            return size
        }
        try check(sixel_output_new(&output, write, context.toOpaque(), nil), .encode, "output")
        guard let output else { throw RenderError(.encode, "output failed in libsixel") }
        defer { sixel_output_unref(output) }
        sixel_output_set_encode_policy(output, Int32(SIXEL_ENCODEPOLICY_FAST))
        try body(output)
        return sink.bytes
    }

    private static func encodeIndexed(_ indexed: SixelPalette.Indexed, width: Int, height: Int) throws -> [UInt8] {
        try withOutput { output in
            var dither: OpaquePointer?
            try check(sixel_dither_new(&dither, Int32(indexed.palette.count / 3), nil), .encode, "palette")
            guard let dither else { throw RenderError(.encode, "palette failed in libsixel") }
            defer { sixel_dither_unref(dither) }
            var palette = indexed.palette
            palette.withUnsafeMutableBufferPointer { sixel_dither_set_palette(dither, $0.baseAddress) }
            sixel_dither_set_pixelformat(dither, Int32(SIXEL_PIXELFORMAT_PAL8))
            var pixels = indexed.indices
            try pixels.withUnsafeMutableBufferPointer { p in
                try check(sixel_encode(p.baseAddress, Int32(width), Int32(height), 0, dither, output), .encode, "encoding")
            }
        }
    }

    private static func encodeQuantised(_ image: RGBImage, colors: Int) throws -> [UInt8] {
        try withOutput { output in
            var dither: OpaquePointer?
            try check(sixel_dither_new(&dither, Int32(colors), nil), .encode, "palette")
            guard let dither else { throw RenderError(.encode, "palette failed in libsixel") }
            defer { sixel_dither_unref(dither) }
            var pixels = image.pixels
            try pixels.withUnsafeMutableBufferPointer { p in
                try check(sixel_dither_initialize(dither, p.baseAddress, Int32(image.width), Int32(image.height),
                                                  Int32(SIXEL_PIXELFORMAT_RGB888), Int32(SIXEL_LARGE_NORM),
                                                  Int32(SIXEL_REP_CENTER_BOX), Int32(SIXEL_QUALITY_LOW)), .encode, "palette")
                sixel_dither_set_diffusion_type(dither, Int32(SIXEL_DIFFUSE_NONE))
                try check(sixel_encode(p.baseAddress, Int32(image.width), Int32(image.height), 0, dither, output), .encode, "encoding")
            }
        }
    }

    /// A DCS introducer (`ESC P` or 0x90), numeric parameters and `q`: libsixel itself reads any
    /// text as sixel data, and a decoder that accepts garbage proves nothing in a test.
    private static func isSixel(_ bytes: [UInt8]) -> Bool {
        guard let esc = bytes.firstIndex(where: { $0 == 0x1B || $0 == 0x90 }) else { return false }
        var i = bytes[esc] == 0x90 ? esc + 1 : esc + 2
        guard bytes[esc] == 0x90 || (esc + 1 < bytes.count && bytes[esc + 1] == UInt8(ascii: "P")) else { return false }
        while i < bytes.count, bytes[i] == UInt8(ascii: ";") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
        return i < bytes.count && bytes[i] == UInt8(ascii: "q")
    }

    /// libsixel's decoder, for `SixelDecoder`: indexed pixels and an RGB palette turned into an RGBImage.
    static func decode(_ bytes: [UInt8]) throws -> RGBImage {
        guard bytes.count < Int(Int32.max), isSixel(bytes) else { throw RenderError(.decode, "not a sixel sequence") }
        var allocator: OpaquePointer?
        try check(sixel_allocator_new(&allocator, nil, nil, nil, nil), .decode, "allocation")
        guard let allocator else { throw RenderError(.decode, "allocation failed in libsixel") }
        defer { sixel_allocator_unref(allocator) }
        var input = bytes
        var pixels: UnsafeMutablePointer<UInt8>?
        var palette: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0, count: Int32 = 0
        let status = input.withUnsafeMutableBufferPointer { p in
            sixel_decode_raw(p.baseAddress, Int32(p.count), &pixels, &width, &height, &palette, &count, allocator)
        }
        defer {
            if let pixels { sixel_allocator_free(allocator, pixels) }
            if let palette { sixel_allocator_free(allocator, palette) }
        }
        try check(status, .decode, "decoding")
        guard let pixels, let palette, width > 0, height > 0 else { throw RenderError(.decode, "sixel data holds no image") }
        let n = Int(width) * Int(height), colours = Int(count)
        var rgb = [UInt8](repeating: 0, count: n * 3)
        rgb.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                // Registers the image never set read as black, as a terminal's unset registers do.
                let k = Int(pixels[i])
                guard k < colours else { continue }
                out[i * 3] = palette[k * 3]; out[i * 3 + 1] = palette[k * 3 + 1]; out[i * 3 + 2] = palette[k * 3 + 2]
            }
        }
        return RGBImage(width: Int(width), height: Int(height), pixels: rgb)
    }
}
