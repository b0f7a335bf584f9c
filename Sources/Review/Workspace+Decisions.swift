// Workspace+Decisions: a reviewer's decisions, each one transaction that checks state and claim, stores who, when, why, and audits it.
import Engine
import Foundation
import GRDB

extension Workspace {
    public func accept(proposal id: Int64, reason: String? = nil, at date: Date) throws {
        try decideOnProposal(id, .proposalAccept, reason: reason, at: date) { db, proposal in
            guard proposal.status != .accepted else { throw ReviewError(.conflict, "proposal \(id) is already accepted") }
            try db.execute(sql: "UPDATE proposals SET status = 'accepted' WHERE id = ?", arguments: [id])
            return [:]
        }
    }

    public func reject(proposal id: Int64, reason: String? = nil, at date: Date) throws {
        try decideOnProposal(id, .proposalReject, reason: reason, at: date) { db, proposal in
            guard proposal.status != .rejected else { throw ReviewError(.conflict, "proposal \(id) is already rejected") }
            try db.execute(sql: "UPDATE proposals SET status = 'rejected' WHERE id = ?", arguments: [id])
            return [:]
        }
    }

    /// Replaces a box by another (moved or resized); the old one stays in the history, inactive.
    @discardableResult
    public func edit(proposal id: Int64, to rect: PixelRect, reason: String? = nil, at date: Date) throws -> Int64 {
        var created: Int64 = 0
        try decideOnProposal(id, .proposalEdit, reason: reason, at: date) { db, proposal in
            let clipped = try self.fit(db, rect, instance: proposal.instanceID)
            try db.execute(sql: "UPDATE proposals SET active = 0 WHERE id = ?", arguments: [id])
            var row = ProposalRecord(instanceID: proposal.instanceID, rect: clipped, source: .manual, text: proposal.text,
                                     confidence: 100, reason: "edited by a reviewer", status: .accepted, supersedes: id)
            try row.insert(db)
            created = row.id!
            return ["newProposal": .int(created), "rect": .ints(Self.ints(clipped))]
        }
        return created
    }

    /// A box the engine did not propose.
    @discardableResult
    public func addBox(instance id: Int64, rect: PixelRect, reason: String? = nil, at date: Date) throws -> Int64 {
        var created: Int64 = 0
        try decideOnInstance(id, .proposalAdd, reason: reason, at: date, allowed: [.proposed]) { db, _ in
            let clipped = try self.fit(db, rect, instance: id)
            var row = ProposalRecord(instanceID: id, rect: clipped, source: .manual, text: "", confidence: 100,
                                     reason: "added by a reviewer", status: .accepted)
            try row.insert(db)
            created = row.id!
            return ["newProposal": .int(created), "rect": .ints(Self.ints(clipped))]
        }
        return created
    }

    /// The boxes as they stand are what commit redacts; pending ones count as accepted (fail closed).
    public func approve(instance id: Int64, reason: String? = nil, at date: Date) throws {
        try decideOnInstance(id, .instanceApprove, reason: reason, at: date, allowed: [.proposed]) { db, _ in
            try db.execute(sql: "UPDATE proposals SET status = 'accepted' WHERE instanceID = ? AND active AND status = 'pending'",
                           arguments: [id])
            let accepted = db.changesCount
            try db.execute(sql: "UPDATE instances SET state = 'approved' WHERE id = ?", arguments: [id])
            return ["acceptedPending": .int(Int64(accepted))]
        }
    }

    /// Back to review: an approval withdrawn, or a reviewer's quarantine lifted. A file the engine
    /// could not read stays quarantined.
    public func reopen(instance id: Int64, reason: String? = nil, at date: Date) throws {
        try decideOnInstance(id, .instanceReopen, reason: reason, at: date, allowed: [.approved, .quarantined]) { db, instance in
            if instance.state == .quarantined && instance.quarantineCode != Self.reviewerCode {
                throw ReviewError(.conflict, "instance \(id) was quarantined by the engine and cannot be reopened")
            }
            try db.execute(sql: "UPDATE instances SET state = 'proposed', quarantineCode = NULL, quarantineReason = NULL WHERE id = ?",
                           arguments: [id])
            return ["from": .text(instance.state.rawValue)]
        }
    }

