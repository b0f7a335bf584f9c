// App+Spot: the QA officer's spot checks: move through the sample, record clean or leak, draw a new sample.
import Review

extension App {
    func spot(_ action: Action, count: Int?, _ state: inout AppState) -> [Effect] {
        let before = state.spot.checks.current?.id
        switch action {
        case .down: state.spot.checks.move(by: count ?? 1)
        case .up: state.spot.checks.move(by: -(count ?? 1))
        case .first: state.spot.checks.moveTo(count.map { $0 - 1 } ?? 0)
        case .last: state.spot.checks.moveTo(count.map { $0 - 1 } ?? Int.max / 2)
        case .pass, .fail:
            guard let check = state.spot.checks.current, let id = check.id else {
                state.message = .info("no spot check selected; D draws a sample")
                return []
            }
            guard check.verdict == nil else {
                state.message = .error("check \(id) has its verdict already (\(check.verdict!.rawValue)); verdicts are final")
                return []
            }
            if state.spot.outputMissing && action == .pass {
                state.message = .error("the output of check \(id) is not in the output folder: it cannot be passed unseen")
                return []
            }
            var effects: [Effect] = [.verdict(check: id, action == .pass ? .clean : .leak), .loadSpotChecks]
            // Move on to the next check without a verdict, as a reviewer would.
            let rows = state.spot.checks.shown
            if let index = rows.firstIndex(where: { $0.id == id }),
               let next = (rows[(index + 1)...] + rows[..<index]).first(where: { $0.verdict == nil && $0.id != id }) {
                state.spot.checks.select(id: next.listID)
                effects.append(.loadSpotCheck(instance: next.instanceID))
            }
            return effects
        case .draw:
            state.overlay = .prompt(.sampleSize, text: "10")
            return []
        case .showRedacted:
            state.spot.showRedacted.toggle()
            return []
        default:
            state.message = .info("\(action.rawValue) does nothing on this screen")
            return []
        }
        scrollLists(&state)
        if let current = state.spot.checks.current, current.id != before {
            return [.loadSpotCheck(instance: current.instanceID)]
        }
        return []
    }
}
