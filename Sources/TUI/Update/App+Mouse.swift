// App+Mouse: clicks select rows and boxes, a drag on the image draws a box, the wheel scrolls lists and frames.
import Engine
import Render
import Review

extension App {
    func mouse(_ event: MouseEvent, _ state: inout AppState) -> [Effect] {
        guard state.overlay == nil else {
            if event.kind == .press, state.overlay == .help { state.overlay = nil }
            return []
        }
        switch state.screen {
        case .groups, .studies, .instances:
            return listMouse(event, &state)
        case .review:
            return reviewMouse(event, &state)
        case .spotcheck:
            let area = Layout.spotList(state.size)
            guard event.kind == .press, area.contains(column: event.column, row: event.row) else { return [] }
            let before = state.spot.checks.current?.id
            state.spot.checks.moveTo(state.spot.checks.top + event.row - area.row)
            if let current = state.spot.checks.current, current.id != before { return [.loadSpotCheck(instance: current.instanceID)] }
            return []
        }
    }

    func listMouse(_ event: MouseEvent, _ state: inout AppState) -> [Effect] {
        switch event.kind {
        case .scrollUp: return list(.up, count: 3, &state)
        case .scrollDown: return list(.down, count: 3, &state)
        case .press:
            let area = Layout.listRows(state.size)
            guard area.contains(column: event.column, row: event.row) else { return [] }
            let (top, cursor, count): (Int, Int, Int)
            switch state.screen {
            case .groups: (top, cursor, count) = (state.groups.top, state.groups.cursor, state.groups.count)
            case .studies: (top, cursor, count) = (state.studies.top, state.studies.cursor, state.studies.count)
            default: (top, cursor, count) = (state.instances.top, state.instances.cursor, state.instances.count)
            }
            let position = top + event.row - area.row
            guard position < count else { return [] }
            // A click on the row under the cursor opens it; elsewhere it moves the cursor there.
            if position == cursor { return list(.open, count: nil, &state) }
            return list(.first, count: position + 1, &state)
        default:
            return []
        }
    }

    func reviewMouse(_ event: MouseEvent, _ state: inout AppState) -> [Effect] {
        guard var pane = state.review else { return [] }
        if event.kind == .scrollUp || event.kind == .scrollDown {
            return review(event.kind == .scrollDown ? .nextFrame : .previousFrame, count: nil, &state)
        }
        let area = Layout.preview(state.size)
        let geometry = Layout.geometry(imageColumns: pane.columns, imageRows: pane.rows, area: area, state: state)
        let cell = PreviewGeometry.Cell(column: event.column - area.column, row: event.row - area.row)
        let point = geometry.imagePoint(ofCell: cell, cellSize: Layout.cellSize(state))
        defer { state.review = pane }
        switch event.kind {
        case .press:
            guard let point else {
                if let index = sideRow(event, state), index < pane.proposals.count, pane.edit == nil { pane.selected = index }
                return []
            }
            if var edit = pane.edit {
                edit.dragOrigin = PixelPoint(x: point.x, y: point.y)
                edit.rect = PixelRect(x: point.x, y: point.y, width: 1, height: 1)
                pane.edit = edit
                return []
            }
            let under = pane.proposals.indices.filter { pane.proposals[$0].rect.contains(x: point.x, y: point.y) }
            if let smallest = under.min(by: { pane.proposals[$0].rect.area < pane.proposals[$1].rect.area }) {
                pane.selected = smallest
                return []
            }
            guard editable(pane, &state) else { return [] }
            pane.edit = BoxEdit(proposalID: nil, original: nil, rect: PixelRect(x: point.x, y: point.y, width: 1, height: 1),
                                dragOrigin: PixelPoint(x: point.x, y: point.y))
            return []
        case .drag, .release:
            guard var edit = pane.edit, let origin = edit.dragOrigin else { return [] }
            let target = point ?? clampedPoint(event, area: area, geometry: geometry, state: state)
            edit.rect = Self.fit(PixelRect(x0: min(origin.x, target.x), y0: min(origin.y, target.y),
                                           x1: max(origin.x, target.x) + 1, y1: max(origin.y, target.y) + 1),
                                 columns: pane.columns, rows: pane.rows)
            if event.kind == .release {
                edit.dragOrigin = nil
                if edit.proposalID == nil && (edit.rect.width < 2 || edit.rect.height < 2) {
                    pane.edit = nil
                    state.message = .info("drag on the image to draw a box")
                    return []
                }
                state.message = .info("box \(edit.rect): Enter keeps it, Esc drops it, keys refine it")
            }
            pane.edit = edit
            return []
        default:
            return []
        }
    }

    /// A drag that leaves the image still pulls the box to the image's edge.
    func clampedPoint(_ event: MouseEvent, area: CellRect, geometry: PreviewGeometry, state: AppState) -> PreviewGeometry.Point {
        let extent = geometry.cellExtent(cellSize: Layout.cellSize(state))
        let column = max(0, min(extent.columns - 1, event.column - area.column))
        let row = max(0, min(extent.rows - 1, event.row - area.row))
        return geometry.imagePoint(ofCell: PreviewGeometry.Cell(column: column, row: row), cellSize: Layout.cellSize(state))
            ?? PreviewGeometry.Point(x: 0, y: 0)
    }

    /// The proposal row of the side panel under the mouse (the panel lists one box a line under a heading).
    func sideRow(_ event: MouseEvent, _ state: AppState) -> Int? {
        let side = Layout.side(state.size)
        guard side.contains(column: event.column, row: event.row), event.row >= side.row + 2 else { return nil }
        return event.row - side.row - 2
    }
}
