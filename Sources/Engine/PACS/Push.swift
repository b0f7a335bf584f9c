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
    /// Files gathered, sent and confirmed per chunk of this many: memory stays flat however large
    /// the folder (DCMTK's transfer list holds every file it is given).
    public static let chunkSize = 1000

    /// Gathers, asks the PACS which instances it already holds (unless `resend`), sends the
    /// rest, and confirms every stored one by C-FIND, `chunk` files at a time.
    /// `progress(done, total)` counts the files dealt with.
    public static func run(folder: String, client: PACSClient, resend: Bool = false, chunk: Int = chunkSize,
                           progress: ((Int, Int) -> Void)? = nil) throws -> PushReport {
        let candidates = try candidateFiles(folder: folder)
        try client.echo()
        var gathering = Gathering(folder: folder, candidates: candidates)
        var report = PushReport()
        var done = 0
        let total = candidates.files.count
        while !gathering.finished, report.stoppedBy == nil {
            let gathered = gathering.next(max(1, chunk))
            report.candidates += gathered.items.count + gathered.refused.count
            report.refused += gathered.refused
            report.skippedNotDICOM += gathered.notDICOM
            done += gathered.refused.count + gathered.notDICOM
            try send(gathered.items, client: client, resend: resend, report: &report) { answered in
                done += answered
                progress?(done, total)
            }
        }
        report.failed.sort { $0.name < $1.name }
        return report
    }

    /// One chunk: which of its instances the PACS holds, the rest sent, the stored ones confirmed.
    private static func send(_ items: [PushItem], client: PACSClient, resend: Bool, report: inout PushReport,
                             answered: @escaping (Int) -> Void) throws {
        let series = Dictionary(grouping: items) { SeriesKey(study: $0.study, series: $0.series) }
            .sorted { $0.key < $1.key }
        var toSend: [PushItem] = []
        if resend {
            toSend = items
        } else {
            var unlisted: [PushItem] = []
            for ((_, members), held) in zip(series, try client.instances(in: series.map { ($0.key.study, $0.key.series) })) {
                for item in members {
                    if held.uids.contains(item.instance) {
                        report.alreadyPresent += 1
                    } else if held.complete {
                        toSend.append(item)
                    } else {
                        unlisted.append(item)
                    }
                }
            }
            // Where the PACS cut a series' list short, each instance it did not list is asked for.
            for (item, held) in zip(unlisted, try holds(unlisted, client)) {
                if held { report.alreadyPresent += 1 } else { toSend.append(item) }
            }
        }
        answered(items.count - toSend.count)
        toSend.sort { $0.position < $1.position }
        let one: (Int) -> Void = { _ in answered(1) }
        var statuses = store(toSend.map(\.path), client: client, decodingLossless: false, answered: one, report: &report)
        // A PACS that takes no compressed data gets losslessly compressed files decoded on the way.
        let retry = statuses.indices.filter { statuses[$0] == .noPresentationContext }
        if !retry.isEmpty, report.stoppedBy == nil {
            let again = store(retry.map { toSend[$0].path }, client: client, decodingLossless: true, answered: { _ in },
                              report: &report)
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
        var unlisted: [PushItem] = []
        for ((_, members), present) in zip(stored, held) {
            for item in members {
                if present.uids.contains(item.instance) { report.stored += 1 } else { unlisted.append(item) }
            }
        }
        // Each stored instance the PACS did not list (it may cap a list without saying so) is
        // asked for by its own UID before it counts as failed.
        for (item, present) in zip(unlisted, try holds(unlisted, client)) {
            if present {
                report.stored += 1
            } else {
                report.failed.append(PushProblem(name: item.name, reason: "the PACS answered success but does not list it"))
            }
        }
    }

    /// Whether the PACS holds each of `items`, asked one UID per query (on one association).
    private static func holds(_ items: [PushItem], _ client: PACSClient) throws -> [Bool] {
        let answers = try client.instances(in: items.map { ($0.study, $0.series) }, only: items.map(\.instance))
        return zip(items, answers).map { $1.uids.contains($0.instance) }
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

    /// The files of an output folder to send, relative to it and sorted; `fromReport` when they
    /// come from `report.json` (a `run`'s folder: the outputs it lists as delivered). Without it
    /// (a `commit`'s folder): every output file, as `verify` finds them (not hidden ones, exports
    /// or quarantine). Each is checked before it is sent (`Gathering`).
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
        return (VerificationPlan.outputFiles(in: folder), false)
    }

    /// True for "2.25.1/2.25.2/2.25.3.dcm": folders and a file named by UIDs (digits and dots).
    static func isUIDPath(_ relative: String) -> Bool {
        var parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard let last = parts.popLast(), last.hasSuffix(".dcm") else { return false }
        parts.append(last.dropLast(4))
        return parts.allSatisfy { !$0.isEmpty && $0.utf8.count <= 64 && $0.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber } }
    }
}

