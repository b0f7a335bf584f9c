// Tests of `view`: whole screens at 100x30 as text against golden files, and text from files that must not reach the terminal raw.
import Engine
import Render
import Review
import Testing
import TUI

@Test func groupsAndInstancesScreens() throws {
    let app = try Fixture.app()
    var state = Fixture.state()
    try Golden.check(app.view(state), "groups")
    Fixture.type("f", app, &state)
    try Golden.check(app.view(state), "groups-filtered")
    state = Fixture.state()
    Fixture.type("<down> <enter>", app, &state)
    _ = app.update(&state, .instancesLoaded(.group(2), Fixture.instances(group: 2, count: 40)))
    _ = app.update(&state, .claimed(group: 2, heldBy: nil))
    Fixture.type("<pagedown>", app, &state)
    try Golden.check(app.view(state), "instances-scrolled")
}

@Test func reviewScreens() throws {
    let app = try Fixture.app()
    var state = Fixture.reviewing(app)
    try Golden.check(app.view(state), "review")
    Fixture.type("<down> v", app, &state)
    try Golden.check(app.view(state), "review-redacted")
    Fixture.type("v e <S-right>", app, &state)
    try Golden.check(app.view(state), "review-editing")
    Fixture.type("<esc> h", app, &state)
    _ = app.update(&state, .headerLoaded(instance: 100, [
        HeaderChangeRow(path: "(0010,0010)", name: "PatientName", before: "DOE^JOHN", after: "ANONMA2EAFZTXS"),
        HeaderChangeRow(path: "(0010,0030)", name: "PatientBirthDate", before: "19700101", after: nil),
        HeaderChangeRow(path: "(0012,0062)", name: "PatientIdentityRemoved", before: nil, after: "YES"),
    ]))
    try Golden.check(app.view(state), "review-header")
    Fixture.type("?", app, &state)
    try Golden.check(app.view(state), "review-help")
}

@Test func questionsPromptsAndSpotChecks() throws {
    let app = try Fixture.app()
    var state = Fixture.reviewing(app)
    Fixture.type("T", app, &state)
    try Golden.check(app.view(state), "confirm-template")
    state.overlay = nil
    Fixture.type("Q s c a n", app, &state)
    try Golden.check(app.view(state), "prompt-quarantine")
    state = Fixture.state()
    Fixture.type("S", app, &state)
    let checks = (1...4).map { i -> SpotCheck in
        var c = SpotCheck(instanceID: Int64(300 + i), groupID: 3, seed: 7, drawnAt: "t", drawnBy: "qa")
        c.id = Int64(i)
        if i == 1 { c.verdict = .clean; c.checkedBy = "qa" }
        return c
    }
    _ = app.update(&state, .spotChecksLoaded(checks, LeakBound(checked: 1, leaks: 0, pending: 3)))
    _ = app.update(&state, .spotCheckLoaded(outputMissing: false, proposals: [Fixture.proposal(1, PixelRect(x: 0, y: 0, width: 60, height: 10))],
                                            columns: 640, rows: 480))
    try Golden.check(app.view(state), "spotcheck")
}

@Test func valuesFromFilesCannotControlTheTerminal() throws {
    let app = try Fixture.app()
    var state = Fixture.reviewing(app)
    // An OCR text and a device name with escape sequences, a bell, a bidi override and a newline.
    let hostile = "DOE\u{1B}[2J\u{1B}]0;owned\u{07}\u{202E}NHOJ\nX"
    state.review?.proposals[0].text = hostile
    var groups = Fixture.groups
    groups[1].device = "Evil\u{1B}[31m / \u{9B}6n"
    state.groups.replace(groups)
    for frame in [app.view(state), { state.screen = .groups; return app.view(state) }()] {
        for cell in frame.cells {
            for scalar in cell.character.unicodeScalars {
                let category = scalar.properties.generalCategory
                #expect(category != .control && category != .format, "U+\(String(scalar.value, radix: 16)) reached the screen")
            }
        }
    }
    #expect(Sanitize.line(hostile) == "DOE?[2J?]0;owned??NHOJ?X")
    #expect(Sanitize.width("ŽEMAITIENĖ") == 10 && Sanitize.width("山田") == 4 && Sanitize.width("e\u{301}") == 1)
    var frame = Frame(columns: 6, rows: 1)
    #expect(frame.put("山田太郎", column: 0, row: 0) == 5) // two wide characters and the ellipsis
    #expect(frame.text() == "山田…")
}

@Test func smallTerminalsSaySo() throws {
    let app = try Fixture.app()
    var state = Fixture.state()
    state.size = TerminalSize(columns: 30, rows: 8)
    #expect(app.view(state).text().hasPrefix("dcmscrub needs at least 40x10"))
}
