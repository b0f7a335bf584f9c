// Workspace+SpotChecks: a seeded, stratified sample of committed outputs per device group, and the QA verdicts on it.
import Foundation
import GRDB

extension Workspace {
    /// The sample a draw with this seed would take now: up to `perGroup` committed instances of each
    /// group not drawn before, shuffled by a generator seeded per group (so one group's sample does
    /// not depend on the others). Nothing is recorded.
    public func spotCheckSample(perGroup: Int, seed: UInt64) throws -> [(group: Int64, instance: Int64)] {
        try read { db in try sample(db, perGroup: perGroup, seed: seed) }
    }

    /// Draws and records the sample; returns the new checks, pending a verdict.
    @discardableResult
    public func drawSpotChecks(perGroup: Int, seed: UInt64, at date: Date) throws -> [SpotCheck] {
        guard perGroup > 0 else { throw ReviewError(.usage, "the sample size must be at least 1") }
        let time = Timestamp.string(date)
        return try write { db in
            var checks: [SpotCheck] = []
            for (group, instance) in try sample(db, perGroup: perGroup, seed: seed) {
                var check = SpotCheck(instanceID: instance, groupID: group, seed: Int64(bitPattern: seed), drawnAt: time,
                                      drawnBy: reviewer.login)
                try check.insert(db)
                checks.append(check)
            }
            try AuditEntry.append(db, action: .spotcheckDraw, reviewer: reviewer.login, time: time, payload: [
                "seed": .text(String(seed)), "perGroup": .int(Int64(perGroup)), "instances": .ints(checks.map(\.instanceID)),
            ])
            return checks
        }
    }

    /// Records what the QA officer found; a check gets one verdict only.
    public func recordVerdict(check id: Int64, _ verdict: SpotCheck.Verdict, note: String? = nil, at date: Date) throws {
        let time = Timestamp.string(date)
        try decide(.spotcheckVerdict, reason: note, at: date) { db in
            guard let check = try SpotCheck.fetchOne(db, key: id) else { throw ReviewError(.notFound, "no spot check \(id)") }
            guard check.verdict == nil else { throw ReviewError(.conflict, "spot check \(id) already has a verdict") }
            try db.execute(sql: "UPDATE spotChecks SET verdict = ?, checkedBy = ?, checkedAt = ?, note = ? WHERE id = ?",
                           arguments: [verdict, self.reviewer.login, time, note.map(Sanitized.line), id])
            return (["check": .int(id), "instance": .int(check.instanceID), "verdict": .text(verdict.rawValue)],
                    DecisionTarget(instance: check.instanceID, group: check.groupID))
        }
    }

    public func spotChecks(pendingOnly: Bool = false) throws -> [SpotCheck] {
        try read { db in
            var request = SpotCheck.order(Column("id"))
            if pendingOnly { request = request.filter(Column("verdict") == nil) }
            return try request.fetchAll(db)
        }
    }

    private func sample(_ db: Database, perGroup: Int, seed: UInt64) throws -> [(group: Int64, instance: Int64)] {
        var result: [(group: Int64, instance: Int64)] = []
        for group in try Int64.fetchAll(db, sql: "SELECT id FROM groups ORDER BY id") {
            var candidates = try Int64.fetchAll(db, sql: """
                SELECT id FROM instances WHERE groupID = ? AND state = 'committed'
                    AND id NOT IN (SELECT instanceID FROM spotChecks) ORDER BY id
                """, arguments: [group])
            var generator = SplitMix64(seed: seed ^ (UInt64(bitPattern: group) &* 0x9E37_79B9_7F4A_7C15))
            // Partial Fisher-Yates: the first k places are a uniform sample without replacement.
            let k = min(perGroup, candidates.count)
            for i in 0..<k {
                let j = i + Int(generator.next() % UInt64(candidates.count - i))
                candidates.swapAt(i, j)
            }
            result += candidates.prefix(k).map { (group, $0) }
        }
        return result
    }
}

/// SplitMix64: small, fast, and the same sequence on every platform for one seed (Swift's own
/// generator is not seedable).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
