// InstanceRecord: one indexed file: where it is, its hashes, its original identifiers (secret), group and state.
import GRDB

public struct InstanceRecord: Codable, Sendable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "instances"

    public var id: Int64?
    /// The source path as given to ingest. Secret: a path can carry a name.
    public var sourcePath: String
    public var sourceSize: Int64
    /// Seconds since 1970.
    public var sourceModified: Double
    public var sourceSHA256: String
    /// Original values, kept for the data controller; never printed.
    public var patientID: String?
    public var studyUID: String?
    public var seriesUID: String?
    public var sopUID: String?
    /// Nil for a file that could not be read as DICOM.
    public var groupID: Int64?
    public var state: ReviewState
    /// Why the instance is quarantined: an engine code ("not-dicom") or "reviewer".
    public var quarantineCode: String?
    public var quarantineReason: String?
    /// Output path relative to the output folder, built from replaced UIDs only.
    public var outputPath: String?
    /// JSON: which header elements the scrubber changes, by tag path and kind, without values.
    public var headerPlan: String?
    /// The group's reviewer template version in force when committed.
    public var templateVersion: Int?
    public var committedAt: String?
    public var outputSHA256: String?
    public var ingestedAt: String
    /// Modality and frame count as the file says; nil for files ingested before they were recorded.
    public var modality: String?
    public var frames: Int?
    /// The patient's pseudonym under the workspace key: what the output carries, safe to show.
    public var pseudonym: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
