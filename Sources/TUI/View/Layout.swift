// Layout: where each part of a screen goes for a terminal size; `view` draws there and `update` maps the mouse with it.
import Render

/// A block of terminal cells: Render's, so a preview's cells and the screen's areas are one type.
public typealias CellRect = PreviewGeometry.CellRect

extension PreviewGeometry.CellRect {
    public func contains(column: Int, row: Int) -> Bool {
        contains(PreviewGeometry.Cell(column: column, row: row))
    }
}

public enum Layout {
    /// Title bar at the top; key hints and the status line at the bottom.
    public static func body(_ size: TerminalSize) -> CellRect {
        CellRect(column: 0, row: 1, columns: size.columns, rows: size.rows - 3)
    }

    /// List rows under the list's column headings.
    public static func listRows(_ size: TerminalSize) -> CellRect {
        let body = body(size)
        return CellRect(column: 0, row: body.row + 1, columns: body.columns, rows: body.rows - 1)
    }

    /// The image of the review screen: three fifths of the width, all the body's height but one info line.
    public static func preview(_ size: TerminalSize) -> CellRect {
        let body = body(size)
        let columns = max(10, min(size.columns - 30, size.columns * 3 / 5))
        return CellRect(column: 0, row: body.row, columns: columns, rows: body.rows - 1)
    }

    /// Right of the preview: boxes, header changes, the box being edited.
    public static func side(_ size: TerminalSize) -> CellRect {
        let preview = preview(size)
        return CellRect(column: preview.columns + 1, row: preview.row, columns: size.columns - preview.columns - 1, rows: body(size).rows)
    }

    /// The spot check's two images side by side, original left and output right, above a list of checks.
    public static func spotImages(_ size: TerminalSize) -> (CellRect, CellRect) {
        let body = body(size)
        let height = max(4, body.rows - min(8, body.rows / 3) - 1)
        let half = (size.columns - 1) / 2
        // The bound on the body's first row, the two headings on the next, the images under them.
        return (CellRect(column: 0, row: body.row + 2, columns: half, rows: height - 2),
                CellRect(column: half + 1, row: body.row + 2, columns: size.columns - half - 1, rows: height - 2))
    }

    public static func spotList(_ size: TerminalSize) -> CellRect {
        let body = body(size)
        let (left, _) = spotImages(size)
        let top = left.row + left.rows + 1
        return CellRect(column: 0, row: top + 1, columns: size.columns, rows: body.row + body.rows - top - 1)
    }

    /// Pixels of one cell of an image area: the terminal's for sixel, 1x2 for half blocks.
    public static func cellSize(_ state: AppState) -> PreviewGeometry.CellSize {
        state.graphics == .sixel
            ? PreviewGeometry.CellSize(width: state.size.cellWidth, height: state.size.cellHeight)
            : PreviewGeometry.CellSize(width: 1, height: 2)
    }

    /// How an image of the given size fits an area: shrunk to fit, enlarged only until its longer side
    /// is 640 pixels (and at most 4x): a bigger preview shows nothing more and costs every key press.
    public static func geometry(imageColumns: Int, imageRows: Int, area: CellRect, state: AppState) -> PreviewGeometry {
        let longer = Double(max(1, imageColumns, imageRows))
        return PreviewGeometry(imageWidth: max(1, imageColumns), imageHeight: max(1, imageRows), columns: max(1, area.columns),
                               rows: max(1, area.rows), cellSize: cellSize(state), maximumScale: min(4, max(1, 640 / longer)))
    }
}
