// TimingTests: how long windowing, compose and sixel encoding take at preview sizes (printed, loosely bounded).
import Engine
import Foundation
import Render
import Testing

/// Bounds are loose (the machine is shared and this may be a debug build); the printed numbers
/// (thread CPU milliseconds) are what to compare. A noisy 12-bit picture uses every grey level in
/// every sixel band, the encoder's worst case; the real CT below is the usual one.
@Suite(.serialized) struct TimingTests {
    static func noisyCT(size: Int) throws -> PreviewSource {
        var seed: UInt32 = 12345
        return try RenderFixtures.monochrome(width: size, height: size, rescale: (1, -1024)) { x, y in
            seed = seed &* 1_664_525 &+ 1_013_904_223
            return RenderFixtures.ramp(x, y, width: size, height: size, top: 3800) + Int(seed >> 26)
        }
    }

    static let boxes = [
        OverlayBox(rect: PixelRect(x: 10, y: 10, width: 120, height: 24), number: 1, style: .proposed),
        OverlayBox(rect: PixelRect(x: 200, y: 10, width: 90, height: 24), number: 2, style: .accepted),
        OverlayBox(rect: PixelRect(x: 10, y: 300, width: 60, height: 20), number: 3, style: .selected),
    ]

    @Test func preview512() throws {
        let source = try Self.noisyCT(size: 512)
        let window = Window(center: 40, width: 400)
        var raster = try source.raster(frame: 0, window: window)
        var step = 0
        let windowing = try RenderFixtures.milliseconds {
            step += 1 // a new window each run, as a key press makes; the same one would come from the cache
            raster = try source.raster(frame: 0, window: window.shifted(steps: step))
        }
        let geometry = PreviewGeometry(imageWidth: 512, imageHeight: 512, areaWidth: 512, areaHeight: 512)
        var image = RGBImage(width: 1, height: 1)
        let compose = RenderFixtures.milliseconds { image = Preview.compose(raster, boxes: Self.boxes, geometry: geometry) }
        var bytes: [UInt8] = []
        let encode = try RenderFixtures.milliseconds { bytes = try SixelEncoder.encode(image) }
        print("timing 512x512: window \(f(windowing)) ms, compose \(f(compose)) ms, encode \(f(encode)) ms, \(bytes.count) bytes")
        // Fewer registers, fewer colours per sixel band: the TUI may trade grey levels for speed.
        for colors in [128, 64] {
            var fewer: [UInt8] = []
            let ms = try RenderFixtures.milliseconds { fewer = try SixelEncoder.encode(image, colors: colors) }
            print("timing 512x512 with \(colors) colours: encode \(f(ms)) ms, \(fewer.count) bytes")
            #expect(fewer.count < bytes.count)
        }
        #expect(image.width == 512 && image.height == 512)
        #expect(encode < 500)
        #expect(compose < 500)
    }

    @Test func preview2048() throws {
        let source = try Self.noisyCT(size: 2048)
        var raster = try source.raster(frame: 0, window: Window(center: 40, width: 400))
        let windowing = try RenderFixtures.milliseconds(runs: 1) { raster = try source.raster(frame: 0, window: Window(center: 50, width: 400)) }
        print("timing 2048x2048: window \(f(windowing)) ms")
        let geometry = PreviewGeometry(imageWidth: 2048, imageHeight: 2048, areaWidth: 800, areaHeight: 600)
        var image = RGBImage(width: 1, height: 1)
        let compose = RenderFixtures.milliseconds { image = Preview.compose(raster, boxes: Self.boxes, geometry: geometry) }
        var bytes: [UInt8] = []
        let encode = try RenderFixtures.milliseconds { bytes = try SixelEncoder.encode(image) }
        #expect(image.width == 600 && image.height == 600)
        print("timing 2048x2048 -> \(image.width)x\(image.height): compose \(f(compose)) ms, encode \(f(encode)) ms, \(bytes.count) bytes")

        let full = PreviewGeometry(imageWidth: 2048, imageHeight: 2048, areaWidth: 2048, areaHeight: 2048)
        var big = RGBImage(width: 1, height: 1)
        let composeFull = RenderFixtures.milliseconds(runs: 1) { big = Preview.compose(raster, boxes: Self.boxes, geometry: full) }
        var fullBytes: [UInt8] = []
        let encodeFull = try RenderFixtures.milliseconds(runs: 1) { fullBytes = try SixelEncoder.encode(big) }
        print("timing 2048x2048 full size: compose \(f(composeFull)) ms, encode \(f(encodeFull)) ms, \(fullBytes.count) bytes")
        #expect(encode < 1000)
        #expect(encodeFull < 8000)
    }

