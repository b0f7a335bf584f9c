// Tests of keys and keymaps: parsing, every shipped file, the user's file over it, errors that name file and line.
import Foundation
import Testing
import TUI

@Test func keysParseAndPrintTheSameWay() throws {
    #expect(Key(spec: "j") == Key.char("j"))
    #expect(Key(spec: "<S-h>") == Key.char("H"))
    #expect(Key(spec: "<C-s>") == Key(.char("s"), ctrl: true))
    #expect(Key(spec: "<C-S>") == Key(.char("s"), ctrl: true))
    #expect(Key(spec: "<S-tab>") == Key(.backTab))
    #expect(Key(spec: "<S-left>") == Key(.left, shift: true))
    #expect(Key(spec: "<F12>") == Key(.function(12)))
    #expect(Key(spec: "<space>") == Key.char(" "))
    for bad in ["", "jj", "<nope>", "<F0>", "<S-1>", "<X-a>", "<>"] { #expect(Key(spec: bad) == nil, "\(bad)") }
    for spec in ["j", "<enter>", "<C-l>", "<S-up>", "<F5>", "<space>", "?"] {
        #expect(Key(spec: spec)?.description == spec)
    }
    #expect(Key.sequence("g g") == [Key.char("g"), Key.char("g")])
}

@Test func everyShippedKeymapLoadsAndCoversTheWorkstation() throws {
    let folder = Fixture.root + "/Keymaps"
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".toml") }.sorted()
    #expect(files == ["default.toml", "vim.toml"])
    for file in files {
        let map = try Keymap.load(folder + "/" + file, user: nil)
        // Every screen can get help, go back, quit; every review and box command has a key.
        for mode in [Mode.groups, .studies, .instances, .review, .box, .spotcheck] {
            for action in [Action.help, .quit, .back] { #expect(!map.keys(for: action, in: mode).isEmpty, "\(file) \(mode) \(action)") }
        }
        let review: [Action] = [.nextProposal, .previousProposal, .toggle, .accept, .reject, .edit, .add, .delete, .approve, .nextInstance,
                                .previousInstance, .quarantine, .nextFrame, .previousFrame, .windowWider, .windowNarrower, .showRedacted,
                                .showHeader, .saveTemplate, .verifyTemplate]
        for action in review { #expect(!map.keys(for: action, in: .review).isEmpty, "\(file) review \(action)") }
        let box: [Action] = [.moveLeft, .moveRight, .moveUp, .moveDown, .moveLeftCoarse, .wider, .narrower, .taller, .shorter, .snap, .apply]
        for action in box { #expect(!map.keys(for: action, in: .box).isEmpty, "\(file) box \(action)") }
        for action in [Action.pass, .fail, .draw] { #expect(!map.keys(for: action, in: .spotcheck).isEmpty, "\(file) \(action)") }
        #expect(map.resolve([Key.char("?")], in: .review) == .action(.help))
        #expect(map.resolve([Key.char("q")], in: .groups) == .action(.quit))
    }
    let vim = try Fixture.keymap("vim")
    #expect(vim.counts)
    #expect(vim.resolve([Key.char("g")], in: .groups) == .pending)
    #expect(vim.resolve([Key.char("g"), Key.char("g")], in: .groups) == .action(.first))
    #expect(vim.resolve([Key.char("j")], in: .box) == .action(.moveDown))
    #expect(vim.resolve([Key.char("z")], in: .review) == .unbound)
}

@Test func theKeymapPageIsGeneratedFromTheFiles() throws {
    let maps = try ["default", "vim"].map { ($0, try Fixture.keymap($0)) }
    let page = try String(contentsOfFile: Fixture.root + "/Keymaps/README.md", encoding: .utf8)
    #expect(page == Keymap.readme(maps: maps), "Keymaps/README.md is stale: dcmscrub review --print-keymaps > Keymaps/README.md")
    #expect(page.contains("| `<space>` | `proposal.toggle` |"))
}

@Test func badKeymapsAreRefusedWithFileAndLine() throws {
    func error(_ text: String) -> KeymapError? {
        do { _ = try Keymap.parse(text, file: "my.toml"); return nil } catch let e as KeymapError { return e } catch { return nil }
    }
    let unknownCommand = error("[groups]\nj = \"cursor.down\"\nk = \"cursor.upp\"\n")
    #expect(unknownCommand == KeymapError(file: "my.toml", line: 3, message: "unknown command 'cursor.upp'"))
    #expect(unknownCommand?.description == "my.toml:3: unknown command 'cursor.upp'")
    #expect(error("[groups]\n\n\"<nope>\" = \"cursor.down\"\n")?.line == 3)
    #expect(error("[groups]\n\n\"<nope>\" = \"cursor.down\"\n")?.message.hasPrefix("unknown key '<nope>'") == true)
    #expect(error("# comment\n[grops]\nj = \"cursor.down\"\n")?.line == 2)
    #expect(error("[groups]\nH = \"cursor.down\"\n\"<S-h>\" = \"cursor.up\"\n")?.line == 3) // the same key twice
    let clash = error("[review]\n\"g g\" = \"frame.first\"\ng = \"frame.next\"\n")
    #expect(clash?.line == 3 && clash?.message.contains("clashes with 'g g'") == true)
    #expect(error("[review]\nj = 3\n")?.line == 2)
    #expect(error("[groups]\nj = \"cursor.down\n")?.line == 2) // not TOML
    #expect(error("[options]\ncount = true\n")?.line == 2)
}

@Test func theUsersFileRebindsAndUnbindsOverTheShippedOne() throws {
    let folder = NSTemporaryDirectory() + "dcmscrub-keymap-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let user = folder + "/keymap.toml"
    try "[review]\nx = \"proposal.reject\"\nr = \"none\"\n\n[groups]\nj = \"cursor.down\"\n".write(toFile: user, atomically: true, encoding: .utf8)
    let map = try Keymap.load(Fixture.root + "/Keymaps/default.toml", user: user)
    #expect(map.resolve([Key.char("x")], in: .review) == .action(.reject))
    #expect(map.resolve([Key.char("r")], in: .review) == .unbound)
    #expect(map.resolve([Key.char("j")], in: .groups) == .action(.down))
    #expect(map.resolve([Key(.down)], in: .groups) == .action(.down)) // the shipped binding stays
    // A user chord that clashes with a shipped key names the user's file and line.
    try "[review]\n\"a a\" = \"proposal.accept-all\"\n".write(toFile: user, atomically: true, encoding: .utf8)
    #expect(throws: KeymapError(file: user, line: 2, message: "'a' clashes with 'a a' in [review]: the longer one could never be typed")) {
        try Keymap.load(Fixture.root + "/Keymaps/default.toml", user: user)
    }
}
