// App+Box: moving, resizing and snapping the box being edited, then recording it (or dropping it).
import Engine
import Review

extension App {
    static let coarse = 10

    func box(_ action: Action, count: Int?, _ state: inout AppState) -> [Effect] {
        guard var pane = state.review, var edit = pane.edit else { return [] }
        let n = count ?? 1
        var r = edit.rect
        switch action {
        case .moveLeft: r.x -= n
        case .moveRight: r.x += n
        case .moveUp: r.y -= n
        case .moveDown: r.y += n
        case .moveLeftCoarse: r.x -= n * Self.coarse
        case .moveRightCoarse: r.x += n * Self.coarse
        case .moveUpCoarse: r.y -= n * Self.coarse
        case .moveDownCoarse: r.y += n * Self.coarse
        case .wider: r.width += n
        case .narrower: r.width -= n
        case .taller: r.height += n
        case .shorter: r.height -= n
        case .widerCoarse: r.width += n * Self.coarse
        case .narrowerCoarse: r.width -= n * Self.coarse
        case .tallerCoarse: r.height += n * Self.coarse
        case .shorterCoarse: r.height -= n * Self.coarse
        case .snap:
            guard let snapped = Self.snap(r, to: pane.proposals) else {
                state.message = .info("no detected text touches the box")
                return []
            }
            if snapped == r { state.message = .info("the box fits the detected text already") }
            r = snapped
        case .apply:
            let rect = Self.fit(r, columns: pane.columns, rows: pane.rows)
            pane.edit = nil
            state.review = pane
            if let pid = edit.proposalID {
                guard rect != edit.original else {
                    state.message = .info("the box did not change; nothing was recorded")
                    return []
                }
                return [.decide(.edit(proposal: pid, rect, instance: pane.instanceID))] + refreshed(pane.instanceID)
            }
            return [.decide(.addBox(instance: pane.instanceID, rect))] + refreshed(pane.instanceID)
        case .delete:
            pane.edit = nil
            state.review = pane
            if let pid = edit.proposalID {
                return [.decide(.reject(proposal: pid, instance: pane.instanceID))] + refreshed(pane.instanceID)
            }
            state.message = .info("new box dropped")
            return []
        default:
            state.message = .info("\(action.rawValue) does nothing while a box is edited: Enter keeps it, Esc drops the edit")
            return []
        }
        edit.rect = Self.fit(r, columns: pane.columns, rows: pane.rows)
        pane.edit = edit
        state.review = pane
        return []
    }

    /// At least one pixel, and inside the image.
    static func fit(_ rect: PixelRect, columns: Int, rows: Int) -> PixelRect {
        var r = rect
        r.width = max(1, min(r.width, columns))
        r.height = max(1, min(r.height, rows))
        r.x = max(0, min(r.x, columns - r.width))
        r.y = max(0, min(r.y, rows - r.height))
        return r
    }

    /// The union of the detected text the box touches (the engine's OCR boxes, the edited one's own included), or nil.
    static func snap(_ rect: PixelRect, to proposals: [ProposalRecord]) -> PixelRect? {
        let touched = proposals.filter { $0.source == .ocr && $0.active && $0.rect.intersects(rect) }.map(\.rect)
        guard let first = touched.first else { return nil }
        return touched.dropFirst().reduce(first) { $0.union($1) }
    }
}
