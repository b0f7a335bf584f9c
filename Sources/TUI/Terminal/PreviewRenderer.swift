// PreviewRenderer: opens the files behind image slots, decodes and scales each frame once, and draws the boxes on a copy.
import Engine
import Render

final class PreviewRenderer {
    private var sources: [(path: String, source: PreviewSource)] = []
    /// Scaled frames without outlines, by what decides their pixels; boxes are drawn on a copy.
    private var bases: [(key: String, image: RGBImage)] = []
    private var composed: [(key: String, image: RGBImage)] = []
    static let openFiles = 4
    static let images = 6

    /// The decoded file at `path`, kept open while it is among the last few used.
    func source(_ path: String) throws -> PreviewSource {
        if let index = sources.firstIndex(where: { $0.path == path }) {
            let hit = sources.remove(at: index)
            sources.append(hit)
            return hit.source
        }
        let source = try PreviewSource.open(path: path)
        sources.append((path, source))
        if sources.count > Self.openFiles { sources.removeFirst() }
        return source
    }

    /// The slot's image at its geometry's size, with its boxes drawn (and filled, in the redacted look).
    func image(_ request: PreviewRequest, path: String) throws -> RGBImage {
        let key = request.fingerprint + "@" + path
        if let hit = Self.lookup(key, in: &composed) { return hit }
        // Moving the selection or deciding on a box changes only the outlines: the scaled frame stays.
        var baseKey = "\(path) f\(request.frame) \(request.window.map { "\($0.center)/\($0.width)" } ?? "-") "
            + "\(request.geometry.width)x\(request.geometry.height)"
        if request.redacted { baseKey += " " + request.boxes.filter(\.redacts).map(\.rect.description).joined() }
        let base: RGBImage
        if let hit = Self.lookup(baseKey, in: &bases) {
            base = hit
        } else {
            let source = try source(path)
            let raster = try source.raster(frame: min(request.frame, max(0, source.frames - 1)), window: request.window)
            base = Preview.compose(raster, boxes: request.boxes, geometry: request.geometry, look: request.redacted ? .redacted : [])
            Self.store(baseKey, base, in: &bases)
        }
        let image = Preview.outlined(base, boxes: request.boxes, geometry: request.geometry)
        Self.store(key, image, in: &composed)
        return image
    }

    private static func lookup(_ key: String, in cache: inout [(key: String, image: RGBImage)]) -> RGBImage? {
        guard let index = cache.firstIndex(where: { $0.key == key }) else { return nil }
        let hit = cache.remove(at: index)
        cache.append(hit)
        return hit.image
    }

    private static func store(_ key: String, _ image: RGBImage, in cache: inout [(key: String, image: RGBImage)]) {
        cache.append((key, image))
        if cache.count > images { cache.removeFirst() }
    }
}
