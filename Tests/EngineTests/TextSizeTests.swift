// Detection reads words of every overlay size as text, on both sides of the height from which it stops upscaling.
@testable import Engine
import Testing

/// White `text` with capitals `capHeight` px tall on a black 640 px wide frame, and the box of its ink.
private func frame(_ text: String, capHeight: Int) throws -> (image: GrayImage, ink: PixelRect) {
    let font = try GlyphFont(size: 6)
    let scale = font.scale(forCapHeight: capHeight)
    var image = GrayImage(width: 640, height: max(120, capHeight * 5), fill: 0)
    let ink = font.draw(text, x: 30, baselineY: capHeight * 3, scale: scale) { x, y in image[x, y] = 255 }
    return (image, try #require(ink.bounds))
}

@Test(arguments: [8, 10, 12, 16, 20, 24])
func wordsOfEverySizeAreReadNotOnlyCovered(capHeight: Int) throws {
    let (image, ink) = try frame("PATIENT 19460727", capHeight: capHeight)
    let detector = TextDetector()
    let marks = TextRegions.inRows(TextRegions.marks(in: image.textMask(atLeast: 128)))
    let median = TextDetector.medianHeight(of: marks, in: PixelRect(x: 0, y: 0, width: image.width, height: image.height))
    // Both readings are exercised: upscaled below the height, as it is from it.
    #expect((median >= detector.readsUnscaledFromGlyphHeight) == (capHeight >= 10), "median mark \(median) px")
    let found = try detector.detect(FrameRaster(gray: image, rgb: nil))
    let read = found.filter { $0.confidence >= detector.minimumConfidence }.map(\.text).joined(separator: " ")
    // Read as words from 10 px, not only covered as a row of unread marks (which of the two words
    // Tesseract is sure of varies with the size: the date upscaled only at 24 px, unscaled from 16).
    #expect(capHeight < 10 || read.contains("PATIENT") || read.contains("19460727"), "cap \(capHeight) px: read \(found.map { "\($0.text) \($0.confidence)" })")
    // And every glyph pixel lies in a box.
    let covered = found.dropFirst().reduce(found.first?.rect) { $0?.union($1.rect) }
    #expect(covered.map { $0.union(ink) == $0 } == true)
}
