// Keymap+Markdown: the keymap as a Markdown table per mode, the same text the help overlay shows (Keymaps/README.md).

extension Keymap {
    /// Every mode's keys and what they do, in the order of the Action list.
    public func markdown(title: String) -> String {
        var out = "## \(title)\n"
        if counts { out += "\nA number typed before a command repeats it or names a row (`5j`, `12G`).\n" }
        for mode in Mode.allCases where mode != .global || bindings[.global] != nil {
            let rows = Action.allCases.compactMap { action -> String? in
                let keys = mode == .global ? (bindings[.global] ?? [:]).filter { $0.value == action }.map(\.key)
                    .sorted { ($0.count, $0.description) < ($1.count, $1.description) } : keys(for: action, in: mode).filter { bindings[mode]?[$0] != nil }
                guard !keys.isEmpty else { return nil }
                let names = keys.map { "`" + Keymap.label($0).replacingOccurrences(of: "|", with: "\\|") + "`" }.joined(separator: ", ")
                return "| \(names) | `\(action.rawValue)` | \(action.doc) |"
            }
            guard !rows.isEmpty else { continue }
            out += "\n### \(mode.rawValue)\(mode == .global ? " (every screen)" : "")\n\n| keys | command | what it does |\n|---|---|---|\n"
            out += rows.joined(separator: "\n") + "\n"
        }
        return out
    }

    /// Keymaps/README.md: how the files work, then both shipped keymaps.
    public static func readme(maps: [(name: String, map: Keymap)]) -> String {
        var out = """
        # Keymaps

        The workstation's keys are data: each file maps keys to commands per mode, and `dcmscrub review --keymap NAME`
        (or a path to a .toml file) chooses one; `~/.config/dcmscrub/keymap.toml` is read after it and may rebind or
        unbind (`"none"`) any key. An unknown command, an unknown key or a key that clashes with a chord is a start-up
        error naming the file and line. This page is generated from the files (`dcmscrub review --print-keymaps`); a
        test checks that it matches them.

        Keys: a character (`j`, `?`, `G`), or `<name>` with `C-` (control) or `S-` (shift): `<enter>`, `<esc>`, `<tab>`,
        `<S-tab>`, `<space>`, `<backspace>`, `<del>`, `<up>`, `<down>`, `<left>`, `<right>`, `<S-left>`, `<home>`,
        `<end>`, `<pageup>`, `<pagedown>`, `<F1>`…`<F24>`, `<C-l>`. A chord is keys separated by spaces (`"g g"`).

        """
        for (name, map) in maps {
            out += "\n" + map.markdown(title: "\(name).toml")
        }
        return out
    }
}
