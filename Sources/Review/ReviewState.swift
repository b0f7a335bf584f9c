// ReviewState: where an instance stands in review; every instance is in exactly one of these.
import GRDB

public enum ReviewState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Indexed, with the engine's proposals; waits for a reviewer.
    case proposed
    /// A reviewer approved what will be redacted; waits for commit.
    case approved
    /// Written under the output folder; final.
    case committed
    /// Not to be delivered, with a reason (unreadable at ingest, or sent there by a reviewer).
    case quarantined
}

/// A proposal's decision: pending until a reviewer accepts or rejects it. Pending boxes are
/// redacted at commit (fail closed): only a rejection keeps the pixels.
public enum ProposalStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case pending, accepted, rejected
}
