// Tests of `update`: (state, keys typed through the real keymap) -> (state, effects), for every kind of action.
import Engine
import Render
import Review
import Testing
import TUI

@Test func listsMoveOpenFilterAndSearch() throws {
    let app = try Fixture.app()
    var state = Fixture.state()
    #expect(app.start(&state) == [.loadGroups])
    #expect(Fixture.type("<down> <down> <down>", app, &state).isEmpty)
    #expect(state.groups.current?.id == 3) // the cursor stops at the last row
    #expect(Fixture.type("<home>", app, &state).isEmpty && state.groups.current?.id == 1)
    // f cycles the state filter: proposed keeps groups 1 and 2, approved only 1, committed 1 and 3.
    Fixture.type("f", app, &state)
    #expect(state.groups.filter == .proposed && state.groups.shown.map(\.id) == [1, 2])
    Fixture.type("f f", app, &state)
    #expect(state.groups.filter == .committed && state.groups.shown.map(\.id) == [1, 3])
    Fixture.type("f f", app, &state)
    #expect(state.groups.filter == .all)
    Fixture.type("m", app, &state)
    #expect(state.groups.modality == "CT" && state.groups.shown.map(\.id) == [1])
    Fixture.type("m m", app, &state)
    #expect(state.groups.modality == nil && state.groups.count == 3)
    // / types a search that narrows as it is typed; Esc clears it.
    Fixture.type("/ L O G", app, &state)
    #expect(state.overlay == .prompt(.search, text: "LOG") && state.groups.shown.map(\.id) == [3])
    Fixture.type("<enter>", app, &state)
    #expect(state.overlay == nil && state.groups.search == "LOG")
    Fixture.type("/ <esc>", app, &state)
    #expect(state.groups.search == "" && state.groups.count == 3)
    // Enter opens the group under the cursor and claims it.
    state.groups.moveTo(1)
    let effects = Fixture.type("<enter>", app, &state)
    #expect(state.screen == .instances && state.scope == .group(2))
    #expect(effects == [.loadInstances(.group(2)), .claim(2)])
    // Esc goes back and gives the claim up once it was taken.
    _ = app.update(&state, .claimed(group: 2, heldBy: nil))
    #expect(Fixture.type("<esc>", app, &state) == [.release(2), .loadGroups])
    #expect(state.screen == .groups && state.claimed.isEmpty)
}

@Test func vimCountsAndChordsRepeatAndJump() throws {
    let app = try Fixture.app("vim")
    var state = Fixture.state()
    Fixture.type("<enter>", app, &state)
    _ = app.update(&state, .instancesLoaded(.group(1), Fixture.instances(group: 1, count: 40)))
    Fixture.type("5 j", app, &state)
    #expect(state.instances.cursor == 5 && state.count == nil)
    Fixture.type("1 2 G", app, &state)
    #expect(state.instances.cursor == 11)
    Fixture.type("g", app, &state)
    #expect(state.pending == [Key.char("g")] && state.instances.cursor == 11)
    Fixture.type("g", app, &state)
    #expect(state.pending.isEmpty && state.instances.cursor == 0)
    Fixture.type("G", app, &state)
    #expect(state.instances.cursor == 39)
    Fixture.type("z", app, &state) // unbound: said, nothing changes
    #expect(state.message?.text.hasPrefix("z does nothing here") == true && state.instances.cursor == 39)
}

