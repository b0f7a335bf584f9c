// The Render module links with libsixel.
import Render
import Testing

@Test func renderModuleBuilds() {
    #expect(Bool(true))
}
