// Preview+Scale: resampling a grey or RGB frame to the preview size with the geometry's pixel split.

extension Preview {
    /// Each preview pixel is the rounded mean of the image pixels the geometry assigns to it: a true
    /// area average when shrinking, the one nearest pixel when enlarging.
    ///
    /// Unsafe buffers and plain loops because this runs for every preview in debug builds too,
    /// where checked subscripts and range iterators cost several times more.
    static func scaled(_ samples: [UInt8], channels: Int, width: Int, height: Int, geometry: PreviewGeometry) -> RGBImage {
        let w = geometry.width, h = geometry.height
        var out = [UInt8](repeating: 0, count: w * h * 3)
        guard samples.count >= width * height * channels, w > 0, h > 0 else {
            return RGBImage(width: w, height: h, pixels: out)
        }
        var starts = [Int](repeating: 0, count: w), ends = [Int](repeating: 0, count: w)
        for tx in 0..<w {
            let cols = geometry.imageColumns(ofPreview: tx)
            starts[tx] = cols.lowerBound
            ends[tx] = cols.upperBound
        }
        var sums = [UInt32](repeating: 0, count: width * channels)
        var previous = -1..<(-1)
        samples.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                sums.withUnsafeMutableBufferPointer { acc in
                    starts.withUnsafeBufferPointer { starts in
                        ends.withUnsafeBufferPointer { ends in
                            let rowBytes = width * channels, outBytes = w * 3
                            for ty in 0..<h {
                                let rows = geometry.imageRows(ofPreview: ty)
                                let outRow = ty * outBytes
                                if rows == previous {
                                    // Enlarging repeats source rows; the row above is already the answer.
                                    var i = 0
                                    while i < outBytes { dst[outRow + i] = dst[outRow - outBytes + i]; i += 1 }
                                    continue
                                }
                                previous = rows
                                var i = 0
                                let first = rows.lowerBound * rowBytes
                                while i < rowBytes { acc[i] = UInt32(src[first + i]); i += 1 }
                                var sy = rows.lowerBound + 1
                                while sy < rows.upperBound {
                                    let base = sy * rowBytes
                                    i = 0
                                    while i < rowBytes { acc[i] &+= UInt32(src[base + i]); i += 1 }
                                    sy += 1
                                }
                                let rowCount = UInt64(rows.count)
                                var tx = 0
                                while tx < w {
                                    let start = starts[tx], end = ends[tx]
                                    let count = rowCount * UInt64(end - start)
                                    let half = count / 2
                                    let o = outRow + tx * 3
                                    if channels == 1 {
                                        var sum: UInt64 = 0
                                        var sx = start
                                        while sx < end { sum &+= UInt64(acc[sx]); sx += 1 }
                                        let v = UInt8((sum + half) / count)
                                        dst[o] = v; dst[o + 1] = v; dst[o + 2] = v
                                    } else {
                                        var r: UInt64 = 0, g: UInt64 = 0, b: UInt64 = 0
                                        var sx = start * 3
                                        while sx < end * 3 {
                                            r &+= UInt64(acc[sx]); g &+= UInt64(acc[sx + 1]); b &+= UInt64(acc[sx + 2])
                                            sx += 3
                                        }
                                        dst[o] = UInt8((r + half) / count)
                                        dst[o + 1] = UInt8((g + half) / count)
                                        dst[o + 2] = UInt8((b + half) / count)
                                    }
                                    tx += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }
}