@Test func reviewingDecidesThroughEffectsOnly() throws {
    let app = try Fixture.app()
    var state = Fixture.reviewing(app)
    #expect(state.screen == .review && state.review?.selected == 0)
    // Space toggles the selected box: pending -> rejected (keep its pixels).
    #expect(Fixture.type("<space>", app, &state) == [.decide(.reject(proposal: 11, instance: 100)), .loadInstanceRow(100), .loadInstance(100)])
    // On a rejected box it accepts.
    Fixture.type("<down> <down>", app, &state)
    #expect(state.review?.selected == 2)
    #expect(Fixture.type("<space>", app, &state) == [.decide(.accept(proposal: 13, instance: 100)), .loadInstanceRow(100), .loadInstance(100)])
    #expect(Fixture.type("<down>", app, &state).isEmpty && state.review?.selected == 0) // wraps
    #expect(Fixture.type("A", app, &state) == [.decide(.acceptAll(proposals: [11, 12], instance: 100)), .loadInstanceRow(100), .loadInstance(100)])
    #expect(Fixture.type("<del>", app, &state) == [.decide(.reject(proposal: 11, instance: 100)), .loadInstanceRow(100), .loadInstance(100)])
    // Enter approves and moves on to the next image still in review (101; 103 is approved in the fixture).
    let approve = Fixture.type("<enter>", app, &state)
    #expect(approve == [.decide(.approve(instance: 100)), .loadInstanceRow(100), .loadInstance(101)])
    #expect(state.instances.current?.id == 101)
    // n and p step through the list.
    _ = app.update(&state, .instanceLoaded(Fixture.pane(instance: 101)))
    #expect(Fixture.type("n", app, &state) == [.loadInstance(102)])
    _ = app.update(&state, .instanceLoaded(Fixture.pane(instance: 102)))
    #expect(Fixture.type("p", app, &state) == [.loadInstance(101)])
    // The answer for another image than the one shown last is what is shown.
    _ = app.update(&state, .instanceLoaded(Fixture.pane(instance: 101)))
    #expect(state.review?.instanceID == 101 && state.instances.current?.id == 101)
}

@Test func quarantineAsksForAReasonAndTemplatesAskFirst() throws {
    let app = try Fixture.app()
    var state = Fixture.reviewing(app)
    #expect(Fixture.type("Q", app, &state).isEmpty && state.overlay == .prompt(.quarantineReason(100), text: ""))
    #expect(Fixture.type("<enter>", app, &state).isEmpty && state.message?.isError == true) // empty: refused
    Fixture.type("Q s c a n <space> o f <space> a <space> f o r m", app, &state)
    #expect(state.overlay == .prompt(.quarantineReason(100), text: "scan of a form"))
    #expect(Fixture.type("<enter>", app, &state) == [.decide(.quarantine(instance: 100, reason: "scan of a form")), .loadInstanceRow(100), .loadInstance(100)])
    // T saves the boxes that redact (not the rejected one) once the question is answered yes.
    Fixture.type("T", app, &state)
    let boxes = [PixelRect(x: 0, y: 0, width: 120, height: 16), PixelRect(x: 200, y: 0, width: 100, height: 16)]
    #expect(state.overlay == .confirm(.saveTemplate(2, boxes, instances: 3)))
    #expect(Fixture.type("n", app, &state).isEmpty && state.overlay == nil) // no: nothing happens
    Fixture.type("T", app, &state)
    #expect(Fixture.type("y", app, &state).first == .decide(.saveTemplate(group: 2, boxes, instance: 100)))
    // V needs a template first, then asks.
    #expect(Fixture.type("V", app, &state).isEmpty && state.message?.isError == true)
    state.review?.template = TemplateRecord(groupID: 2, name: "group 2", version: 3, verified: false, author: "alice",
                                            createdAt: "2027-01-01T00:00:00.000Z", rectangles: boxes)
    Fixture.type("V", app, &state)
    #expect(state.overlay == .confirm(.verifyTemplate(2, version: 3)))
    #expect(Fixture.type("<enter>", app, &state).first == .decide(.verifyTemplate(group: 2, instance: 100)))
}

@Test func decisionsNeedAnImageInReviewAndAGroupNoOneElseHolds() throws {
    let app = try Fixture.app()
    var state = Fixture.reviewing(app)
    _ = app.update(&state, .claimed(group: 2, heldBy: "bob@host:42"))
    #expect(Fixture.type("<space> e b <enter>", app, &state).isEmpty)
    #expect(state.message == .error("group 2 is claimed by bob@host:42: read only") && state.review?.edit == nil)
    _ = app.update(&state, .claimed(group: 2, heldBy: nil))
    _ = app.update(&state, .instanceLoaded(Fixture.pane(state: .approved)))
    #expect(Fixture.type("<space>", app, &state).isEmpty && state.message?.text.contains("O reopens it") == true)
    #expect(Fixture.type("O", app, &state) == [.decide(.reopen(instance: 100)), .loadInstanceRow(100), .loadInstance(100)])
}

