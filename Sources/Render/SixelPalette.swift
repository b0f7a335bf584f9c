// SixelPalette: the fixed "greys plus overlay colours" palette that lets most previews skip quantisation.

/// Pure Swift; `SixelEncoder` hands the result to libsixel as PAL8 indices.
enum SixelPalette {
    /// Palette entries (R, G, B per entry) and one index per pixel.
    struct Indexed: Equatable {
        var palette: [UInt8]
        var indices: [UInt8]
        var count: Int { palette.count / 3 }
    }

    /// An exact palette for the non-grey colours and the grey levels of `image` (an even grey ramp
    /// when they do not all fit), or nil when the image has more non-grey colours than a few
    /// (`colors / 8`, at least 8, at most half), which is when a real quantiser does better.
    static func greysAndOverlays(_ image: RGBImage, colors: Int) -> Indexed? {
        let n = image.width * image.height
        // A VT340's 16 registers still keep every box colour exact; greys take what is left.
        let overlayLimit = min(colors / 2, max(colors / 8, 8))
        var greyUsed = [Bool](repeating: false, count: 256)
        var overlays: [UInt32] = []
        let tooMany = image.pixels.withUnsafeBufferPointer { p -> Bool in
            greyUsed.withUnsafeMutableBufferPointer { used in
                var i = 0
                while i < n {
                    let r = p[i * 3], g = p[i * 3 + 1], b = p[i * 3 + 2]
                    i += 1
                    if r == g && g == b {
                        used[Int(r)] = true
                        continue
                    }
                    let packed = UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
                    if overlays.contains(packed) { continue }
                    if overlays.count == overlayLimit { return true }
                    overlays.append(packed)
                }
                return false
            }
        }
        let available = colors - overlays.count
        if tooMany || available < 2 { return nil }

        var palette: [UInt8] = []
        palette.reserveCapacity(colors * 3)
        for c in overlays { palette += [UInt8(c >> 16 & 0xFF), UInt8(c >> 8 & 0xFF), UInt8(c & 0xFF)] }
        let levels = (0..<256).filter { greyUsed[$0] }
        var greyIndex = [UInt8](repeating: 0, count: 256)
        if levels.count <= available {
            for (k, level) in levels.enumerated() {
                greyIndex[level] = UInt8(overlays.count + k)
                palette += [UInt8(level), UInt8(level), UInt8(level)]
            }
        } else {
            let steps = available - 1
            for j in 0...steps {
                let level = UInt8((j * 255 + steps / 2) / steps)
                palette += [level, level, level]
            }
            for v in 0..<256 { greyIndex[v] = UInt8(overlays.count + (v * steps + 127) / 255) }
        }
        if palette.count < 6 { palette += [0, 0, 0] } // libsixel wants two registers at least

        var indices = [UInt8](repeating: 0, count: n)
        image.pixels.withUnsafeBufferPointer { p in
            indices.withUnsafeMutableBufferPointer { out in
                greyIndex.withUnsafeBufferPointer { grey in
                    var i = 0
                    while i < n {
                        let r = p[i * 3], g = p[i * 3 + 1], b = p[i * 3 + 2]
                        if r == g && g == b {
                            out[i] = grey[Int(r)]
                        } else {
                            let packed = UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
                            out[i] = UInt8(overlays.firstIndex(of: packed) ?? 0)
                        }
                        i += 1
                    }
                }
            }
        }
        return Indexed(palette: palette, indices: indices)
    }
}
