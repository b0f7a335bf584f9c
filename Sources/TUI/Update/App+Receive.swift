// App+Receive: answers from the runner (loaded rows, claims, decisions, commit progress) folded into the state.
import Review

extension App {
    func receive(_ msg: Msg, _ state: inout AppState) -> [Effect] {
        switch msg {
        case .groupsLoaded(let groups, let overall):
            state.groups.replace(groups)
            state.overall = overall
        case .studiesLoaded(let studies):
            state.studies.replace(studies)
        case .instancesLoaded(let scope, let rows):
            guard scope == state.scope else { return [] }
            state.instances.replace(rows)
            if let review = state.review { state.instances.select(id: String(review.instanceID)) }
        case .instanceRowLoaded(let row):
            state.instances.update(row)
        case .instanceLoaded(var pane):
            // The reviewer's view of the same image survives a reload: frame, window, selection, panels.
            if let old = state.review, old.instanceID == pane.instanceID {
                pane.frame = min(old.frame, max(0, pane.frames - 1))
                pane.window = old.window
                pane.showRedacted = old.showRedacted
                pane.showHeader = old.showHeader
                pane.header = old.header
                if let selected = old.selectedProposal?.id {
                    pane.selected = pane.proposals.firstIndex { $0.id == selected || $0.supersedes == selected } ?? pane.selected
                }
                pane.edit = old.edit
            }
            guard state.screen == .review else { return [] }
            state.review = pane
            state.instances.select(id: String(pane.instanceID))
            return pane.showHeader && pane.header == nil ? [.loadHeader(pane.instanceID)] : []
        case .headerLoaded(let instance, let rows):
            if state.review?.instanceID == instance { state.review?.header = rows }
        case .claimed(let group, let holder):
            if let holder {
                state.heldByOthers[group] = holder
                state.claimed.remove(group)
                state.message = .error("group \(group) is claimed by \(holder): you can look, not decide")
            } else {
                state.heldByOthers[group] = nil
                state.claimed.insert(group)
            }
        case .decided(let text):
            state.message = .info(text)
        case .spotChecksLoaded(let checks, let bound):
            let first = !state.spot.checks.loaded || state.spot.checks.current == nil
            state.spot.checks.replace(checks)
            state.spot.bound = bound
            if first, let pending = checks.first(where: { $0.verdict == nil }) {
                state.spot.checks.select(id: pending.listID)
            }
            if first, let current = state.spot.checks.current { return [.loadSpotCheck(instance: current.instanceID)] }
        case .spotCheckLoaded(let missing, let proposals, let columns, let rows):
            state.spot.outputMissing = missing
            state.spot.proposals = proposals
            state.spot.columns = columns
            state.spot.rows = rows
        case .commitProgress(let done, let total):
            state.commit = CommitPane(done: done, total: total)
        case .commitFinished(let summary):
            state.message = .info(summary)
            state.commit = nil
            return reload(&state) + (state.screen == .groups ? [] : [.loadGroups])
        case .failed(let text):
            if state.commit != nil { state.commit = nil }
            state.message = .error(text)
        default:
            break
        }
        scrollLists(&state)
        return []
    }
}
