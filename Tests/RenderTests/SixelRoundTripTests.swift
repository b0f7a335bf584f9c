// SixelRoundTripTests: composed previews survive libsixel encoding, with boxes where the geometry says.
import Engine
import Foundation
import Render
import Testing

@Suite struct SixelRoundTripTests {
    /// A 320x240 grey picture shrunk into 200x200: 200x150 preview with four boxes of four styles.
    static func scene() throws -> (composed: RGBImage, plain: RGBImage, boxes: [OverlayBox], geometry: PreviewGeometry) {
        let source = try RenderFixtures.monochrome(width: 320, height: 240) { x, y in RenderFixtures.ramp(x, y, width: 320, height: 240) }
        let raster = try source.raster(frame: 0, window: nil)
        let geometry = PreviewGeometry(imageWidth: 320, imageHeight: 240, areaWidth: 200, areaHeight: 200)
        let boxes = [
            OverlayBox(rect: PixelRect(x: 40, y: 40, width: 60, height: 30), number: 1, style: .proposed),
            OverlayBox(rect: PixelRect(x: 200, y: 100, width: 50, height: 40), number: 2, style: .accepted),
            OverlayBox(rect: PixelRect(x: 100, y: 170, width: 40, height: 40), number: 3, style: .selected),
            OverlayBox(rect: PixelRect(x: 250, y: 20, width: 40, height: 30), number: 4, style: .rejected),
        ]
        let composed = Preview.compose(raster, boxes: boxes, geometry: geometry)
        let plain = Preview.compose(raster, boxes: [], geometry: geometry)
        return (composed, plain, boxes, geometry)
    }

    /// The preview pixels of the outline ring of `box`, skipping the gaps of a dashed one.
    static func ringPixels(_ box: OverlayBox, geometry: PreviewGeometry) -> [PreviewGeometry.Point] {
        let outer = Preview.outlineRect(of: box, geometry: geometry)
        let t = box.style.thickness
        var points: [PreviewGeometry.Point] = []
        for y in outer.y..<outer.maxY {
            let edgeRow = y < outer.y + t || y >= outer.maxY - t
            for x in outer.x..<outer.maxX where edgeRow || x < outer.x + t || x >= outer.maxX - t {
                if box.style.isDashed, ((edgeRow ? x - outer.x : y - outer.y) / 4) % 2 == 1 { continue }
                points.append(PreviewGeometry.Point(x: x, y: y))
            }
        }
        return points
    }

    @Test func boxesAndImageSurviveEncodeAndDecode() throws {
        let (composed, plain, boxes, geometry) = try Self.scene()
        #expect(composed.width == 200 && composed.height == 150)
        let sixel = try SixelEncoder.encode(composed)
        #expect(sixel.starts(with: [0x1B, UInt8(ascii: "P")]))
        #expect(sixel.suffix(2) == [0x1B, UInt8(ascii: "\\")])
        let decoded = try SixelDecoder.decode(sixel)
        #expect(decoded.width == composed.width && decoded.height == composed.height)

        // The labels and other boxes may cover a ring pixel; those are judged below as "near a box".
        let labels = boxes.compactMap { Preview.labelRect(of: $0, geometry: geometry) }
        for box in boxes {
            let ring = Self.ringPixels(box, geometry: geometry)
            #expect(ring.count > 20)
            var checked = 0
            for p in ring where !labels.contains(where: { $0.contains(x: p.x, y: p.y) })
                && !boxes.contains(where: { $0 != box && Preview.outlineRect(of: $0, geometry: geometry).contains(x: p.x, y: p.y) }) {
                let got = decoded[p.x, p.y]
                #expect(got.distance(to: box.style.color) <= 3, "box \(box.number) at \(p): \(got)")
                checked += 1
            }
            #expect(checked > ring.count / 2, "box \(box.number): most of its ring is visible")
            // Outlines sit outside the box: what the box covers is still the image.
            let inner = geometry.previewRect(box.rect)
            for y in inner.y..<inner.maxY where !labels.contains(where: { $0.contains(x: inner.x, y: y) }) {
                #expect(decoded[inner.x, y].distance(to: plain[inner.x, y]) <= 3)
            }
        }

        // Away from every box and label the image keeps its values, within the palette's rounding
        // (sixel colours are percentages: 255/100 per step).
        let near = boxes.map { Preview.outlineRect(of: $0, geometry: geometry) } + labels
        var far = 0, worst = 0
        for y in 0..<decoded.height {
            for x in 0..<decoded.width where !near.contains(where: { $0.contains(x: x, y: y) }) {
                worst = max(worst, decoded[x, y].distance(to: plain[x, y]))
                far += 1
            }
        }
        #expect(far > 20_000)
        #expect(worst <= 3)
    }

