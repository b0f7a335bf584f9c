// SixelPlacer: the only writer of sixel: puts each slot's image at its cell after ncurses has refreshed, once per change.
import Foundation
import Render

final class SixelPlacer {
    private let multiplexer: Passthrough.Multiplexer
    private let colors: Int
    /// What each area shows now, so an unchanged image is not sent again.
    private var placed = Placements()
    private var encoded: [(fingerprint: String, bytes: [UInt8])] = []
    /// Bytes written, for measurements.
    private(set) var bytesWritten = 0

    /// `colors`: the terminal's sixel colour registers (more than it has would be drawn wrong).
    init(multiplexer: Passthrough.Multiplexer, colors: Int?) {
        self.multiplexer = multiplexer
        self.colors = max(2, min(SixelEncoder.maximumColors, colors ?? SixelEncoder.maximumColors))
    }

    /// The next placement sends every image again (after a clear, a resize, or an overlay that covered them).
    func invalidate() { placed.invalidate() }

    func willChange(_ fingerprint: String, at area: CellRect) -> Bool {
        !placed.shows(fingerprint, at: area)
    }

    /// Writes the image at the slot's top-left cell unless that exact image is already there.
    func place(_ image: RGBImage, fingerprint: String, at area: CellRect) throws {
        guard !placed.shows(fingerprint, at: area) else { return }
        let bytes: [UInt8]
        if let hit = encoded.first(where: { $0.fingerprint == fingerprint }) {
            bytes = hit.bytes
        } else {
            bytes = Passthrough.wrap(try SixelEncoder.encode(image, colors: colors), for: multiplexer)
            encoded.append((fingerprint, bytes))
            if encoded.count > 4 { encoded.removeFirst() }
        }
        // Save the cursor, go to the cell, draw, restore: ncurses keeps believing the cursor is where it left it.
        var out = Array("\u{1B}7\u{1B}[\(area.row + 1);\(area.column + 1)H".utf8)
        out += bytes
        out += Array("\u{1B}8".utf8)
        FileHandle.standardOutput.write(Data(out))
        bytesWritten += out.count
        placed.record(fingerprint, at: area)
    }

    /// An area that no longer shows an image (its cells are text again).
    func remove(notIn areas: [CellRect]) { placed.remove(notIn: areas) }
}
