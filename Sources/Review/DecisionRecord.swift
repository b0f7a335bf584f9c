// DecisionRecord: one reviewer decision (who, when, why, on what), written with its audit entry in one transaction.
import GRDB

public struct DecisionRecord: Codable, Sendable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "decisions"

    public var id: Int64?
    public var action: AuditAction
    /// The reviewer's login name.
    public var reviewer: String
    public var time: String
    public var reason: String?
    public var instanceID: Int64?
    public var groupID: Int64?
    public var proposalID: Int64?
    public var templateID: Int64?
    public var auditSeq: Int64

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// The `area.verb` vocabulary shared by decisions, the audit trail and the TUI's actions.
public enum AuditAction: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case workspaceCreate = "workspace.create"
    case workspaceIngest = "workspace.ingest"
    case proposalAccept = "proposal.accept"
    case proposalReject = "proposal.reject"
    case proposalEdit = "proposal.edit"
    case proposalAdd = "proposal.add"
    case instanceApprove = "instance.approve"
    case instanceReopen = "instance.reopen"
    case instanceQuarantine = "instance.quarantine"
    case instanceCommit = "instance.commit"
    case templateSave = "template.save"
    case groupApprove = "group.approve"
    case spotcheckDraw = "spotcheck.draw"
    case spotcheckVerdict = "spotcheck.verdict"

    /// Whether a reviewer took it (a decision), rather than the machine recording what it did.
    public var isDecision: Bool {
        switch self {
        case .workspaceCreate, .workspaceIngest, .instanceCommit, .spotcheckDraw: false
        default: true
        }
    }
}