    @Test func realCTEnlarged() throws {
        let source = try PreviewSource.open(path: try RenderFixtures.pydicom("CT_small.dcm"))
        let raster = try source.raster(frame: 0, window: Window(center: 40, width: 400))
        let geometry = PreviewGeometry(imageWidth: 128, imageHeight: 128, areaWidth: 800, areaHeight: 600)
        var image = RGBImage(width: 1, height: 1)
        let compose = RenderFixtures.milliseconds { image = Preview.compose(raster, boxes: Self.boxes, geometry: geometry) }
        var bytes: [UInt8] = []
        let encode = try RenderFixtures.milliseconds { bytes = try SixelEncoder.encode(image) }
        print("timing CT_small 128x128 -> \(image.width)x\(image.height): compose \(f(compose)) ms, encode \(f(encode)) ms, \(bytes.count) bytes")
        #expect(image.width == 600)
        #expect(encode < 1000)
    }

    @Test func cineSteps() throws {
        // Stepping through a JPEG YBR cine: decode, convert to RGB, compose and encode each frame.
        let source = try PreviewSource.open(path: try RenderFixtures.pydicom("examples_ybr_color.dcm"))
        let geometry = PreviewGeometry(imageWidth: 320, imageHeight: 240, areaWidth: 640, areaHeight: 480)
        var frame = 0, raster: FrameRaster?
        let decode = try RenderFixtures.milliseconds(runs: 5) { frame += 1; raster = try source.raster(frame: frame) }
        var image = RGBImage(width: 1, height: 1)
        let compose = RenderFixtures.milliseconds { image = Preview.compose(raster!, boxes: Self.boxes, geometry: geometry) }
        let encode = try RenderFixtures.milliseconds { _ = try SixelEncoder.encode(image) }
        print("timing YBR cine 320x240 -> 640x480 per frame: decode+convert \(f(decode)) ms, compose \(f(compose)) ms, encode \(f(encode)) ms")
        #expect(image.width == 640)
        #expect(decode + compose + encode < 3000)
    }

    @Test func colourPreview512() throws {
        var seed: UInt32 = 99
        let source = try RenderFixtures.rgb(width: 512, height: 512) { x, y in
            seed = seed &* 1_664_525 &+ 1_013_904_223
            return RGBImage.Color(UInt8(x / 2), UInt8(y / 2), UInt8(seed >> 24))
        }
        let raster = try source.raster(frame: 0)
        let geometry = PreviewGeometry(imageWidth: 512, imageHeight: 512, areaWidth: 512, areaHeight: 512)
        let image = Preview.compose(raster, boxes: Self.boxes, geometry: geometry)
        var result: (bytes: [UInt8], method: SixelEncoder.PaletteMethod) = ([], .libsixel)
        let encode = try RenderFixtures.milliseconds { result = try SixelEncoder.encodeReporting(image) }
        print("timing 512x512 colour (\(result.method)): encode \(f(encode)) ms, \(result.bytes.count) bytes")
        #expect(result.method == .libsixel)
        #expect(encode < 1000)
    }

    private func f(_ ms: Double) -> String { String(format: "%.1f", ms) }
}
