// A word box grows over the rest of its line, however long, in the plane where the text stands out.
@testable import Engine
import Testing

/// A plane of `width` x 40, 0 everywhere but 9 px tall strokes 3 px wide, 4 px apart, on y 10..<19
/// from x 10 to `lineEnd`, and one more mark `farGap` px past the last.
private func line(width: Int = 400, lineEnd: Int, farGap: Int) -> (GrayImage, lastMark: Int, far: PixelRect) {
    var plane = GrayImage(width: width, height: 40, fill: 0)
    var x = 10, last = 10
    func mark(_ x0: Int) { for y in 10..<19 { for x in x0..<(x0 + 3) { plane[x, y] = 200 } } }
    while x + 3 <= lineEnd { mark(x); last = x; x += 7 }
    let far = last + 3 + farGap
    mark(far)
    return (plane, last + 3, PixelRect(x: far, y: 10, width: 3, height: 9))
}

@Test func aWordBoxGrowsOverItsWholeLineButNotAcrossAWideGap() {
    // The box read covers the first seven marks; the line goes on for 40 more, far past three
    // heights of reach, and a lone mark stands 20 px (over two heights) beyond it.
    let (plane, lastMark, far) = line(lineEnd: 340, farGap: 20)
    let read = PixelRect(x: 10, y: 10, width: 45, height: 9)
    let grown = TextDetector.grown(read, in: plane)
    #expect(grown.maxX == lastMark)
    #expect(!grown.intersects(far))
    #expect(grown.y == 10 && grown.maxY == 19)
}

@Test func aBoxOnAFlatPlaneDoesNotGrow() {
    // Grey text has no saturation: the plane is flat inside the box, so nothing stands out.
    let plane = GrayImage(width: 100, height: 20, fill: 0)
    let read = PixelRect(x: 10, y: 5, width: 30, height: 9)
    #expect(TextDetector.grown(read, in: plane) == read)
}
