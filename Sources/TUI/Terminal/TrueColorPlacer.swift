// TrueColorPlacer: writes the half-block previews in 24-bit colour over ncurses' 256-colour ones,
// after the refresh, once per change (ncurses' own cells stay the 256-colour approximation).
import Foundation
import Render

final class TrueColorPlacer {
    /// What each area shows now, so an unchanged image is not sent again.
    private var placed = Placements()
    /// Bytes written, for measurements.
    private(set) var bytesWritten = 0

    /// The next placement sends every image again (after a clear, a resize, or an overlay change).
    func invalidate() { placed.invalidate() }

    /// Draws `cells` at the slot unless that exact image is there already; cells the frame covers
    /// (an overlay) are left alone.
    func place(_ cells: [[HalfBlockCell]], fingerprint: String, at area: CellRect, covered: (Int, Int) -> Bool) {
        guard !placed.shows(fingerprint, at: area) else { return }
        let shown = Array(cells.prefix(area.rows).map { Array($0.prefix(area.columns)) })
        let bytes = HalfBlocks.trueColorBytes(shown, row: area.row, column: area.column) { x, y in
            covered(area.column + x, area.row + y)
        }
        FileHandle.standardOutput.write(Data(bytes))
        bytesWritten += bytes.count
        placed.record(fingerprint, at: area)
    }

    func remove(notIn areas: [CellRect]) { placed.remove(notIn: areas) }
}
