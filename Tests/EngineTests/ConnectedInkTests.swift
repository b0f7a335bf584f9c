// TextLineFinder.connectedInk labels runs, not pixels: it must find exactly the areas a pixel flood fill finds.
@testable import Engine
import Testing

/// The plain definition: a flood fill from each unseen ink pixel in raster order.
private func floodFilled(_ mask: GrayImage, eightConnected: Bool) -> [TextLineFinder.Component] {
    let w = mask.width, h = mask.height
    var seen = [Bool](repeating: false, count: w * h)
    var result: [TextLineFinder.Component] = []
    for start in 0..<(w * h) where mask.pixels[start] == 0 && !seen[start] {
        seen[start] = true
        var stack = [start]
        var box = PixelRect(x: start % w, y: start / w, width: 1, height: 1), area = 0
        while let p = stack.popLast() {
            area += 1
            box = box.union(PixelRect(x: p % w, y: p / w, width: 1, height: 1))
            for dy in -1...1 {
                for dx in -1...1 where (dx != 0 || dy != 0) && (eightConnected || dx == 0 || dy == 0) {
                    let x = p % w + dx, y = p / w + dy
                    guard x >= 0, x < w, y >= 0, y < h, mask.pixels[y * w + x] == 0, !seen[y * w + x] else { continue }
                    seen[y * w + x] = true
                    stack.append(y * w + x)
                }
            }
        }
        result.append(TextLineFinder.Component(box: box, area: area))
    }
    return result
}

/// A mask with about `percent`% ink, from a fixed seed.
private func speckle(width: Int, height: Int, percent: UInt64, seed: UInt64) -> GrayImage {
    var state = seed
    var mask = GrayImage(width: width, height: height, fill: 255)
    for i in mask.pixels.indices {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        if (state >> 33) % 100 < percent { mask.pixels[i] = 0 }
    }
    return mask
}

@Test(arguments: [3, 20, 45, 60, 90])
func runLabellingFindsTheAreasAFloodFillFinds(percent: Int) {
    for (seed, size) in [(1, (1, 1)), (2, (1, 57)), (3, (57, 1)), (4, (64, 48)), (5, (123, 77))] {
        let mask = speckle(width: size.0, height: size.1, percent: UInt64(percent), seed: UInt64(seed))
        for eight in [true, false] {
            let runs = TextLineFinder.connectedInk(mask, eightConnected: eight)
            let flood = floodFilled(mask, eightConnected: eight)
            #expect(runs.map(\.box) == flood.map(\.box), "boxes, \(percent)%, seed \(seed), 8-connected \(eight)")
            #expect(runs.map(\.area) == flood.map(\.area), "areas, \(percent)%, seed \(seed), 8-connected \(eight)")
        }
    }
}

@Test func diagonalNeighboursJoinOnlyWhenEightConnected() {
    // A staircase of single pixels, and a U whose arms meet only through its bottom row.
    var mask = GrayImage(width: 12, height: 6, fill: 255)
    for i in 0..<5 { mask[i, i] = 0 }
    for y in 0..<5 { mask[7, y] = 0; mask[10, y] = 0 }
    for x in 7...10 { mask[x, 4] = 0 }
    let eight = TextLineFinder.connectedInk(mask, eightConnected: true)
    let four = TextLineFinder.connectedInk(mask, eightConnected: false)
    #expect(eight.count == 2 && four.count == 6)
    #expect(eight.first == TextLineFinder.Component(box: PixelRect(x: 0, y: 0, width: 5, height: 5), area: 5))
    #expect(four.contains(TextLineFinder.Component(box: PixelRect(x: 7, y: 0, width: 4, height: 5), area: 12)))
}
