// Push: sends an output folder's de-identified instances to a PACS, skips what it already holds, and confirms each one by C-FIND.
import Foundation

/// One instance to send: where it is and the UIDs the PACS files it under.
public struct PushItem: Sendable {
    /// 1-based position in the folder's sorted list of candidate files.
    public let position: Int
    public let path: String
    /// The path inside the folder when it is made of UIDs only (as `run` and `commit` name
    /// outputs), so that it can be shown; nil otherwise.
    public let shownPath: String?
    public let study: String
    public let series: String
    public let instance: String

    /// How messages name the file: its UID path, or its position.
    public var name: String { shownPath ?? "file \(position)" }
}

/// A file that will not be sent, and why (never a value).
public struct PushProblem: Sendable, CustomStringConvertible {
    public let name: String
    public let reason: String
    public var description: String { "\(name): \(reason)" }
}

/// What a push did, in counts and problems.
public struct PushReport: Sendable {
    public var candidates = 0
    public var stored = 0
    public var alreadyPresent = 0
    public var skippedNotDICOM = 0
    /// Files refused before sending (not de-identified, unreadable, a duplicate instance).
    public var refused: [PushProblem] = []
    /// Files sent that the PACS did not store, or that it does not list afterwards.
    public var failed: [PushProblem] = []
    /// The association failure that stopped the push, when one did, and how many files it left unsent.
    public var stoppedBy: String?
    public var notSent = 0
    /// Stored after decoding: the PACS took none of their compressed transfer syntaxes.
    public var decodedOnTheWay = 0

    public var succeeded: Bool { refused.isEmpty && failed.isEmpty && stoppedBy == nil && notSent == 0 }

    public var summary: String {
        var text = "dcmscrub push: \(candidates) files: \(stored) stored and confirmed, \(alreadyPresent) already in the PACS"
        text += ", \(refused.count) refused, \(failed.count) failed"
        if notSent > 0 { text += ", \(notSent) not sent" }
        if decodedOnTheWay > 0 { text += "; \(decodedOnTheWay) decoded on the way (the PACS takes no compressed data)" }
        if skippedNotDICOM > 0 { text += "; \(skippedNotDICOM) files that are not DICOM skipped" }
        return text
    }
}

public enum Push {
    /// The files of an output folder to send. With `report.json` (a `run`'s folder): the outputs it
    /// lists as delivered. Without (a `commit`'s folder): every file, except hidden ones (a write
    /// in progress), `quarantine/`, and the folder's own JSON and CSV files. Each must say
    /// PatientIdentityRemoved YES and carry study, series and instance UIDs; anything else is
    /// refused, so that an original copied into the folder by mistake never leaves.
    public static func gather(folder: String) throws -> (items: [PushItem], refused: [PushProblem], notDICOM: Int) {
        let (candidates, fromReport) = try candidateFiles(folder: folder)
        var items: [PushItem] = []
        var refused: [PushProblem] = []
        var notDICOM = 0
        var seen: [String: String] = [:]
        for (offset, relative) in candidates.enumerated() {
            let position = offset + 1
            let shown = isUIDPath(relative) ? relative : nil
            let name = shown ?? "file \(position)"
            let file: DicomFile
            do {
                file = try DicomFile.open(path: folder + "/" + relative, loadsAllValues: false)
            } catch let error as EngineError where error.code == .notDICOM && !fromReport {
                notDICOM += 1
                continue
            } catch let error as EngineError {
                refused.append(PushProblem(name: name, reason: "unreadable (\(error.code))"))
                continue
            }
            let dataset = file.dataset
            let removed = dataset.string(.patientIdentityRemoved)?.trimmingCharacters(in: .whitespaces).uppercased()
            guard removed == "YES" else {
                refused.append(PushProblem(name: name, reason: "not de-identified: PatientIdentityRemoved is not YES"))
                continue
            }
            let uid = { (tag: Tag) in dataset.string(tag)?.trimmingCharacters(in: CharacterSet(charactersIn: " \0")) ?? "" }
            let study = uid(.studyInstanceUID), series = uid(.seriesInstanceUID), instance = uid(.sopInstanceUID)
            guard !study.isEmpty, !series.isEmpty, !instance.isEmpty else {
                refused.append(PushProblem(name: name, reason: "lacks its study, series or SOP instance UID"))
                continue
            }
            if let first = seen[instance] {
                refused.append(PushProblem(name: name, reason: "has the SOP Instance UID of \(first): the PACS would keep only one"))
                continue
            }
            seen[instance] = name
            items.append(PushItem(position: position, path: folder + "/" + relative, shownPath: shown,
                                  study: study, series: series, instance: instance))
        }
        return (items, refused, notDICOM)
    }

