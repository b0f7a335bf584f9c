// Frame: one screen as a grid of styled cells plus image slots; `view` builds it, a backend or a test reads it.
import Render

public enum Color: String, Sendable, Hashable, CaseIterable {
    case normal, black, red, green, yellow, blue, magenta, cyan, white, gray
}

public struct Style: Sendable, Hashable {
    public var foreground: Color = .normal
    public var background: Color = .normal
    public var bold = false
    public var reverse = false
    public var dim = false
    public var underline = false
    /// Looks like any blank, but the terminal must write it: a blank over an image hides the image there
    /// (ncurses skips writing a cell it believes unchanged, and it believes image cells are blank).
    public var opaque = false

    public init(foreground: Color = .normal, background: Color = .normal, bold: Bool = false, reverse: Bool = false,
                dim: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
        self.underline = underline
    }

    public static let plain = Style()
    public static let title = Style(bold: true, reverse: true)
    public static let heading = Style(bold: true, underline: true)
    public static let cursor = Style(reverse: true)
    public static let faint = Style(dim: true)
    public static let warning = Style(foreground: .yellow, bold: true)
    public static let error = Style(foreground: .red, bold: true)
    public static let good = Style(foreground: .green)
}

public struct Cell: Sendable, Equatable {
    public var character: Character = " "
    public var style = Style.plain
    /// The right half of a wide character drawn in the cell before.
    public var continuation = false
    /// Part of an overlay: an image slot under it must not show through.
    public var covered = false
}

/// Where an image goes and what it shows; the backend renders it (sixel or half blocks).
public struct ImageSlot: Sendable, Equatable {
    public var area: CellRect
    public var request: PreviewRequest
}

/// Everything that decides an image's pixels, so a backend can cache by it.
public struct PreviewRequest: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// The original file of an instance.
        case instance(Int64)
        /// The committed output of an instance.
        case output(Int64)
    }

    public var source: Source
    public var frame: Int
    public var window: Window?
    public var boxes: [OverlayBox]
    public var redacted: Bool
    public var geometry: PreviewGeometry

    /// A short stable fingerprint (FNV-1a of the request's description) for text snapshots and caches.
    public var fingerprint: String {
        var text = "\(source) f\(frame) \(window.map { "\($0.center)/\($0.width)" } ?? "-") r\(redacted) "
        text += "\(geometry.width)x\(geometry.height) "
        for box in boxes { text += "\(box.rect)\(box.number)\(box.style.rawValue)\(box.redacts);" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash & 0xFFFF_FFFF, radix: 16)
    }
}

public struct Frame: Sendable, Equatable {
    public let columns: Int
    public let rows: Int
    public private(set) var cells: [Cell]
    public private(set) var slots: [ImageSlot] = []

    public init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        cells = Array(repeating: Cell(), count: self.columns * self.rows)
    }

    public subscript(column: Int, row: Int) -> Cell {
        cells[row * columns + column]
    }

    /// Writes sanitised text from `column`, cut to `limit` columns (an ellipsis marks the cut); returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, column: Int, row: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard row >= 0, row < rows, column < columns else { return 0 }
        let room = min(limit ?? columns - column, columns - column)
        guard room > 0 else { return 0 }
        let clean = Sanitize.line(text)
        let needsCut = Sanitize.width(clean) > room
        var x = column
        for character in clean {
            let w = Sanitize.width(character)
            if w == 0 { continue }
            if needsCut && x + w > column + room - 1 { break }
            if x + w > column + room { break }
            if x >= 0 {
                let covered = cells[row * columns + x].covered
                var style = style
                if covered && character == " " { style.opaque = true }
                cells[row * columns + x] = Cell(character: character, style: style, covered: covered)
                if w == 2 && x + 1 < columns {
                    cells[row * columns + x + 1] = Cell(character: " ", style: style, continuation: true, covered: cells[row * columns + x + 1].covered)
                }
            }
            x += w
        }
        if needsCut, x < column + room, x >= 0 {
            cells[row * columns + x] = Cell(character: "…", style: style, covered: cells[row * columns + x].covered)
            x += 1
        }
        return x - column
    }

    /// Paints a run of cells with a style (a bar, the cursor row) without changing their text.
    public mutating func paint(row: Int, column: Int = 0, columns count: Int? = nil, style: Style) {
        guard row >= 0, row < rows else { return }
        let end = min(columns, column + (count ?? columns))
        for x in max(0, column)..<max(max(0, column), end) { cells[row * columns + x].style = style }
    }

    public mutating func clear(_ area: CellRect) {
        let (xs, ys) = span(area)
        for y in ys { for x in xs { cells[y * columns + x] = Cell() } }
    }

    /// Clears an overlay's area and marks it covered, so images under it stay hidden there.
    public mutating func cover(_ area: CellRect) {
        clear(area)
        let (xs, ys) = span(area)
        for y in ys {
            for x in xs {
                cells[y * columns + x].covered = true
                cells[y * columns + x].style.opaque = true
            }
        }
    }

    /// Whether any cell of the area belongs to an overlay.
    public func isCovered(_ area: CellRect) -> Bool {
        let (xs, ys) = span(area)
        return ys.contains { y in xs.contains { x in cells[y * columns + x].covered } }
    }

    /// The columns and rows of an area that lie on the frame (empty ranges when none do).
    private func span(_ area: CellRect) -> (Range<Int>, Range<Int>) {
        let x0 = max(0, area.column), y0 = max(0, area.row)
        return (x0..<max(x0, min(columns, area.column + area.columns)), y0..<max(y0, min(rows, area.row + area.rows)))
    }

    public mutating func add(_ slot: ImageSlot) { slots.append(slot) }

    /// The screen as text, one line a row, each image slot labelled `[img WxH #fingerprint]` at its top-left.
    public func text() -> String {
        var lines: [[Character]] = (0..<rows).map { y in
            (0..<columns).compactMap { x in cells[y * columns + x].continuation ? nil : cells[y * columns + x].character }
        }
        for slot in slots where slot.area.row < rows {
            let label = Array("[img \(slot.request.geometry.width)x\(slot.request.geometry.height) #\(slot.request.fingerprint)]")
            var line = lines[slot.area.row]
            for (i, c) in label.enumerated() where slot.area.column + i < line.count && i < slot.area.columns { line[slot.area.column + i] = c }
            lines[slot.area.row] = line
        }
        return lines.map { String($0).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n")
    }
}
