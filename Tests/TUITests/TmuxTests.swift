// End to end: the real dcmscrub binary in tmux, driven by send-keys and read by capture-pane; the workspace records what was done.
import Engine
import Foundation
import Review
import Testing

/// One tmux server of its own (its own socket), so tests never meet a user's tmux or each other.
final class Tmux {
    let socket = "dcmscrub-test-\(UUID().uuidString.prefix(8))"
    let home: String

    init(home: String) { self.home = home }

    /// Runs a tmux client with posix_spawn and waitpid, its output through a file: the server that the
    /// first call starts inherits the client's descriptors (a pipe would never reach its end), and
    /// Foundation's Process was seen to leave the exited client unreaped.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let output = home + "/tmux-\(UUID().uuidString.prefix(8)).out"
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment["XDG_CONFIG_HOME"] = home + "/.config"
        environment["TERM"] = "xterm-256color"
        environment.removeValue(forKey: "TMUX")
        let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, "tmux", &actions, nil, argv, envp) == 0 else { throw CocoaError(.executableNotLoadable) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        defer { unlink(output) }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    func start(_ command: [String], columns: Int = 120, rows: Int = 36) throws {
        let line = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        try tmux(["new-session", "-d", "-s", "t", "-x", "\(columns)", "-y", "\(rows)", line + "; echo exited:$?; sleep 5"])
    }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", "t"]) }

    /// Keys by tmux's names ("Enter", "Down", "Space") or literal text with `literal`.
    func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", "t"] + (literal ? ["-l"] : []) + keys)
    }

    /// Waits until the screen shows `text`; fails the test with the screen when it does not within `seconds`.
    @discardableResult
    func wait(for text: String, seconds: Double = 20, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("'\(text)' never appeared; the screen was:\n\(last)", sourceLocation: sourceLocation)
        throw CancellationError()
    }

    func stop() { _ = try? tmux(["kill-server"]) }
}

enum Binary {
    static let path = Fixture.root + "/.build/debug/dcmscrub"

    static func run(_ arguments: [String], stdin: FileHandle? = nil) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin { process.standardInput = stdin }
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile(), error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }
}

@Test(.timeLimit(.minutes(3)))
func aReviewInTmuxIsRecordedInTheWorkspace() throws {
    let folder = try Scratch.folder()
    let demo = try Binary.run(["demo", "--into", folder + "/demo", "--no-review"])
    #expect(demo.status == 0, "\(demo.error)")
    let path = folder + "/demo/workspace"
    let tmux = Tmux(home: folder)
    defer { tmux.stop() }
    try tmux.start([Binary.path, "review", "--workspace", path, "--graphics", "blocks"])
    try tmux.wait(for: "Device groups (4 of 4)")
    // Find the ultrasound group by searching, open it, open its first image.
    try tmux.send("/")
    try tmux.send("SonoView 5", literal: true)
    try tmux.send("Enter")
    try tmux.wait(for: "search: SonoView 5 · 1 of 4")
    try tmux.send("Enter")
    try tmux.wait(for: "(claimed)")
    try tmux.send("Enter")
    var screen = try tmux.wait(for: "· proposed · group")
    #expect(screen.contains("▀")) // the half-block preview is drawn
    // Reject box 1 (the patient's name), move box 2 two pixels right, add a box, save the boxes as the
    // template, approve; then approve the next image as proposed.
    try tmux.send("Space")
    try tmux.wait(for: "box rejected")
    try tmux.send("Down", "e", "Right", "Right", "Enter")
    try tmux.wait(for: "box moved to")
    try tmux.send("b", "Enter")
    try tmux.wait(for: "added")
    try tmux.send("T")
    try tmux.wait(for: "Confirm")
    try tmux.send("y")
    try tmux.wait(for: "saved for group")
    try tmux.send("Enter")
    try tmux.wait(for: "approved for commit")
    try tmux.wait(for: "· proposed · group")
    try tmux.send("Enter")
    try tmux.wait(for: "approved for commit")
    // Back to the groups, commit, quit.
    try tmux.send("Escape")
    try tmux.wait(for: "Group ")
    try tmux.send("Escape")
    try tmux.wait(for: "Device groups")
    try tmux.send("c")
    try tmux.wait(for: "Commit 2 approved images")
    try tmux.send("y")
    // The image whose name box was rejected fails the quality check and is quarantined, not delivered.
    screen = try tmux.wait(for: "1 committed, 0 already committed, 1 quarantined", seconds: 90)
    try tmux.send("q")
    try tmux.wait(for: "exited:0")

    let workspace = try Workspace.open(at: path, reviewer: Reviewer(login: "check", host: "test", pid: 1))
    let us = try #require(try workspace.groups().first { $0.model == "SonoView 5" })
    let quarantined = try workspace.instances(group: us.id, state: .quarantined)
    #expect(quarantined.count == 1 && quarantined.first?.quarantineCode == "verification-failed")
    let first = try #require(quarantined.first?.id)
    let actions = try workspace.decisions(instance: first).map(\.action.rawValue)
    #expect(actions == ["proposal.reject", "proposal.edit", "proposal.add", "instance.approve"])
    let committed = try workspace.instances(group: us.id, state: .committed)
    #expect(committed.count == 1)
    let id = try #require(committed.first?.id)
    #expect(try workspace.decisions(instance: id).map(\.action.rawValue) == ["instance.approve"])
    #expect(try workspace.templates(group: us.id).count == 1)
    #expect(try workspace.auditEntries().map(\.action).contains("instance.commit"))
    #expect(try workspace.verifyAudit().ok)
    #expect(try workspace.group(us.id).claim == nil) // given back on quit
    // The committed output has the approved boxes' pixels black and decodes.
    let output = try #require(try workspace.committedOutput(instance: id))
    #expect(try DicomFile.open(path: output).pixelInfo().frames == 1)
}

@Test func aBrokenKeymapStopsTheStartWithFileAndLine() throws {
    let folder = try Scratch.folder()
    let keymap = folder + "/mine.toml"
    try "[review]\na = \"proposal.accept\"\nz = \"proposal.zap\"\n".write(toFile: keymap, atomically: true, encoding: .utf8)
    let result = try Binary.run(["review", "--workspace", folder + "/none", "--keymap", keymap])
    #expect(result.status == 2)
    #expect(result.error == "dcmscrub: keymap \(keymap):3: unknown command 'proposal.zap'\n")
    // Without a terminal the workstation says what to use instead.
    let workspace = try Scratch.workspace(folder, studies: 1, pixels: .off)
    let notty = try Binary.run(["review", "--workspace", workspace.folder], stdin: FileHandle(forReadingAtPath: "/dev/null"))
    #expect(notty.status == 2 && notty.error.contains("review needs a terminal"))
}
