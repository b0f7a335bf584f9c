// ComposeTests: area averaging and nearest-pixel scaling, outlines outside boxes, the redacted look, window steps.
import Engine
import Render
import Testing

@Suite struct ComposeTests {
    @Test func shrinkingAveragesEachBlock() throws {
        // 4x4 checkerboard of 2x2 blocks (0 and 200) halved: each preview pixel is one whole block.
        let source = try RenderFixtures.monochrome(width: 4, height: 4, window: Window(center: 127.5, width: 255)) { x, y in
            (x / 2 + y / 2) % 2 == 0 ? 0 : 200
        }
        let raster = try source.raster(frame: 0)
        let half = Preview.compose(raster, boxes: [], geometry: PreviewGeometry(imageWidth: 4, imageHeight: 4, areaWidth: 2, areaHeight: 2))
        #expect(half.width == 2 && half.height == 2)
        #expect(half[0, 0] == .black && half[1, 1] == .black)
        #expect(half[1, 0] == RGBImage.Color(200, 200, 200))
        // 1x1: the mean of everything, 100.
        let one = Preview.compose(raster, boxes: [], geometry: PreviewGeometry(imageWidth: 4, imageHeight: 4, areaWidth: 1, areaHeight: 1))
        #expect(one[0, 0] == RGBImage.Color(100, 100, 100))
    }

    @Test func enlargingRepeatsPixels() throws {
        let source = try RenderFixtures.rgb(width: 2, height: 2) { x, y in
            [RGBImage.Color(255, 0, 0), RGBImage.Color(0, 255, 0), RGBImage.Color(0, 0, 255), RGBImage.Color(255, 255, 255)][y * 2 + x]
        }
        let raster = try source.raster(frame: 0)
        let g = PreviewGeometry(imageWidth: 2, imageHeight: 2, areaWidth: 6, areaHeight: 6)
        let image = Preview.compose(raster, boxes: [], geometry: g)
        #expect(image.width == 6 && image.height == 6)
        for y in 0..<6 {
            for x in 0..<6 {
                #expect(image[x, y] == raster.rgbColor(x / 3, y / 3), "nearest pixel, no blending")
            }
        }
        #expect(Preview.image(raster).width == 2)
    }

    @Test func outlinesSurroundBoxesAndStayInside() throws {
        let source = try RenderFixtures.monochrome(width: 100, height: 100) { _, _ in 128 }
        let raster = try source.raster(frame: 0)
        let g = PreviewGeometry(imageWidth: 100, imageHeight: 100, areaWidth: 100, areaHeight: 100)
        let inner = OverlayBox(rect: PixelRect(x: 40, y: 40, width: 20, height: 10), number: 0, style: .accepted)
        let edge = OverlayBox(rect: PixelRect(x: 0, y: 90, width: 30, height: 10), number: 0, style: .manual)
        let image = Preview.compose(raster, boxes: [inner, edge], geometry: g)
        let grey = image[70, 70]
        // Two pixels just outside the box, none inside it.
        #expect(image[38, 45] == inner.style.color && image[39, 45] == inner.style.color)
        #expect(image[37, 45] == grey && image[40, 45] == grey && image[50, 45] == grey)
        #expect(image[45, 50] == inner.style.color && image[45, 51] == inner.style.color && image[45, 52] == grey)
        // At the image's edge the outline moves onto the box's own border pixels.
        #expect(Preview.outlineRect(of: edge, geometry: g) == PixelRect(x: 0, y: 88, width: 32, height: 12))
        #expect(image[0, 95] == edge.style.color && image[0, 99] == edge.style.color && image[15, 99] == edge.style.color)
        #expect(image[15, 95] == grey)
        // No number: no tag.
        #expect(Preview.labelRect(of: inner, geometry: g) == nil)
    }

