// PreviewSourceTests: windowing of real CT and MR files, MONOCHROME1, palette, RGB and YBR cine, the frame cache, errors.
import Engine
import Foundation
@testable import Render
import Testing

@Suite struct PreviewSourceTests {
    static func saturated(_ raster: FrameRaster) -> Int {
        raster.gray.pixels.reduce(0) { $0 + ($1 == 0 || $1 == 255 ? 1 : 0) }
    }

    @Test func ctDefaultWindowIsTheFirstFramesRange() throws {
        let source = try PreviewSource.open(path: try RenderFixtures.pydicom("CT_small.dcm"))
        #expect(source.frames == 1 && source.columns == 128 && source.rows == 128)
        #expect(source.isMonochrome)
        // CT_small has no Window Center/Width: the default spans its rescaled values (HU).
        let range = try #require(try source.valueRange(frame: 0))
        let window = try #require(source.defaultWindow)
        #expect(abs(window.low - range.lowerBound) < 1e-9 && abs(window.high - range.upperBound) < 1e-9)
        #expect(range.lowerBound < -500, "air and background are far below water in HU")
        let full = try source.raster(frame: 0, window: nil)
        #expect(full.gray.pixels.contains(0) && full.gray.pixels.contains(255))
        #expect(full.rgb == nil)
    }

    @Test func narrowingTheWindowSaturatesMorePixels() throws {
        let source = try PreviewSource.open(path: try RenderFixtures.pydicom("CT_small.dcm"))
        let base = try #require(source.defaultWindow)
        let wide = try source.raster(frame: 0, window: base)
        let narrow = try source.raster(frame: 0, window: base.narrowed(steps: 6))
        #expect(Self.saturated(narrow) > Self.saturated(wide) + 1000)
        // Shifting the centre up darkens: the mean grey drops.
        let mean = { (r: FrameRaster) in Double(r.gray.pixels.reduce(0) { $0 + Int($1) }) / Double(r.gray.pixels.count) }
        let darker = try source.raster(frame: 0, window: base.narrowed(steps: 6).shifted(steps: 4))
        #expect(mean(darker) < mean(narrow) - 5)
        // A soft-tissue window: most of the body lands between black and white.
        let soft = try source.raster(frame: 0, window: Window(center: 40, width: 400))
        #expect(soft.gray.pixels.filter { $0 > 0 && $0 < 255 }.count > 2000)
    }

    @Test func tableWindowingEqualsFrameRasterPixelForPixel() throws {
        let ct = try PreviewSource.open(path: try RenderFixtures.pydicom("CT_small.dcm"))
        let mr = try PreviewSource.open(path: try RenderFixtures.pydicom("MR_small.dcm"))
        let mono1 = try RenderFixtures.monochrome(width: 37, height: 23, photometric: "MONOCHROME1") { x, y in x * 100 + y }
        for source in [ct, mr, mono1] {
            for window in [nil, Window(center: 40, width: 400), Window(center: 300, width: 3), source.defaultWindow?.narrowed(steps: 3)] {
                let fast = try source.raster(frame: 0, window: window)
                let reference = try source.referenceRaster(frame: 0, window: window)
                #expect(fast.gray == reference.gray)
            }
        }
    }

    @Test func fileWindowIsTheDefault() throws {
        let source = try PreviewSource.open(path: try RenderFixtures.pydicom("MR_small.dcm"))
        #expect(source.defaultWindow == Window(center: 600, width: 1600))
        let generated = try RenderFixtures.monochrome(width: 8, height: 8, window: Window(center: 100, width: 50)) { x, _ in x * 30 }
        #expect(generated.defaultWindow == Window(center: 100, width: 50))
        let raster = try generated.raster(frame: 0)
        // 75 and below black, 125 and above white; 90 and 120 in between: (v - 75) / 50 * 255, rounded.
        #expect(Array(raster.gray.pixels.prefix(8)) == [0, 0, 0, 77, 230, 255, 255, 255])
    }

    @Test func monochrome1ReadsInverted() throws {
        let values = { (x: Int, y: Int) in (x * 37 + y * 11) % 4096 }
        let one = try RenderFixtures.monochrome(width: 40, height: 30, photometric: "MONOCHROME1", values: values)
        let two = try RenderFixtures.monochrome(width: 40, height: 30, photometric: "MONOCHROME2", values: values)
        #expect(one.isMonochrome)
        #expect(one.defaultWindow == two.defaultWindow)
        let a = try one.raster(frame: 0), b = try two.raster(frame: 0)
        #expect(zip(a.gray.pixels, b.gray.pixels).allSatisfy { Int($0) + Int($1) == 255 })
        // Stored 0 is white in MONOCHROME1.
        #expect(a.gray.pixels[0] == 255 && b.gray.pixels[0] == 0)
    }

