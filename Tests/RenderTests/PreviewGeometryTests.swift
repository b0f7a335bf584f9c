// PreviewGeometryTests: aspect kept, odd/tiny/huge sizes, and round trips image <-> preview <-> cell.
import Engine
import Render
import Testing

@Suite struct PreviewGeometryTests {
    typealias Point = PreviewGeometry.Point
    typealias Cell = PreviewGeometry.Cell

    @Test(arguments: [
        // image, area, expected preview size
        (512, 256, 800, 600, 800, 400),
        (512, 512, 200, 600, 200, 200), // area narrower than tall
        (333, 177, 101, 73, 101, 54), // odd sizes
        (1, 1, 800, 600, 600, 600), // tiny image enlarged
        (3, 2, 100, 100, 100, 67),
        (65535, 40000, 120, 40, 66, 40), // huge image
        (2048, 2048, 800, 600, 600, 600),
        (640, 480, 1, 1, 1, 1), // a one-pixel area
    ])
    func sizeKeepsAspect(_ iw: Int, _ ih: Int, _ aw: Int, _ ah: Int, _ w: Int, _ h: Int) {
        let g = PreviewGeometry(imageWidth: iw, imageHeight: ih, areaWidth: aw, areaHeight: ah)
        #expect(g.width == w && g.height == h)
        #expect(g.width <= aw && g.height <= ah)
        #expect(g.width == aw || g.height == ah, "one side fills the area")
        // Aspect kept to within the rounding of one pixel.
        #expect(abs(Double(g.width) / g.scale - Double(iw)) <= 1 / g.scale + 1e-9)
        #expect(abs(Double(g.height) / g.scale - Double(ih)) <= 1 / g.scale + 1e-9)
    }

    @Test func maximumScaleKeepsSmallImagesSmall() {
        let g = PreviewGeometry(imageWidth: 64, imageHeight: 32, areaWidth: 800, areaHeight: 600, maximumScale: 1)
        #expect(g.width == 64 && g.height == 32 && g.scale == 1)
    }

    static let geometries: [PreviewGeometry] = [
        PreviewGeometry(imageWidth: 512, imageHeight: 512, areaWidth: 800, areaHeight: 800), // enlarging 1.5625
        PreviewGeometry(imageWidth: 2048, imageHeight: 1536, areaWidth: 800, areaHeight: 600), // shrinking 2.56
        PreviewGeometry(imageWidth: 333, imageHeight: 177, areaWidth: 101, areaHeight: 73), // odd shrink
        PreviewGeometry(imageWidth: 7, imageHeight: 5, areaWidth: 300, areaHeight: 300), // big enlargement
        PreviewGeometry(imageWidth: 100, imageHeight: 100, areaWidth: 100, areaHeight: 100), // one to one
    ]

