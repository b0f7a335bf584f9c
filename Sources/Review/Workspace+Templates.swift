// Workspace+Templates: a device group's reviewer template, versioned; a new version reaches every image not yet committed.
import Engine
import Foundation
import GRDB

/// What approving a group did.
public struct GroupApproval: Sendable, Equatable {
    public var template: TemplateRecord
    /// Instances that went from proposed to approved.
    public var approved: Int
}

extension Workspace {
    /// Saves the group's template as a new version and applies it to every instance of the group
    /// not yet committed: their template boxes are replaced by its rectangles (the old ones stay in
    /// the history, inactive); approvals stand. Committed images keep the version they were written with.
    @discardableResult
    public func saveTemplate(group: Int64, rectangles: [PixelRect], verified: Bool = true, reason: String? = nil,
                             at date: Date) throws -> TemplateRecord {
        var saved: TemplateRecord?
        try decide(.templateSave, reason: reason, at: date) { db in
            let (template, applied) = try self.newVersion(db, group: group, rectangles: rectangles, verified: verified, at: date)
            saved = template
            return (["template": .id(template.id), "version": .int(Int64(template.version)), "verified": .bool(verified),
                     "rectangles": .int(Int64(rectangles.count)), "instancesUpdated": .int(Int64(applied))],
                    DecisionTarget(group: group, template: template.id))
        }
        return saved!
    }

    /// Approves every instance of the group still in review, with a reviewer-verified template:
    /// `rectangles` makes a new version (empty: the device writes no text); nil keeps the current one.
    @discardableResult
    public func approveGroup(_ group: Int64, rectangles: [PixelRect]? = nil, reason: String? = nil,
                             at date: Date) throws -> GroupApproval {
        var result: GroupApproval?
        try decide(.groupApprove, reason: reason, at: date) { db in
            var template: TemplateRecord
            if let rectangles {
                template = try self.newVersion(db, group: group, rectangles: rectangles, verified: true, at: date).0
            } else {
                try self.checkGroup(db, group, at: date)
                guard let current = try self.currentTemplate(db, group: group) else {
                    throw ReviewError(.conflict, "group \(group) has no template; give its rectangles (none if the device writes no text)")
                }
                guard current.verified else {
                    throw ReviewError(.conflict, "group \(group)'s template v\(current.version) is not verified; save a verified version")
                }
                template = current
            }
            try db.execute(sql: """
                UPDATE proposals SET status = 'accepted' WHERE active AND status = 'pending'
                    AND instanceID IN (SELECT id FROM instances WHERE groupID = ? AND state = 'proposed')
                """, arguments: [group])
            try db.execute(sql: "UPDATE instances SET state = 'approved' WHERE groupID = ? AND state = 'proposed'", arguments: [group])
            let approved = db.changesCount
            result = GroupApproval(template: template, approved: approved)
            return (["template": .id(template.id), "version": .int(Int64(template.version)), "approved": .int(Int64(approved))],
                    DecisionTarget(group: group, template: template.id))
        }
        return result!
    }

    public func templates(group: Int64) throws -> [TemplateRecord] {
        try read { db in try TemplateRecord.filter(Column("groupID") == group).order(Column("version")).fetchAll(db) }
    }

    /// The version in force: the newest.
    public func currentTemplate(group: Int64) throws -> TemplateRecord? {
        try read { db in try currentTemplate(db, group: group) }
    }

    func currentTemplate(_ db: Database, group: Int64) throws -> TemplateRecord? {
        try TemplateRecord.filter(Column("groupID") == group).order(Column("version").desc).fetchOne(db)
    }

    private func checkGroup(_ db: Database, _ group: Int64, at date: Date) throws {
        guard try DeviceGroup.fetchOne(db, key: group) != nil else { throw ReviewError(.notFound, "no group \(group)") }
        try checkClaim(db, group: group, at: date)
    }

    private func newVersion(_ db: Database, group id: Int64, rectangles: [PixelRect], verified: Bool,
                            at date: Date) throws -> (TemplateRecord, Int) {
        try checkGroup(db, id, at: date)
        let group = try DeviceGroup.fetchOne(db, key: id)!
        let version = (try Int.fetchOne(db, sql: "SELECT MAX(version) FROM templates WHERE groupID = ?", arguments: [id]) ?? 0) + 1
        let placed = rectangles.map { group.rows > 0 && group.columns > 0 ? $0.clipped(columns: group.columns, rows: group.rows) : $0 }
        guard !placed.contains(where: \.isEmpty) else {
            throw ReviewError(.usage, "a template rectangle lies outside the group's images")
        }
        var template = TemplateRecord(groupID: id, name: group.summary, version: version, verified: verified,
                                      author: reviewer.login, createdAt: Timestamp.string(date),
                                      regions: TemplateRecord.encode(placed))
        try template.insert(db)
        var applied = 0
        if settings.pixels == .clean && group.rows > 0 && group.columns > 0 {
            let uncommitted = try Int64.fetchAll(db, sql: """
                SELECT id FROM instances WHERE groupID = ? AND state IN ('proposed', 'approved')
                """, arguments: [id])
            for instance in uncommitted {
                _ = try applyTemplate(db, template, toInstance: instance, rows: group.rows, columns: group.columns)
                applied += 1
            }
        }
        return (template, applied)
    }

    /// Replaces the instance's template boxes (library or an older version) with this template's.
    /// Returns the number of boxes added. A verified template's boxes are a reviewer's: accepted.
    func applyTemplate(_ db: Database, _ template: TemplateRecord, toInstance id: Int64, rows: Int, columns: Int) throws -> Int {
        try db.execute(sql: "UPDATE proposals SET active = 0 WHERE instanceID = ? AND active AND source = 'template'", arguments: [id])
        var added = 0
        for rect in template.rectangles {
            let clipped = rect.clipped(columns: columns, rows: rows)
            guard !clipped.isEmpty else { continue }
            var row = ProposalRecord(instanceID: id, rect: clipped, source: .template, text: template.name, confidence: 100,
                                     reason: "reviewer template v\(template.version)", templateID: template.id,
                                     templateVersion: template.version, status: template.verified ? .accepted : .pending)
            try row.insert(db)
            added += 1
        }
        return added
    }
}