    public func quarantine(instance id: Int64, reason: String, at date: Date) throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ReviewError(.usage, "a quarantine needs a reason")
        }
        try decideOnInstance(id, .instanceQuarantine, reason: reason, at: date, allowed: [.proposed, .approved]) { db, instance in
            try db.execute(sql: "UPDATE instances SET state = 'quarantined', quarantineCode = ?, quarantineReason = ? WHERE id = ?",
                           arguments: [Self.reviewerCode, Sanitized.line(reason), id])
            return ["from": .text(instance.state.rawValue)]
        }
    }

    static let reviewerCode = "reviewer"

    // MARK: - Shared checks

    /// Runs a decision on one proposal of an instance still in review.
    func decideOnProposal(_ id: Int64, _ action: AuditAction, reason: String?, at date: Date,
                          _ body: @escaping (Database, ProposalRecord) throws -> AuditPayload) throws {
        try decide(action, reason: reason, at: date) { db in
            guard let proposal = try ProposalRecord.fetchOne(db, key: id) else {
                throw ReviewError(.notFound, "no proposal \(id)")
            }
            guard proposal.active else { throw ReviewError(.conflict, "proposal \(id) was replaced by a later one") }
            let instance = try self.instance(db, proposal.instanceID)
            guard instance.state == .proposed else {
                throw ReviewError(.conflict, "instance \(proposal.instanceID) is \(instance.state.rawValue), not in review")
            }
            try self.checkClaim(db, group: instance.groupID, at: date)
            var payload = try body(db, proposal)
            payload.values["proposal"] = .int(id)
            payload.values["instance"] = .int(proposal.instanceID)
            return (payload, DecisionTarget(instance: proposal.instanceID, group: instance.groupID, proposal: id))
        }
    }

    /// Runs a decision on an instance in one of the allowed states.
    func decideOnInstance(_ id: Int64, _ action: AuditAction, reason: String?, at date: Date, allowed: Set<ReviewState>,
                          _ body: @escaping (Database, InstanceRecord) throws -> AuditPayload) throws {
        try decide(action, reason: reason, at: date) { db in
            let instance = try self.instance(db, id)
            guard allowed.contains(instance.state) else {
                throw ReviewError(.conflict, "instance \(id) is \(instance.state.rawValue); \(action.rawValue) needs "
                    + allowed.map(\.rawValue).sorted().joined(separator: " or "))
            }
            try self.checkClaim(db, group: instance.groupID, at: date)
            var payload = try body(db, instance)
            payload.values["instance"] = .int(id)
            return (payload, DecisionTarget(instance: id, group: instance.groupID))
        }
    }

    struct DecisionTarget {
        var instance: Int64?
        var group: Int64?
        var proposal: Int64?
        var template: Int64?
    }

    /// One IMMEDIATE transaction: the body checks and changes, then the audit entry and the decision
    /// row are written with it, so a decision is either wholly recorded or not at all.
    func decide(_ action: AuditAction, reason: String?, at date: Date,
                _ body: @escaping (Database) throws -> (AuditPayload, DecisionTarget)) throws {
        let time = Timestamp.string(date)
        let reason = reason.map(Sanitized.line).flatMap { $0.isEmpty ? nil : $0 }
        try write { db in
            var (payload, target) = try body(db)
            payload.values["group"] = .id(target.group)
            if let reason { payload.values["reason"] = .text(reason) }
            let entry = try AuditEntry.append(db, action: action, reviewer: reviewer.login, time: time, payload: payload)
            var decision = DecisionRecord(action: action, reviewer: reviewer.login, time: time, reason: reason,
                                          instanceID: target.instance, groupID: target.group, proposalID: target.proposal,
                                          templateID: target.template, auditSeq: entry.seq)
            try decision.insert(db)
        }
    }

    func instance(_ db: Database, _ id: Int64) throws -> InstanceRecord {
        guard let instance = try InstanceRecord.fetchOne(db, key: id) else { throw ReviewError(.notFound, "no instance \(id)") }
        return instance
    }

    /// A box clipped to the image; empty after clipping is a mistake worth saying.
    func fit(_ db: Database, _ rect: PixelRect, instance id: Int64) throws -> PixelRect {
        let size = try Row.fetchOne(db, sql: """
            SELECT g.rows, g.columns FROM instances i JOIN groups g ON g.id = i.groupID WHERE i.id = ?
            """, arguments: [id])
        let rows: Int = size?["rows"] ?? 0, columns: Int = size?["columns"] ?? 0
        let clipped = rows > 0 && columns > 0 ? rect.clipped(columns: columns, rows: rows) : rect
        guard !clipped.isEmpty else { throw ReviewError(.usage, "the box \(rect) lies outside the image") }
        return clipped
    }

    static func ints(_ rect: PixelRect) -> [Int64] {
        [rect.x, rect.y, rect.width, rect.height].map(Int64.init)
    }
}
