// App: the pure update of the workstation (keys through the keymap to actions, answers from the runner into state).
import Engine
import Review

public struct App: Sendable {
    public let keymap: Keymap

    public init(keymap: Keymap) {
        self.keymap = keymap
    }

    /// The first effects: what the start screen needs.
    public func start(_ state: inout AppState) -> [Effect] {
        [.loadGroups]
    }

    /// Changes `state` for one message and says what the runner should do. No I/O, no clock.
    public func update(_ state: inout AppState, _ msg: Msg) -> [Effect] {
        switch msg {
        case .key(let key):
            return handle(key, &state)
        case .mouse(let event):
            return mouse(event, &state)
        case .resized(let size):
            state.size = size
            scrollLists(&state)
            return []
        default:
            return receive(msg, &state)
        }
    }

    // MARK: - Keys

    func handle(_ key: Key, _ state: inout AppState) -> [Effect] {
        switch state.overlay {
        case .help?:
            state.overlay = nil
            return []
        case .prompt(let prompt, let text)?:
            return type(key, into: prompt, text: text, &state)
        default:
            break
        }
        if keymap.counts, state.pending.isEmpty, case .char(let c) = key.base, !key.ctrl, let digit = c.wholeNumberValue,
           c.isASCII, digit > 0 || state.count != nil, state.mode != .confirm {
            state.count = min(99_999, (state.count ?? 0) * 10 + digit)
            return []
        }
        state.pending.append(key)
        switch keymap.resolve(state.pending, in: state.mode) {
        case .pending:
            return []
        case .unbound:
            let typed = Keymap.label(state.pending)
            state.pending = []
            state.count = nil
            state.message = .info("\(Sanitize.line(typed)) does nothing here; ? shows the keys")
            return []
        case .action(let action):
            state.pending = []
            let count = state.count
            state.count = nil
            state.message = nil
            return perform(action, count: count, &state)
        }
    }

    /// Runs an action in the current mode; `count` is what was typed before it (vim keymap), if anything.
    public func perform(_ action: Action, count: Int? = nil, _ state: inout AppState) -> [Effect] {
        if case .confirm(let question)? = state.overlay {
            state.overlay = nil
            return action == .yes ? answer(question, &state) : []
        }
        switch action {
        case .quit:
            if state.unsaved {
                state.overlay = .confirm(.quit)
                return []
            }
            return quit(&state)
        case .help:
            state.overlay = .help
            return []
        case .refresh:
            return reload(&state)
        case .back:
            return back(&state)
        case .commit:
            let approved = state.groups.rows.reduce(0) { $0 + $1.counts.approved }
            state.overlay = .confirm(.commit(approved: approved))
            return []
        case .spotCheck:
            state.history.append(state.screen)
            state.screen = .spotcheck
            return [.loadSpotChecks]
        case .groups, .studies:
            state.screen = action == .groups ? .groups : .studies
            state.history = []
            return action == .groups ? [.loadGroups] : [.loadStudies]
        default:
            break
        }
        switch state.screen {
        case .groups, .studies, .instances:
            return list(action, count: count, &state)
        case .review:
            return state.review?.edit != nil ? box(action, count: count, &state) : review(action, count: count, &state)
        case .spotcheck:
            return spot(action, count: count, &state)
        }
    }

    func quit(_ state: inout AppState) -> [Effect] {
        state.quitting = true
        return state.claimed.sorted().map(Effect.release) + [.quit]
    }

    func reload(_ state: inout AppState) -> [Effect] {
        switch state.screen {
        case .groups: return [.loadGroups]
        case .studies: return [.loadStudies]
        case .instances: return state.scope.map { [.loadInstances($0)] } ?? []
        case .review: return (state.scope.map { [Effect.loadInstances($0)] } ?? []) + (state.review.map { [.loadInstance($0.instanceID)] } ?? [])
        case .spotcheck: return [.loadSpotChecks]
        }
    }

