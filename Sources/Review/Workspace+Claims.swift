// Workspace+Claims: a reviewer claims a device group so two reviewers never decide on it at once; dead or silent holders lose it.
import Foundation
import GRDB

public enum ClaimOutcome: Sendable, Equatable {
    case claimed
    /// Already ours: the heartbeat was renewed.
    case renewed
    /// Held by a process that is gone, or silent for longer than the workspace's claim expiry.
    case tookOver(from: Reviewer)
}

extension Workspace {
    /// Claims a group for this reviewer and process. Throws `.claimed` while another live holder has it.
    /// The check and the take-over are one IMMEDIATE transaction, so of two processes only one wins.
    @discardableResult
    public func claim(group id: Int64, at date: Date) throws -> ClaimOutcome {
        try write { db in
            guard let group = try DeviceGroup.fetchOne(db, key: id) else { throw ReviewError(.notFound, "no group \(id)") }
            var outcome = ClaimOutcome.claimed
            if let holder = group.claim {
                if holder == reviewer {
                    outcome = .renewed
                } else if isLive(group, at: date) {
                    throw Self.claimedError(id, holder)
                } else {
                    outcome = .tookOver(from: holder)
                }
            }
            try db.execute(sql: """
                UPDATE groups SET claimLogin = ?, claimHost = ?, claimPid = ?, claimHeartbeat = ? WHERE id = ?
                """, arguments: [reviewer.login, reviewer.host, reviewer.pid, date.timeIntervalSince1970, id])
            return outcome
        }
    }

    /// Renews every claim this process holds; a TUI calls it every few seconds. Returns how many.
    @discardableResult
    public func heartbeat(at date: Date) throws -> Int {
        try write { db in
            try db.execute(sql: "UPDATE groups SET claimHeartbeat = ? WHERE claimLogin = ? AND claimHost = ? AND claimPid = ?",
                           arguments: [date.timeIntervalSince1970, reviewer.login, reviewer.host, reviewer.pid])
            return db.changesCount
        }
    }

    /// Gives a group back; nothing happens if another process holds it.
    public func release(group id: Int64) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE groups SET claimLogin = NULL, claimHost = NULL, claimPid = NULL, claimHeartbeat = NULL
                WHERE id = ? AND claimLogin = ? AND claimHost = ? AND claimPid = ?
                """, arguments: [id, reviewer.login, reviewer.host, reviewer.pid])
        }
    }

    /// Gives back every group this process holds (on exit).
    public func releaseAll() throws {
        try write { db in
            try db.execute(sql: """
                UPDATE groups SET claimLogin = NULL, claimHost = NULL, claimPid = NULL, claimHeartbeat = NULL
                WHERE claimLogin = ? AND claimHost = ? AND claimPid = ?
                """, arguments: [reviewer.login, reviewer.host, reviewer.pid])
        }
    }

    /// A decision on a group held by another live reviewer is refused; an unclaimed group is open to all.
    func checkClaim(_ db: Database, group id: Int64?, at date: Date) throws {
        guard let id, let group = try DeviceGroup.fetchOne(db, key: id), let holder = group.claim, holder != reviewer else { return }
        if isLive(group, at: date) { throw Self.claimedError(id, holder) }
    }

    /// Live: a heartbeat within the expiry, and on this host a process with that pid still running.
    func isLive(_ group: DeviceGroup, at date: Date) -> Bool {
        guard let holder = group.claim, let beat = group.claimHeartbeat else { return false }
        if date.timeIntervalSince1970 - beat > settings.claimExpiry { return false }
        if holder.host == reviewer.host && !Reviewer.isAlive(pid: holder.pid) { return false }
        return true
    }

    static func claimedError(_ group: Int64, _ holder: Reviewer) -> ReviewError {
        ReviewError(.claimed, "group \(group) is claimed by \(Sanitized.line(holder.login)) (pid \(holder.pid) on \(Sanitized.line(holder.host)))")
    }
}
