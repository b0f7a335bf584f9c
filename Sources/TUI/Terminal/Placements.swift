// Placements: which image each screen area shows now, so the writers of sixel and of 24-bit blocks
// send an image only when it changed, and again after a clear, a resize or an overlay.
import Render

struct Placements {
    private var shown: [String: String] = [:]

    private static func key(_ area: CellRect) -> String { "\(area.column),\(area.row)" }

    /// Everything is sent again next time.
    mutating func invalidate() { shown = [:] }

    func shows(_ fingerprint: String, at area: CellRect) -> Bool { shown[Self.key(area)] == fingerprint }

    mutating func record(_ fingerprint: String, at area: CellRect) { shown[Self.key(area)] = fingerprint }

    /// Areas that no longer show an image (their cells are text again).
    mutating func remove(notIn areas: [CellRect]) {
        let keep = Set(areas.map(Self.key))
        shown = shown.filter { keep.contains($0.key) }
    }
}
