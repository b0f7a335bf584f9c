// Curses: the only type that talks to ncursesw: draws a Frame's cells, reads keys, mouse and resizes.
import CNcursesw
import Foundation
import Render

enum Input: Equatable {
    case key(Key)
    case mouse(MouseEvent)
    case resize
}

/// Everything ncurses needs lives here; callers see Frames, Keys and MouseEvents.
final class Curses {
    private(set) var colors: Int = 8
    private var buttonDown = false
    private var ended = false

    init() {
        setlocale(LC_ALL, "")
        _ = initscr()
        cbreak()
        noecho()
        nonl()
        _ = keypad(cdcm_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        if has_colors() {
            start_color()
            use_default_colors()
            colors = Int(cdcm_colors())
        }
        _ = mousemask(cdcm_mouse_all(), nil)
        mouseinterval(0)
        // Button-event tracking (1002): drags report motion while a button is held, and only then.
        FileHandle.standardOutput.write(Data("\u{1B}[?1002h".utf8))
    }

    func end() {
        guard !ended else { return }
        ended = true
        FileHandle.standardOutput.write(Data("\u{1B}[?1002l".utf8))
        endwin()
    }

    deinit { end() }

    var size: (columns: Int, rows: Int) { (Int(cdcm_cols()), Int(cdcm_lines())) }

    /// Puts every cell of the frame into ncurses' screen; image slots are left to the caller.
    func draw(_ frame: Frame) {
        for row in 0..<frame.rows {
            for column in 0..<frame.columns {
                let cell = frame[column, row]
                if cell.continuation { continue }
                put(cell.character, row: row, column: column, style: cell.style)
            }
        }
    }

    func put(_ character: Character, row: Int, column: Int, style: Style) {
        var attrs: attr_t = 0
        if style.bold { attrs |= cdcm_a_bold() }
        if style.reverse { attrs |= cdcm_a_reverse() }
        if style.dim { attrs |= cdcm_a_dim() }
        if style.underline { attrs |= cdcm_a_underline() }
        // An opaque blank takes a pair of its own that looks like the default one, so ncurses writes it.
        let pair = style.foreground == .normal && style.background == .normal && !style.opaque
            ? 0 : Int32(alloc_pair(colorNumber(style.foreground), style.opaque && style.background == .normal ? -1 : colorNumber(style.background)))
        put(character, row: row, column: column, attributes: attrs, pair: max(0, pair))
    }

    /// One half block of an image preview: foreground is the upper pixel, background the lower.
    func putBlock(row: Int, column: Int, foreground: Int, background: Int) {
        let fg = colors >= 256 ? Int32(foreground) : Int32(Self.eight(foreground))
        let bg = colors >= 256 ? Int32(background) : Int32(Self.eight(background))
        put(HalfBlockCell.character, row: row, column: column, attributes: 0, pair: max(0, alloc_pair(fg, bg)))
    }

    private func put(_ character: Character, row: Int, column: Int, attributes: attr_t, pair: Int32) {
        let scalars = character.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) }
        _ = scalars.withUnsafeBufferPointer { cdcm_put(Int32(row), Int32(column), $0.baseAddress, Int32($0.count), attributes, pair) }
    }

    func refresh() { wrefresh(cdcm_stdscr()) }

    /// Marks rows as unknown on the terminal, so the next refresh writes them again.
    func redraw(rows row: Int, count: Int) { wredrawln(cdcm_stdscr(), Int32(row), Int32(count)) }

    /// Forgets what is on the terminal, so the next refresh redraws every cell (after a resize).
    func clearAll() { wclear(cdcm_stdscr()) }

    private func colorNumber(_ color: Color) -> Int32 {
        switch color {
        case .normal: return -1
        case .black: return Int32(COLOR_BLACK)
        case .red: return Int32(COLOR_RED)
        case .green: return Int32(COLOR_GREEN)
        case .yellow: return Int32(COLOR_YELLOW)
        case .blue: return Int32(COLOR_BLUE)
        case .magenta: return Int32(COLOR_MAGENTA)
        case .cyan: return Int32(COLOR_CYAN)
        case .white: return Int32(COLOR_WHITE)
        case .gray: return colors >= 16 ? 8 : Int32(COLOR_WHITE)
        }
    }

    /// The nearest of the eight basic colours to a 256-colour index, for terminals with eight.
    static func eight(_ index: Int) -> Int {
        guard let color = HalfBlocks.color(ofIndex256: index) else { return index & 7 }
        let r = color.r > 127 ? 1 : 0, g = color.g > 127 ? 2 : 0, b = color.b > 127 ? 4 : 0
        return r | g | b
    }

    // MARK: - Input

    /// Events decoded but not handed out yet (a click is a press and a release).
    private var queued: [Input] = []

    /// The next key, mouse event or resize within `milliseconds` (negative: wait), or nil.
    func read(timeout milliseconds: Int) -> Input? {
        if !queued.isEmpty { return queued.removeFirst() }
        wtimeout(cdcm_stdscr(), Int32(milliseconds))
        var character: wint_t = 0
        let kind = wget_wch(cdcm_stdscr(), &character)
        if kind == ERR { return nil }
        if kind == KEY_CODE_YES { return special(Int32(character)) }
        return plain(UInt32(character))
    }

    private func plain(_ code: UInt32) -> Input? {
        switch code {
        case 10, 13: return .key(Key(.enter))
        case 27: return .key(Key(.escape))
        case 9: return .key(Key(.tab))
        case 8, 127: return .key(Key(.backspace))
        case 0: return .key(Key(.char(" "), ctrl: true))
        case 1...26: return .key(Key(.char(Character(UnicodeScalar(code + 96)!)), ctrl: true))
        case 28...31: return nil
        default:
            guard let scalar = UnicodeScalar(code) else { return nil }
            return .key(Key(.char(Character(scalar))))
        }
    }

    private func special(_ code: Int32) -> Input? {
        switch code {
        case KEY_RESIZE: return .resize
        case KEY_MOUSE: return mouse()
        case KEY_UP: return .key(Key(.up))
        case KEY_DOWN: return .key(Key(.down))
        case KEY_LEFT: return .key(Key(.left))
        case KEY_RIGHT: return .key(Key(.right))
        case KEY_SR: return .key(Key(.up, shift: true))
        case KEY_SF: return .key(Key(.down, shift: true))
        case KEY_SLEFT: return .key(Key(.left, shift: true))
        case KEY_SRIGHT: return .key(Key(.right, shift: true))
        case KEY_HOME: return .key(Key(.home))
        case KEY_END: return .key(Key(.end))
        case KEY_NPAGE: return .key(Key(.pageDown))
        case KEY_PPAGE: return .key(Key(.pageUp))
        case KEY_ENTER: return .key(Key(.enter))
        case KEY_BACKSPACE: return .key(Key(.backspace))
        case KEY_DC: return .key(Key(.delete))
        case KEY_IC: return .key(Key(.insert))
        case KEY_BTAB: return .key(Key(.backTab))
        case KEY_F0 + 1...KEY_F0 + 24: return .key(Key(.function(Int(code - KEY_F0))))
        default: return nil
        }
    }

    private func mouse() -> Input? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let state = event.bstate
        let column = Int(event.x), row = Int(event.y)
        if state & cdcm_button4_pressed() != 0 { return .mouse(MouseEvent(.scrollUp, column: column, row: row)) }
        if cdcm_button5_pressed() != 0 && state & cdcm_button5_pressed() != 0 { return .mouse(MouseEvent(.scrollDown, column: column, row: row)) }
        if state & cdcm_button1_pressed() != 0 {
            buttonDown = true
            return .mouse(MouseEvent(.press, column: column, row: row))
        }
        // ncurses sometimes folds a quick press and release into a click, even with click resolution off.
        if state & cdcm_button1_clicked() != 0 {
            buttonDown = false
            queued.append(.mouse(MouseEvent(.release, column: column, row: row)))
            return .mouse(MouseEvent(.press, column: column, row: row))
        }
        if state & cdcm_button1_released() != 0 {
            buttonDown = false
            return .mouse(MouseEvent(.release, column: column, row: row))
        }
        // Button-event tracking reports motion only while a button is held: motion after a press that
        // ncurses swallowed starts the drag where it is first seen.
        if state & cdcm_report_position() != 0 {
            if !buttonDown {
                buttonDown = true
                return .mouse(MouseEvent(.press, column: column, row: row))
            }
            return .mouse(MouseEvent(.drag, column: column, row: row))
        }
        return nil
    }
}
