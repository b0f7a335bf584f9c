// ProposalRecord: one box to redact in one instance, from a template, OCR or a reviewer, with its decision.
import Engine
import GRDB

public struct ProposalRecord: Codable, Sendable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "proposals"

    public var id: Int64?
    public var instanceID: Int64
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public var source: Proposal.Source
    /// Recognised text (OCR) or the template's name. Secret: OCR text can be a name.
    public var text: String
    public var confidence: Double
    public var reason: String
    /// Set when the box comes from a workspace (reviewer) template.
    public var templateID: Int64?
    public var templateVersion: Int?
    public var status: ProposalStatus
    /// False once replaced: by an edit, or by a newer version of the group's template.
    public var active: Bool
    /// The proposal an edit replaced.
    public var supersedes: Int64?

    public var rect: PixelRect {
        get { PixelRect(x: x, y: y, width: width, height: height) }
        set { (x, y, width, height) = (newValue.x, newValue.y, newValue.width, newValue.height) }
    }

    /// Redacted at commit: active and not rejected.
    public var redacts: Bool { active && status != .rejected }

    public init(instanceID: Int64, rect: PixelRect, source: Proposal.Source, text: String, confidence: Double, reason: String,
         templateID: Int64? = nil, templateVersion: Int? = nil, status: ProposalStatus = .pending, supersedes: Int64? = nil) {
        self.instanceID = instanceID
        (x, y, width, height) = (rect.x, rect.y, rect.width, rect.height)
        self.source = source
        self.text = text
        self.confidence = confidence
        self.reason = reason
        self.templateID = templateID
        self.templateVersion = templateVersion
        self.status = status
        active = true
        self.supersedes = supersedes
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension Proposal.Source: DatabaseValueConvertible {}
