// Tests of the workstation against a real workspace without a terminal: keys -> update -> WorkspaceEffects -> the database.
import Engine
import Foundation
import Render
import Review
import Testing
import TUI

/// Runs effects and feeds their answers back, as the terminal loop does (a commit runs in line here).
struct Headless {
    let app: App
    let effects: WorkspaceEffects
    var state: AppState

    init(_ workspace: Workspace, keymap: String = "default", clock: @escaping @Sendable () -> Date) throws {
        app = try Fixture.app(keymap)
        effects = WorkspaceEffects(workspace: workspace, clock: clock)
        state = AppState(workspaceName: "ws", reviewer: workspace.reviewer.login, size: TerminalSize(columns: 120, rows: 40), graphics: .blocks)
        run(app.start(&state))
    }

    mutating func run(_ initial: [Effect]) {
        var queue = initial
        while !queue.isEmpty {
            let effect = queue.removeFirst()
            if effect == .quit { state.quitting = true; continue }
            if effect == .commit {
                let msg = effects.commit { _, _ in }
                queue += app.update(&state, msg)
                continue
            }
            for msg in effects.run(effect) { queue += app.update(&state, msg) }
        }
    }

    mutating func type(_ keys: String) {
        for key in Key.sequence(keys) ?? [] { run(app.update(&state, .key(key))) }
    }

    /// Every slot of the current screen rendered as the backend would, so a broken preview fails here.
    func renderSlots() throws -> [RGBImage] {
        try app.view(state).slots.map { try effects.image($0.request) }
    }
}

enum Scratch {
    static func folder(_ name: String = #function) throws -> String {
        let folder = NSTemporaryDirectory() + "dcmscrub-tui-tests/\(name.filter { $0.isLetter })-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    static func workspace(_ folder: String, studies: Int, pixels: PixelPolicy = .clean) throws -> Workspace {
        for i in 0..<studies {
            let patient = [SamplePatient.lithuanian, .german, .plain][i % 3]
            _ = try SampleStudy(patient: patient, seed: 500 + UInt64(i)).writeStudy(into: folder + "/in/s\(i)", slices: 2)
        }
        let reviewer = Reviewer(login: "alice", host: "tui-test", pid: getpid())
        let workspace = try Workspace.create(at: folder + "/ws", settings: WorkspaceSettings(pixels: pixels), reviewer: reviewer,
                                             at: Date(timeIntervalSince1970: 1_800_000_000))
        try workspace.ingest([folder + "/in"], at: Date(timeIntervalSince1970: 1_800_000_001))
        return workspace
    }
}

@Test func aReviewerWorksThroughAGroupAndEveryDecisionIsRecorded() throws {
    let folder = try Scratch.folder()
    let workspace = try Scratch.workspace(folder, studies: 2)
    var seconds = 1_800_000_100.0
    let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_100) }
    var ui = try Headless(workspace, clock: clock)
    #expect(ui.state.groups.count == 3)
    let us = try #require(ui.state.groups.rows.firstIndex { $0.device.contains("SonoView") })
    ui.state.groups.moveTo(us)
    let group = ui.state.groups.rows[us].id
    ui.type("<enter>")
    #expect(ui.state.screen == .instances && ui.state.instances.count == 2 && ui.state.claimed == [group])
    #expect(try workspace.group(group).claim?.login == "alice")
    ui.type("<enter>")
    let pane = try #require(ui.state.review)
    #expect(pane.columns == 320 && pane.rows == 240 && pane.frames == 1 && !pane.proposals.isEmpty && !pane.monochrome)
    // The preview renders from the real file, at the geometry the view asked for.
    let images = try ui.renderSlots()
    #expect(images.count == 1 && images[0].width > 0 && images[0].width <= Layout.preview(ui.state.size).columns)
    // Reject the first box, edit the second, add one, approve: four decisions, audited, in order.
    let first = try #require(pane.proposals.first?.id)
    ui.type("<space>")
    #expect(try workspace.proposals(instance: pane.instanceID).first { $0.id == first }?.status == .rejected)
    // The screen shows the decision at once: the pane and the list row are read again.
    #expect(ui.state.review?.proposals.first { $0.id == first }?.status == .rejected)
    #expect(ui.state.instances.current?.rejected == 1)
    ui.type("<down> e <S-right> <enter>")
    ui.type("b w w <enter>")
    let boxes = try workspace.proposals(instance: pane.instanceID)
    #expect(boxes.contains { $0.source == .manual && $0.rect.width == pane.columns / 5 + 2 })
    ui.type("<enter>")
    #expect(try workspace.instance(pane.instanceID).state == .approved)
    #expect(ui.state.review?.instanceID != pane.instanceID) // moved on to the other image
    let actions = try workspace.decisions(instance: pane.instanceID).map(\.action.rawValue)
    #expect(actions == ["proposal.reject", "proposal.edit", "proposal.add", "instance.approve"])
    #expect(try workspace.verifyAudit().ok)
    // The header panel shows the scrub's changes for the image on screen.
    ui.type("h")
    let header = try #require(ui.state.review?.header)
    #expect(header.contains { $0.name == "PatientName" && $0.after != $0.before })
    _ = seconds
    seconds += 1
    // Save this image's boxes as the group's template, verify it, approve the group, commit, spot-check.
    ui.type("T y V y")
    let template = try #require(try workspace.currentTemplate(group: group))
    #expect(template.version == 2 && template.verified)
    ui.type("<esc> A y")
    #expect(try workspace.instances(group: group, state: .proposed).isEmpty)
    ui.type("<esc> c y")
    #expect(try workspace.instances(group: group, state: .committed).count == 2)
    ui.type("S D <backspace> <backspace> 1 <enter>")
    #expect(ui.state.screen == .spotcheck && ui.state.spot.checks.count >= 1)
    let spot = try ui.renderSlots()
    #expect(spot.count == 2) // the original beside the committed output
    ui.type("p")
    #expect(try workspace.spotChecks().contains { $0.verdict == .clean })
    ui.type("q")
    #expect(ui.state.quitting)
    #expect(try workspace.group(group).claim == nil) // given back on the way out
}

@Test func aGroupClaimedByAnotherReviewerIsReadOnly() throws {
    let folder = try Scratch.folder()
    let workspace = try Scratch.workspace(folder, studies: 1, pixels: .off)
    let bob = try workspace.reopened(as: Reviewer(login: "bob", host: "elsewhere", pid: 4242))
    let now = Date()
    let ct = try #require(try workspace.groups().first { $0.rows == 64 })
    try bob.claim(group: ct.id, at: now)
    var ui = try Headless(workspace, clock: { now })
    ui.state.groups.select(id: String(ct.id))
    ui.type("<enter>")
    #expect(ui.state.heldByOthers[ct.id] == "bob@elsewhere:4242" && ui.state.claimed.isEmpty)
    ui.type("<enter> <enter>")
    #expect(ui.state.message?.text.contains("claimed by bob") == true)
    #expect(try workspace.instances(group: ct.id, state: .approved).isEmpty)
}
