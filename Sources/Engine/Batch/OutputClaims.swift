// OutputClaims: which input each output path belongs to, the same whatever order the workers reach the inputs in.
import Foundation

/// Inputs with the same output path (the same SOP Instance UID) end one delivered and the others
/// quarantined as duplicates. The one delivered is the lowest input, as a run with one worker would
/// choose: a lower input that a worker reaches later takes the path over once the higher one's
/// write has finished, and the higher one's outcome becomes that of a duplicate (`settle`, or the
/// caller's correction when it was already recorded). A path stays its owner's even when that
/// owner's output fails: the others are still its duplicates.
final class OutputClaims: @unchecked Sendable {
    private struct Claim {
        var owner: Int
        /// Between claim and finish: its output is being written.
        var writing: Bool
        /// The owner's outcome is recorded.
        var settled: Bool
    }

    enum Grant: Equatable {
        case granted
        /// Granted in place of the higher input `from`; `settled`: its outcome was already recorded
        /// and must now be corrected.
        case takenOver(from: Int, settled: Bool)
        /// A lower input owns the path.
        case denied
    }

    private let condition = NSCondition()
    private var claims: [PathDigest: Claim] = [:]
    /// Inputs that lost their path to a lower one before their outcome was recorded.
    private var superseded: Set<Int> = []

    /// Claims the output path `digest` for input `index` and marks it as being written; waits while a higher
    /// input's output there is being written.
    func claim(_ digest: PathDigest, for index: Int) -> Grant {
        condition.lock()
        defer { condition.unlock() }
        while let claim = claims[digest], claim.owner != index {
            if claim.owner < index { return .denied }
            if claim.writing {
                condition.wait()
                continue
            }
            if !claim.settled { superseded.insert(claim.owner) }
            claims[digest] = Claim(owner: index, writing: true, settled: false)
            return .takenOver(from: claim.owner, settled: claim.settled)
        }
        claims[digest] = Claim(owner: index, writing: true, settled: false)
        return .granted
    }

    /// The output of `index` at `digest` is written, or failed: a lower input may take it over now.
    func finish(_ digest: PathDigest, for index: Int) {
        condition.lock()
        defer { condition.unlock() }
        if claims[digest]?.owner == index { claims[digest]?.writing = false }
        condition.broadcast()
    }

    /// An output delivered by an earlier run, owned again by its input; false when another input
    /// has claimed the path in this run (the input is then done again).
    func resume(_ digest: PathDigest, for index: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if let claim = claims[digest] { return claim.owner == index }
        claims[digest] = Claim(owner: index, writing: false, settled: false)
        return true
    }

    /// Records the outcome of `index`, which claimed `digest` (nil: no path), through `record`,
    /// told whether a lower input took the path over first; no takeover can come between.
    func settle(_ index: Int, claimed digest: PathDigest?, _ record: (_ superseded: Bool) -> Void) {
        condition.lock()
        defer { condition.unlock() }
        let lost = superseded.remove(index) != nil
        if !lost, let digest, claims[digest]?.owner == index { claims[digest]?.settled = true }
        record(lost)
    }
}