    @Test(arguments: geometries)
    func imageToPreviewAndBack(_ g: PreviewGeometry) throws {
        for y in stride(from: 0, to: g.imageHeight, by: max(1, g.imageHeight / 40)) {
            for x in stride(from: 0, to: g.imageWidth, by: max(1, g.imageWidth / 40)) {
                let p = Point(x: x, y: y)
                let q = g.previewPoint(ofImage: p)
                #expect(q.x >= 0 && q.x < g.width && q.y >= 0 && q.y < g.height)
                let back = try #require(g.imagePoint(ofPreview: q))
                if g.scale >= 1 {
                    #expect(back == p, "each image pixel has preview pixels of its own")
                } else {
                    #expect(g.previewPoint(ofImage: back) == q, "same preview pixel")
                }
                #expect(g.previewSpan(ofImage: p).contains(x: q.x, y: q.y))
            }
        }
        for y in 0..<g.height where y % max(1, g.height / 40) == 0 {
            for x in 0..<g.width where x % max(1, g.width / 40) == 0 {
                let image = try #require(g.imagePoint(ofPreview: Point(x: x, y: y)))
                #expect(g.previewSpan(ofImage: image).contains(x: x, y: y))
                if g.scale <= 1 { #expect(g.previewPoint(ofImage: image) == Point(x: x, y: y)) }
            }
        }
        #expect(g.imagePoint(ofPreview: Point(x: g.width, y: 0)) == nil)
        #expect(g.imagePoint(ofPreview: Point(x: 0, y: -1)) == nil)
    }

    @Test(arguments: geometries)
    func cellsToImageAndBack(_ g: PreviewGeometry) throws {
        let cell = PreviewGeometry.CellSize(width: 10, height: 20)
        let extent = g.cellExtent(cellSize: cell)
        #expect(extent.columns == (g.width + 9) / 10 && extent.rows == (g.height + 19) / 20)
        for row in 0..<extent.rows {
            for column in 0..<extent.columns {
                let c = Cell(column: column, row: row)
                let p = try #require(g.imagePoint(ofCell: c, cellSize: cell), "every cell of the extent shows the image")
                // The click lands on an image pixel that is drawn in the clicked cell.
                #expect(g.cellRect(PixelRect(x: p.x, y: p.y, width: 1, height: 1), cellSize: cell).contains(c))
                let again = g.cell(ofImage: p, cellSize: cell)
                if g.scale <= 1 {
                    // Pixels no larger than a preview pixel: the same cell, the same pixel.
                    #expect(again == c)
                    #expect(g.imagePoint(ofCell: again, cellSize: cell) == p)
                } else if g.scale >= 2 * Double(max(cell.width, cell.height)) {
                    // Pixels of several cells: any of their cells leads back to the pixel.
                    #expect(g.imagePoint(ofCell: again, cellSize: cell) == p)
                }
            }
        }
        #expect(g.imagePoint(ofCell: Cell(column: extent.columns, row: 0), cellSize: cell) == nil)
        #expect(g.imagePoint(ofCell: Cell(column: 0, row: extent.rows), cellSize: cell) == nil)
        #expect(g.imagePoint(ofCell: Cell(column: -1, row: 0), cellSize: cell) == nil)
    }

    @Test func aMouseClickOnAKnownCell() throws {
        // 512x512 in 100x40 cells of 10x20 pixels: 800x800 preview, 1.5625 preview pixels per image pixel.
        let cell = PreviewGeometry.CellSize(width: 10, height: 20)
        let g = PreviewGeometry(imageWidth: 512, imageHeight: 512, columns: 100, rows: 40, cellSize: cell)
        #expect(g.width == 800 && g.height == 800 && g.scale == 1.5625)
        // Cell 32 spans preview x 320..<330, image x 204.8..<211.2; row 20 spans y 400..<420, image 256..<268.8.
        let p = try #require(g.imagePoint(ofCell: Cell(column: 32, row: 20), cellSize: cell))
        #expect(p == Point(x: 207, y: 262))
        #expect(g.cell(ofImage: Point(x: 207, y: 262), cellSize: cell) == Cell(column: 32, row: 20))
        #expect(g.cell(ofImage: Point(x: 0, y: 0), cellSize: cell) == Cell(column: 0, row: 0))
        #expect(g.cell(ofImage: Point(x: 511, y: 511), cellSize: cell) == Cell(column: 79, row: 39))
        #expect(g.imagePoint(ofCell: Cell(column: 80, row: 0), cellSize: cell) == nil, "beside the image")
    }

    @Test(arguments: geometries)
    func rectsCoverWhatTheyShow(_ g: PreviewGeometry) {
        let rects = [PixelRect(x: 0, y: 0, width: 1, height: 1), PixelRect(x: 3, y: 2, width: 4, height: 3),
                     PixelRect(x: g.imageWidth / 3, y: g.imageHeight / 4, width: g.imageWidth / 2, height: g.imageHeight / 3),
                     PixelRect(x: -5, y: -5, width: g.imageWidth + 10, height: g.imageHeight + 10)]
        for rect in rects {
            let clipped = rect.clipped(columns: g.imageWidth, rows: g.imageHeight)
            guard !clipped.isEmpty else { continue }
            let preview = g.previewRect(rect)
            #expect(!preview.isEmpty && preview.maxX <= g.width && preview.maxY <= g.height)
            let back = g.imageRect(ofPreview: preview)
            #expect(back.x <= clipped.x && back.y <= clipped.y && back.maxX >= clipped.maxX && back.maxY >= clipped.maxY)
            // Every corner pixel of the rect is drawn inside its preview rect.
            for corner in [(clipped.x, clipped.y), (clipped.maxX - 1, clipped.maxY - 1)] {
                let q = g.previewPoint(ofImage: Point(x: corner.0, y: corner.1))
                #expect(preview.contains(x: q.x, y: q.y))
            }
        }
        let whole = g.previewRect(PixelRect(x: 0, y: 0, width: g.imageWidth, height: g.imageHeight))
        #expect(whole == PixelRect(x: 0, y: 0, width: g.width, height: g.height))
        #expect(g.previewRect(PixelRect(x: g.imageWidth + 1, y: 0, width: 5, height: 5)).isEmpty)
    }
}
