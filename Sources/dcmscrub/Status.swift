// `dcmscrub status`: device groups, states, templates, claims, reviewers and leak bounds of a workspace.
import ArgumentParser
import Foundation
import Review

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a workspace's device groups, their states, reviewers and the upper 95% bound of the leak rate.")

    @OptionGroup var workspace: WorkspaceOption

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        let workspace = try self.workspace.open()
        let status = try reviewing { try workspace.status(at: Date()) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(status.text, terminator: "")
        }
    }
}
