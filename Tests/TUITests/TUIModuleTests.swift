// The TUI module links with ncursesw and TOMLKit.
import TUI
import Testing

@Test func tuiModuleBuilds() {
    #expect(Bool(true))
}
