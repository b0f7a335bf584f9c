// SpotCheck: one committed output drawn for a QA check, and the verdict recorded on it.
import GRDB

public struct SpotCheck: Codable, Sendable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "spotChecks"

    public enum Verdict: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        /// Nothing identifying found in the output.
        case clean
        /// Something identifying remained.
        case leak
    }

    public var id: Int64?
    public var instanceID: Int64
    public var groupID: Int64
    /// The draw that picked it: its seed, so the sample can be drawn again.
    public var seed: Int64
    public var drawnAt: String
    public var drawnBy: String
    public var verdict: Verdict?
    public var checkedBy: String?
    public var checkedAt: String?
    public var note: String?

    public init(instanceID: Int64, groupID: Int64, seed: Int64, drawnAt: String, drawnBy: String) {
        (self.instanceID, self.groupID, self.seed, self.drawnAt, self.drawnBy) = (instanceID, groupID, seed, drawnAt, drawnBy)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