@Test func framesAndWindowMoveWithinTheImage() throws {
    let app = try Fixture.app()
    var state = Fixture.reviewing(app)
    Fixture.type("<right> <right> <right>", app, &state)
    #expect(state.review?.frame == 3)
    Fixture.type("<end>", app, &state)
    #expect(state.review?.frame == 29)
    Fixture.type("<right>", app, &state)
    #expect(state.review?.frame == 29) // the last frame stays the last
    Fixture.type("<home> <left>", app, &state)
    #expect(state.review?.frame == 0)
    Fixture.type("w", app, &state)
    #expect(state.review?.window == Window(center: 128, width: 256).widened())
    Fixture.type("W W <pagedown>", app, &state)
    #expect(state.review?.window == Window(center: 128, width: 256).widened().narrowed().narrowed().shifted(steps: 1))
    Fixture.type("0", app, &state)
    #expect(state.review?.window == nil)
    state.review?.monochrome = false
    Fixture.type("w", app, &state)
    #expect(state.review?.window == nil && state.message?.text == "a colour image has no grey window")
    // h shows the header changes and asks for them once.
    #expect(Fixture.type("h", app, &state) == [.loadHeader(100)])
    _ = app.update(&state, .headerLoaded(instance: 100, [HeaderChangeRow(path: "(0010,0010)", name: "PatientName", before: "DOE^JOHN", after: "ANON")]))
    #expect(Fixture.type("h h", app, &state).isEmpty && state.review?.showHeader == true)
}

@Test func boxesAreEditedThenRecordedOrDropped() throws {
    let app = try Fixture.app()
    var state = Fixture.reviewing(app)
    Fixture.type("e", app, &state)
    #expect(state.mode == .box && state.unsaved)
    Fixture.type("<right> <right> <S-down> w w W t s", app, &state)
    #expect(state.review?.edit?.rect == PixelRect(x: 2, y: 10, width: 132, height: 16))
    Fixture.type("<S-left>", app, &state)
    #expect(state.review?.edit?.rect.x == 0) // held inside the image
    let applied = Fixture.type("<enter>", app, &state)
    #expect(applied == [.decide(.edit(proposal: 11, PixelRect(x: 0, y: 10, width: 132, height: 16), instance: 100)), .loadInstanceRow(100), .loadInstance(100)])
    #expect(state.review?.edit == nil && state.mode == .review)
    // An edit that ends where it began records nothing.
    Fixture.type("e <right> <left> <enter>", app, &state)
    #expect(state.message?.text == "the box did not change; nothing was recorded")
    // b adds a box in the middle; Esc drops it; q with an edit open asks first.
    Fixture.type("b", app, &state)
    #expect(state.review?.edit?.proposalID == nil && state.review?.edit?.rect == PixelRect(x: 128, y: 110, width: 64, height: 20))
    #expect(Fixture.type("q", app, &state).isEmpty && state.overlay == .confirm(.quit))
    Fixture.type("n", app, &state)
    #expect(state.unsaved && !state.quitting)
    Fixture.type("<esc>", app, &state)
    #expect(!state.unsaved && state.message?.text == "edit cancelled; nothing was recorded")
    Fixture.type("b <up> <enter>", app, &state)
    // Snap: the box touching OCR text becomes that text's bounds.
    Fixture.type("<down> e", app, &state)
    state.review?.edit?.rect = PixelRect(x: 190, y: 4, width: 30, height: 30)
    Fixture.type("f", app, &state)
    #expect(state.review?.edit?.rect == PixelRect(x: 200, y: 0, width: 100, height: 16))
    state.review?.edit?.rect = PixelRect(x: 150, y: 100, width: 5, height: 5)
    Fixture.type("f", app, &state)
    #expect(state.message?.text == "no detected text touches the box")
}

