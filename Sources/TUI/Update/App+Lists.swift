// App+Lists: moving through the groups, studies and instances lists, filtering, searching and opening a row.
import Engine
import Review

extension App {
    func list(_ action: Action, count: Int?, _ state: inout AppState) -> [Effect] {
        let page = max(1, Layout.listRows(state.size).rows - 1)
        var effects: [Effect] = []
        func move(_ body: (inout ListState<GroupStatus>) -> Void, _ b: (inout ListState<StudySummary>) -> Void,
                  _ c: (inout ListState<InstanceSummary>) -> Void) {
            switch state.screen {
            case .groups: body(&state.groups)
            case .studies: b(&state.studies)
            default: c(&state.instances)
            }
        }
        switch action {
        case .down, .up, .pageDown, .pageUp:
            let step = (action == .down || action == .up ? 1 : page) * (count ?? 1) * (action == .up || action == .pageUp ? -1 : 1)
            move({ $0.move(by: step) }, { $0.move(by: step) }, { $0.move(by: step) })
        case .first, .last:
            let target = count.map { $0 - 1 } ?? (action == .first ? 0 : Int.max / 2)
            move({ $0.moveTo(target) }, { $0.moveTo(target) }, { $0.moveTo(target) })
        case .filter:
            switch state.screen {
            case .groups: state.groups.setFilter(state.groups.filter.next)
            case .studies: state.studies.setFilter(state.studies.filter.next)
            default: state.instances.setFilter(state.instances.filter.next)
            }
        case .search:
            let current: String
            switch state.screen {
            case .groups: current = state.groups.search
            case .studies: current = state.studies.search
            default: current = state.instances.search
            }
            state.overlay = .prompt(.search, text: current)
        case .modality:
            switch state.screen {
            case .groups: state.groups.cycleModality()
            case .studies: state.studies.cycleModality()
            default: state.instances.cycleModality()
            }
        case .open:
            effects = open(&state)
        case .approveGroup:
            guard let group = state.currentGroup else { break }
            let row = state.groups.rows.first { $0.id == group }
            guard let template = row?.template, template.verified else {
                state.message = .error("group \(group) has no verified template: open an image, save its boxes (T) and verify them (V)")
                break
            }
            state.overlay = .confirm(.approveGroup(group, instances: row?.counts.proposed ?? 0))
        default:
            state.message = .info("\(action.rawValue) does nothing on this screen")
        }
        scrollLists(&state)
        return effects
    }

    func open(_ state: inout AppState) -> [Effect] {
        switch state.screen {
        case .groups:
            guard let group = state.groups.current else { return [] }
            return openInstances(.group(group.id), &state) + [.claim(group.id)]
        case .studies:
            guard let study = state.studies.current else { return [] }
            return openInstances(.study(study.key), &state)
        case .instances:
            guard let instance = state.instances.current else { return [] }
            state.history.append(.instances)
            state.screen = .review
            state.review = nil
            var effects: [Effect] = [.loadInstance(instance.id)]
            if let group = instance.groupID, !state.claimed.contains(group), state.heldByOthers[group] == nil {
                effects.append(.claim(group))
            }
            return effects
        default:
            return []
        }
    }

    func openInstances(_ scope: InstanceScope, _ state: inout AppState) -> [Effect] {
        state.history.append(state.screen)
        state.screen = .instances
        if state.scope != scope { state.instances = ListState() }
        state.scope = scope
        return [.loadInstances(scope)]
    }
}
