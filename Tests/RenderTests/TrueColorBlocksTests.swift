// TrueColorBlocksTests: the 24-bit half-block bytes, read back by a small screen model that knows
// cursor positioning, SGR 38;2 / 48;2, save/restore and the half block.
import Render
import Testing

@Suite struct TrueColorBlocksTests {
    /// What a direct-colour terminal shows after `bytes`: cell -> (foreground, background).
    struct Screen {
        var cells: [String: HalfBlockCell] = [:]
        var cursorSavedAndRestored = false
        var endsWithReset = false

        init(_ bytes: [UInt8]) throws {
            let text = String(decoding: bytes, as: UTF8.self)
            var row = 0, column = 0
            var fg = RGBImage.Color.white, bg = RGBImage.Color.black
            var scalars = Array(text.unicodeScalars)[...]
            var saved = 0
            while let c = scalars.popFirst() {
                if c == "\u{1B}" {
                    guard let next = scalars.popFirst() else { throw Failure("escape at end") }
                    if next == "7" { saved += 1; continue }
                    if next == "8" { cursorSavedAndRestored = saved == 1; continue }
                    guard next == "[" else { throw Failure("unexpected escape \(next)") }
                    var params = ""
                    while let p = scalars.popFirst() {
                        if p == "H" || p == "m" {
                            let n = params.split(separator: ";").map { Int($0) ?? -1 }
                            if p == "H" { row = n[0] - 1; column = n[1] - 1 }
                            else if n == [0] { endsWithReset = scalars.count == 2 }
                            else {
                                guard n.count == 5, n[1] == 2 else { throw Failure("SGR \(params)") }
                                let color = RGBImage.Color(UInt8(n[2]), UInt8(n[3]), UInt8(n[4]))
                                if n[0] == 38 { fg = color } else if n[0] == 48 { bg = color } else { throw Failure("SGR \(params)") }
                            }
                            break
                        }
                        params.unicodeScalars.append(p)
                    }
                } else if c == "\u{2580}" {
                    cells["\(row),\(column)"] = HalfBlockCell(foreground: fg, background: bg)
                    column += 1
                } else {
                    throw Failure("unexpected character U+\(String(c.value, radix: 16))")
                }
            }
        }
    }

    struct Failure: Error { let text: String; init(_ text: String) { self.text = text } }

    @Test func everyCellComesBackWithItsExactColoursAtItsPlace() throws {
        var image = RGBImage(width: 5, height: 4)
        for y in 0..<4 { for x in 0..<5 { image[x, y] = RGBImage.Color(UInt8(x * 50 + 1), UInt8(y * 60 + 3), 77) } }
        let cells = HalfBlocks.cells(image, columns: 5, rows: 2)
        let screen = try Screen(HalfBlocks.trueColorBytes(cells, row: 3, column: 10))
        #expect(screen.cells.count == 10)
        for y in 0..<2 { for x in 0..<5 {
            let shown = screen.cells["\(3 + y),\(10 + x)"]
            #expect(shown == cells[y][x])
            // Colours the 256 palette cannot hold come through exactly.
            #expect(shown?.foreground == RGBImage.Color(UInt8(x * 50 + 1), UInt8(y * 120 + 3), 77))
        } }
        #expect(screen.cursorSavedAndRestored && screen.endsWithReset)
    }

    @Test func coveredCellsAreNotWrittenAndTheRunAfterThemIsPositionedAgain() throws {
        let cells = HalfBlocks.cells(RGBImage(width: 6, height: 2, fill: RGBImage.Color(9, 99, 199)), columns: 6, rows: 1)
        let bytes = HalfBlocks.trueColorBytes(cells, row: 0, column: 0) { x, _ in (2...3).contains(x) }
        let screen = try Screen(bytes)
        #expect(Set(screen.cells.keys) == ["0,0", "0,1", "0,4", "0,5"])
        // Same colour along the line: sent once, not per cell (a cursor move keeps the colours).
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.components(separatedBy: "38;2;9;99;199m").count - 1 == 1)
        #expect(text.components(separatedBy: "H").count - 1 == 2)
    }

    @Test func colortermDecidesTrueColour() {
        #expect(HalfBlocks.trueColor(environment: ["COLORTERM": "truecolor"]))
        #expect(HalfBlocks.trueColor(environment: ["COLORTERM": "24bit"]))
        #expect(!HalfBlocks.trueColor(environment: ["COLORTERM": "rxvt"]))
        #expect(!HalfBlocks.trueColor(environment: [:]))
    }
}
