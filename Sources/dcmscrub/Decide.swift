// `dcmscrub decide`: a reviewer's decisions from a script, one transaction each, for batch operators and tests without the TUI.
import ArgumentParser
import Engine
import Foundation
import Review

/// "x,y,width,height".
struct BoxArgument: ExpressibleByArgument {
    let rect: PixelRect
    init?(argument: String) {
        let parts = argument.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4 else { return nil }
        rect = PixelRect(x: parts[0], y: parts[1], width: parts[2], height: parts[3])
    }
}

struct Decide: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record review decisions without the TUI; each is checked, stored with your login name, and audited.",
        subcommands: [Approve.self, Reopen.self, Quarantine.self, Accept.self, Reject.self, AddBox.self, ApproveGroup.self])

    struct Common: ParsableArguments {
        @OptionGroup var workspace: WorkspaceOption

        @Option(name: .long, help: "Why (stored with the decision).")
        var reason: String?

        @Flag(name: .long, help: "Claim the groups concerned while deciding, and give them back at the end.")
        var claim = false
    }

    /// Runs one decision per target; a refused one (wrong state, claimed) is reported and the rest go on.
    /// Exit status 1 when any was refused.
    static func each<T>(_ targets: [T], _ common: Common, groups: (Workspace, T) throws -> Int64?,
                        _ body: (Workspace, T) throws -> Void) throws {
        let workspace = try common.workspace.open()
        var refused = 0
        var claimed: Set<Int64> = []
        defer { for group in claimed { try? workspace.release(group: group) } }
        for target in targets {
            do {
                if common.claim, let group = try groups(workspace, target), !claimed.contains(group) {
                    try workspace.claim(group: group, at: Date())
                    claimed.insert(group)
                }
                try body(workspace, target)
            } catch let error as ReviewError where error.code == .conflict || error.code == .claimed || error.code == .notFound {
                FileHandle.standardError.write(Data("dcmscrub: \(error.message)\n".utf8))
                refused += 1
            } catch let error as ReviewError {
                FileHandle.standardError.write(Data("dcmscrub: \(error.message)\n".utf8))
                throw ExitCode(2)
            }
        }
        print("\(targets.count - refused) decisions recorded, \(refused) refused")
        if refused > 0 { throw ExitCode(1) }
    }

    static func group(of instance: Int64, in workspace: Workspace) throws -> Int64? {
        try workspace.instance(instance).groupID
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve instances (their boxes as they stand) for commit.")
        @OptionGroup var common: Common
        @Option(name: .long, help: "An instance number (repeat).")
        var instance: [Int64] = []
        @Option(name: .long, help: "Every instance of this group still in review, one decision each.")
        var group: Int64?

        func run() throws {
            var targets = instance
            if let group {
                let workspace = try common.workspace.open()
                targets += try reviewing { try workspace.instances(group: group, state: .proposed).compactMap(\.id) }
            }
            try Decide.each(targets, common, groups: { try Decide.group(of: $1, in: $0) }) { workspace, id in
                try workspace.approve(instance: id, reason: common.reason, at: Date())
            }
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send approved or reviewer-quarantined instances back to review.")
        @OptionGroup var common: Common
        @Option(name: .long, help: "An instance number (repeat).")
        var instance: [Int64]

        func run() throws {
            try Decide.each(instance, common, groups: { try Decide.group(of: $1, in: $0) }) { workspace, id in
                try workspace.reopen(instance: id, reason: common.reason, at: Date())
            }
        }
    }

    struct Quarantine: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Keep instances from delivery (a reason is required).")
        @OptionGroup var common: Common
        @Option(name: .long, help: "An instance number (repeat).")
        var instance: [Int64]

        func run() throws {
            guard let reason = common.reason else { throw ValidationError("--reason is required.") }
            try Decide.each(instance, common, groups: { try Decide.group(of: $1, in: $0) }) { workspace, id in
                try workspace.quarantine(instance: id, reason: reason, at: Date())
            }
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept proposals: their boxes are redacted.")
        @OptionGroup var common: Common
        @Option(name: .long, help: "A proposal number (repeat).")
        var proposal: [Int64]

        func run() throws {
            try Decide.each(proposal, common, groups: { try Decide.proposalGroup($1, in: $0) }) { workspace, id in
                try workspace.accept(proposal: id, reason: common.reason, at: Date())
            }
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject proposals: their pixels are kept.")
        @OptionGroup var common: Common
        @Option(name: .long, help: "A proposal number (repeat).")
        var proposal: [Int64]

        func run() throws {
            try Decide.each(proposal, common, groups: { try Decide.proposalGroup($1, in: $0) }) { workspace, id in
                try workspace.reject(proposal: id, reason: common.reason, at: Date())
            }
        }
    }

    static func proposalGroup(_ id: Int64, in workspace: Workspace) throws -> Int64? {
        try workspace.group(ofProposal: id)
    }

    struct AddBox: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-box", abstract: "Add a box to redact to instances.")
        @OptionGroup var common: Common
        @Option(name: .long, help: "An instance number (repeat).")
        var instance: [Int64]
        @Option(name: .long, help: "x,y,width,height in pixels.")
        var box: BoxArgument

        func run() throws {
            try Decide.each(instance, common, groups: { try Decide.group(of: $1, in: $0) }) { workspace, id in
                try workspace.addBox(instance: id, rect: box.rect, reason: common.reason, at: Date())
            }
        }
    }

    struct ApproveGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve-group",
            abstract: "Save a verified template for a device group (--box ..., none: the device writes no text) and approve the group.")
        @OptionGroup var common: Common
        @Option(name: .long, help: "The device group.")
        var group: Int64
        @Option(name: .long, help: "A template rectangle x,y,width,height (repeat).")
        var box: [BoxArgument] = []
        @Flag(name: .long, help: "Keep the group's current verified template instead of saving a new version.")
        var keepTemplate = false

        func run() throws {
            try Decide.each([group], common, groups: { $1 }) { workspace, id in
                let approval = try workspace.approveGroup(id, rectangles: keepTemplate ? nil : box.map(\.rect), reason: common.reason, at: Date())
                print("group \(id): template v\(approval.template.version), \(approval.approved) instances approved")
            }
        }
    }
}
