// `dcmscrub audit`: verify the audit trail's hash chain, or export it as CSV or JSON.
import ArgumentParser
import Engine
import Foundation
import Review

extension AuditFormat: ExpressibleByArgument {}

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The workspace's append-only audit trail.", subcommands: [Verify.self, Export.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain and that decisions and commits agree with it; exit 1 when anything was altered.")

        @OptionGroup var workspace: WorkspaceOption

        func run() throws {
            let workspace = try self.workspace.open()
            let result = try reviewing { try workspace.verifyAudit() }
            for problem in result.problems {
                FileHandle.standardError.write(Data("dcmscrub: audit entry \(problem.seq): \(problem.message)\n".utf8))
            }
            print("\(result.entries) audit entries, \(result.problems.isEmpty ? "chain intact" : "\(result.problems.count) problems"); head \(result.head)")
            if !result.ok { throw ExitCode(1) }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the audit trail as CSV or JSON (to stdout, or --out FILE).")

        @OptionGroup var workspace: WorkspaceOption

        @Option(name: .long, help: "csv or json.")
        var format: AuditFormat = .csv

        @Option(name: .long, help: "Output file (mode 0600).")
        var out: String?

        func run() throws {
            let workspace = try self.workspace.open()
            let data = try reviewing { try workspace.exportAudit(format) }
            if let out {
                try reviewing { try AtomicFile.write(data, to: out, mode: 0o600) }
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }
}
