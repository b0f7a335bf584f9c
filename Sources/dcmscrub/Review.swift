// `dcmscrub review`: the terminal workstation on a workspace.
import ArgumentParser
import Foundation
import Review
import TUI

extension Workstation.GraphicsChoice: ExpressibleByArgument {}

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review a workspace in the terminal: proposals on the image (sixel or colour blocks), boxes, templates, commit, spot checks.")

    @Option(name: .long, help: "The review workspace folder.")
    var workspace: String?

    @Option(name: .long, help: "default, vim, or a .toml keymap file (then ~/.config/dcmscrub/keymap.toml is read over it).")
    var keymap = "default"

    @Option(name: .long, help: "auto (ask the terminal, then COLORTERM), sixel, blocks (Unicode half blocks in 256 colours) or truecolor (half blocks in 24-bit colour).")
    var graphics = Workstation.GraphicsChoice.auto

    @Option(name: .long, help: "Where commits write (default: the workspace's out/).")
    var out: String?

    @Option(name: .long, help: "Sixel colours per preview, 16 to 256 (fewer draw faster over a slow link).")
    var colors = Workstation.defaultColors

    @Flag(name: .long, help: "Print the shipped keymaps as Markdown (Keymaps/README.md) and exit.")
    var printKeymaps = false

    func run() throws {
        if printKeymaps {
            let maps = try keymaps { try ["default", "vim"].map { ($0, try Keymap.load($0, user: nil)) } }
            print(Keymap.readme(maps: maps), terminator: "")
            return
        }
        guard let folder = workspace else { throw ValidationError("--workspace is required.") }
        // The keymap is checked before the workspace opens or the screen changes.
        _ = try keymaps { try Keymap.load(keymap) }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            FileHandle.standardError.write(Data("dcmscrub: review needs a terminal; dcmscrub decide records decisions from a script\n".utf8))
            throw ExitCode(2)
        }
        let workspace = try reviewing { try Workspace.open(at: folder) }
        var options = Workstation.Options()
        options.keymap = keymap
        options.graphics = graphics
        options.output = out
        guard (16...256).contains(colors) else { throw ValidationError("--colors is from 16 to 256.") }
        options.colors = colors
        try keymaps { try Workstation.run(workspace, options: options) }
    }

    /// A keymap error is one line naming the file and line, exit status 2.
    func keymaps<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as KeymapError {
            FileHandle.standardError.write(Data("dcmscrub: keymap \(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}
