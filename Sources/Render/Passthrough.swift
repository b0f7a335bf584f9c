// Passthrough: a sixel string wrapped so tmux or GNU screen hands it to the real terminal.

/// Terminal multiplexers swallow DCS strings they do not know; both have a passthrough envelope.
///
/// - tmux: `ESC P tmux; <sequence, every ESC doubled> ESC \`. tmux 3.3 and later pass it only with
///   `set -g allow-passthrough on`; a tmux built with sixel support (3.4+) needs no wrapping, which
///   the caller can choose with `.none`.
/// - GNU screen: the sequence cut into short DCS strings (`ESC P <chunk> ESC \`), as screen limits
///   one string's length (768 bytes since 2014, 512 before). Every ESC of the sequence ends its
///   chunk, so the inner `ESC \` never appears whole inside screen's string and end it early;
///   libsixel's own screen mode splits the terminator the same way.
public enum Passthrough {
    public enum Multiplexer: String, Sendable, Equatable {
        case none
        case tmux
        case screen
    }

    /// Bytes of the sequence per screen string: under 512 with the 4 bytes of envelope.
    public static let screenChunk = 256

    /// Which multiplexer the program runs under, from its environment: `TMUX` set means tmux,
    /// `STY` set means screen; without either (SSH does not forward them) `TERM` decides: `tmux*`
    /// is tmux and `screen*` is taken as screen. An older tmux that still sets TERM=screen is
    /// mistaken for screen that way; the TUI can let the user name the multiplexer instead.
    public static func multiplexer(environment: [String: String]) -> Multiplexer {
        if let tmux = environment["TMUX"], !tmux.isEmpty { return .tmux }
        if let sty = environment["STY"], !sty.isEmpty { return .screen }
        let term = environment["TERM"] ?? ""
        if term.hasPrefix("tmux") { return .tmux }
        if term.hasPrefix("screen") { return .screen }
        return .none
    }

    /// `sequence` wrapped for `multiplexer`; unchanged for `.none`.
    public static func wrap(_ sequence: [UInt8], for multiplexer: Multiplexer) -> [UInt8] {
        switch multiplexer {
        case .none: sequence
        case .tmux: tmux(sequence)
        case .screen: screen(sequence)
        }
    }

    /// `sequence` wrapped for the multiplexer the environment names.
    public static func wrap(_ sequence: [UInt8], environment: [String: String]) -> [UInt8] {
        wrap(sequence, for: multiplexer(environment: environment))
    }

    public static func tmux(_ sequence: [UInt8]) -> [UInt8] {
        var out: [UInt8] = Array("\u{1B}Ptmux;".utf8)
        out.reserveCapacity(sequence.count + sequence.count / 64 + 10)
        for byte in sequence {
            if byte == 0x1B { out.append(0x1B) }
            out.append(byte)
        }
        out += [0x1B, UInt8(ascii: "\\")]
        return out
    }

    public static func screen(_ sequence: [UInt8], chunk: Int = screenChunk) -> [UInt8] {
        let chunk = max(1, chunk)
        var out: [UInt8] = []
        out.reserveCapacity(sequence.count + (sequence.count / chunk + 4) * 4)
        var start = 0
        while start < sequence.count {
            var end = min(sequence.count, start + chunk)
            if let esc = sequence[start..<end].firstIndex(of: 0x1B) { end = esc + 1 }
            out += [0x1B, UInt8(ascii: "P")]
            out += sequence[start..<end]
            out += [0x1B, UInt8(ascii: "\\")]
            start = end
        }
        return out
    }
}
