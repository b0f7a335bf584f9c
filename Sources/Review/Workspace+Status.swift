// Workspace+Status: the workspace summed up in a few aggregate queries, fast on a hundred thousand instances.
import Foundation
import GRDB

extension Workspace {
    public static let leakTarget = 0.0001

    public func status(at date: Date) throws -> WorkspaceStatus {
        try read { db in
            var counts: [Int64?: StateCounts] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT groupID, state, COUNT(*) AS n FROM instances GROUP BY groupID, state") {
                guard let state = ReviewState(rawValue: row["state"]) else { continue }
                counts[row["groupID"] as Int64?, default: StateCounts()][state] = row["n"]
            }
            var templates: [Int64: TemplateSummary] = [:]
            for template in try TemplateRecord.fetchAll(db, sql: """
                SELECT * FROM templates t WHERE version = (SELECT MAX(version) FROM templates WHERE groupID = t.groupID)
                """) {
                templates[template.groupID] = TemplateSummary(version: template.version, verified: template.verified, author: template.author,
                                                              createdAt: template.createdAt, rectangles: template.rectangles.count)
            }
            var older: [Int64: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT i.groupID, COUNT(*) AS n FROM instances i
                JOIN (SELECT groupID, MAX(version) AS v FROM templates GROUP BY groupID) t ON t.groupID = i.groupID
                WHERE i.state = 'committed' AND COALESCE(i.templateVersion, 0) < t.v GROUP BY i.groupID
                """) {
                older[row["groupID"]] = row["n"]
            }
            var checks: [Int64: (checked: Int, leaks: Int, pending: Int)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT groupID, SUM(verdict IS NOT NULL) AS checked, SUM(verdict = 'leak') AS leaks, SUM(verdict IS NULL) AS pending
                FROM spotChecks GROUP BY groupID
                """) {
                checks[row["groupID"]] = (row["checked"] ?? 0, row["leaks"] ?? 0, row["pending"] ?? 0)
            }
            var groups: [GroupStatus] = []
            for group in try DeviceGroup.order(Column("id")).fetchAll(db) {
                let c = checks[group.id] ?? (checked: 0, leaks: 0, pending: 0)
                groups.append(GroupStatus(
                    id: group.id, device: group.summary, counts: counts[group.id] ?? StateCounts(), template: templates[group.id],
                    committedWithOlderTemplate: older[group.id] ?? 0,
                    claimedBy: isLive(group, at: date) ? group.claim.map { Sanitized.line($0.holder) } : nil,
                    spotChecks: LeakBound(checked: c.checked, leaks: c.leaks, pending: c.pending, target: Self.leakTarget)))
            }
            let ungrouped = counts[nil] ?? StateCounts()
            let totals = groups.map(\.counts).reduce(ungrouped, +)
            let reviewers = try Row.fetchAll(db, sql: """
                SELECT reviewer, COUNT(*) AS n, MAX(time) AS last FROM decisions GROUP BY reviewer ORDER BY reviewer
                """).map { ReviewerActivity(login: Sanitized.line($0["reviewer"]), decisions: $0["n"], last: $0["last"]) }
            var all = (checked: 0, leaks: 0, pending: 0)
            for c in checks.values {
                all = (all.checked + c.checked, all.leaks + c.leaks, all.pending + c.pending)
            }
            return WorkspaceStatus(
                groups: groups, ungrouped: ungrouped, totals: totals, reviewers: reviewers,
                spotChecks: LeakBound(checked: all.checked, leaks: all.leaks, pending: all.pending, target: Self.leakTarget),
                leakTarget: Self.leakTarget, auditEntries: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit") ?? 0)
        }
    }
}
