// App+ViewSpot: a spot check: the original with its boxes beside the committed output, the sample and the leak bound.
import Engine
import Render
import Review

extension App {
    func spotBody(_ state: AppState, _ frame: inout Frame) {
        let body = Layout.body(state.size)
        let (left, right) = Layout.spotImages(state.size)
        let spot = state.spot
        let bound = spot.bound
        var summary = "\(bound.checked) checked, \(bound.leaks) leaks, \(bound.pending) pending · leak rate \(Self.bound(bound)) at 95% confidence"
        if let needed = bound.cleanChecksToTarget, needed > 0 { summary += " · \(needed) more clean checks to reach 0.01%" }
        if bound.checked > 0 && bound.upper95 <= Workspace.leakTarget { summary += " · under 0.01%" }
        frame.put(summary, column: 0, row: body.row, style: Style(bold: true), limit: state.size.columns)
        if let check = spot.checks.current, spot.columns > 0 {
            frame.put("Original (boxes as approved)", column: left.column, row: left.row - 1, style: .heading, limit: left.columns)
            let geometry = Layout.geometry(imageColumns: spot.columns, imageRows: spot.rows, area: left, state: state)
            let boxes = spot.proposals.enumerated().map { OverlayBox(rect: $1.rect, number: $0 + 1, style: $1.redacts ? .accepted : .rejected, redacts: $1.redacts) }
            frame.add(ImageSlot(area: left, request: PreviewRequest(source: .instance(check.instanceID), frame: 0, window: nil, boxes: boxes,
                                                                    redacted: false, geometry: geometry)))
            frame.put("Output as delivered", column: right.column, row: right.row - 1, style: .heading, limit: right.columns)
            if spot.outputMissing {
                frame.put("the committed output is not in the output folder", column: right.column, row: right.row + 1, style: .error, limit: right.columns)
            } else {
                let out = Layout.geometry(imageColumns: spot.columns, imageRows: spot.rows, area: right, state: state)
                frame.add(ImageSlot(area: right, request: PreviewRequest(source: .output(check.instanceID), frame: 0, window: nil, boxes: [],
                                                                         redacted: false, geometry: out)))
            }
        } else if spot.checks.current != nil {
            frame.put("this output has no pixels: check its header with dcmscrub verify", column: 1, row: left.row + 1, style: .faint)
        }
        let list = Layout.spotList(state.size)
        frame.put("Check  Group  Image     Verdict   By", column: 0, row: list.row - 1, style: .heading)
        guard spot.checks.count > 0 else {
            frame.put(spot.checks.loaded ? "no spot checks yet: D draws a random sample per device group" : "loading…",
                      column: 2, row: list.row, style: .faint)
            return
        }
        let shown = spot.checks.shown
        for offset in 0..<list.rows {
            let position = spot.checks.top + offset
            guard position < shown.count else { break }
            let check = shown[position]
            let row = list.row + offset
            let selected = position == spot.checks.cursor
            if selected { frame.paint(row: row, style: .cursor) }
            let verdict = check.verdict?.rawValue ?? "pending"
            let line = "\(String(check.id ?? 0).leftPadded(5))  \(String(check.groupID).leftPadded(5))  \(String(check.instanceID).leftPadded(8))  \(verdict.padded(8))  \(check.checkedBy ?? "")"
            frame.put(line, column: 0, row: row, style: selected ? .cursor : check.verdict == .leak ? .error : .plain)
        }
    }
}
