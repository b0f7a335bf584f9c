// Preview: a decoded frame scaled into the preview area with its numbered boxes drawn in.
import Engine

/// Composes what the reviewer sees: the frame scaled to `geometry` (area averaging when shrinking,
/// nearest pixel when enlarging, so burned-in text stays sharp and no grey is invented), then the
/// boxes as coloured outlines with their numbers.
///
/// Outlines sit on the preview pixels just outside each box (`outlineRect`), so they never hide the
/// text the reviewer has to judge; at the image's edge they move inside. Numbers are drawn on a tag
/// of the box's colour above its top-left corner (inside when there is no room above).
public enum Preview {
    /// What to draw; combine them (`[.redacted, .outlines]`) to show the result with its boxes.
    public struct Look: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Coloured outlines and numbers.
        public static let outlines = Look(rawValue: 1)
        /// Black where boxes will redact, as the output will look (spot checks, the after view).
        public static let redacted = Look(rawValue: 2)
    }

    /// The frame scaled into `geometry`, with `boxes` drawn as `look` says.
    ///
    /// `geometry` should be made for the raster's size; when it is not (the frame changed size under
    /// the caller), the same area is fitted again to the raster.
    public static func compose(_ raster: FrameRaster, boxes: [OverlayBox], geometry: PreviewGeometry,
                               look: Look = .outlines) -> RGBImage {
        let geometry = fitted(geometry, to: raster)
        let channels = raster.rgb == nil ? 1 : 3
        var samples = raster.rgb ?? raster.gray.pixels
        if look.contains(.redacted) {
            // Filled before scaling, so a preview pixel half over a box shows the grey the output will have.
            for box in boxes where box.redacts {
                fill(&samples, channels: channels, width: raster.width, height: raster.height, rect: box.rect)
            }
        }
        var image = scaled(samples, channels: channels, width: raster.width, height: raster.height, geometry: geometry)
        // Rejected first and selected last, so what is in force is drawn over what is not.
        if look.contains(.outlines) { image = outlined(image, boxes: boxes, geometry: geometry) }
        return image
    }

    /// The outlines and numbers of `boxes` drawn on a copy of an image composed without them, so a
    /// caller that keeps the scaled frame only redraws boxes when the selection or a decision changes.
    public static func outlined(_ base: RGBImage, boxes: [OverlayBox], geometry: PreviewGeometry) -> RGBImage {
        var image = base
        let order = boxes.sorted { drawOrder($0.style) < drawOrder($1.style) }
        for box in order { drawOutline(box, geometry: geometry, on: &image) }
        for box in order { drawLabel(box, geometry: geometry, on: &image) }
        return image
    }

    /// The frame alone, at its own size: colour as decoded, grey replicated to R, G and B.
    public static func image(_ raster: FrameRaster) -> RGBImage {
        let geometry = PreviewGeometry(imageWidth: raster.width, imageHeight: raster.height,
                                       areaWidth: raster.width, areaHeight: raster.height)
        return compose(raster, boxes: [], geometry: geometry, look: [])
    }

    /// The outer edge of the outline drawn for `box`: the box's preview pixels grown by the
    /// style's thickness, kept inside the preview. Empty when the box is outside the image.
    public static func outlineRect(of box: OverlayBox, geometry: PreviewGeometry) -> PixelRect {
        let inner = geometry.previewRect(box.rect)
        guard !inner.isEmpty else { return inner }
        return inner.inset(by: box.style.thickness).clipped(columns: geometry.width, rows: geometry.height)
    }

    private static func drawOrder(_ style: OverlayBox.Style) -> Int {
        switch style {
        case .rejected: 0
        case .selected: 2
        default: 1
        }
    }

    private static func fitted(_ geometry: PreviewGeometry, to raster: FrameRaster) -> PreviewGeometry {
        guard geometry.imageWidth != raster.width || geometry.imageHeight != raster.height else { return geometry }
        return PreviewGeometry(imageWidth: raster.width, imageHeight: raster.height,
                               areaWidth: geometry.areaWidth, areaHeight: geometry.areaHeight)
    }

    private static func fill(_ samples: inout [UInt8], channels: Int, width: Int, height: Int, rect: PixelRect) {
        let r = rect.clipped(columns: width, rows: height)
        guard !r.isEmpty else { return }
        samples.withUnsafeMutableBufferPointer { s in
            for y in r.y..<r.maxY {
                let start = (y * width + r.x) * channels
                for i in start..<(start + r.width * channels) { s[i] = 0 }
            }
        }
    }
}
