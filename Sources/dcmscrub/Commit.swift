// `dcmscrub commit`: write what reviewers approved, through the engine `run` uses, atomically and resumably.
import ArgumentParser
import Foundation
import Review

struct Commit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write every approved image of a workspace to DIR; a killed commit resumes without duplicates.")

    @OptionGroup var workspace: WorkspaceOption

    @Option(name: .long, help: "Output folder (default: the workspace's out/).")
    var out: String?

    @Flag(name: .long, help: "Also commit images whose boxes all come from their group's reviewer-verified template.")
    var auto = false

    @Option(name: .long, help: "Parallel workers.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let workspace = try self.workspace.open()
        var options = CommitOptions()
        options.auto = auto
        options.jobs = max(1, jobs)
        let line = ProgressLine("committed")
        let summary = try reviewing {
            try workspace.commit(to: out ?? workspace.defaultOutput, options: options, at: Date()) {
                line.show(done: $0.done, total: $0.total)
            }
        }
        print(summary.summary)
    }
}
