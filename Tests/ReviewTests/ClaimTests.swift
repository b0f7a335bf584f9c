// Tests of claims: one holder per device group, decisions of others refused, silent or dead holders taken over, races won once.
import Foundation
import Review
import Testing

private func claimable(_ name: String = #function, expiry: Double = 120) throws -> (Workspace, group: Int64, instance: Int64) {
    let folder = try Fixture.scratch(name)
    try Fixture.studies(in: folder + "/in", count: 1, slices: 2)
    let ws = try Fixture.workspace(folder + "/ws", claimExpiry: expiry)
    try ws.ingest([folder + "/in"], at: Fixture.at(1))
    let group = try Fixture.group(ws, model: "Helix 64", rows: 64).id
    return (ws, group, try #require(try ws.instances(group: group).first?.id))
}

@Test func aClaimKeepsOthersOutUntilReleased() throws {
    let (alice, group, instance) = try claimable()
    let bob = try alice.reopened(as: .bob)
    #expect(try alice.claim(group: group, at: Fixture.at(10)) == .claimed)
    #expect(try alice.claim(group: group, at: Fixture.at(11)) == .renewed)
    #expect(performing: { try bob.claim(group: group, at: Fixture.at(12)) }, throws: { ($0 as? ReviewError)?.code == .claimed })
    #expect(performing: { try bob.approve(instance: instance, at: Fixture.at(12)) }, throws: { ($0 as? ReviewError)?.code == .claimed })
    #expect(try bob.instance(instance).state == .proposed)
    // The holder decides; the status shows who holds the group.
    try alice.approve(instance: instance, at: Fixture.at(13))
    #expect(try alice.status(at: Fixture.at(13)).groups.first { $0.id == group }?.claimedBy == Reviewer.alice.holder)
    try alice.release(group: group)
    #expect(try bob.claim(group: group, at: Fixture.at(14)) == .claimed)
    // An unclaimed group is open to every reviewer.
    try bob.releaseAll()
    try alice.reopen(instance: instance, at: Fixture.at(15))
}

@Test func aSilentClaimExpires() throws {
    let (alice, group, _) = try claimable(expiry: 60)
    let bob = try alice.reopened(as: .bob)
    try alice.claim(group: group, at: Fixture.at(100))
    #expect(try alice.heartbeat(at: Fixture.at(150)) == 1)
    #expect(throws: ReviewError.self) { try bob.claim(group: group, at: Fixture.at(200)) } // 50 s after the heartbeat
    #expect(try bob.claim(group: group, at: Fixture.at(211)) == .tookOver(from: .alice))
    // Alice's old claim no longer lets her decide over Bob's.
    let instance = try #require(try alice.instances(group: group).first?.id)
    #expect(throws: ReviewError.self) { try alice.approve(instance: instance, at: Fixture.at(212)) }
}

@Test func aClaimOfADeadProcessIsTakenOverAtOnce() throws {
    let (alice, group, _) = try claimable()
    let gone = Reviewer(login: "carol", host: Reviewer.alice.host, pid: try Fixture.deadPid())
    try alice.reopened(as: gone).claim(group: group, at: Fixture.at(10))
    // One second later the heartbeat is fresh, but the process is gone on this host.
    #expect(try alice.claim(group: group, at: Fixture.at(11)) == .tookOver(from: gone))
    // A holder on another host is judged by its heartbeat alone.
    let remote = Reviewer(login: "dave", host: "elsewhere", pid: gone.pid)
    try alice.releaseAll()
    try alice.reopened(as: remote).claim(group: group, at: Fixture.at(20))
    #expect(throws: ReviewError.self) { try alice.claim(group: group, at: Fixture.at(21)) }
}

@Test func ofManyRacingClaimantsExactlyOneWins() throws {
    let (ws, group, _) = try claimable()
    // Live holders all: this host, this (running) process, eight logins.
    let racers = try (0..<8).map { try ws.reopened(as: Reviewer(login: "r\($0)", host: "review-test", pid: getpid())) }
    let outcomes = Outcomes()
    DispatchQueue.concurrentPerform(iterations: racers.count) { i in
        do {
            try racers[i].claim(group: group, at: Fixture.at(10))
            outcomes.add("won")
        } catch let error as ReviewError {
            outcomes.add(error.code.name)
        } catch {
            outcomes.add("other")
        }
    }
    #expect(outcomes.sorted == ["claimed", "claimed", "claimed", "claimed", "claimed", "claimed", "claimed", "won"])
}

final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String] = []
    func add(_ value: String) { lock.withLock { values.append(value) } }
    var sorted: [String] { lock.withLock { values.sorted() } }
}
