// Preview+Scale: resampling a grey or RGB frame to the preview size with the geometry's pixel split.

extension Preview {
    /// Each preview pixel is the rounded mean of the image pixels the geometry assigns to it: a true
    /// area average when shrinking, the one nearest pixel when enlarging.
    ///
    /// Unsafe buffers because this runs for every preview in debug builds too, where checked
    /// subscripts cost several times more.
    static func scaled(_ samples: [UInt8], channels: Int, width: Int, height: Int, geometry: PreviewGeometry) -> RGBImage {
        let w = geometry.width, h = geometry.height
        var out = [UInt8](repeating: 0, count: w * h * 3)
        guard samples.count >= width * height * channels, w > 0, h > 0 else {
            return RGBImage(width: w, height: h, pixels: out)
        }
        let columns = (0..<w).map { geometry.imageColumns(ofPreview: $0) }
        var sums = [UInt32](repeating: 0, count: width * channels)
        var previous: Range<Int>? = nil
        samples.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                sums.withUnsafeMutableBufferPointer { acc in
                    let rowBytes = width * channels
                    for ty in 0..<h {
                        let rows = geometry.imageRows(ofPreview: ty)
                        let outRow = ty * w * 3
                        if rows == previous {
                            // Enlarging repeats source rows; the row above is already the answer.
                            for i in 0..<(w * 3) { dst[outRow + i] = dst[outRow - w * 3 + i] }
                            continue
                        }
                        previous = rows
                        for i in 0..<rowBytes { acc[i] = 0 }
                        for sy in rows {
                            let base = sy * rowBytes
                            for i in 0..<rowBytes { acc[i] &+= UInt32(src[base + i]) }
                        }
                        let rowCount = UInt64(rows.count)
                        for tx in 0..<w {
                            let cols = columns[tx]
                            let count = rowCount * UInt64(cols.count)
                            let half = count / 2
                            let o = outRow + tx * 3
                            if channels == 1 {
                                var sum: UInt64 = 0
                                for sx in cols { sum &+= UInt64(acc[sx]) }
                                let v = UInt8((sum + half) / count)
                                dst[o] = v; dst[o + 1] = v; dst[o + 2] = v
                            } else {
                                var r: UInt64 = 0, g: UInt64 = 0, b: UInt64 = 0
                                for sx in cols {
                                    r &+= UInt64(acc[sx * 3]); g &+= UInt64(acc[sx * 3 + 1]); b &+= UInt64(acc[sx * 3 + 2])
                                }
                                dst[o] = UInt8((r + half) / count)
                                dst[o + 1] = UInt8((g + half) / count)
                                dst[o + 2] = UInt8((b + half) / count)
                            }
                        }
                    }
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }
}
