// Key: one key press as the keymap names it ("j", "<enter>", "<C-s>", "<S-left>"), parsed and printed the same way.

public struct Key: Hashable, Sendable, CustomStringConvertible {
    public enum Base: Hashable, Sendable {
        case char(Character)
        case enter, escape, tab, backTab, backspace, delete, insert
        case up, down, left, right, home, end, pageUp, pageDown
        case function(Int)
    }

    public var base: Base
    public var ctrl = false
    /// Only for keys without a shifted character (arrows, Home, End): "<S-h>" is stored as "H".
    public var shift = false

    public init(_ base: Base, ctrl: Bool = false, shift: Bool = false) {
        self.base = base
        self.ctrl = ctrl
        self.shift = shift
    }

    public static func char(_ c: Character) -> Key { Key(.char(c)) }

    static let names: [(String, Base)] = [
        ("enter", .enter), ("ret", .enter), ("cr", .enter), ("esc", .escape), ("tab", .tab), ("backtab", .backTab),
        ("backspace", .backspace), ("bs", .backspace), ("del", .delete), ("delete", .delete), ("ins", .insert),
        ("up", .up), ("down", .down), ("left", .left), ("right", .right), ("home", .home), ("end", .end),
        ("pageup", .pageUp), ("pgup", .pageUp), ("pagedown", .pageDown), ("pgdn", .pageDown),
        ("space", .char(" ")), ("lt", .char("<")), ("gt", .char(">")), ("minus", .char("-")),
    ]

    /// Parses one key: a single character, or `<name>` with optional `C-` / `S-` modifiers.
    public init?(spec: String) {
        if spec.count == 1, let c = spec.first, !c.isWhitespace {
            self.init(.char(c))
            return
        }
        guard spec.hasPrefix("<"), spec.hasSuffix(">"), spec.count > 2 else { return nil }
        var body = Substring(spec.dropFirst().dropLast())
        var ctrl = false, shift = false
        while body.count > 2, body.dropFirst().first == "-" {
            switch body.first {
            case "C", "c": ctrl = true
            case "S", "s": shift = true
            default: return nil
            }
            body = body.dropFirst(2)
        }
        var base: Base
        if body.count == 1, let c = body.first {
            base = .char(c)
        } else if let named = Self.names.first(where: { $0.0 == body.lowercased() }) {
            base = named.1
        } else if body.lowercased().hasPrefix("f"), let n = Int(body.dropFirst()), (1...24).contains(n) {
            base = .function(n)
        } else {
            return nil
        }
        if case .char(let c) = base {
            if shift {
                // A shifted letter arrives from the terminal as the capital letter.
                guard c.isLetter else { return nil }
                base = .char(Character(c.uppercased()))
                shift = false
            }
            if ctrl {
                guard c.isLetter || "[]\\^_@ ".contains(c) else { return nil }
                base = .char(Character(c.lowercased()))
            }
        }
        if case .tab = base, shift { base = .backTab; shift = false }
        self.init(base, ctrl: ctrl, shift: shift)
    }

    /// A chord: keys separated by spaces ("g g").
    public static func sequence(_ spec: String) -> [Key]? {
        let parts = spec.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard !parts.isEmpty else { return nil }
        var keys: [Key] = []
        for part in parts {
            guard let key = Key(spec: part) else { return nil }
            keys.append(key)
        }
        return keys
    }

    public var description: String {
        var name: String
        switch base {
        case .char(" "): name = "space"
        case .char(let c): name = String(c)
        case .function(let n): name = "F\(n)"
        case .backTab: name = "S-tab"
        default: name = Self.names.first { $0.1 == base }?.0 ?? "?"
        }
        if case .char(let c) = base, !ctrl, !shift, c != " " { return String(c) }
        if shift { name = "S-" + name }
        if ctrl { name = "C-" + name }
        return "<\(name)>"
    }
}
