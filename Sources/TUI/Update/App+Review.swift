// App+Review: deciding on one image: select, accept and reject boxes, frames, window, templates, approve and move on.
import Engine
import Render
import Review

extension App {
    func review(_ action: Action, count: Int?, _ state: inout AppState) -> [Effect] {
        guard var pane = state.review else {
            state.message = .info("the image is still loading")
            return []
        }
        defer { state.review = pane }
        let n = count ?? 1
        let id = pane.instanceID
        switch action {
        case .nextProposal, .previousProposal:
            guard !pane.proposals.isEmpty else {
                state.message = .info("no boxes on this image; b adds one")
                return []
            }
            let step = action == .nextProposal ? n : -n
            let current = pane.selected ?? (step > 0 ? -1 : 0)
            pane.selected = ((current + step) % pane.proposals.count + pane.proposals.count) % pane.proposals.count
            return []
        case .toggle, .accept, .reject:
            guard let proposal = pane.selectedProposal, let pid = proposal.id else {
                state.message = .info("no box selected")
                return []
            }
            guard editable(pane, &state) else { return [] }
            let accept = action == .accept || (action == .toggle && proposal.status == .rejected)
            return [.decide(accept ? .accept(proposal: pid, instance: id) : .reject(proposal: pid, instance: id))] + refreshed(id)
        case .acceptAll:
            guard editable(pane, &state) else { return [] }
            let pending = pane.proposals.filter { $0.status == .pending }.compactMap(\.id)
            guard !pending.isEmpty else {
                state.message = .info("every box is decided already")
                return []
            }
            return [.decide(.acceptAll(proposals: pending, instance: id))] + refreshed(id)
        case .edit:
            guard let proposal = pane.selectedProposal else {
                state.message = .info("no box selected; b adds one")
                return []
            }
            guard editable(pane, &state) else { return [] }
            pane.edit = BoxEdit(proposalID: proposal.id, original: proposal.rect, rect: proposal.rect)
            pane.showHeader = false
            return []
        case .add:
            guard editable(pane, &state) else { return [] }
            let width = max(8, pane.columns / 5), height = max(4, pane.rows / 12)
            let rect = PixelRect(x: (pane.columns - width) / 2, y: (pane.rows - height) / 2, width: width, height: height)
            pane.edit = BoxEdit(proposalID: nil, original: nil, rect: rect)
            pane.showHeader = false
            return []
        case .delete:
            guard let proposal = pane.selectedProposal, let pid = proposal.id else { return [] }
            guard editable(pane, &state) else { return [] }
            return [.decide(.reject(proposal: pid, instance: id))] + refreshed(id)
        case .approve:
            guard editable(pane, &state) else { return [] }
            var effects: [Effect] = [.decide(.approve(instance: id)), .loadInstanceRow(id)]
            if let next = nextInReview(after: id, state) {
                state.instances.select(id: String(next))
                effects.append(.loadInstance(next))
            } else {
                effects.append(.loadInstance(id))
                state.message = .info("that was the last image in review in this list")
            }
            return effects
        case .nextInstance, .previousInstance:
            state.instances.select(id: String(id))
            state.instances.move(by: action == .nextInstance ? n : -n)
            scrollLists(&state)
            guard let next = state.instances.current, next.id != id else {
                state.message = .info(action == .nextInstance ? "this is the last image of the list" : "this is the first image of the list")
                return []
            }
            return [.loadInstance(next.id)]
        case .quarantine:
            guard pane.state == .proposed || pane.state == .approved else {
                state.message = .error("instance \(id) is \(pane.state.rawValue); only images in review or approved can be quarantined")
                return []
            }
            state.overlay = .prompt(.quarantineReason(id), text: "")
            return []
        case .reopen:
            guard pane.state == .approved || pane.state == .quarantined else {
                state.message = .info("instance \(id) is \(pane.state.rawValue): nothing to reopen")
                return []
            }
            return [.decide(.reopen(instance: id))] + refreshed(id)
        case .nextFrame, .previousFrame, .firstFrame, .lastFrame:
            let last = max(0, pane.frames - 1)
            switch action {
            case .nextFrame: pane.frame = min(last, pane.frame + n)
            case .previousFrame: pane.frame = max(0, pane.frame - n)
            case .firstFrame: pane.frame = count.map { min(last, max(0, $0 - 1)) } ?? 0
            default: pane.frame = count.map { min(last, max(0, $0 - 1)) } ?? last
            }
            return []
        case .windowWider, .windowNarrower, .windowBrighter, .windowDarker, .windowReset:
            guard pane.monochrome, let base = pane.window ?? pane.defaultWindow else {
                state.message = .info("a colour image has no grey window")
                return []
            }
            switch action {
            case .windowWider: pane.window = base.widened(steps: n)
            case .windowNarrower: pane.window = base.narrowed(steps: n)
            case .windowBrighter: pane.window = base.shifted(steps: -n)
            case .windowDarker: pane.window = base.shifted(steps: n)
            default: pane.window = nil
            }
            return []
        case .showRedacted:
            pane.showRedacted.toggle()
            return []
        case .showHeader:
            pane.showHeader.toggle()
            return pane.showHeader && pane.header == nil ? [.loadHeader(id)] : []
        case .saveTemplate:
            guard let group = pane.groupID else {
                state.message = .error("this image has no device group")
                return []
            }
            let rects = pane.proposals.filter(\.redacts).map(\.rect)
            let open = state.groups.rows.first { $0.id == group }.map { $0.counts.proposed + $0.counts.approved } ?? 0
            state.overlay = .confirm(.saveTemplate(group, rects, instances: open))
            return []
        case .verifyTemplate:
            guard let group = pane.groupID, let template = pane.template else {
                state.message = .error("the group has no template yet: T saves this image's boxes as one")
                return []
            }
            guard !template.verified else {
                state.message = .info("template v\(template.version) is verified already")
                return []
            }
            state.overlay = .confirm(.verifyTemplate(group, version: template.version))
            return []
        default:
            state.message = .info("\(action.rawValue) does nothing on this screen")
            return []
        }
    }

    /// Decisions change only images still in review, in groups no one else holds.
    func editable(_ pane: ReviewPane, _ state: inout AppState) -> Bool {
        if let group = pane.groupID, let holder = state.heldByOthers[group] {
            state.message = .error("group \(group) is claimed by \(holder): read only")
            return false
        }
        guard pane.state == .proposed else {
            state.message = .error("instance \(pane.instanceID) is \(pane.state.rawValue); O reopens it for changes")
            return false
        }
        return true
    }

    /// After a decision on one image: its row in the list and its pane again (not the whole list, which may hold 100,000).
    func refreshed(_ id: Int64) -> [Effect] {
        [.loadInstanceRow(id), .loadInstance(id)]
    }

    /// The next image of the list still in review after `id`, wrapping.
    func nextInReview(after id: Int64, _ state: AppState) -> Int64? {
        let rows = state.instances.shown
        guard let index = rows.firstIndex(where: { $0.id == id }) else { return nil }
        let order = rows[(index + 1)...] + rows[..<index]
        return order.first { $0.state == .proposed }?.id
    }
}