    @Test func paletteColourComposes() throws {
        let source = try PreviewSource.open(path: try RenderFixtures.pydicom("examples_palette.dcm"))
        #expect(!source.isMonochrome)
        #expect(source.defaultWindow == nil)
        #expect(source.frames == 1 && source.columns == 800 && source.rows == 350)
        let raster = try source.raster(frame: 0)
        let rgb = try #require(raster.rgb)
        let colours = Set(stride(from: 0, to: rgb.count, by: 3 * 97).map { RGBImage.Color(rgb[$0], rgb[$0 + 1], rgb[$0 + 2]) })
        #expect(colours.contains { !$0.isGray }, "the palette maps to colours, not grey")
        let geometry = PreviewGeometry(imageWidth: 800, imageHeight: 350, areaWidth: 400, areaHeight: 400)
        let image = Preview.compose(raster, boxes: [OverlayBox(rect: PixelRect(x: 10, y: 10, width: 100, height: 50), number: 1, style: .template)], geometry: geometry)
        #expect(image.width == 400 && image.height == 175)
        #expect(try SixelDecoder.decode(try SixelEncoder.encode(image)).width == 400)
    }

    @Test func rgbAndYBRCineCompose() throws {
        let rgb = try PreviewSource.open(path: try RenderFixtures.pydicom("examples_rgb_color.dcm"))
        #expect(rgb.frames == 1 && !rgb.isMonochrome && rgb.photometric == "RGB")
        let ybr = try PreviewSource.open(path: try RenderFixtures.pydicom("examples_ybr_color.dcm"))
        #expect(ybr.frames == 30 && !ybr.isMonochrome && ybr.photometric == "YBR_FULL_422")
        let geometry = PreviewGeometry(imageWidth: 320, imageHeight: 240, areaWidth: 160, areaHeight: 120)
        let first = Preview.compose(try ybr.raster(frame: 0), boxes: [], geometry: geometry)
        let last = Preview.compose(try ybr.raster(frame: 29), boxes: [], geometry: geometry)
        #expect(first.width == 160 && last.height == 120)
        #expect(first != last, "a cine's frames differ")
        // YBR is converted: the black background reads black grey, where raw Y, Cb, Cr would read (0, 128, 128).
        let corner = first[2, 60]
        #expect(corner.distance(to: .black) < 24 && corner.distance(to: RGBImage.Color(corner.r, corner.r, corner.r)) < 12)
        let rgbImage = Preview.compose(try rgb.raster(frame: 0), boxes: [], geometry: geometry)
        #expect(rgbImage.pixels.count == 160 * 120 * 3)
        #expect(Set(stride(from: 0, to: rgbImage.pixels.count, by: 3).map { rgbImage.pixels[$0] }).count > 50)
        #expect(throws: RenderError(.frame, "frame outside the image")) { try ybr.raster(frame: 30) }
    }

    @Test func cacheKeepsAFewFrames() throws {
        let source = try PreviewSource.open(path: try RenderFixtures.pydicom("examples_ybr_color.dcm"), cacheLimit: 4)
        #expect(source.cacheLimit == 4)
        for frame in 0..<30 { _ = try source.raster(frame: frame) }
        #expect(source.cachedFrameCount == 4)
        // A frame asked again is the same pixels, whether cached or decoded again.
        let again = try source.raster(frame: 0)
        let cached = try source.raster(frame: 0)
        #expect(again.rgb == cached.rgb)
        let other = try PreviewSource.open(path: try RenderFixtures.pydicom("examples_ybr_color.dcm"))
        #expect(try other.raster(frame: 0).rgb == again.rgb)
    }

    @Test func errorsNameNoPathOrValue() throws {
        let folder = try RenderFixtures.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = folder + "/DOE^JANE-1234567.dcm"
        do {
            _ = try PreviewSource.open(path: missing)
            Issue.record("a missing file opened")
        } catch let error as RenderError {
            #expect(error.code == .open)
            #expect(!error.message.contains("DOE") && !error.message.contains(folder) && !error.message.contains("\n"))
        }
        let text = folder + "/JANE.dcm"
        try Data("PatientName=DOE^JANE".utf8).write(to: URL(fileURLWithPath: text))
        #expect(throws: RenderError.self) { try PreviewSource.open(path: text) }
        do {
            _ = try PreviewSource.open(path: try RenderFixtures.pydicom("test-SR.dcm"))
            Issue.record("a structured report has no image to preview")
        } catch let error as RenderError {
            #expect(error.code == .noImage)
        }
    }
}
