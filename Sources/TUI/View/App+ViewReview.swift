// App+ViewReview: one image under review: the preview with numbered boxes, the box list or header changes, the box editor.
import Engine
import Render
import Review

extension App {
    func reviewBody(_ state: AppState, _ frame: inout Frame) {
        let area = Layout.preview(state.size)
        guard let pane = state.review else {
            frame.put("loading the image…", column: 2, row: area.row + 1, style: .faint)
            return
        }
        var infoRow = area.row + area.rows
        if pane.frames > 0 && pane.columns > 0 {
            let geometry = Layout.geometry(imageColumns: pane.columns, imageRows: pane.rows, area: area, state: state)
            infoRow = min(infoRow, area.row + geometry.cellExtent(cellSize: Layout.cellSize(state)).rows)
            let request = PreviewRequest(source: .instance(pane.instanceID), frame: pane.frame, window: pane.window,
                                         boxes: Self.overlay(pane), redacted: pane.showRedacted, geometry: geometry)
            frame.add(ImageSlot(area: area, request: request))
            if let problem = pane.previewProblem {
                frame.put(problem, column: 1, row: area.row + area.rows / 2, style: .error, limit: area.columns - 2)
            }
        } else {
            frame.put("no pixels: a report or a document; only its header is changed", column: 1, row: area.row + 1, style: .faint,
                      limit: area.columns - 2)
        }
        var info = ["\(pane.columns)x\(pane.rows)"]
        if pane.frames > 1 { info.insert("frame \(pane.frame + 1)/\(pane.frames)", at: 0) }
        if pane.monochrome, let window = pane.window ?? pane.defaultWindow { info.append(window.description + (pane.window == nil ? "" : " *")) }
        if pane.showRedacted { info.append("as it will be written") }
        frame.put(info.joined(separator: " · "), column: 0, row: infoRow, style: .faint, limit: area.columns)
        let side = Layout.side(state.size)
        var heading = "Image \(pane.instanceID) · \(pane.state.rawValue)"
        if let group = pane.groupID { heading += " · group \(group)" }
        if let template = pane.template { heading += " · template v\(template.version)" + (template.verified ? " verified" : " not verified") }
        frame.put(heading, column: side.column, row: side.row, style: Style(bold: true), limit: side.columns)
        if let edit = pane.edit {
            editorPanel(edit, pane, side, &frame)
        } else if pane.showHeader {
            headerPanel(pane, side, &frame)
        } else {
            proposalPanel(pane, side, &frame)
        }
    }

    /// The boxes as the preview draws them: numbered from 1 in list order, the selected and edited one bright.
    static func overlay(_ pane: ReviewPane) -> [OverlayBox] {
        var boxes: [OverlayBox] = []
        for (index, proposal) in pane.proposals.enumerated() {
            if let edit = pane.edit, edit.proposalID == proposal.id { continue }
            let style: OverlayBox.Style
            switch proposal.status {
            case .rejected: style = .rejected
            case .accepted: style = .accepted
            case .pending: style = OverlayBox.Style(source: proposal.source)
            }
            let selected = pane.edit == nil && index == pane.selected
            boxes.append(OverlayBox(rect: proposal.rect, number: index + 1, style: selected ? .selected : style, redacts: proposal.redacts))
        }
        if let edit = pane.edit {
            let number = pane.proposals.firstIndex { $0.id == edit.proposalID }.map { $0 + 1 } ?? pane.proposals.count + 1
            boxes.append(OverlayBox(rect: edit.rect, number: number, style: .selected, redacts: true))
        }
        // The selected box is drawn last, over its neighbours.
        return boxes.filter { $0.style != .selected } + boxes.filter { $0.style == .selected }
    }

