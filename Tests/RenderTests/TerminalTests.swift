// TerminalTests: parsing real terminal replies (DA1, XTWINOPS, XTSMGRAPHICS) and tmux/screen passthrough.
import Render
import Testing

@Suite struct TerminalRepliesTests {
    typealias Reply = TerminalReplies.Reply

    @Test func xtermAsVT340SaysSixel() throws {
        let parsed = TerminalReplies.parse("\u{1B}[?63;1;2;4;6;9;15;16;22;28c")
        let da = try #require(parsed.deviceAttributes)
        #expect(da.parameters == [63, 1, 2, 4, 6, 9, 15, 16, 22, 28])
        #expect(da.supportsSixel)
        #expect(parsed.remainder.isEmpty)
        #expect(TerminalReplies.parse("\u{1B}[?64;1;2;4;6c").deviceAttributes?.supportsSixel == true)
    }

    @Test func terminalsWithoutSixel() {
        // xterm as a VT420, as a VT100, and a VT132 whose class number is 4.
        for reply in ["\u{1B}[?64;1;2;6;9;15;16;17;18;21;22;28c", "\u{1B}[?1;2c", "\u{1B}[?4;6c", "\u{1B}[?62;c"] {
            let da = TerminalReplies.parse(reply).deviceAttributes
            #expect(da != nil, "\(reply.debugDescription) is a DA1 reply")
            #expect(da?.supportsSixel == false, "\(reply.debugDescription)")
        }
        // Secondary attributes (CSI > ... c) are not DA1.
        #expect(TerminalReplies.parse("\u{1B}[>41;390;0c").deviceAttributes == nil)
    }

    @Test func windowReportsGiveCellAndAreaSizes() throws {
        let parsed = TerminalReplies.parse("\u{1B}[6;20;10t\u{1B}[4;480;800t\u{1B}[8;24;80t")
        #expect(parsed.replies == [.cellSize(width: 10, height: 20), .textAreaPixels(width: 800, height: 480),
                                   .textAreaCells(columns: 80, rows: 24)])
        #expect(parsed.cellSize == PreviewGeometry.CellSize(width: 10, height: 20))
        let area = try #require(parsed.textAreaPixels)
        #expect(area.width == 800 && area.height == 480)
        let cells = try #require(parsed.textAreaCells)
        #expect(cells.columns == 80 && cells.rows == 24)
        // A terminal that cannot tell answers 0; that is no cell size.
        #expect(TerminalReplies.parse("\u{1B}[6;0;0t").cellSize == nil)
    }

    @Test func garbageAroundAndBetweenIsSkipped() {
        let input = "typed ahead\u{1B}]11;rgb:0000/0000/0000\u{07}\u{1B}[12;40R\u{1B}[?63;1;2;4;6;9;15;16;22;28c junk \u{1B}x\u{1B}[6;2x0;10t\u{1B}[6;16;8t tail"
        let parsed = TerminalReplies.parse(input)
        #expect(parsed.replies == [.deviceAttributes(.init(parameters: [63, 1, 2, 4, 6, 9, 15, 16, 22, 28])),
                                   .cellSize(width: 8, height: 16)])
        #expect(parsed.remainder.isEmpty)
        // A reply cut by a garbage byte is dropped, the next one still read.
        #expect(TerminalReplies.parse("\u{1B}[6;20\u{07};10t\u{1B}[8;30;100t").replies == [.textAreaCells(columns: 100, rows: 30)])
    }

    @Test func partialRepliesAreKeptForTheNextRead() {
        let first = TerminalReplies.parse("x\u{1B}[?63;1;2;4")
        #expect(first.replies.isEmpty)
        #expect(first.remainder == Array("\u{1B}[?63;1;2;4".utf8))
        let second = TerminalReplies.parse(first.remainder + Array(";6c\u{1B}[6;1".utf8))
        #expect(second.deviceAttributes?.supportsSixel == true)
        #expect(second.remainder == Array("\u{1B}[6;1".utf8))
        #expect(TerminalReplies.parse(second.remainder + Array("8;9t".utf8)).cellSize == PreviewGeometry.CellSize(width: 9, height: 18))
        // A lone ESC at the end may start a reply.
        #expect(TerminalReplies.parse("abc\u{1B}").remainder == [0x1B])
        // Endless digits are not a reply still arriving.
        #expect(TerminalReplies.parse("\u{1B}[" + String(repeating: "1;", count: 100)).remainder.isEmpty)
    }

    @Test func eightBitCSIAndColourRegisters() {
        #expect(TerminalReplies.parse([0x9B] + Array("?62;4c".utf8)).deviceAttributes?.supportsSixel == true)
        #expect(TerminalReplies.parse("\u{1B}[?1;0;256S").colorRegisters == 256)
        #expect(TerminalReplies.parse("\u{1B}[?1;3;0S").colorRegisters == nil, "status 3: failure")
    }
}

