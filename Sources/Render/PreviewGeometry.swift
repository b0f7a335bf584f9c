// PreviewGeometry: how an image maps into a preview area (aspect kept) and onto terminal cells, both ways.
import Engine

/// The mapping between three grids: image pixels, preview pixels (the composed image, placed at the
/// top-left of the area) and terminal cells (counted from the cell where the preview starts).
///
/// The image is scaled by one factor on both axes so its aspect is kept; the preview is
/// `width` x `height`, never larger than the area. Along each axis the larger grid is split evenly
/// among the pixels of the smaller one (integer arithmetic), and `Preview.compose` samples with the
/// same split, so a box drawn at `previewRect(_:)` sits exactly on the pixels that show it.
///
/// Round trips: from the coarser grid to the finer and back gives the same pixel exactly; from the
/// finer to the coarser and back lands inside what the first pixel belongs to. A click's image pixel
/// (`imagePoint(ofCell:)`) is always drawn in the clicked cell (`cellRect` of it contains the cell).
public struct PreviewGeometry: Sendable, Equatable {
    /// A pixel position (image or preview pixels, depending on the call).
    public struct Point: Sendable, Hashable, CustomStringConvertible {
        public var x: Int
        public var y: Int
        public init(x: Int, y: Int) {
            self.x = x
            self.y = y
        }
        public var description: String { "(\(x),\(y))" }
    }

    /// A terminal cell, 0-based, relative to the cell where the preview's top-left pixel is drawn.
    public struct Cell: Sendable, Hashable, CustomStringConvertible {
        public var column: Int
        public var row: Int
        public init(column: Int, row: Int) {
            self.column = column
            self.row = row
        }
        public var description: String { "[\(column),\(row)]" }
    }

    /// A block of cells: the cells a box or the whole preview touches.
    public struct CellRect: Sendable, Hashable {
        public var column: Int
        public var row: Int
        public var columns: Int
        public var rows: Int
        public init(column: Int, row: Int, columns: Int, rows: Int) {
            self.column = column
            self.row = row
            self.columns = columns
            self.rows = rows
        }
        public func contains(_ cell: Cell) -> Bool {
            cell.column >= column && cell.column < column + columns && cell.row >= row && cell.row < row + rows
        }
    }

    /// The size of one terminal cell in pixels (from `TerminalReplies`, XTWINOPS 16 or 14/18).
    public struct CellSize: Sendable, Hashable {
        public var width: Int
        public var height: Int
        public init(width: Int, height: Int) {
            self.width = max(1, width)
            self.height = max(1, height)
        }
    }

    public let imageWidth: Int
    public let imageHeight: Int
    public let areaWidth: Int
    public let areaHeight: Int
    /// Preview pixels per image pixel (below 1 when shrinking).
    public let scale: Double
    /// The preview's size in pixels.
    public let width: Int
    public let height: Int

    private let x: Axis
    private let y: Axis

    /// Fits an image of `imageWidth` x `imageHeight` into an area of `areaWidth` x `areaHeight` pixels.
    /// `maximumScale` caps enlargement (1 shows small images at their own size); sizes below 1 count as 1.
    public init(imageWidth: Int, imageHeight: Int, areaWidth: Int, areaHeight: Int, maximumScale: Double = .infinity) {
        self.imageWidth = max(1, imageWidth)
        self.imageHeight = max(1, imageHeight)
        self.areaWidth = max(1, areaWidth)
        self.areaHeight = max(1, areaHeight)
        let fit = min(Double(self.areaWidth) / Double(self.imageWidth), Double(self.areaHeight) / Double(self.imageHeight))
        scale = min(fit, max(maximumScale, Double.leastNonzeroMagnitude))
        width = min(self.areaWidth, max(1, Int((Double(self.imageWidth) * scale).rounded())))
        height = min(self.areaHeight, max(1, Int((Double(self.imageHeight) * scale).rounded())))
        x = Axis(source: self.imageWidth, target: width)
        y = Axis(source: self.imageHeight, target: height)
    }

    /// Fits an image into `columns` x `rows` terminal cells of `cellSize` pixels.
    public init(imageWidth: Int, imageHeight: Int, columns: Int, rows: Int, cellSize: CellSize, maximumScale: Double = .infinity) {
        self.init(imageWidth: imageWidth, imageHeight: imageHeight, areaWidth: columns * cellSize.width,
                  areaHeight: rows * cellSize.height, maximumScale: maximumScale)
    }

    /// Exactly `toWidth` x `height` whatever the aspect (HalfBlocks, whose caller chose the size).
    init(stretching imageWidth: Int, _ imageHeight: Int, toWidth width: Int, height: Int) {
        self.imageWidth = max(1, imageWidth)
        self.imageHeight = max(1, imageHeight)
        areaWidth = max(1, width)
        areaHeight = max(1, height)
        self.width = areaWidth
        self.height = areaHeight
        scale = min(Double(areaWidth) / Double(self.imageWidth), Double(areaHeight) / Double(self.imageHeight))
        x = Axis(source: self.imageWidth, target: areaWidth)
        y = Axis(source: self.imageHeight, target: areaHeight)
    }

    // MARK: image <-> preview

    /// The preview pixels that show image pixel `point` (one or more; one when shrinking).
    public func previewSpan(ofImage point: Point) -> PixelRect {
        let xs = x.targets(ofSource: clamp(point.x, imageWidth)), ys = y.targets(ofSource: clamp(point.y, imageHeight))
        return PixelRect(x: xs.lowerBound, y: ys.lowerBound, width: xs.count, height: ys.count)
    }

