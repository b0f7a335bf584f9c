// `dcmscrub spotcheck`: draw a seeded stratified sample of committed outputs, list pending checks, record verdicts.
import ArgumentParser
import Foundation
import Review

extension SpotCheck.Verdict: ExpressibleByArgument {}

struct SpotCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spotcheck",
        abstract: "QA spot checks: --sample N draws N committed outputs per device group; --record ID --verdict records one.")

    @OptionGroup var workspace: WorkspaceOption

    @Option(name: .long, help: "Draw this many committed outputs per device group (not drawn before).")
    var sample: Int?

    @Option(name: .long, help: "Seed of the draw (default: random, printed so the draw can be repeated).")
    var seed: UInt64?

    @Option(name: .long, help: "The spot check to record a verdict on.")
    var record: Int64?

    @Option(name: .long, help: "clean or leak.")
    var verdict: SpotCheck.Verdict?

    @Option(name: .long, help: "A note with the verdict.")
    var note: String?

    @Flag(name: .long, help: "List the checks that wait for a verdict.")
    var pending = false

    func validate() throws {
        if (record == nil) != (verdict == nil) { throw ValidationError("--record and --verdict go together.") }
        if sample == nil && record == nil && !pending { throw ValidationError("Give --sample N, --record ID --verdict V, or --pending.") }
    }

    func run() throws {
        let workspace = try self.workspace.open()
        if let sample {
            let seed = self.seed ?? UInt64.random(in: 0...UInt64.max)
            let checks = try reviewing { try workspace.drawSpotChecks(perGroup: sample, seed: seed, at: Date()) }
            print("drew \(checks.count) spot checks with seed \(seed)")
            try list(checks, in: workspace)
        }
        if let record, let verdict {
            try reviewing { try workspace.recordVerdict(check: record, verdict, note: note, at: Date()) }
            print("spot check \(record): \(verdict.rawValue)")
        }
        if pending {
            try list(try reviewing { try workspace.spotChecks(pendingOnly: true) }, in: workspace)
        }
    }

    /// Check number, group, and the output path relative to the output folder (built from new UIDs only).
    private func list(_ checks: [SpotCheck], in workspace: Workspace) throws {
        for check in checks {
            let instance = try reviewing { try workspace.instance(check.instanceID) }
            print("check \(check.id ?? 0)  group \(check.groupID)  instance \(check.instanceID)  \(instance.outputPath ?? "-")")
        }
    }
}
