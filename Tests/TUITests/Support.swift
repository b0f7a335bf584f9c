// Support: states built in code, keys typed through the real keymap parser, the shipped keymaps, golden screens.
import Engine
import Foundation
import Render
import Review
import Testing
import TUI

typealias Action = TUI.Action
typealias Frame = TUI.Frame

enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func keymap(_ name: String = "default") throws -> Keymap {
        try Keymap.load(root + "/Keymaps/\(name).toml", user: nil)
    }

    static func app(_ name: String = "default") throws -> App { App(keymap: try keymap(name)) }

    static let groups: [GroupStatus] = [
        group(1, "Acme Medical / Helix 64 / 64x64", StateCounts(proposed: 40, approved: 2, committed: 10, quarantined: 1), modalities: ["CT"]),
        group(2, "Acme Sonics / SonoView 5 / 320x240", StateCounts(proposed: 3), modalities: ["US"],
              template: TemplateSummary(version: 2, verified: true, author: "alice", createdAt: "2027-01-01T00:00:00.000Z", rectangles: 3)),
        group(3, "GE Healthcare / LOGIQ E9 / 640x480", StateCounts(committed: 25), modalities: ["US"],
              checks: LeakBound(checked: 25, leaks: 0, pending: 0)),
    ]

    static func group(_ id: Int64, _ device: String, _ counts: StateCounts, modalities: [String], template: TemplateSummary? = nil,
                      checks: LeakBound = LeakBound(checked: 0, leaks: 0, pending: 0)) -> GroupStatus {
        var g = GroupStatus(id: id, device: device, counts: counts, template: template, spotChecks: checks)
        g.modalities = modalities
        g.patients = Int(id) + 1
        g.studies = Int(id) + 2
        g.series = Int(id) + 3
        return g
    }

    static func instances(group: Int64, count: Int, first: Int64 = 100) -> [InstanceSummary] {
        (0..<count).map { i in
            var row = InstanceSummary(id: first + Int64(i), groupID: group, state: i % 4 == 3 ? .approved : .proposed,
                                      modality: "US", frames: i == 0 ? 30 : 1, pseudonym: "ANON\(1000 + i)")
            row.ocrBoxes = 3
            row.pending = 3
            return row
        }
    }

    static func proposal(_ id: Int64, _ rect: PixelRect, _ source: Proposal.Source = .ocr, text: String = "DOE^JOHN",
                         status: ProposalStatus = .pending, instance: Int64 = 100) -> ProposalRecord {
        var p = ProposalRecord(instanceID: instance, rect: rect, source: source, text: text, confidence: 90,
                               reason: "matches a name in the header", status: status)
        p.id = id
        return p
    }

    static func pane(instance: Int64 = 100, state: ReviewState = .proposed, frames: Int = 30) -> ReviewPane {
        var pane = ReviewPane(instanceID: instance, groupID: 2, state: state, columns: 320, rows: 240, frames: frames, proposals: [
            proposal(11, PixelRect(x: 0, y: 0, width: 120, height: 16)),
            proposal(12, PixelRect(x: 200, y: 0, width: 100, height: 16), text: "17.05.2024"),
            proposal(13, PixelRect(x: 260, y: 210, width: 50, height: 20), text: "12 cm", status: .rejected),
        ])
        pane.defaultWindow = Window(center: 128, width: 256)
        return pane
    }

    /// The groups screen with rows loaded, 100x30, half blocks.
    static func state() -> AppState {
        var state = AppState(workspaceName: "ws", reviewer: "alice", size: TerminalSize(columns: 100, rows: 30), graphics: .blocks)
        state.groups.replace(groups)
        return state
    }

    /// Group 2's list open and image 100 under review, claimed by this reviewer.
    static func reviewing(_ app: App) -> AppState {
        var state = state()
        _ = type("<down> <enter>", app, &state)
        _ = app.update(&state, .instancesLoaded(.group(2), instances(group: 2, count: 12)))
        _ = app.update(&state, .claimed(group: 2, heldBy: nil))
        _ = type("<enter>", app, &state)
        _ = app.update(&state, .instanceLoaded(pane()))
        return state
    }

    /// Types keys ("j j <enter>") through `update`, collecting every effect.
    @discardableResult
    static func type(_ keys: String, _ app: App, _ state: inout AppState) -> [Effect] {
        guard let sequence = Key.sequence(keys) else {
            Issue.record("keys do not parse: \(keys)")
            return []
        }
        return sequence.flatMap { app.update(&state, .key($0)) }
    }
}

/// Golden screens in Tests/TUITests/Snapshots: a missing one fails (DCMSCRUB_RECORD_SNAPSHOTS=1 writes it).
enum Golden {
    static func check(_ frame: Frame, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = Fixture.root + "/Tests/TUITests/Snapshots/\(name).txt"
        let text = frame.text() + "\n"
        guard let expected = FileManager.default.contents(atPath: path) else {
            if ProcessInfo.processInfo.environment["DCMSCRUB_RECORD_SNAPSHOTS"] != nil {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            }
            Issue.record("no golden screen \(name).txt; run with DCMSCRUB_RECORD_SNAPSHOTS=1 to write it, then read it", sourceLocation: sourceLocation)
            return
        }
        let golden = String(decoding: expected, as: UTF8.self)
        if golden != text {
            try text.write(toFile: path + ".actual", atomically: true, encoding: .utf8)
        }
        #expect(golden == text, "screen \(name) differs from its golden file (see \(name).txt.actual)", sourceLocation: sourceLocation)
    }
}
