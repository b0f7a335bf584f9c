// Workspace+Queries: read-only views for the TUI and the commands: groups, instances, proposals, decisions.
import Engine
import Foundation
import GRDB

/// One box position across a group: how many of its instances carry it, from which source.
public struct GroupBox: Sendable, Hashable {
    public var rect: PixelRect
    public var source: Proposal.Source
    public var instances: Int
    public var rejected: Int
}

extension Workspace {
    public func groups() throws -> [DeviceGroup] {
        try read { db in try DeviceGroup.order(Column("id")).fetchAll(db) }
    }

    public func group(_ id: Int64) throws -> DeviceGroup {
        guard let group = try read({ db in try DeviceGroup.fetchOne(db, key: id) }) else {
            throw ReviewError(.notFound, "no group \(id)")
        }
        return group
    }

    /// Instances of a group (nil: those that could not be grouped), optionally in one state.
    public func instances(group: Int64?, state: ReviewState? = nil) throws -> [InstanceRecord] {
        try read { db in
            var request = group.map { InstanceRecord.filter(Column("groupID") == $0) } ?? InstanceRecord.filter(Column("groupID") == nil)
            if let state { request = request.filter(Column("state") == state) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    public func instance(_ id: Int64) throws -> InstanceRecord {
        try read { db in try instance(db, id) }
    }

    /// The instance's boxes; with `history`, also the ones replaced by edits and newer templates.
    public func proposals(instance id: Int64, history: Bool = false) throws -> [ProposalRecord] {
        try read { db in
            var request = ProposalRecord.filter(Column("instanceID") == id)
            if !history { request = request.filter(Column("active") == true) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    /// The union of the group's active boxes, most frequent first: what a group template would hold.
    public func groupBoxes(group id: Int64) throws -> [GroupBox] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.x, p.y, p.width, p.height, p.source, COUNT(DISTINCT p.instanceID) AS n,
                       SUM(p.status = 'rejected') AS rejected
                FROM proposals p JOIN instances i ON i.id = p.instanceID
                WHERE i.groupID = ? AND p.active GROUP BY p.x, p.y, p.width, p.height, p.source ORDER BY n DESC, p.y, p.x
                """, arguments: [id]).map { row in
                GroupBox(rect: PixelRect(x: row["x"], y: row["y"], width: row["width"], height: row["height"]),
                         source: Proposal.Source(rawValue: row["source"]) ?? .manual, instances: row["n"], rejected: row["rejected"])
            }
        }
    }

    public func decisions(instance id: Int64) throws -> [DecisionRecord] {
        try read { db in try DecisionRecord.filter(Column("instanceID") == id).order(Column("id")).fetchAll(db) }
    }

    public func decisions(group id: Int64) throws -> [DecisionRecord] {
        try read { db in try DecisionRecord.filter(Column("groupID") == id).order(Column("id")).fetchAll(db) }
    }

    public func auditEntries() throws -> [AuditEntry] {
        try read { db in try AuditEntry.order(Column("seq")).fetchAll(db) }
    }

    /// Committed instances of a group written with an older template version than the one in force.
    public func committedWithOlderTemplate(group id: Int64) throws -> [InstanceRecord] {
        try read { db in
            try InstanceRecord.fetchAll(db, sql: """
                SELECT * FROM instances WHERE groupID = ? AND state = 'committed'
                    AND COALESCE(templateVersion, 0) < (SELECT MAX(version) FROM templates WHERE groupID = ?) ORDER BY id
                """, arguments: [id, id])
        }
    }
}

extension Workspace {
    /// The group a proposal's instance belongs to.
    public func group(ofProposal id: Int64) throws -> Int64? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT i.groupID FROM proposals p JOIN instances i ON i.id = p.instanceID WHERE p.id = ?",
                               arguments: [id])
        }
    }
}