/// Walks the candidate files a chunk at a time, opening each to check it may be sent: it must say
/// PatientIdentityRemoved YES and carry study, series and instance UIDs, or it is refused, so that
/// an original copied into the folder by mistake never leaves.
private struct Gathering {
    let folder: String
    let candidates: (files: [String], fromReport: Bool)
    var offset = 0
    /// Which position first had each SOP Instance UID (by its digest: 16 bytes a file).
    var seen: [PathDigest: Int] = [:]

    init(folder: String, candidates: (files: [String], fromReport: Bool)) {
        self.folder = folder
        self.candidates = candidates
    }

    var finished: Bool { offset >= candidates.files.count }

    func name(_ position: Int) -> String {
        let relative = candidates.files[position - 1]
        return Push.isUIDPath(relative) ? relative : "file \(position)"
    }

    mutating func next(_ count: Int) -> (items: [PushItem], refused: [PushProblem], notDICOM: Int) {
        var items: [PushItem] = []
        var refused: [PushProblem] = []
        var notDICOM = 0
        let end = min(candidates.files.count, offset + count)
        defer { offset = end }
        for index in offset..<end {
            let relative = candidates.files[index]
            let position = index + 1
            let file: DicomFile
            do {
                file = try DicomFile.open(path: folder + "/" + relative, loadsAllValues: false)
            } catch let error as EngineError where error.code == .notDICOM && !candidates.fromReport {
                notDICOM += 1
                continue
            } catch let error as EngineError {
                refused.append(PushProblem(name: name(position), reason: "unreadable (\(error.code))"))
                continue
            } catch {
                refused.append(PushProblem(name: name(position), reason: "unreadable"))
                continue
            }
            let dataset = file.dataset
            let removed = dataset.string(.patientIdentityRemoved)?.trimmingCharacters(in: .whitespaces).uppercased()
            guard removed == "YES" else {
                refused.append(PushProblem(name: name(position), reason: "not de-identified: PatientIdentityRemoved is not YES"))
                continue
            }
            let uid = { (tag: Tag) in dataset.string(tag)?.trimmingCharacters(in: CharacterSet(charactersIn: " \0")) ?? "" }
            let study = uid(.studyInstanceUID), series = uid(.seriesInstanceUID), instance = uid(.sopInstanceUID)
            guard !study.isEmpty, !series.isEmpty, !instance.isEmpty else {
                refused.append(PushProblem(name: name(position), reason: "lacks its study, series or SOP instance UID"))
                continue
            }
            let digest = PathDigest(instance)
            if let first = seen[digest] {
                refused.append(PushProblem(name: name(position),
                                           reason: "has the SOP Instance UID of \(name(first)): the PACS would keep only one"))
                continue
            }
            seen[digest] = position
            items.append(PushItem(position: position, path: folder + "/" + relative, shownPath: Push.isUIDPath(relative) ? relative : nil,
                                  study: study, series: series, instance: instance))
        }
        return (items, refused, notDICOM)
    }
}

private struct SeriesKey: Hashable, Comparable {
    let study: String
    let series: String
    static func < (a: Self, b: Self) -> Bool { (a.study, a.series) < (b.study, b.series) }
}
