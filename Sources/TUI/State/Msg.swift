// Msg and Effect: what reaches `update` (keys, mouse, answers from the workspace) and what it asks the runner to do.
import Engine
import Review

public enum Msg: Sendable, Equatable {
    case key(Key)
    case mouse(MouseEvent)
    case resized(TerminalSize)
    case groupsLoaded([GroupStatus], overall: LeakBound)
    case studiesLoaded([StudySummary])
    case instancesLoaded(InstanceScope, [InstanceSummary])
    case instanceRowLoaded(InstanceSummary)
    case instanceLoaded(ReviewPane)
    case headerLoaded(instance: Int64, [HeaderChangeRow])
    /// A claim taken (or renewed), or refused because another live reviewer holds the group.
    case claimed(group: Int64, heldBy: String?)
    /// A decision was recorded; the message says what.
    case decided(String)
    case spotChecksLoaded([SpotCheck], LeakBound)
    case spotCheckLoaded(outputMissing: Bool, proposals: [ProposalRecord], columns: Int, rows: Int)
    case commitProgress(done: Int, total: Int)
    case commitFinished(String)
    /// A workspace call failed: its one-line message (never a value from a file).
    case failed(String)
}

public struct MouseEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case press, drag, release, scrollUp, scrollDown }
    public var kind: Kind
    public var column: Int
    public var row: Int

    public init(_ kind: Kind, column: Int, row: Int) {
        self.kind = kind
        self.column = column
        self.row = row
    }
}

public enum Effect: Sendable, Equatable {
    case loadGroups
    case loadStudies
    case loadInstances(InstanceScope)
    case loadInstanceRow(Int64)
    case loadInstance(Int64)
    case loadHeader(Int64)
    case claim(Int64)
    case release(Int64)
    case decide(Decision)
    case commit
    case loadSpotChecks
    case loadSpotCheck(instance: Int64)
    case drawSpotChecks(perGroup: Int)
    case verdict(check: Int64, SpotCheck.Verdict)
    case quit
}

/// A reviewer's decision, carried out by the runner through the workspace (one audited transaction each).
public enum Decision: Sendable, Equatable {
    case accept(proposal: Int64, instance: Int64)
    case reject(proposal: Int64, instance: Int64)
    case acceptAll(proposals: [Int64], instance: Int64)
    case edit(proposal: Int64, PixelRect, instance: Int64)
    case addBox(instance: Int64, PixelRect)
    case approve(instance: Int64)
    case quarantine(instance: Int64, reason: String)
    case reopen(instance: Int64)
    case saveTemplate(group: Int64, [PixelRect], instance: Int64)
    case verifyTemplate(group: Int64, instance: Int64)
    case approveGroup(group: Int64)

    /// The instance to show again once the decision is recorded.
    public var instance: Int64? {
        switch self {
        case .accept(_, let i), .reject(_, let i), .acceptAll(_, let i), .edit(_, _, let i), .addBox(let i, _), .approve(let i),
             .quarantine(let i, _), .reopen(let i), .saveTemplate(_, _, let i), .verifyTemplate(_, let i):
            return i
        case .approveGroup:
            return nil
        }
    }
}
