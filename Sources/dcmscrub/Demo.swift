// `dcmscrub demo`: built-in sample data through the batch engine, then the same data in a review workspace, opened in the workstation.
import ArgumentParser
import Engine
import Foundation
import Review
import TUI

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write sample studies with fake identifiers, de-identify them, show what changed, and open them for review.")

    @Option(name: .long, help: "Folder for the sample inputs and outputs (default: a new temporary folder).")
    var into: String?

    @Flag(name: .long, help: "Do not open the workstation, even on a terminal.")
    var noReview = false

    @Option(name: .long, help: "auto (ask the terminal, then COLORTERM), sixel, blocks (256 colours) or truecolor.")
    var graphics = Workstation.GraphicsChoice.auto

    func run() throws {
        let root = into ?? NSTemporaryDirectory() + "dcmscrub-demo-\(getpid())"
        print(try DemoRun.run(in: root))
        let folder = root + "/workspace"
        let (workspace, summary) = try reviewing { try DemoWorkspace.make(at: folder, sources: root + "/sources", at: Date()) }
        print("Review workspace: \(folder) (\(summary.summary))")
        guard !noReview, isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            print("Open it with: dcmscrub review --workspace \(folder)")
            return
        }
        print("Opening the review workstation (? shows the keys, q quits)…")
        var options = Workstation.Options()
        options.graphics = graphics
        do { try Workstation.run(workspace, options: options) } catch let error as KeymapError {
            FileHandle.standardError.write(Data("dcmscrub: keymap \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        print("Decisions are in \(folder); dcmscrub status --workspace \(folder) sums them up.")
    }
}