    func proposalPanel(_ pane: ReviewPane, _ side: CellRect, _ frame: inout Frame) {
        guard !pane.proposals.isEmpty else {
            frame.put("No boxes: nothing will be redacted.", column: side.column, row: side.row + 2, limit: side.columns)
            frame.put("Look at the whole image; add a box where text is.", column: side.column, row: side.row + 3, style: .faint, limit: side.columns)
            return
        }
        frame.put(" #  Source    Decision  Text · why", column: side.column, row: side.row + 1, style: .heading, limit: side.columns)
        let room = side.rows - 3
        let first = max(0, min((pane.selected ?? 0) - room / 2, pane.proposals.count - room))
        for (offset, index) in (first..<pane.proposals.count).prefix(room).enumerated() {
            let proposal = pane.proposals[index]
            let row = side.row + 2 + offset
            let selected = index == pane.selected
            let decision = proposal.status == .pending ? "redact?" : proposal.status == .accepted ? "redact" : "keep"
            let text = proposal.text.isEmpty ? proposal.reason : "\(proposal.text) · \(proposal.reason)"
            let line = "\(selected ? "▸" : " ")\(String(index + 1).leftPadded(2)) \(proposal.source.rawValue.padded(9)) \(decision.padded(9)) \(text)"
            let style: Style = selected ? .cursor : proposal.status == .rejected ? .faint : .plain
            if selected { frame.paint(row: row, column: side.column, columns: side.columns, style: .cursor) }
            frame.put(line, column: side.column, row: row, style: style, limit: side.columns)
        }
        let redacted = pane.proposals.filter(\.redacts).count
        frame.put("\(redacted) of \(pane.proposals.count) boxes redact; undecided boxes redact too",
                  column: side.column, row: side.row + side.rows - 1, style: .faint, limit: side.columns)
    }

    func headerPanel(_ pane: ReviewPane, _ side: CellRect, _ frame: inout Frame) {
        guard let rows = pane.header else {
            frame.put("reading the header…", column: side.column, row: side.row + 2, style: .faint)
            return
        }
        frame.put("Header: \(rows.count) changes (before → after)", column: side.column, row: side.row + 1, style: .heading, limit: side.columns)
        var row = side.row + 2
        for change in rows {
            guard row + 1 < side.row + side.rows else {
                frame.put("…", column: side.column, row: row, style: .faint)
                break
            }
            frame.put("\(change.path) \(change.name)", column: side.column, row: row, style: Style(bold: true), limit: side.columns)
            let before = change.before ?? "(absent)", after = change.after.map { $0.isEmpty ? "(empty)" : $0 } ?? "(removed)"
            frame.put("  \(before) → \(after)", column: side.column, row: row + 1, limit: side.columns)
            row += 2
        }
    }

    func editorPanel(_ edit: BoxEdit, _ pane: ReviewPane, _ side: CellRect, _ frame: inout Frame) {
        let number = pane.proposals.firstIndex { $0.id == edit.proposalID }.map { "box \($0 + 1)" } ?? "new box"
        frame.put("Editing \(number)", column: side.column, row: side.row + 1, style: .heading, limit: side.columns)
        let r = edit.rect
        frame.put("x \(r.x)  y \(r.y)  width \(r.width)  height \(r.height)", column: side.column, row: side.row + 2, limit: side.columns)
        if let original = edit.original, original != r {
            frame.put("was \(original)", column: side.column, row: side.row + 3, style: .faint, limit: side.columns)
        }
        let lines = [
            ("move 1 px", [Action.moveLeft, .moveRight, .moveUp, .moveDown]),
            ("move 10 px", [.moveLeftCoarse, .moveRightCoarse, .moveUpCoarse, .moveDownCoarse]),
            ("width", [.wider, .narrower, .widerCoarse, .narrowerCoarse]),
            ("height", [.taller, .shorter, .tallerCoarse, .shorterCoarse]),
            ("snap to text", [.snap]), ("keep", [.apply]), ("delete", [.delete]), ("drop the edit", [.back]),
        ]
        var row = side.row + 5
        for (label, actions) in lines where row < side.row + side.rows {
            let keys = actions.compactMap { keymap.keys(for: $0, in: .box).first.map(Keymap.label) }.joined(separator: " ")
            frame.put(label.padded(14) + keys, column: side.column, row: row, limit: side.columns)
            row += 1
        }
        if row + 1 < side.row + side.rows {
            frame.put("or drag on the image with the mouse", column: side.column, row: row + 1, style: .faint, limit: side.columns)
        }
    }
}

extension String {
    func padded(_ width: Int) -> String {
        let w = Sanitize.width(self)
        return w >= width ? self : self + String(repeating: " ", count: width - w)
    }

    func leftPadded(_ width: Int) -> String {
        let w = Sanitize.width(self)
        return w >= width ? self : String(repeating: " ", count: width - w) + self
    }
}
