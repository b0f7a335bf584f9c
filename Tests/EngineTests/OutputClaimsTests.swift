// Tests of output claims: the lowest input gets a path, whatever order the claims come in.
@testable import Engine
import Foundation
import Testing

@Test func aLowerInputTakesAPathOverAndAHigherOneIsDenied() {
    let claims = OutputClaims()
    #expect(claims.claim(PathDigest("s/a.dcm"), for: 5) == .granted)
    claims.finish(PathDigest("s/a.dcm"), for: 5)
    #expect(claims.claim(PathDigest("s/a.dcm"), for: 5) == .granted, "the same input again (a second pass)")
    claims.finish(PathDigest("s/a.dcm"), for: 5)
    #expect(claims.claim(PathDigest("s/a.dcm"), for: 7) == .denied)
    // Not recorded yet: the caller records 5 as a duplicate when it settles.
    #expect(claims.claim(PathDigest("s/a.dcm"), for: 2) == .takenOver(from: 5, settled: false))
    claims.finish(PathDigest("s/a.dcm"), for: 2)
    var lost: Bool?
    claims.settle(5, claimed: PathDigest("s/a.dcm")) { lost = $0 }
    #expect(lost == true)
    claims.settle(2, claimed: PathDigest("s/a.dcm")) { lost = $0 }
    #expect(lost == false)
    // Recorded: the taker corrects it.
    #expect(claims.claim(PathDigest("s/a.dcm"), for: 1) == .takenOver(from: 2, settled: true))
    #expect(claims.claim(PathDigest("s/b.dcm"), for: 9) == .granted, "another path is another claim")
}

@Test func aResumedOutputIsItsInputsUnlessClaimedAlready() {
    let claims = OutputClaims()
    #expect(claims.resume(PathDigest("s/a.dcm"), for: 4))
    #expect(claims.claim(PathDigest("s/a.dcm"), for: 6) == .denied)
    #expect(claims.claim(PathDigest("s/a.dcm"), for: 3) == .takenOver(from: 4, settled: false))
    #expect(!claims.resume(PathDigest("s/a.dcm"), for: 4), "claimed by 3 meanwhile: 4 is done again")
}

/// A lower input waits while the higher one's output is being written, so that the higher
/// one's rename cannot land after its own.
@Test func aTakeoverWaitsForTheWriteInProgress() async throws {
    let claims = OutputClaims()
    #expect(claims.claim(PathDigest("s/a.dcm"), for: 8) == .granted)
    let returned = Flag()
    let granted = Task.detached {
        let grant = claims.claim(PathDigest("s/a.dcm"), for: 1)
        returned.set()
        return grant
    }
    try await Task.sleep(nanoseconds: 150_000_000)
    #expect(!returned.isSet, "the claim returned while the other output was being written")
    claims.finish(PathDigest("s/a.dcm"), for: 8)
    #expect(await granted.value == .takenOver(from: 8, settled: false))
    #expect(returned.isSet)
}

private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// The report spool replaces a line still waiting for an earlier one, and refuses to write a
/// report when the line was already written out.
@Test func theSpoolReplacesOnlyALineNotYetWritten() throws {
    let folder = try Fixtures.scratch()
    let spool = try ReportSpool(folder: folder)
    spool.add(Data(#"{"input":2,"state":"delivered"}"#.utf8), state: .delivered, at: 1)
    spool.replace(Data(#"{"input":2,"state":"quarantined"}"#.utf8), state: .quarantined, at: 1)
    spool.add(Data(#"{"input":1,"state":"delivered"}"#.utf8), state: .delivered, at: 0)
    #expect(spool.delivered == 1 && spool.quarantined == 1)
    spool.replace(Data(#"{"input":1,"state":"quarantined"}"#.utf8), state: .quarantined, at: 0)
    let report = RunReport(settings: RunSettings(inputs: [], output: folder, key: Fixtures.key, keyFingerprint: "test"),
                           inputs: 2, delivered: 1, quarantined: 1, instances: [], seconds: 0)
    #expect(throws: EngineError.self) { try spool.write(report, to: folder + "/report.json") }
}