@Test func theMouseSelectsBoxesAndDrawsNewOnes() throws {
    let app = try Fixture.app()
    var state = Fixture.reviewing(app)
    let area = Layout.preview(state.size)
    let geometry = Layout.geometry(imageColumns: 320, imageRows: 240, area: area, state: state)
    func cell(_ x: Int, _ y: Int) -> (Int, Int) {
        let c = geometry.cell(ofImage: PreviewGeometry.Point(x: x, y: y), cellSize: Layout.cellSize(state))
        return (area.column + c.column, area.row + c.row)
    }
    // A click on box 2 (x 200..300, y 0..16) selects it.
    let (c2, r2) = cell(250, 8)
    _ = app.update(&state, .mouse(MouseEvent(.press, column: c2, row: r2)))
    _ = app.update(&state, .mouse(MouseEvent(.release, column: c2, row: r2)))
    #expect(state.review?.selected == 1 && state.review?.edit == nil)
    // A drag on empty image draws a new box covering both ends.
    let (c0, r0) = cell(40, 100), (c1, r1) = cell(120, 160)
    _ = app.update(&state, .mouse(MouseEvent(.press, column: c0, row: r0)))
    _ = app.update(&state, .mouse(MouseEvent(.drag, column: (c0 + c1) / 2, row: (r0 + r1) / 2)))
    _ = app.update(&state, .mouse(MouseEvent(.release, column: c1, row: r1)))
    let drawn = try #require(state.review?.edit?.rect)
    #expect(drawn.contains(x: 41, y: 101) && drawn.contains(x: 119, y: 159) && !drawn.contains(x: 30, y: 90))
    let effects = Fixture.type("<enter>", app, &state)
    #expect(effects.first == .decide(.addBox(instance: 100, drawn)))
    // A click on empty image draws nothing.
    _ = app.update(&state, .mouse(MouseEvent(.press, column: c0, row: r0)))
    _ = app.update(&state, .mouse(MouseEvent(.release, column: c0, row: r0)))
    #expect(state.review?.edit == nil)
    // The wheel steps frames.
    _ = app.update(&state, .mouse(MouseEvent(.scrollDown, column: c0, row: r0)))
    #expect(state.review?.frame == 1)
}

@Test func helpCommitAndSpotChecks() throws {
    let app = try Fixture.app()
    var state = Fixture.state()
    Fixture.type("?", app, &state)
    #expect(state.overlay == .help)
    Fixture.type("x", app, &state) // any key closes it
    #expect(state.overlay == nil)
    Fixture.type("c", app, &state)
    #expect(state.overlay == .confirm(.commit(approved: 2)))
    #expect(Fixture.type("y", app, &state) == [.commit] && state.commit != nil)
    _ = app.update(&state, .commitProgress(done: 1, total: 2))
    #expect(state.commit == CommitPane(done: 1, total: 2))
    #expect(app.update(&state, .commitFinished("2 committed")) == [.loadGroups] && state.commit == nil)
    // Spot checks: the first pending check is selected and its images asked for; p records clean and moves on.
    #expect(Fixture.type("S", app, &state) == [.loadSpotChecks] && state.screen == .spotcheck)
    var checks = (1...3).map { i -> SpotCheck in
        var c = SpotCheck(instanceID: Int64(200 + i), groupID: 3, seed: 7, drawnAt: "t", drawnBy: "qa")
        c.id = Int64(i)
        return c
    }
    checks[0].verdict = .clean
    #expect(app.update(&state, .spotChecksLoaded(checks, LeakBound(checked: 1, leaks: 0, pending: 2))) == [.loadSpotCheck(instance: 202)])
    #expect(Fixture.type("p", app, &state) == [.verdict(check: 2, .clean), .loadSpotChecks, .loadSpotCheck(instance: 203)])
    #expect(state.spot.checks.current?.id == 3)
    Fixture.type("<home>", app, &state)
    #expect(Fixture.type("f", app, &state).isEmpty && state.message?.isError == true) // check 1 has its verdict
    _ = app.update(&state, .spotCheckLoaded(outputMissing: true, proposals: [], columns: 64, rows: 64))
    Fixture.type("<end>", app, &state)
    #expect(Fixture.type("p", app, &state).isEmpty && state.message?.text.contains("cannot be passed unseen") == true)
    #expect(Fixture.type("f", app, &state).first == .verdict(check: 3, .leak))
    Fixture.type("D", app, &state)
    #expect(state.overlay == .prompt(.sampleSize, text: "10"))
    #expect(Fixture.type("<backspace> 5 <enter>", app, &state) == [.drawSpotChecks(perGroup: 15), .loadSpotChecks])
    #expect(Fixture.type("q", app, &state) == [.quit] && state.quitting)
}

