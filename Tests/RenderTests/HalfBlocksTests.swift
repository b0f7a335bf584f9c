// HalfBlocksTests: the fallback preview's cells and xterm 256-colour mapping.
import Render
import Testing

@Suite struct HalfBlocksTests {
    static let red = RGBImage.Color(255, 0, 0), green = RGBImage.Color(0, 255, 0)
    static let blue = RGBImage.Color(0, 0, 255), white = RGBImage.Color.white

    @Test func twoByTwoGivesTopAsForegroundAndBottomAsBackground() {
        var image = RGBImage(width: 2, height: 2)
        image[0, 0] = Self.red; image[1, 0] = Self.green
        image[0, 1] = Self.blue; image[1, 1] = Self.white
        let cells = HalfBlocks.cells(image, columns: 2, rows: 1)
        #expect(cells.count == 1 && cells[0].count == 2)
        #expect(cells[0][0] == HalfBlockCell(foreground: Self.red, background: Self.blue))
        #expect(cells[0][1] == HalfBlockCell(foreground: Self.green, background: Self.white))
        #expect(cells[0][0].character == "▀")
        #expect(cells[0][0].foreground256 == 196 && cells[0][0].background256 == 21)
        #expect(cells[0][1].foreground256 == 46 && cells[0][1].background256 == 231)
    }

    @Test func largerImagesAreAveragedIntoTheCells() {
        // 4x4: left half black, right half white, scaled to 2 columns x 1 row (2x2 pixels).
        var image = RGBImage(width: 4, height: 4)
        for y in 0..<4 { for x in 2..<4 { image[x, y] = .white } }
        image[0, 0] = RGBImage.Color(200, 200, 200) // one bright pixel in the top-left 2x2 block
        let cells = HalfBlocks.cells(image, columns: 2, rows: 1)
        #expect(cells[0][0].foreground == RGBImage.Color(50, 50, 50))
        #expect(cells[0][0].background == .black)
        #expect(cells[0][1].foreground == .white && cells[0][1].background == .white)
        #expect(HalfBlocks.cells(image, columns: 0, rows: 3).isEmpty)
    }

    @Test func geometryFitsCellsOfOneByTwoPixels() {
        // 512x512 in 80x24 cells: 80x48 pixels of area, a 48x48 square, 48 columns x 24 rows.
        let g = HalfBlocks.geometry(imageWidth: 512, imageHeight: 512, columns: 80, rows: 24)
        #expect(g.width == 48 && g.height == 48)
        let cells = HalfBlocks.cells(RGBImage(width: 512, height: 512, fill: .white), columns: g.width, rows: g.height / 2)
        #expect(cells.count == 24 && cells.allSatisfy { $0.count == 48 })
    }

    @Test(arguments: [
        (255, 0, 0, 196), (0, 255, 0, 46), (0, 0, 255, 21), (255, 255, 0, 226), (0, 255, 255, 51),
        (255, 0, 255, 201), (255, 255, 255, 231), (0, 0, 0, 16), (95, 135, 175, 67),
        (128, 128, 128, 244), (8, 8, 8, 232), (238, 238, 238, 255), (100, 101, 99, 241), (250, 250, 250, 231),
    ])
    func pureColoursAndGreys(_ r: Int, _ g: Int, _ b: Int, _ index: Int) {
        #expect(HalfBlocks.colorIndex256(UInt8(r), UInt8(g), UInt8(b)) == index)
    }

    @Test func everyPaletteColourMapsToItself() {
        for index in 16...255 {
            let colour = HalfBlocks.color(ofIndex256: index)!
            #expect(HalfBlocks.colorIndex256(colour) == index, "index \(index)")
        }
        #expect(HalfBlocks.color(ofIndex256: 7) == nil, "the theme's colours are never used")
        // Nothing maps into 0...15, and the mapping is never far off.
        var worst = 0
        for v in stride(from: 0, through: 255, by: 5) {
            for c in [RGBImage.Color(UInt8(v), 0, 0), RGBImage.Color(UInt8(v), UInt8(v), UInt8(v)), RGBImage.Color(0, UInt8(v), UInt8(255 - v))] {
                let index = HalfBlocks.colorIndex256(c)
                #expect(index >= 16)
                worst = max(worst, c.distance(to: HalfBlocks.color(ofIndex256: index)!))
            }
        }
        #expect(worst <= 48)
    }
}
