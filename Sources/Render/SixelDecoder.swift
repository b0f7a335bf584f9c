// SixelDecoder: sixel bytes back to pixels through libsixel, for round-trip tests and screen captures.

/// Decodes a sixel byte string (`ESC P ... q ... ESC \`, as SixelEncoder writes it) into an `RGBImage`.
///
/// The C calls live in `SixelEncoder`, the module's one libsixel wrapper; this is the public face.
public enum SixelDecoder {
    /// Throws `RenderError` `.decode` when the bytes are not a sixel sequence or hold no image.
    public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
        try SixelEncoder.decode(bytes)
    }
}
