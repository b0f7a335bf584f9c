// Detection reads with English, and reads again in Lithuanian the words English was unsure of.
@testable import Engine
import Testing

/// White `text` with capitals `capHeight` px tall on a black line, and the box of its ink.
private func line(_ text: String, capHeight: Int) throws -> (image: GrayImage, ink: PixelRect) {
    let font = try GlyphFont(size: 6)
    let scale = font.scale(forCapHeight: capHeight)
    var image = GrayImage(width: font.width(of: text, scale: scale) + 40, height: capHeight * 4, fill: 0)
    let ink = font.draw(text, x: 20, baselineY: capHeight * 2, scale: scale) { x, y in image[x, y] = 255 }
    return (image, try #require(ink.bounds))
}

/// Identifiers in the bitmap font that English reads at 0-21% and Lithuanian at 77-95%.
private let unsureInEnglish = [("A43580472", 12), ("Kazlauskas", 10), ("Šarūnas", 12)]

@Test(arguments: unsureInEnglish)
func aWordEnglishIsUnsureOfIsReadInLithuanian(text: String, capHeight: Int) throws {
    let (image, ink) = try line(text, capHeight: capHeight)
    let detector = TextDetector()
    // As detection's grey view shows it: inverted, 2x. English alone would drop every word of it.
    let english = try OCR(languages: TextDetector.languages).words(in: image.inverted().scaled(by: 2))
    try #require(!english.isEmpty && english.allSatisfy { $0.confidence < detector.minimumConfidence },
                 "English reads \(english.map { "\($0.text) \($0.confidence)" })")
    let found = try detector.detect(FrameRaster(gray: image, rgb: nil))
    // A word read, not only a row of unread marks: its text is what the allow list and the
    // matcher judge.
    let read = found.filter { !$0.text.isEmpty && $0.confidence >= detector.minimumConfidence }
    #expect(read.contains { $0.rect.union(ink) == $0.rect }, "found \(found.map { "\($0.rect) \($0.text) \($0.confidence)" })")
}
