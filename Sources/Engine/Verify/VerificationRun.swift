// VerificationRun: the `verify` command's engine: every paired output checked against its source, in parallel.
import Foundation

public final class VerificationRun: @unchecked Sendable {
    let plan: VerificationPlan
    let folder: String
    let verifier: Verifier
    let jobs: Int
    /// Called after each output with (done, total), for a terminal progress line.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(plan: VerificationPlan, outputFolder: String, verifier: Verifier, jobs: Int = 1) {
        self.plan = plan
        folder = outputFolder
        self.verifier = verifier
        self.jobs = max(1, jobs)
    }

    public func run() -> VerificationReport {
        let started = Date()
        DicomFile.initialize()
        let pairs = plan.pairs
        let collected = Collected(count: pairs.count)
        let next = Counter()
        let done = Counter()
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(1, pairs.count))) { _ in
            while let index = next.take(below: pairs.count) {
                let pair = pairs[index]
                let outcome = check(pair)
                collected.record(outcome, at: index, position: pair.position)
                if let progress, let count = done.take(below: .max) { progress(count + 1, pairs.count) }
            }
        }
        var outputs = collected.results.compactMap { $0 }
        let unreadable = collected.unreadable
        for (k, relative) in plan.unpaired.enumerated() {
            // The path itself may carry a name, so it is shown only as a value (confidential).
            let finding = VerificationFinding(kind: .unpairedOutput, location: "file", value: relative)
            outputs.append(VerifiedOutput(position: k + 1, positionName: "unpaired output", output: relative,
                                          device: nil, verification: { var v = Verification(); v.findings = [finding]; return v }()))
        }
        return VerificationReport(plan: plan, verifier: verifier, outputs: outputs, unreadableSources: unreadable.sorted(),
                                  seconds: Date().timeIntervalSince(started))
    }

    enum Outcome {
        case checked(VerifiedOutput)
        case sourceUnreadable
    }

    private func check(_ pair: VerificationPair) -> Outcome {
        guard let facts = try? SourceFacts.read(path: pair.source, profile: verifier.profile, maxBytes: verifier.maxBytes) else {
            return .sourceUnreadable
        }
        let verification = verifier.verify(Verifier.Subject(
            output: folder + "/" + pair.output, name: pair.output, source: facts, redactions: pair.redactions))
        var output = VerifiedOutput(position: pair.position, positionName: plan.positionName, output: pair.output,
                                    device: facts.device, verification: verification)
        output.source = pair.source
        return .checked(output)
    }
}

/// Results of the workers, by pair.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var results: [VerifiedOutput?]
    private(set) var unreadable: [Int] = []

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func record(_ outcome: VerificationRun.Outcome, at index: Int, position: Int) {
        lock.lock()
        defer { lock.unlock() }
        switch outcome {
        case .checked(let output): results[index] = output
        case .sourceUnreadable: unreadable.append(position)
        }
    }
}
