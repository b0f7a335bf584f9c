// PreviewRenderer: opens the files behind image slots, decodes the frame once and composes previews, with small caches.
import Engine
import Render

final class PreviewRenderer {
    private var sources: [(path: String, source: PreviewSource)] = []
    private var composed: [(fingerprint: String, image: RGBImage)] = []
    static let openFiles = 4
    static let images = 8

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
        let fingerprint = request.fingerprint + path.utf8.count.description
        if let hit = composed.first(where: { $0.fingerprint == fingerprint }) { return hit.image }
        let source = try source(path)
        let raster = try source.raster(frame: min(request.frame, max(0, source.frames - 1)), window: request.window)
        let look: Preview.Look = request.redacted ? [.redacted, .outlines] : .outlines
        let image = Preview.compose(raster, boxes: request.boxes, geometry: request.geometry, look: look)
        composed.append((fingerprint, image))
        if composed.count > Self.images { composed.removeFirst() }
        return image
    }

    /// Forgets a file whose decisions changed nothing in its pixels but whose path may now hold another file.
    func forget(_ path: String) {
        sources.removeAll { $0.path == path }
    }
}