    @Test func selectedIsDrawnOverOthersAndThicker() throws {
        let source = try RenderFixtures.monochrome(width: 50, height: 50) { _, _ in 10 }
        let raster = try source.raster(frame: 0)
        let g = PreviewGeometry(imageWidth: 50, imageHeight: 50, areaWidth: 50, areaHeight: 50)
        let rect = PixelRect(x: 10, y: 10, width: 20, height: 20)
        let selected = OverlayBox(rect: rect, number: 0, style: .selected)
        let proposed = OverlayBox(rect: rect, number: 0, style: .proposed)
        for order in [[selected, proposed], [proposed, selected]] {
            let image = Preview.compose(raster, boxes: order, geometry: g)
            #expect(image[9, 20] == selected.style.color && image[7, 20] == selected.style.color)
        }
        #expect(OverlayBox.Style.selected.thickness > OverlayBox.Style.proposed.thickness)
        // Every style has its own colour, well apart from the others and from grey.
        let colours = OverlayBox.Style.allCases.map(\.color)
        for (i, a) in colours.enumerated() {
            #expect(!a.isGray)
            for b in colours[(i + 1)...] { #expect(a.distance(to: b) >= 60) }
        }
    }

    @Test func rejectedIsDashedAndNotRedacted() throws {
        let source = try RenderFixtures.monochrome(width: 60, height: 60) { _, _ in 200 }
        let raster = try source.raster(frame: 0)
        let g = PreviewGeometry(imageWidth: 60, imageHeight: 60, areaWidth: 60, areaHeight: 60)
        let box = OverlayBox(rect: PixelRect(x: 10, y: 10, width: 40, height: 20), number: 0, style: .rejected)
        #expect(!box.redacts)
        let image = Preview.compose(raster, boxes: [box], geometry: g)
        let top = (9..<51).map { image[$0, 9] == box.style.color }
        #expect(top.contains(true) && top.contains(false), "dashes and gaps")
        let after = Preview.compose(raster, boxes: [box], geometry: g, look: .redacted)
        let plain = Preview.compose(raster, boxes: [], geometry: g, look: .redacted)
        #expect(after == plain)
        #expect(after[20, 20] != .black)
    }

    @Test func redactedLookFillsWhatWillBeRedacted() throws {
        let source = try RenderFixtures.monochrome(width: 40, height: 40) { _, _ in 255 }
        let raster = try source.raster(frame: 0, window: Window(center: 127.5, width: 255))
        let box = OverlayBox(rect: PixelRect(x: 10, y: 10, width: 10, height: 5), number: 3, style: .proposed)
        let same = PreviewGeometry(imageWidth: 40, imageHeight: 40, areaWidth: 40, areaHeight: 40)
        let after = Preview.compose(raster, boxes: [box], geometry: same, look: .redacted)
        for y in 0..<40 {
            for x in 0..<40 {
                #expect(after[x, y] == (box.rect.contains(x: x, y: y) ? .black : .white), "(\(x),\(y))")
            }
        }
        // Halved, an edge preview pixel half over the box shows the grey the output will have.
        let off = OverlayBox(rect: PixelRect(x: 11, y: 10, width: 10, height: 4), number: 3, style: .proposed)
        let halved = Preview.compose(raster, boxes: [off], geometry: PreviewGeometry(imageWidth: 40, imageHeight: 40, areaWidth: 20, areaHeight: 20), look: .redacted)
        #expect(halved[6, 5] == .black)
        #expect(halved[5, 5] == RGBImage.Color(128, 128, 128))
        #expect(halved[10, 5] == RGBImage.Color(128, 128, 128))
        // Both looks together: black with the outline and number around it.
        let both = Preview.compose(raster, boxes: [box], geometry: same, look: [.redacted, .outlines])
        #expect(both[15, 12] == .black && both[9, 12] == box.style.color)
    }

    @Test func fingerprintsFollowThePixels() {
        var a = RGBImage(width: 4, height: 3, fill: .white)
        let b = a
        #expect(a.fingerprint == b.fingerprint && a.fingerprint.count == 16)
        a[2, 1] = .black
        #expect(a.fingerprint != b.fingerprint)
        #expect(RGBImage(width: 3, height: 4, fill: .white).fingerprint != b.fingerprint, "size counts")
    }

    @Test func proposalSourcesPickTheirStyle() {
        #expect(OverlayBox.Style(source: .ocr) == .proposed)
        #expect(OverlayBox.Style(source: .template) == .template)
        #expect(OverlayBox.Style(source: .manual) == .manual)
        #expect(OverlayBox(rect: PixelRect(x: 0, y: 0, width: 1, height: 1), number: 1, style: .accepted).redacts)
        #expect(!OverlayBox(rect: PixelRect(x: 0, y: 0, width: 1, height: 1), number: 1, style: .selected, redacts: false).redacts)
    }

    @Test func windowStepsMoveAsTheTUIExpects() {
        let w = Window(center: 40, width: 400)
        #expect(w.low == -160 && w.high == 240)
        #expect(w.widened().width == 500 && w.widened().center == 40)
        #expect(w.narrowed().width == 320)
        #expect(abs(w.widened(steps: 3).narrowed(steps: 3).width - 400) < 1e-9)
        #expect(w.shifted(steps: 2).center == 80 && w.shifted(steps: -1).center == 20)
        #expect(w.narrowed(steps: 100).width == Window.minimumWidth)
        #expect(Window(low: 10, high: 10).width == Window.minimumWidth)
        #expect(Window(low: -1000, high: 3000) == Window(center: 1000, width: 4000))
        #expect(w.description == "W 400 C 40")
    }
}

extension FrameRaster {
    /// The colour at (x, y) of a colour raster.
    func rgbColor(_ x: Int, _ y: Int) -> RGBImage.Color {
        let i = (y * width + x) * 3
        return RGBImage.Color(rgb![i], rgb![i + 1], rgb![i + 2])
    }
}
