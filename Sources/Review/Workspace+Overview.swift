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

    /// The rows of a list, in instance order. Values are read by column position (a list can hold 100,000).
    public func instanceSummaries(_ scope: InstanceScope) throws -> [InstanceSummary] {
        switch scope {
        case .group(let id): return try summaries(where: "i.groupID = ?", [id])
        case .study(let uid): return try summaries(where: "i.studyUID = ?", [uid])
        case .ungrouped: return try summaries(where: "i.groupID IS NULL", [])
        }
    }

    /// One row again, after a decision on it.
    public func instanceSummary(_ id: Int64) throws -> InstanceSummary? {
        try summaries(where: "i.id = ?", [id], proposals: "AND instanceID = ?", [id]).first
    }

    private func summaries(where filter: String, _ arguments: StatementArguments, proposals: String = "",
                           _ proposalArguments: StatementArguments = []) throws -> [InstanceSummary] {
        try read { db in
            // Box counts per instance first (one pass over the proposals index), then joined to the instances.
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT i.id, i.groupID, i.state, i.modality, i.frames, i.pseudonym, i.templateVersion, i.quarantineReason,
                       p.t, p.o, p.m, p.r, p.pe
                FROM instances i LEFT JOIN (
                    SELECT instanceID, SUM(source = 'template') AS t, SUM(source = 'ocr') AS o, SUM(source = 'manual') AS m,
                           SUM(status = 'rejected') AS r, SUM(status = 'pending') AS pe
                    FROM proposals WHERE active \(proposals) GROUP BY instanceID) p ON p.instanceID = i.id
                WHERE \(filter) ORDER BY i.id
                """, arguments: proposalArguments + arguments)
            var rows: [InstanceSummary] = []
            while let row = try cursor.next() {
                var summary = InstanceSummary(
                    id: row[0], groupID: row[1], state: ReviewState(rawValue: row[2]) ?? .quarantined,
                    modality: row[3] ?? "", frames: row[4] ?? 0, pseudonym: row[5] ?? "")
                summary.templateVersion = row[6]
                summary.quarantineReason = (row[7] as String?).map(Sanitized.line)
                summary.templateBoxes = row[8] ?? 0
                summary.ocrBoxes = row[9] ?? 0
                summary.manualBoxes = row[10] ?? 0
                summary.rejected = row[11] ?? 0
                summary.pending = row[12] ?? 0
                rows.append(summary)
            }
            return rows
        }
    }

    /// What the header scrub will change in the instance's file, with the values before and after:
    /// for the reviewer's eyes (the original values are shown), never for a log.
    public func headerChanges(instance id: Int64) throws -> [HeaderListing.Change] {
        let record = try instance(id)
        return try Self.engine {
            DicomFile.initialize()
            // A large file's Pixel Data stays in the file: the listing gives only its length.
            let file = try DicomFile.open(path: record.sourcePath, maxBytes: processor.maxBytes, loadsAllValues: false)
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