@Suite struct PassthroughTests {
    static let esc: UInt8 = 0x1B
    static let backslash = UInt8(ascii: "\\")
    static let sixel: [UInt8] = Array("\u{1B}P0;1q\"1;1;2;6#0;2;100;0;0#0~~-\u{1B}\\".utf8)

    @Test func multiplexerFromTheEnvironment() {
        #expect(Passthrough.multiplexer(environment: ["TMUX": "/tmp/tmux-0/default,4242,0", "TERM": "screen"]) == .tmux)
        #expect(Passthrough.multiplexer(environment: ["STY": "4242.pts-0.host", "TERM": "screen.xterm-256color"]) == .screen)
        #expect(Passthrough.multiplexer(environment: ["TERM": "tmux-256color"]) == .tmux)
        #expect(Passthrough.multiplexer(environment: ["TERM": "screen-256color"]) == .screen)
        #expect(Passthrough.multiplexer(environment: ["TERM": "xterm-256color"]) == Passthrough.Multiplexer.none)
        #expect(Passthrough.multiplexer(environment: ["TMUX": "", "TERM": "xterm"]) == Passthrough.Multiplexer.none)
        #expect(Passthrough.multiplexer(environment: [:]) == Passthrough.Multiplexer.none)
    }

    @Test func tmuxDoublesEveryEscape() {
        let wrapped = Passthrough.tmux(Self.sixel)
        #expect(wrapped.starts(with: Array("\u{1B}Ptmux;\u{1B}\u{1B}P0;1q".utf8)))
        #expect(Array(wrapped.suffix(5)) == [Self.esc, Self.esc, Self.backslash, Self.esc, Self.backslash])
        #expect(wrapped.filter { $0 == Self.esc }.count == 2 * 2 + 2)
        // Removing the envelope and halving the escapes gives the sequence back.
        var inner = Array(wrapped.dropFirst(7).dropLast(2))
        var i = 0
        while i < inner.count {
            if inner[i] == Self.esc { inner.remove(at: i) }
            i += 1
        }
        #expect(inner == Self.sixel)
        #expect(Passthrough.wrap(Self.sixel, environment: ["TMUX": "x"]) == wrapped)
        #expect(Passthrough.wrap(Self.sixel, for: .none) == Self.sixel)
    }

    @Test func screenSplitsIntoShortStrings() throws {
        let long = Array("\u{1B}Pq".utf8) + [UInt8](repeating: UInt8(ascii: "~"), count: 1000) + Array("\u{1B}\\".utf8)
        let wrapped = Passthrough.screen(long)
        // Walk the strings, ESC P <content> ESC \, where an ESC of the inner sequence may only be a
        // content's last byte, so screen never sees the inner ESC \ whole.
        var contents: [[UInt8]] = []
        var i = 0
        while i < wrapped.count {
            try #require(wrapped.count - i >= 4 && wrapped[i] == Self.esc && wrapped[i + 1] == UInt8(ascii: "P"))
            var j = i + 2
            while !(wrapped[j] == Self.esc && wrapped[j + 1] == Self.backslash) { j += 1 }
            let content = Array(wrapped[(i + 2)..<j])
            #expect(!content.dropLast().contains(Self.esc))
            contents.append(content)
            i = j + 2
        }
        #expect(contents.allSatisfy { !$0.isEmpty && $0.count <= Passthrough.screenChunk })
        #expect(contents.count >= 1000 / Passthrough.screenChunk + 2)
        #expect(contents.first == [Self.esc], "the inner DCS introducer is split after its ESC")
        #expect(Array(contents.joined()) == long)
        #expect(Passthrough.wrap(long, environment: ["STY": "1.pts"]) == wrapped)
    }
}
