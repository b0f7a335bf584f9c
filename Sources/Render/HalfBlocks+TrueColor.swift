// HalfBlocks+TrueColor: the half-block preview in 24-bit colour, as the bytes a terminal that speaks
// direct colour (COLORTERM=truecolor) draws: ncurses cannot address 16 million colours through a
// 256-colour terminfo entry, so these are written after ncurses has refreshed, like sixel.

extension HalfBlocks {
    /// Whether the environment says the terminal draws 24-bit colour (the COLORTERM convention
    /// that xterm, VTE, kitty, iTerm2, Windows Terminal and tmux with RGB set follow).
    public static func trueColor(environment: [String: String]) -> Bool {
        let value = environment["COLORTERM"]?.lowercased() ?? ""
        return value == "truecolor" || value == "24bit"
    }

    /// The bytes that draw `cells` with their top-left cell at 0-based (`row`, `column`), skipping
    /// the cells for which `skip(x, y)` is true (cells an overlay covers). Each run of shown cells
    /// starts with a cursor position; a colour is sent only when it differs from the cell before.
    /// The cursor and attributes are saved first and restored last, so ncurses' idea of them holds.
    public static func trueColorBytes(_ cells: [[HalfBlockCell]], row: Int, column: Int,
                                      skip: (_ x: Int, _ y: Int) -> Bool = { _, _ in false }) -> [UInt8] {
        var out: [UInt8] = Array("\u{1B}7".utf8)
        let block = Array(String(HalfBlockCell.character).utf8)
        for (y, line) in cells.enumerated() {
            var positioned = false
            var foreground: RGBImage.Color?
            var background: RGBImage.Color?
            for (x, cell) in line.enumerated() {
                if skip(x, y) { positioned = false; continue }
                if !positioned {
                    out += Array("\u{1B}[\(row + y + 1);\(column + x + 1)H".utf8)
                    positioned = true
                }
                if cell.foreground != foreground {
                    out += sgr(38, cell.foreground)
                    foreground = cell.foreground
                }
                if cell.background != background {
                    out += sgr(48, cell.background)
                    background = cell.background
                }
                out += block
            }
        }
        out += Array("\u{1B}[0m\u{1B}8".utf8)
        return out
    }

    private static func sgr(_ selector: Int, _ color: RGBImage.Color) -> [UInt8] {
        Array("\u{1B}[\(selector);2;\(color.r);\(color.g);\(color.b)m".utf8)
    }
}
