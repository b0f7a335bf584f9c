// The quality check reads its bright mask at the larger upscale only where text lies on a plain ground.
@testable import Engine
import Testing

/// A 120 x 40 grey plane with `ground(x, y)` as its level, and a mask of 9 px strokes on y 12..<21.
private func plane(ground: (Int, Int) -> UInt8) -> (gray: GrayImage, mask: GrayImage, region: PixelRect) {
    var gray = GrayImage(width: 120, height: 40, fill: 0)
    var mask = GrayImage(width: 120, height: 40, fill: 255)
    for y in 0..<40 { for x in 0..<120 { gray[x, y] = ground(x, y) } }
    for x0 in stride(from: 10, to: 100, by: 8) {
        for y in 12..<21 {
            for x in x0..<(x0 + 3) {
                gray[x, y] = 250
                mask[x, y] = 0
            }
            gray[x0 + 3, y] = 160 // an anti-aliased edge: not ink in the mask, not ground either
        }
    }
    return (gray, mask, PixelRect(x: 0, y: 0, width: 120, height: 40))
}

@Test func textOnABlackCornerOrAFlatBannerLiesOnAPlainGround() {
    let black = plane { _, _ in 0 }
    #expect(TextDetector.plainGround(black.gray, mask: black.mask, black.region))
    // A banner with a slight gradient and noise of a few levels.
    let banner = plane { x, y in UInt8(70 + x / 12 + (x * 7 + y * 3) % 5) }
    #expect(TextDetector.plainGround(banner.gray, mask: banner.mask, banner.region))
}

@Test func ultrasoundSpeckleIsNoPlainGround() {
    var seed: UInt32 = 12345
    let speckle = plane { _, _ in
        seed = seed &* 1_103_515_245 &+ 12345
        return UInt8(40 + Int((seed >> 16) % 120))
    }
    #expect(!TextDetector.plainGround(speckle.gray, mask: speckle.mask, speckle.region))
    // Half black, half speckle: the middle of the ground's levels spans the speckle.
    let half = plane { x, _ in
        seed = seed &* 1_103_515_245 &+ 12345
        return x < 60 ? 0 : UInt8(40 + Int((seed >> 16) % 120))
    }
    #expect(!TextDetector.plainGround(half.gray, mask: half.mask, half.region))
}