    /// The preview pixel at the middle of what shows image pixel `point` (clamped into the image).
    public func previewPoint(ofImage point: Point) -> Point {
        let span = previewSpan(ofImage: point)
        return Point(x: span.x + (span.width - 1) / 2, y: span.y + (span.height - 1) / 2)
    }

    /// The image pixel shown at preview pixel `point` (the middle one of those averaged when
    /// shrinking); nil outside the preview.
    public func imagePoint(ofPreview point: Point) -> Point? {
        guard point.x >= 0, point.y >= 0, point.x < width, point.y < height else { return nil }
        let xs = x.sources(ofTarget: point.x), ys = y.sources(ofTarget: point.y)
        return Point(x: xs.lowerBound + (xs.count - 1) / 2, y: ys.lowerBound + (ys.count - 1) / 2)
    }

    /// Every preview pixel that shows some part of `rect` (image pixels), clipped to the image; empty
    /// when the rect is outside.
    public func previewRect(_ rect: PixelRect) -> PixelRect {
        let r = rect.clipped(columns: imageWidth, rows: imageHeight)
        guard !r.isEmpty else { return PixelRect(x: 0, y: 0, width: 0, height: 0) }
        let x0 = x.targets(ofSource: r.x).lowerBound, x1 = x.targets(ofSource: r.maxX - 1).upperBound
        let y0 = y.targets(ofSource: r.y).lowerBound, y1 = y.targets(ofSource: r.maxY - 1).upperBound
        return PixelRect(x0: x0, y0: y0, x1: x1, y1: y1)
    }

    /// Every image pixel that the preview pixels of `rect` show, clipped to the preview.
    public func imageRect(ofPreview rect: PixelRect) -> PixelRect {
        let r = rect.clipped(columns: width, rows: height)
        guard !r.isEmpty else { return PixelRect(x: 0, y: 0, width: 0, height: 0) }
        let x0 = x.sources(ofTarget: r.x).lowerBound, x1 = x.sources(ofTarget: r.maxX - 1).upperBound
        let y0 = y.sources(ofTarget: r.y).lowerBound, y1 = y.sources(ofTarget: r.maxY - 1).upperBound
        return PixelRect(x0: x0, y0: y0, x1: x1, y1: y1)
    }

    /// The source pixels (image) that preview column `column` averages; `Preview` samples with it.
    func imageColumns(ofPreview column: Int) -> Range<Int> { x.sources(ofTarget: column) }
    /// The source rows (image) that preview row `row` averages.
    func imageRows(ofPreview row: Int) -> Range<Int> { y.sources(ofTarget: row) }

    // MARK: preview <-> cells

    /// The cell that preview pixel `point` falls in.
    public func cell(ofPreview point: Point, cellSize: CellSize) -> Cell {
        Cell(column: floorDiv(point.x, cellSize.width), row: floorDiv(point.y, cellSize.height))
    }

    /// The cell that shows the middle of image pixel `point`.
    public func cell(ofImage point: Point, cellSize: CellSize) -> Cell {
        cell(ofPreview: previewPoint(ofImage: point), cellSize: cellSize)
    }

    /// The preview pixel at the middle of the part of `cell` that the preview covers; nil when the
    /// cell shows no part of the preview (a click beside or below the image).
    public func previewPoint(ofCell cell: Cell, cellSize: CellSize) -> Point? {
        let x0 = cell.column * cellSize.width, y0 = cell.row * cellSize.height
        guard cell.column >= 0, cell.row >= 0, x0 < width, y0 < height else { return nil }
        let x1 = min(width, x0 + cellSize.width), y1 = min(height, y0 + cellSize.height)
        return Point(x: (x0 + x1 - 1) / 2, y: (y0 + y1 - 1) / 2)
    }

    /// The image pixel under the middle of `cell` (where a mouse click lands); nil outside the preview.
    public func imagePoint(ofCell cell: Cell, cellSize: CellSize) -> Point? {
        previewPoint(ofCell: cell, cellSize: cellSize).flatMap(imagePoint(ofPreview:))
    }

    /// The cells that show any part of `rect` (image pixels); empty when it is outside the image.
    public func cellRect(_ rect: PixelRect, cellSize: CellSize) -> CellRect {
        let p = previewRect(rect)
        guard !p.isEmpty else { return CellRect(column: 0, row: 0, columns: 0, rows: 0) }
        let c0 = p.x / cellSize.width, r0 = p.y / cellSize.height
        let c1 = (p.maxX + cellSize.width - 1) / cellSize.width, r1 = (p.maxY + cellSize.height - 1) / cellSize.height
        return CellRect(column: c0, row: r0, columns: c1 - c0, rows: r1 - r0)
    }

    /// The cells the whole preview covers (the last column and row may be partly covered).
    public func cellExtent(cellSize: CellSize) -> CellRect {
        CellRect(column: 0, row: 0, columns: (width + cellSize.width - 1) / cellSize.width,
                 rows: (height + cellSize.height - 1) / cellSize.height)
    }

    private func clamp(_ v: Int, _ n: Int) -> Int { min(max(v, 0), n - 1) }
    private func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
}

/// One axis of the mapping: `source` image pixels onto `target` preview pixels. The larger side is
/// split into runs, one per pixel of the smaller side: pixel k of the smaller covers [k*L/S, (k+1)*L/S).
private struct Axis: Sendable, Equatable {
    let source: Int
    let target: Int

    func sources(ofTarget t: Int) -> Range<Int> {
        if target <= source { return (t * source / target)..<((t + 1) * source / target) }
        let s = ((t + 1) * source - 1) / target
        return s..<(s + 1)
    }

    func targets(ofSource s: Int) -> Range<Int> {
        if target >= source { return (s * target / source)..<((s + 1) * target / source) }
        let t = ((s + 1) * target - 1) / source
        return t..<(t + 1)
    }
}