    /// Gathers, asks the PACS which instances it already holds (unless `resend`), sends the
    /// rest, and confirms every stored one by C-FIND. `progress(done, total)` follows the sending.
    public static func run(folder: String, client: PACSClient, resend: Bool = false,
                           progress: ((Int, Int) -> Void)? = nil) throws -> PushReport {
        let gathered = try gather(folder: folder)
        try client.echo()
        var report = PushReport()
        report.candidates = gathered.items.count + gathered.refused.count
        report.refused = gathered.refused
        report.skippedNotDICOM = gathered.notDICOM
        let series = Dictionary(grouping: gathered.items) { SeriesKey(study: $0.study, series: $0.series) }
            .sorted { $0.key < $1.key }
        let present = resend ? Array(repeating: [], count: series.count)
            : try client.instances(in: series.map { ($0.key.study, $0.key.series) })
        var toSend: [PushItem] = []
        for ((_, members), held) in zip(series, present) {
            for item in members {
                if held.contains(item.instance) { report.alreadyPresent += 1 } else { toSend.append(item) }
            }
        }
        toSend.sort { $0.position < $1.position }
        var done = 0
        let answered: (Int) -> Void = { _ in done += 1; progress?(done, toSend.count) }
        var statuses = store(toSend.map(\.path), client: client, decodingLossless: false, answered: answered, report: &report)
        // A PACS that takes no compressed data gets losslessly compressed files decoded on the way.
        let retry = statuses.indices.filter { statuses[$0] == .noPresentationContext }
        if !retry.isEmpty, report.stoppedBy == nil {
            done -= retry.count
            let again = store(retry.map { toSend[$0].path }, client: client, decodingLossless: true, answered: answered, report: &report)
            for (index, status) in zip(retry, again) {
                statuses[index] = status
                if status.isStored { report.decodedOnTheWay += 1 }
            }
        }
        var storedBySeries: [SeriesKey: [PushItem]] = [:]
        for (item, status) in zip(toSend, statuses) {
            if status.isStored {
                storedBySeries[SeriesKey(study: item.study, series: item.series), default: []].append(item)
            } else if status == .notSent {
                report.notSent += 1
            } else {
                report.failed.append(PushProblem(name: item.name, reason: status.description))
            }
        }
        let stored = storedBySeries.sorted { $0.key < $1.key }
        let held = try client.instances(in: stored.map { ($0.key.study, $0.key.series) })
        for ((_, members), present) in zip(stored, held) {
            for item in members {
                if present.contains(item.instance) {
                    report.stored += 1
                } else {
                    report.failed.append(PushProblem(name: item.name, reason: "the PACS answered success but does not list it"))
                }
            }
        }
        report.failed.sort { $0.name < $1.name }
        return report
    }

    private static func store(_ paths: [String], client: PACSClient, decodingLossless: Bool,
                              answered: @escaping (Int) -> Void, report: inout PushReport) -> [StoreStatus] {
        do {
            return try client.store(paths, decodingLossless: decodingLossless, answered: answered)
        } catch let failure as StoreFailure {
            report.stoppedBy = failure.reason
            return failure.statuses
        } catch {
            report.stoppedBy = "\(error)"
            return Array(repeating: .notSent, count: paths.count)
        }
    }

    /// Candidate files relative to the folder, sorted; `fromReport` when report.json listed them.
    static func candidateFiles(folder: String) throws -> (files: [String], fromReport: Bool) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw EngineError(.usage, "the folder to push does not exist")
        }
        if let data = FileManager.default.contents(atPath: folder + "/report.json") {
            guard let report = try? JSONDecoder().decode(RunReport.self, from: data) else {
                throw EngineError(.malformed, "the folder's report.json does not parse")
            }
            let files = report.instances.filter { $0.state == .delivered }.compactMap(\.output)
            return (files.sorted(), true)
        }
        guard let walker = FileManager.default.enumerator(atPath: folder) else {
            throw EngineError(.io, "cannot list the folder to push")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") || relative == "quarantine" || relative.hasPrefix("quarantine/") {
                if walker.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { walker.skipDescendants() }
                continue
            }
            guard walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            if !relative.contains("/"), name.hasSuffix(".json") || name.hasSuffix(".csv") { continue }
            files.append(relative)
        }
        return (files.sorted(), false)
    }

    /// True for "2.25.1/2.25.2/2.25.3.dcm": folders and a file named by UIDs (digits and dots).
    static func isUIDPath(_ relative: String) -> Bool {
        var parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard let last = parts.popLast(), last.hasSuffix(".dcm") else { return false }
        parts.append(last.dropLast(4))
        return parts.allSatisfy { !$0.isEmpty && $0.utf8.count <= 64 && $0.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber } }
    }
}

private struct SeriesKey: Hashable, Comparable {
    let study: String
    let series: String
    static func < (a: Self, b: Self) -> Bool { (a.study, a.series) < (b.study, b.series) }
}
