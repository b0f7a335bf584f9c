// TerminalReplies: pure parsers of what a terminal answers to the queries that pick sixel or half blocks.

/// The queries the TUI writes at start-up and the parser of the answers it reads back.
///
/// The parser takes whatever bytes arrived: garbage before, between and after replies is skipped,
/// and an unfinished reply at the end is handed back as `remainder` to prepend to the next read.
/// Both 7-bit (`ESC [`) and 8-bit (0x9B) CSI are accepted.
public enum TerminalReplies {
    /// Primary device attributes, DA1.
    public static let queryDeviceAttributes = "\u{1B}[c"
    /// XTWINOPS 16: the size of a character cell in pixels.
    public static let queryCellSize = "\u{1B}[16t"
    /// XTWINOPS 14: the size of the text area in pixels.
    public static let queryTextAreaPixels = "\u{1B}[14t"
    /// XTWINOPS 18: the size of the text area in cells.
    public static let queryTextAreaCells = "\u{1B}[18t"
    /// XTSMGRAPHICS: how many sixel colour registers there are (xterm -ti vt340 has 16 unless configured).
    public static let queryColorRegisters = "\u{1B}[?1;1S"

    /// The answer to DA1: `CSI ? Ps ; ... c`.
    public struct DeviceAttributes: Sendable, Equatable {
        /// Every parameter, the terminal class (1, 62...65) first.
        public var parameters: [Int]

        public init(parameters: [Int]) { self.parameters = parameters }

        /// Attribute 4 ("sixel graphics") among the attributes after the class: the first parameter
        /// is not an attribute (a VT132 answers `CSI ? 4 ; 6 c` and draws no sixel).
        public var supportsSixel: Bool { parameters.dropFirst().contains(4) }
    }

    /// One recognised reply.
    public enum Reply: Sendable, Equatable {
        case deviceAttributes(DeviceAttributes)
        /// `CSI 6 ; height ; width t`: one cell in pixels.
        case cellSize(width: Int, height: Int)
        /// `CSI 4 ; height ; width t`: the text area in pixels.
        case textAreaPixels(width: Int, height: Int)
        /// `CSI 8 ; rows ; columns t`: the text area in cells.
        case textAreaCells(columns: Int, rows: Int)
        /// `CSI ? 1 ; 0 ; registers S`: sixel colour registers.
        case colorRegisters(Int)
    }

    /// What one read yielded.
    public struct Parsed: Sendable, Equatable {
        public var replies: [Reply]
        /// The start of a reply still arriving (empty when none); prepend it to the next read.
        public var remainder: [UInt8]

        /// The last reply of each kind, for callers that only want the answers.
        public var deviceAttributes: DeviceAttributes? {
            replies.reversed().lazy.compactMap { if case .deviceAttributes(let d) = $0 { d } else { nil } }.first
        }
        public var cellSize: PreviewGeometry.CellSize? {
            replies.reversed().lazy.compactMap {
                if case .cellSize(let w, let h) = $0, w > 0, h > 0 { PreviewGeometry.CellSize(width: w, height: h) } else { nil }
            }.first
        }
        public var textAreaPixels: (width: Int, height: Int)? {
            replies.reversed().lazy.compactMap { if case .textAreaPixels(let w, let h) = $0 { (w, h) } else { nil } }.first
        }
        public var textAreaCells: (columns: Int, rows: Int)? {
            replies.reversed().lazy.compactMap { if case .textAreaCells(let c, let r) = $0 { (c, r) } else { nil } }.first
        }
        public var colorRegisters: Int? {
            replies.reversed().lazy.compactMap { if case .colorRegisters(let n) = $0 { n } else { nil } }.first
        }
    }

    /// A reply longer than this is garbage, not one still arriving.
    static let longestReply = 128

    public static func parse(_ text: String) -> Parsed {
        parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) -> Parsed {
        var replies: [Reply] = []
        var i = 0
        while i < bytes.count {
            let start = i
            var p: Int
            if bytes[i] == 0x1B {
                guard i + 1 < bytes.count else { return Parsed(replies: replies, remainder: Array(bytes[start...])) }
                guard bytes[i + 1] == UInt8(ascii: "[") else { i += 1; continue }
                p = i + 2
            } else if bytes[i] == 0x9B {
                p = i + 1
            } else {
                i += 1
                continue
            }
            switch sequence(bytes, from: p) {
            case .incomplete:
                if bytes.count - start <= longestReply {
                    return Parsed(replies: replies, remainder: Array(bytes[start...]))
                }
                i = start + 1
            case .invalid:
                i = start + 1
            case .complete(let marker, let params, let final, let end):
                if let reply = reply(marker: marker, params: params, final: final) { replies.append(reply) }
                i = end
            }
        }
        return Parsed(replies: replies, remainder: [])
    }

    private enum Scan {
        case incomplete
        case invalid
        case complete(marker: UInt8?, params: [Int], final: UInt8, end: Int)
    }

    /// ECMA-48 control sequence after the introducer: an optional private marker (`?`, `>`, `=`),
    /// digits and semicolons, then one final byte 0x40...0x7E. Anything else is not a reply.
    private static func sequence(_ bytes: [UInt8], from start: Int) -> Scan {
        var p = start
        var marker: UInt8?
        if p < bytes.count, [UInt8(ascii: "?"), UInt8(ascii: ">"), UInt8(ascii: "=")].contains(bytes[p]) {
            marker = bytes[p]
            p += 1
        }
        var params: [Int] = []
        var current: Int?
        while p < bytes.count {
            let b = bytes[p]
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int(b - UInt8(ascii: "0"))
                current = min((current ?? 0) * 10 + digit, 1 << 24)
            case UInt8(ascii: ";"):
                params.append(current ?? 0)
                current = nil
            case 0x40...0x7E:
                if let current { params.append(current) }
                return .complete(marker: marker, params: params, final: b, end: p + 1)
            default:
                return .invalid
            }
            p += 1
        }
        return .incomplete
    }

    private static func reply(marker: UInt8?, params: [Int], final: UInt8) -> Reply? {
        switch (marker, final) {
        case (UInt8(ascii: "?"), UInt8(ascii: "c")) where !params.isEmpty:
            return .deviceAttributes(DeviceAttributes(parameters: params))
        case (nil, UInt8(ascii: "t")) where params.count == 3:
            switch params[0] {
            case 6: return .cellSize(width: params[2], height: params[1])
            case 4: return .textAreaPixels(width: params[2], height: params[1])
            case 8: return .textAreaCells(columns: params[2], rows: params[1])
            default: return nil
            }
        case (UInt8(ascii: "?"), UInt8(ascii: "S")) where params.count >= 3 && params[0] == 1 && params[1] == 0:
            return .colorRegisters(params[2])
        default:
            return nil
        }
    }
}