    func back(_ state: inout AppState) -> [Effect] {
        if state.review?.edit != nil {
            state.review?.edit = nil
            state.message = .info("edit cancelled; nothing was recorded")
            return []
        }
        guard let previous = state.history.popLast() else {
            state.message = .info("this is the first screen; q quits")
            return []
        }
        var effects: [Effect] = []
        if state.screen == .instances, case .group(let id)? = state.scope, state.claimed.contains(id) {
            state.claimed.remove(id)
            effects.append(.release(id))
        }
        if state.screen == .review { state.review = nil }
        state.screen = previous
        switch previous {
        case .groups: effects.append(.loadGroups)
        case .studies: effects.append(.loadStudies)
        case .instances: if let scope = state.scope { effects.append(.loadInstances(scope)) }
        default: break
        }
        return effects
    }

    /// Carries out a question answered yes.
    func answer(_ question: Question, _ state: inout AppState) -> [Effect] {
        switch question {
        case .quit:
            return quit(&state)
        // Group decisions change the groups' counts and templates too: the groups list is reloaded with them.
        case .approveGroup(let group, _):
            return [.decide(.approveGroup(group: group))] + reload(&state) + (state.screen == .groups ? [] : [.loadGroups])
        case .saveTemplate(let group, let rects, _):
            guard let instance = state.review?.instanceID else { return [] }
            return [.decide(.saveTemplate(group: group, rects, instance: instance))] + reload(&state) + [.loadGroups]
        case .verifyTemplate(let group, _):
            guard let instance = state.review?.instanceID else { return [] }
            return [.decide(.verifyTemplate(group: group, instance: instance))] + reload(&state) + [.loadGroups]
        case .commit:
            state.commit = CommitPane()
            return [.commit]
        }
    }

    // MARK: - Prompts

    func type(_ key: Key, into prompt: Prompt, text: String, _ state: inout AppState) -> [Effect] {
        switch key.base {
        case .escape:
            state.overlay = nil
            if prompt == .search { setSearch("", &state) }
            return []
        case .enter:
            state.overlay = nil
            return submit(prompt, text: text, &state)
        case .backspace, .delete:
            state.overlay = .prompt(prompt, text: String(text.dropLast()))
        case .char(let c) where !key.ctrl && !c.isNewline:
            guard text.count < 200 else { return [] }
            state.overlay = .prompt(prompt, text: text + String(c))
        default:
            return []
        }
        if case .prompt(.search, let typed)? = state.overlay { setSearch(typed, &state) }
        return []
    }

    func submit(_ prompt: Prompt, text: String, _ state: inout AppState) -> [Effect] {
        switch prompt {
        case .search:
            setSearch(text, &state)
            return []
        case .quarantineReason(let instance):
            let reason = text.trimmingCharacters(in: .whitespaces)
            guard !reason.isEmpty else {
                state.message = .error("a quarantine needs a reason; nothing was recorded")
                return []
            }
            return [.decide(.quarantine(instance: instance, reason: reason))] + refreshed(instance)
        case .sampleSize:
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n > 0, n <= 10_000 else {
                state.message = .error("the sample size is a number from 1 to 10000")
                return []
            }
            return [.drawSpotChecks(perGroup: n), .loadSpotChecks]
        }
    }

    func setSearch(_ text: String, _ state: inout AppState) {
        switch state.screen {
        case .groups: state.groups.setSearch(text)
        case .studies: state.studies.setSearch(text)
        case .instances: state.instances.setSearch(text)
        default: break
        }
        scrollLists(&state)
    }

    /// Keeps each list's cursor on screen after a move or a resize.
    func scrollLists(_ state: inout AppState) {
        let height = Layout.listRows(state.size).rows
        state.groups.scroll(height: height)
        state.studies.scroll(height: height)
        state.instances.scroll(height: height)
        state.spot.checks.scroll(height: Layout.spotList(state.size).rows)
    }
}