    @Test func numbersAreDrawnInTheTagAtTheTopLeft() throws {
        let (composed, _, boxes, geometry) = try Self.scene()
        for box in boxes {
            let tag = try #require(Preview.labelRect(of: box, geometry: geometry))
            let outline = Preview.outlineRect(of: box, geometry: geometry)
            #expect(tag.x == outline.x)
            #expect(tag.maxY == outline.y || tag.y >= outline.y, "above the box, or inside when there is no room")
            var ink = 0, fill = 0
            for y in tag.y..<tag.maxY {
                for x in tag.x..<tag.maxX {
                    if composed[x, y] == .black { ink += 1 } else if composed[x, y] == box.style.color { fill += 1 }
                }
            }
            #expect(ink >= 5, "box \(box.number) shows its digit")
            #expect(fill > ink)
        }
        // The digit 1 differs from the digit 4: the glyphs are drawn, not just the tag.
        let one = try #require(Preview.labelRect(of: boxes[0], geometry: geometry))
        let four = try #require(Preview.labelRect(of: boxes[3], geometry: geometry))
        let inkOne = (one.y..<one.maxY).flatMap { y in (one.x..<one.maxX).map { composed[$0, y] == .black } }
        let inkFour = (four.y..<four.maxY).flatMap { y in (four.x..<four.maxX).map { composed[$0, y] == .black } }
        #expect(inkOne != inkFour)
    }

    @Test func anotherDecoderReadsTheBytes() throws {
        let (composed, _, _, _) = try Self.scene()
        let folder = try RenderFixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/preview.six", output = folder + "/preview.png"
        try Data(try SixelEncoder.encode(composed)).write(to: URL(fileURLWithPath: input))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sixel2png")
        process.arguments = ["-i", input, "-o", output]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
        try #require(png.count > 24)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: width and height, big-endian, at bytes 16 and 20.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == composed.width && height == composed.height)
    }

    @Test func colourImagesGoThroughLibsixelsQuantiser() throws {
        let source = try RenderFixtures.rgb(width: 160, height: 120) { x, y in
            RGBImage.Color(UInt8(x * 255 / 159), UInt8(y * 255 / 119), UInt8((x + y) % 256))
        }
        let raster = try source.raster(frame: 0)
        let geometry = PreviewGeometry(imageWidth: 160, imageHeight: 120, areaWidth: 160, areaHeight: 120)
        let box = OverlayBox(rect: PixelRect(x: 30, y: 30, width: 50, height: 40), number: 7, style: .manual)
        let composed = Preview.compose(raster, boxes: [box], geometry: geometry)
        let (bytes, method) = try SixelEncoder.encodeReporting(composed)
        #expect(method == .libsixel)
        let decoded = try SixelDecoder.decode(bytes)
        #expect(decoded.width == 160 && decoded.height == 120)
        var total = 0
        for y in 0..<120 { for x in 0..<160 { total += decoded[x, y].distance(to: composed[x, y]) } }
        #expect(Double(total) / Double(160 * 120) < 12, "a 256-colour palette stays close on average")
        // The outline's colour is frequent enough to get a register of its own, or one very near.
        let outline = Preview.outlineRect(of: box, geometry: geometry)
        #expect(decoded[outline.x + 20, outline.maxY - 1].distance(to: box.style.color) <= 24)
    }

    @Test func greyPreviewsUseTheExactPalette() throws {
        let (composed, _, _, _) = try Self.scene()
        let (_, method) = try SixelEncoder.encodeReporting(composed)
        #expect(method == .greysAndOverlays)
        // Sixteen registers (a VT340): box colours stay exact, greys fall on a ramp of what is left.
        let (bytes16, method16) = try SixelEncoder.encodeReporting(composed, colors: 16)
        #expect(method16 == .greysAndOverlays)
        let decoded = try SixelDecoder.decode(bytes16)
        let overlays = Set((0..<composed.height).flatMap { y in (0..<composed.width).map { composed[$0, y] } }.filter { !$0.isGray })
        let greys = 16 - overlays.count
        var worstGrey = 0, worstColour = 0
        for y in 0..<composed.height {
            for x in 0..<composed.width {
                let d = decoded[x, y].distance(to: composed[x, y])
                if composed[x, y].isGray { worstGrey = max(worstGrey, d) } else { worstColour = max(worstColour, d) }
            }
        }
        #expect(worstColour <= 3)
        #expect(worstGrey <= 255 / (greys - 1) / 2 + 3)
        #expect(worstGrey >= 4, "\(greys) registers cannot hold every grey")
    }

    @Test func emptyAndBrokenInputFailWithOneLine() throws {
        #expect(throws: RenderError.self) { try SixelEncoder.encode(RGBImage(width: 0, height: 0)) }
        do {
            _ = try SixelDecoder.decode(Array("not a sixel".utf8))
            Issue.record("garbage decoded")
        } catch let error as RenderError {
            #expect(error.code == .decode)
            #expect(!error.message.contains("\n"))
        }
    }
}
