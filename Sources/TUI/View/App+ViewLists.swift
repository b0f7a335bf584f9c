// App+ViewLists: the groups, studies and instances tables, with the cursor row, the filters in force and counts.
import Foundation
import Review

/// One column of a table: heading, width (0: takes what is left) and alignment.
struct Column {
    var heading: String
    var width: Int
    var right = false
    /// Narrow terminals drop the columns of lowest priority first (0: never dropped).
    var priority = 0
}

extension App {
    func groupsBody(_ state: AppState, _ frame: inout Frame) {
        let columns = [
            Column(heading: "#", width: 4, right: true), Column(heading: "Device", width: 0), Column(heading: "Modality", width: 8, priority: 3),
            Column(heading: "Pat", width: 4, right: true, priority: 4), Column(heading: "Std", width: 4, right: true, priority: 5),
            Column(heading: "Ser", width: 4, right: true, priority: 6), Column(heading: "Review", width: 6, right: true),
            Column(heading: "Appr", width: 5, right: true), Column(heading: "Done", width: 5, right: true),
            Column(heading: "Quar", width: 4, right: true), Column(heading: "Template", width: 8),
            Column(heading: "Leak≤", width: 7, right: true, priority: 1), Column(heading: "Claimed by", width: 14, priority: 2),
        ]
        table(columns, list: state.groups, state, &frame, empty: state.groups.loaded ? "no device groups: dcmscrub ingest adds images" : "loading…") { g in
            let template = g.template.map { "v\($0.version)" + ($0.verified ? " ✓" : "") } ?? "—"
            let held = state.heldByOthers[g.id] ?? (state.claimed.contains(g.id) ? "you" : g.claimedBy ?? "")
            return ["\(g.id)", g.device, g.modalities.joined(separator: ","), "\(g.patients)", "\(g.studies)", "\(g.series)",
                    "\(g.counts.proposed)", "\(g.counts.approved)", "\(g.counts.committed)", "\(g.counts.quarantined)",
                    template + (g.committedWithOlderTemplate > 0 ? " !" : ""), Self.bound(g.spotChecks), held]
        }
    }

    func studiesBody(_ state: AppState, _ frame: inout Frame) {
        let columns = [
            Column(heading: "Patient", width: 14), Column(heading: "Study (output UID)", width: 0), Column(heading: "Modality", width: 9, priority: 2),
            Column(heading: "Series", width: 6, right: true, priority: 3), Column(heading: "Images", width: 6, right: true),
            Column(heading: "Review", width: 6, right: true), Column(heading: "Appr", width: 5, right: true),
            Column(heading: "Done", width: 5, right: true), Column(heading: "Quar", width: 4, right: true),
            Column(heading: "Groups", width: 8, priority: 1),
        ]
        table(columns, list: state.studies, state, &frame, empty: state.studies.loaded ? "no studies" : "loading…") { s in
            [s.pseudonym, s.outputStudy, s.modalities.joined(separator: ","), "\(s.series)", "\(s.counts.total)", "\(s.counts.proposed)",
             "\(s.counts.approved)", "\(s.counts.committed)", "\(s.counts.quarantined)", s.groups.map(String.init).joined(separator: ",")]
        }
    }

    func instancesBody(_ state: AppState, _ frame: inout Frame) {
        let columns = [
            Column(heading: "#", width: 8, right: true), Column(heading: "State", width: 12), Column(heading: "Mod", width: 5),
            Column(heading: "Frames", width: 7, right: true), Column(heading: "Patient", width: 14),
            Column(heading: "Tmpl", width: 5, right: true), Column(heading: "OCR", width: 5, right: true),
            Column(heading: "Man", width: 5, right: true), Column(heading: "Open", width: 5, right: true),
            Column(heading: "Kept", width: 5, right: true), Column(heading: "Note", width: 0),
        ]
        table(columns, list: state.instances, state, &frame, empty: state.instances.loaded ? "no images here" : "loading…") { i in
            let note = i.state == .quarantined ? (i.quarantineReason ?? "") : (i.templateVersion.map { "template v\($0)" } ?? "")
            return ["\(i.id)", i.state.rawValue, i.modality, "\(i.frames)", i.pseudonym, "\(i.templateBoxes)", "\(i.ocrBoxes)",
                    "\(i.manualBoxes)", "\(i.pending)", "\(i.rejected)", note]
        }
    }

    /// "≤0.30%" for the upper 95% bound of the leak rate, "—" before any check.
    static func bound(_ bound: LeakBound) -> String {
        guard bound.checked > 0 else { return "—" }
        let percent = bound.upper95 * 100
        return "≤" + (percent >= 10 ? String(format: "%.0f%%", percent) : percent >= 0.1 ? String(format: "%.2f%%", percent) : String(format: "%.3f%%", percent))
    }

    static let flexibleMinimum = 28

    /// "state: proposed · 12 of 40": what narrows a list, for the title bar.
    static func narrowing<Row>(_ list: ListState<Row>) -> String {
        var parts: [String] = []
        if list.filter != .all { parts.append("state: \(list.filter.rawValue)") }
        if let modality = list.modality { parts.append("modality: \(modality)") }
        if !list.search.isEmpty { parts.append("search: \(list.search)") }
        parts.append("\(list.count) of \(list.rows.count)")
        return parts.joined(separator: " · ")
    }

    /// A table of a list's visible rows with headings, the cursor row in reverse, and what narrows it.
    func table<Row>(_ columns: [Column], list: ListState<Row>, _ state: AppState, _ frame: inout Frame, empty: String,
                    cells: (Row) -> [String]) {
        let body = Layout.body(state.size)
        let rows = Layout.listRows(state.size)
        // Drop low-priority columns until the flexible one has room, then give it the rest.
        var kept = Array(columns.indices)
        func room() -> Int { state.size.columns - kept.reduce(0) { $0 + (columns[$1].width == 0 ? 1 : columns[$1].width + 1) } }
        while room() < Self.flexibleMinimum, let drop = kept.filter({ columns[$0].priority > 0 }).max(by: { columns[$0].priority < columns[$1].priority }) {
            kept.removeAll { $0 == drop }
        }
        let flexible = max(8, room())
        let widths = columns.indices.map { kept.contains($0) ? (columns[$0].width == 0 ? flexible : columns[$0].width) : 0 }
        func line(_ values: [String], row: Int, style: Style) {
            var x = 0
            for (i, value) in values.enumerated() where i < widths.count && widths[i] > 0 {
                let w = widths[i]
                guard x < state.size.columns else { break }
                let text = Sanitize.line(value)
                let pad = columns[i].right ? max(0, w - Sanitize.width(text)) : 0
                frame.put(text, column: x + pad, row: row, style: style, limit: w - pad)
                x += w + 1
            }
        }
        line(columns.map(\.heading), row: body.row, style: .heading)
        guard list.count > 0 else {
            frame.put(list.rows.isEmpty ? empty : "nothing matches: f, m and / change what is shown", column: 2, row: rows.row + 1, style: .faint)
            return
        }
        for offset in 0..<rows.rows {
            let position = list.top + offset
            guard position < list.count else { break }
            let selected = position == list.cursor
            let row = rows.row + offset
            if selected { frame.paint(row: row, style: .cursor) }
            line(cells(list.row(at: position)), row: row, style: selected ? .cursor : .plain)
        }
    }
}
