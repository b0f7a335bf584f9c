// Windowing: monochrome frames to display grey through a lookup table, the same numbers FrameRaster computes.
import Engine

/// A reviewer changes the window many times on one frame; FrameRaster's per-pixel floating point
/// takes seconds on a 2048x2048 radiograph in a debug build. For 8- and 16-bit samples every stored
/// value maps through a table built with FrameRaster's own formula (mask, sign, rescale, window,
/// round, MONOCHROME1 inversion), so the grey is identical and one table look-up per pixel is left.
enum Windowing {
    /// The windowed grey of a monochrome frame, or nil when the table does not cover it (32-bit
    /// samples, colour), in which case FrameRaster's own path is used.
    static func gray(_ frame: Frame, info: PixelInfo, display: FrameRaster.Display) -> GrayImage? {
        guard info.samplesPerPixel == 1, info.bitsAllocated == 8 || info.bitsAllocated == 16,
              !(frame.photometric == "PALETTE COLOR" && !display.palette.isEmpty) else { return nil }
        let count = info.columns * info.rows
        let wide = info.bitsAllocated == 16
        let entries = wide ? 65536 : 256
        let stored = min(count, wide ? frame.samples.count / 2 : frame.samples.count)

        func value(_ raw: Int) -> Double {
            let v: Double
            if wide {
                let shift = UInt16(16 - max(1, min(16, info.bitsStored)))
                let bits = UInt16(raw)
                v = info.isSigned ? Double(Int16(bitPattern: bits << shift) >> shift) : Double(bits & (0xFFFF >> shift))
            } else {
                v = info.isSigned ? Double(Int8(bitPattern: UInt8(raw))) : Double(raw)
            }
            return v * display.rescaleSlope + display.rescaleIntercept
        }

        var low: Double, high: Double
        if let center = display.windowCenter, let width = display.windowWidth, width > 1 {
            low = center - width / 2
            high = center + width / 2
        } else {
            // Which stored patterns occur; FrameRaster counts samples missing from a short frame as 0.
            var seen = [Bool](repeating: false, count: entries)
            frame.samples.withUnsafeBufferPointer { s in
                seen.withUnsafeMutableBufferPointer { seen in
                    for i in 0..<stored { seen[wide ? Int(s[i * 2]) | Int(s[i * 2 + 1]) << 8 : Int(s[i])] = true }
                    if stored < count { seen[0] = true }
                }
            }
            low = .infinity
            high = -.infinity
            for raw in 0..<entries where seen[raw] {
                let v = value(raw)
                low = min(low, v)
                high = max(high, v)
            }
            if stored == 0 && count == 0 { low = 0; high = 1 }
        }
        let span = max(high - low, 1e-9)
        let invert = frame.photometric == "MONOCHROME1"
        var table = [UInt8](repeating: 0, count: entries)
        for raw in 0..<entries {
            let level = UInt8(max(0, min(255, ((value(raw) - low) / span * 255).rounded())))
            table[raw] = invert ? 255 - level : level
        }

        var gray = [UInt8](repeating: table[0], count: count)
        frame.samples.withUnsafeBufferPointer { s in
            table.withUnsafeBufferPointer { t in
                gray.withUnsafeMutableBufferPointer { g in
                    if wide {
                        for i in 0..<stored { g[i] = t[Int(s[i * 2]) | Int(s[i * 2 + 1]) << 8] }
                    } else {
                        for i in 0..<stored { g[i] = t[Int(s[i])] }
                    }
                }
            }
        }
        return GrayImage(width: info.columns, height: info.rows, pixels: gray)
    }
}
