// Workspace+Status: the workspace summed up in a few aggregate queries, fast on a hundred thousand instances.
import Foundation
import GRDB

extension Workspace {
    public static let leakTarget = 0.0001

    /// GROUP_CONCAT's list as sorted, sanitised codes.
    static func modalities(_ list: String?) -> [String] {
        Set((list ?? "").split(separator: ",").map { Sanitized.line(String($0)) }.filter { !$0.isEmpty }).sorted()
    }

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
            // One index scan each (see the v2 indexes); one query with three COUNT(DISTINCT) sorts instead.
            var spread: [Int64: (patients: Int, studies: Int, series: Int, modalities: [String])] = [:]
            for (n, column) in ["patientID", "studyUID", "seriesUID"].enumerated() {
                for row in try Row.fetchAll(db, sql: """
                    SELECT groupID, COUNT(DISTINCT \(column)) AS n FROM instances WHERE groupID IS NOT NULL GROUP BY groupID
                    """) {
                    let id: Int64 = row["groupID"]
                    var s = spread[id] ?? (0, 0, 0, [])
                    switch n { case 0: s.patients = row["n"]; case 1: s.studies = row["n"]; default: s.series = row["n"] }
                    spread[id] = s
                }
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT DISTINCT groupID, modality FROM instances WHERE groupID IS NOT NULL AND modality IS NOT NULL
                """) {
                let id: Int64 = row["groupID"]
                spread[id, default: (0, 0, 0, [])].modalities += Self.modalities(row["modality"])
            }
            var groups: [GroupStatus] = []
            for group in try DeviceGroup.order(Column("id")).fetchAll(db) {
                let c = checks[group.id] ?? (checked: 0, leaks: 0, pending: 0)
                groups.append(GroupStatus(
                    id: group.id, device: group.summary, counts: counts[group.id] ?? StateCounts(), template: templates[group.id],
                    committedWithOlderTemplate: older[group.id] ?? 0,
                    claimedBy: isLive(group, at: date) ? group.claim.map { Sanitized.line($0.holder) } : nil,
                    spotChecks: LeakBound(checked: c.checked, leaks: c.leaks, pending: c.pending, target: Self.leakTarget)))
                if let s = spread[group.id] {
                    groups[groups.count - 1].patients = s.patients
                    groups[groups.count - 1].studies = s.studies
                    groups[groups.count - 1].series = s.series
                    groups[groups.count - 1].modalities = s.modalities.sorted()
                }
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