/// Every action bound in a mode of the default keymap does something there: changes the state, asks for an
/// effect, or says why not. None is silently ignored.
@Test func everyBoundActionHasAnEffectInItsMode() throws {
    let app = try Fixture.app()
    let keymap = try Fixture.keymap()
    func state(for mode: Mode) -> AppState {
        var state = Fixture.reviewing(app)
        switch mode {
        case .groups:
            state = Fixture.state()
        case .studies:
            state = Fixture.state()
            Fixture.type("<tab>", app, &state)
            let study = StudySummary(key: "1.2.3", pseudonym: "ANON1", outputStudy: "2.25.1", series: 2, modalities: ["CT", "US"],
                                     groups: [1, 2], counts: StateCounts(proposed: 3))
            _ = app.update(&state, .studiesLoaded([study, StudySummary(key: "1.2.4", pseudonym: "ANON2", outputStudy: "2.25.2", series: 1,
                                                                       modalities: ["US"], groups: [2], counts: StateCounts(committed: 1)),
                                               StudySummary(key: "1.2.5", pseudonym: "ANON3", outputStudy: "2.25.3", series: 1,
                                                            modalities: ["SR"], groups: [3], counts: StateCounts(proposed: 1))]))
        case .instances:
            state = Fixture.state()
            Fixture.type("<down> <enter>", app, &state)
            _ = app.update(&state, .instancesLoaded(.group(2), Fixture.instances(group: 2, count: 12)))
        case .box:
            Fixture.type("e", app, &state)
        case .spotcheck:
            state = Fixture.state()
            Fixture.type("S", app, &state)
            let checks = (1...3).map { i -> SpotCheck in
                var c = SpotCheck(instanceID: Int64(200 + i), groupID: 3, seed: 7, drawnAt: "t", drawnBy: "qa")
                c.id = Int64(i)
                return c
            }
            _ = app.update(&state, .spotChecksLoaded(checks, LeakBound(checked: 0, leaks: 0, pending: 3)))
            state.spot.checks.moveTo(1)
        default:
            // Away from the first frame and with a window of its own, so every step can be seen.
            state.review?.frame = 5
            state.review?.window = Window(center: 100, width: 200)
        }
        // Away from the edges, so moving either way changes something.
        state.groups.moveTo(1)
        state.studies.moveTo(1)
        state.instances.moveTo(1)
        if mode == .box { state.review?.edit?.rect = PixelRect(x: 20, y: 20, width: 150, height: 30) }
        state.message = nil
        return state
    }
    var checked = 0
    for mode in [Mode.groups, .studies, .instances, .review, .box, .spotcheck] {
        for action in Action.allCases where !keymap.keys(for: action, in: mode).isEmpty {
            var s = state(for: mode)
            #expect(s.mode == mode)
            let before = s
            let effects = app.perform(action, &s)
            #expect(s != before || !effects.isEmpty, "\(action.rawValue) in \(mode.rawValue) does nothing")
            checked += 1
        }
    }
    #expect(checked > 80)
}
