// Workspace+Overview: the light rows the workstation lists (studies, instances) and what one instance's header will lose.
import Engine
import Foundation
import GRDB

/// One study as the workstation lists it: by the patient's pseudonym and the replaced study UID, never an original value.
public struct StudySummary: Sendable, Equatable {
    /// The original Study Instance UID: the key to ask for its instances; secret, never shown.
    public var key: String
    public var pseudonym: String
    /// The study UID the outputs carry (from the output path).
    public var outputStudy: String
    public var series: Int
    public var modalities: [String]
    public var groups: [Int64]
    public var counts: StateCounts

    public init(key: String, pseudonym: String, outputStudy: String, series: Int, modalities: [String], groups: [Int64], counts: StateCounts) {
        (self.key, self.pseudonym, self.outputStudy, self.series) = (key, pseudonym, outputStudy, series)
        (self.modalities, self.groups, self.counts) = (modalities, groups, counts)
    }
}

/// One instance in a list: state and boxes at a glance, without its secret fields.
public struct InstanceSummary: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var groupID: Int64?
    public var state: ReviewState
    public var modality: String
    public var frames: Int
    public var pseudonym: String
    /// Active boxes by source, and how many a reviewer rejected or has not decided.
    public var templateBoxes = 0
    public var ocrBoxes = 0
    public var manualBoxes = 0
    public var rejected = 0
    public var pending = 0
    public var templateVersion: Int?
    /// The engine's or reviewer's one-line reason, for quarantined instances.
    public var quarantineReason: String?

    public init(id: Int64, groupID: Int64?, state: ReviewState, modality: String, frames: Int, pseudonym: String) {
        (self.id, self.groupID, self.state, self.modality, self.frames, self.pseudonym) = (id, groupID, state, modality, frames, pseudonym)
    }
}

/// Which instances a list holds.
public enum InstanceScope: Sendable, Hashable {
    case group(Int64)
    case study(String)
    /// Files that could not be grouped (not DICOM, unreadable).
    case ungrouped
}

extension Workspace {
    public func studies() throws -> [StudySummary] {
        try read { db in
            var studies: [String: StudySummary] = [:]
            var order: [String] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT studyUID, MIN(pseudonym) AS pseudonym, MIN(outputPath) AS output, COUNT(DISTINCT seriesUID) AS series,
                       GROUP_CONCAT(DISTINCT modality) AS modalities, GROUP_CONCAT(DISTINCT groupID) AS groups, state, COUNT(*) AS n
                FROM instances WHERE studyUID IS NOT NULL GROUP BY studyUID, state ORDER BY MIN(id)
                """) {
                let key: String = row["studyUID"]
                if studies[key] == nil {
                    let output: String? = row["output"]
                    studies[key] = StudySummary(
                        key: key, pseudonym: Sanitized.line(row["pseudonym"] ?? "?"),
                        outputStudy: output.map { String($0.prefix { $0 != "/" }) } ?? "?", series: 0, modalities: [], groups: [],
                        counts: StateCounts())
                    order.append(key)
                }
                studies[key]!.series = max(studies[key]!.series, row["series"])
                studies[key]!.modalities = Array(Set(studies[key]!.modalities + Self.modalities(row["modalities"]))).sorted()
                let groups = ((row["groups"] as String?) ?? "").split(separator: ",").compactMap { Int64($0) }
                studies[key]!.groups = Array(Set(studies[key]!.groups + groups)).sorted()
                if let state = ReviewState(rawValue: row["state"]) { studies[key]!.counts[state] += row["n"] }
            }
            return order.compactMap { studies[$0] }
        }
    }

    public func instanceSummaries(_ scope: InstanceScope) throws -> [InstanceSummary] {
        try read { db in
            let filter: String
            var arguments: StatementArguments = []
            switch scope {
            case .group(let id): filter = "i.groupID = ?"; arguments = [id]
            case .study(let uid): filter = "i.studyUID = ?"; arguments = [uid]
            case .ungrouped: filter = "i.groupID IS NULL"
            }
            return try Row.fetchAll(db, sql: """
                SELECT i.id, i.groupID, i.state, i.modality, i.frames, i.pseudonym, i.templateVersion, i.quarantineReason,
                       SUM(p.source = 'template') AS t, SUM(p.source = 'ocr') AS o, SUM(p.source = 'manual') AS m,
                       SUM(p.status = 'rejected') AS r, SUM(p.status = 'pending') AS pe
                FROM instances i LEFT JOIN proposals p ON p.instanceID = i.id AND p.active
                WHERE \(filter) GROUP BY i.id ORDER BY i.id
                """, arguments: arguments).map { row in
                var summary = InstanceSummary(
                    id: row["id"], groupID: row["groupID"], state: ReviewState(rawValue: row["state"]) ?? .quarantined,
                    modality: Sanitized.line(row["modality"] ?? ""), frames: row["frames"] ?? 0, pseudonym: Sanitized.line(row["pseudonym"] ?? ""))
                summary.templateBoxes = row["t"] ?? 0
                summary.ocrBoxes = row["o"] ?? 0
                summary.manualBoxes = row["m"] ?? 0
                summary.rejected = row["r"] ?? 0
                summary.pending = row["pe"] ?? 0
                summary.templateVersion = row["templateVersion"]
                summary.quarantineReason = (row["quarantineReason"] as String?).map(Sanitized.line)
                return summary
            }
        }
    }

    /// What the header scrub will change in the instance's file, with the values before and after:
    /// for the reviewer's eyes (the original values are shown), never for a log.
    public func headerChanges(instance id: Int64) throws -> [HeaderListing.Change] {
        let record = try instance(id)
        return try Self.engine {
            DicomFile.initialize()
            let file = try DicomFile.open(path: record.sourcePath, maxBytes: processor.maxBytes)
            let before = HeaderListing.list(file)
            _ = try processor.scrubber.scrub(file)
            return HeaderListing.changes(from: before, to: HeaderListing.list(file))
        }
    }

    /// Where the instance's committed output is, when it was committed and is still in place.
    public func committedOutput(instance id: Int64) throws -> String? {
        let record = try instance(id)
        guard record.state == .committed, let relative = record.outputPath else { return nil }
        let root = try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'output'") } ?? defaultOutput
        let path = root + "/" + relative
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
