// WorkspaceStatus+Text: the status as a terminal table; device names are sanitised, no patient value appears.
import Foundation

extension WorkspaceStatus {
    public var text: String {
        var lines: [String] = []
        lines.append(Self.row(["group", "device", "proposed", "approved", "committed", "quarantined", "template", "older",
                               "checked", "leaks", "upper 95%", "clean checks to 0.01%", "claimed by"]))
        for g in groups {
            let template = g.template.map { "v\($0.version)\($0.verified ? " verified" : "")" } ?? "-"
            lines.append(Self.row([String(g.id), String(g.device.prefix(40)), String(g.counts.proposed), String(g.counts.approved),
                                   String(g.counts.committed), String(g.counts.quarantined), template,
                                   String(g.committedWithOlderTemplate), String(g.spotChecks.checked), String(g.spotChecks.leaks),
                                   Self.percent(g.spotChecks.upper95), Self.needed(g.spotChecks), g.claimedBy ?? "-"]))
        }
        if ungrouped.total > 0 {
            lines.append(Self.row(["-", "(not DICOM or unreadable)", String(ungrouped.proposed), String(ungrouped.approved),
                                   String(ungrouped.committed), String(ungrouped.quarantined), "-", "-", "-", "-", "-", "-", "-"]))
        }
        lines.append("")
        lines.append("total: \(totals.total) instances: \(totals.proposed) proposed, \(totals.approved) approved, "
            + "\(totals.committed) committed, \(totals.quarantined) quarantined")
        lines.append("spot checks: \(spotChecks.checked) checked, \(spotChecks.leaks) leaks, \(spotChecks.pending) pending; "
            + "upper 95% bound of the leak rate \(Self.percent(spotChecks.upper95)); "
            + "clean checks to bring it under 0.01%: \(Self.needed(spotChecks))")
        lines.append("reviewers: " + (reviewers.isEmpty ? "none yet"
            : reviewers.map { "\($0.login) (\($0.decisions) decisions, last \($0.last))" }.joined(separator: ", ")))
        lines.append("audit: \(auditEntries) entries")
        return lines.joined(separator: "\n") + "\n"
    }

    static func percent(_ value: Double) -> String {
        value >= 0.01 ? String(format: "%.2f%%", value * 100) : String(format: "%.4f%%", value * 100)
    }

    static func needed(_ bound: LeakBound) -> String {
        bound.cleanChecksToTarget.map(String.init) ?? "out of reach"
    }

    static let widths = [5, 40, 8, 8, 9, 11, 12, 5, 7, 5, 9, 21, 0]

    static func row(_ cells: [String]) -> String {
        zip(cells, widths).map { cell, width in
            cell.count >= width ? cell : cell + String(repeating: " ", count: width - cell.count)
        }.joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}
