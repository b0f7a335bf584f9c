// App+View: the whole screen from the state: title bar, the screen's body, key hints, status line, overlays.
import Engine
import Review

extension App {
    public func view(_ state: AppState) -> Frame {
        var frame = Frame(columns: state.size.columns, rows: state.size.rows)
        guard state.size.columns >= 40, state.size.rows >= 10 else {
            frame.put("dcmscrub needs at least 40x10 cells", column: 0, row: 0, style: .warning)
            return frame
        }
        titleBar(state, &frame)
        switch state.screen {
        case .groups: groupsBody(state, &frame)
        case .studies: studiesBody(state, &frame)
        case .instances: instancesBody(state, &frame)
        case .review: reviewBody(state, &frame)
        case .spotcheck: spotBody(state, &frame)
        }
        hints(state, &frame)
        statusLine(state, &frame)
        if let commit = state.commit { commitOverlay(commit, &frame) }
        switch state.overlay {
        case .help?: helpOverlay(state, &frame)
        case .confirm(let question)?: confirmOverlay(question, state, &frame)
        case .prompt(let prompt, let text)?: promptLine(prompt, text: text, state, &frame)
        case nil: break
        }
        return frame
    }

    var screenName: (AppState) -> String {
        { state in
            switch state.screen {
            case .groups: return "Device groups (\(Self.narrowing(state.groups)))"
            case .studies: return "Studies (\(Self.narrowing(state.studies)))"
            case .instances:
                let counts = " (\(Self.narrowing(state.instances)))"
                switch state.scope {
                case .group(let id)?: return "Group \(id)" + (state.groups.rows.first { $0.id == id }.map { ": " + $0.device } ?? "") + counts
                case .study?: return "Study of \(state.instances.rows.first?.pseudonym ?? "")" + counts
                default: return "Images" + counts
                }
            case .review: return state.review.map { "Image \($0.instanceID)" } ?? "Image"
            case .spotcheck: return "Spot checks"
            }
        }
    }

    func titleBar(_ state: AppState, _ frame: inout Frame) {
        frame.paint(row: 0, style: .title)
        let text = " dcmscrub review │ \(screenName(state)) "
        frame.put(text, column: 0, row: 0, style: .title)
        let right = "workspace \(state.workspaceName) · \(state.reviewer) "
        let width = Sanitize.width(right)
        if width + Sanitize.width(text) < state.size.columns {
            frame.put(right, column: state.size.columns - width, row: 0, style: .title)
        }
    }

    /// The most used keys of the mode, from the keymap (so a remapped key shows as remapped).
    func hints(_ state: AppState, _ frame: inout Frame) {
        let row = state.size.rows - 2
        let actions: [Action]
        switch state.mode {
        case .groups: actions = [.open, .filter, .search, .studies, .approveGroup, .commit, .spotCheck, .help, .quit]
        case .studies: actions = [.open, .filter, .search, .groups, .commit, .help, .quit]
        case .instances: actions = [.open, .filter, .search, .approveGroup, .back, .help, .quit]
        case .review: actions = [.nextProposal, .toggle, .edit, .add, .approve, .nextInstance, .nextFrame, .showHeader, .saveTemplate, .help, .back]
        case .box: actions = [.moveLeft, .moveLeftCoarse, .wider, .taller, .snap, .apply, .back]
        case .spotcheck: actions = [.down, .pass, .fail, .draw, .showRedacted, .help, .back]
        case .confirm, .global: actions = [.yes, .no]
        }
        var x = 0
        for action in actions {
            guard let keys = keymap.keys(for: action, in: state.mode).first else { continue }
            let label = Keymap.label(keys)
            let name = Self.short(action)
            let needed = Sanitize.width(label) + Sanitize.width(name) + 3
            guard x + needed <= state.size.columns else { break }
            x += frame.put(label, column: x, row: row, style: Style(bold: true))
            x += frame.put(" " + name + "  ", column: x, row: row, style: .faint)
        }
    }

    static func short(_ action: Action) -> String {
        switch action {
        case .open: "open"
        case .filter: "state"
        case .search: "search"
        case .studies: "studies"
        case .groups: "groups"
        case .approveGroup: "approve group"
        case .commit: "commit"
        case .spotCheck: "spot-check"
        case .help: "help"
        case .quit: "quit"
        case .back: "back"
        case .nextProposal: "next box"
        case .toggle: "redact/keep"
        case .edit: "edit"
        case .add: "add box"
        case .approve: "approve"
        case .nextInstance: "next image"
        case .nextFrame: "frame"
        case .showHeader: "header"
        case .saveTemplate: "template"
        case .moveLeft: "move"
        case .moveLeftCoarse: "move x10"
        case .wider: "wider"
        case .taller: "taller"
        case .snap: "snap"
        case .apply: "keep"
        case .down: "next"
        case .pass: "clean"
        case .fail: "leak"
        case .draw: "draw sample"
        case .showRedacted: "redacted"
        case .yes: "yes"
        case .no: "no"
        default: action.rawValue
        }
    }

    func statusLine(_ state: AppState, _ frame: inout Frame) {
        let row = state.size.rows - 1
        var parts: [String] = []
        if let group = state.currentGroup {
            if let holder = state.heldByOthers[group] {
                parts.append("group \(group) held by \(holder)")
            } else {
                parts.append("group \(group)" + (state.claimed.contains(group) ? " (claimed)" : ""))
            }
        }
        if state.unsaved { parts.append("unsaved box edit") }
        if let count = state.count { parts.append("count \(count)") }
        if !state.pending.isEmpty { parts.append(Keymap.label(state.pending) + " …") }
        let left = parts.joined(separator: " · ")
        var x = frame.put(left, column: 0, row: row, style: state.unsaved ? .warning : .faint)
        if let message = state.message {
            if x > 0 { x += frame.put(" │ ", column: x, row: row, style: .faint) }
            frame.put(message.text, column: x, row: row, style: message.isError ? .error : .plain)
        }
    }
}
