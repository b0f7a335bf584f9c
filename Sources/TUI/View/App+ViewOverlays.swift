// App+ViewOverlays: the help generated from the keymap, yes/no questions, the prompt line and commit progress.
import Engine

extension App {
    /// Every action the current mode can reach, with its keys and doc, in the order of the Action list.
    public func helpLines(for mode: Mode) -> [(keys: String, doc: String)] {
        Action.allCases.compactMap { action in
            let keys = keymap.keys(for: action, in: mode)
            guard !keys.isEmpty else { return nil }
            return (keys.map(Keymap.label).joined(separator: ", "), action.doc)
        }
    }

    func helpOverlay(_ state: AppState, _ frame: inout Frame) {
        let lines = helpLines(for: state.mode)
        let keyWidth = min(24, (lines.map { Sanitize.width($0.keys) }.max() ?? 0) + 2)
        // Two columns when one would not fit the height and the width allows.
        let available = state.size.rows - 6
        let columns = lines.count > available && state.size.columns >= 2 * (keyWidth + 24) + 6 ? 2 : 1
        let perColumn = (lines.count + columns - 1) / columns
        let height = min(state.size.rows - 2, perColumn + 4)
        let columnWidth = min((state.size.columns - 6) / columns, keyWidth + 56)
        let width = columnWidth * columns + 4
        let box = CellRect(column: (state.size.columns - width) / 2, row: (state.size.rows - height) / 2, columns: width, rows: height)
        panel(box, title: "Keys: \(state.mode.rawValue)", &frame)
        let shown = height - 4
        for (i, line) in lines.enumerated() {
            let column = i / perColumn, row = i % perColumn
            guard row < shown else { continue }
            let x = box.column + 2 + column * columnWidth
            frame.put(line.keys, column: x, row: box.row + 2 + row, style: Style(bold: true), limit: keyWidth - 1)
            frame.put(line.doc, column: x + keyWidth, row: box.row + 2 + row, limit: columnWidth - keyWidth - 1)
        }
        if perColumn > shown {
            frame.put("… \(lines.count - shown * columns) more: a taller terminal shows them", column: box.column + 2, row: box.row + height - 2, style: .faint)
        }
        frame.put("any key closes", column: box.column + width - 16, row: box.row + height - 1, style: .faint)
    }

    func confirmOverlay(_ question: Question, _ state: AppState, _ frame: inout Frame) {
        var lines: [String]
        switch question {
        case .quit:
            lines = ["A box edit is not applied yet.", "Quit and lose it?"]
        case .approveGroup(let group, let count):
            lines = ["Approve \(count) images of group \(group) still in review,", "with the group's verified template?"]
        case .saveTemplate(let group, let rects, let count):
            lines = ["Save \(rects.count) boxes as the template of group \(group)?",
                     "It applies at once to the \(count) images not committed yet;", "committed images keep the version they used.",
                     "It is saved unverified: V marks it verified."]
        case .verifyTemplate(let group, let version):
            lines = ["Mark template v\(version) of group \(group) verified?",
                     "You state that this device writes no text outside its regions:", "commit --auto will then deliver its images unseen."]
        case .commit(let approved):
            lines = ["Commit \(approved) approved images to the output folder?", "Each is de-identified with exactly its approved boxes."]
        }
        let yes = keymap.keys(for: .yes, in: .confirm).first.map(Keymap.label) ?? "y"
        let no = keymap.keys(for: .no, in: .confirm).first.map(Keymap.label) ?? "n"
        lines.append("")
        lines.append("\(yes) yes · \(no) no")
        let width = min(state.size.columns - 2, (lines.map { Sanitize.width($0) }.max() ?? 20) + 4)
        let box = CellRect(column: (state.size.columns - width) / 2, row: max(1, (state.size.rows - lines.count - 2) / 2),
                           columns: width, rows: lines.count + 2)
        panel(box, title: "Confirm", &frame)
        for (i, line) in lines.enumerated() {
            frame.put(line, column: box.column + 2, row: box.row + 1 + i, style: i == lines.count - 1 ? Style(bold: true) : .plain, limit: width - 3)
        }
    }

    func promptLine(_ prompt: Prompt, text: String, _ state: AppState, _ frame: inout Frame) {
        let row = state.size.rows - 2
        frame.clear(CellRect(column: 0, row: row, columns: state.size.columns, rows: 1))
        let label: String
        switch prompt {
        case .search: label = "search: "
        case .quarantineReason(let id): label = "why is image \(id) quarantined? "
        case .sampleSize: label = "spot checks per device group: "
        }
        let x = frame.put(label, column: 0, row: row, style: Style(bold: true))
        let shown = frame.put(text, column: x, row: row, limit: state.size.columns - x - 1)
        frame.put("█", column: x + shown, row: row)
    }

    func commitOverlay(_ commit: CommitPane, _ frame: inout Frame) {
        let width = min(frame.columns - 4, 60)
        let box = CellRect(column: (frame.columns - width) / 2, row: frame.rows / 2 - 2, columns: width, rows: 5)
        panel(box, title: "Commit", &frame)
        let bar = width - 6
        let filled = commit.total > 0 ? bar * commit.done / commit.total : 0
        frame.put(String(repeating: "█", count: filled) + String(repeating: "░", count: bar - filled), column: box.column + 3, row: box.row + 2)
        frame.put(commit.total > 0 ? "\(commit.done) of \(commit.total) images written and verified" : "starting…",
                  column: box.column + 3, row: box.row + 3, style: .faint, limit: bar)
    }

    /// A bordered, cleared box with a title.
    func panel(_ box: CellRect, title: String, _ frame: inout Frame) {
        frame.cover(box)
        let horizontal = String(repeating: "─", count: max(0, box.columns - 2))
        frame.put("┌" + horizontal + "┐", column: box.column, row: box.row)
        for y in (box.row + 1)..<(box.row + box.rows - 1) {
            frame.put("│", column: box.column, row: y)
            frame.put("│", column: box.column + box.columns - 1, row: y)
        }
        frame.put("└" + horizontal + "┘", column: box.column, row: box.row + box.rows - 1)
        frame.put(" \(title) ", column: box.column + 2, row: box.row, style: Style(bold: true))
    }
}
