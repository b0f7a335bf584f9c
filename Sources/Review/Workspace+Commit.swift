// Workspace+Commit: approved images written through the Engine (the code `run` uses), atomically, each marked committed once.
import Engine
import Foundation
import GRDB

public struct CommitOptions: Sendable {
    /// Also commit images in review whose boxes all come from the group's reviewer-verified template.
    public var auto = false
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    public init() {}
}

public struct CommitProgress: Sendable {
    public let done: Int
    public let total: Int
}

public struct CommitSummary: Sendable, Codable, Equatable {
    /// Written and marked committed by this run.
    public var committed = 0
    /// Of those, committed by --auto.
    public var automatic = 0
    /// Committed by an earlier run.
    public var alreadyCommitted = 0
    /// Approved, but quarantined now: the source changed, or the Engine refused it.
    public var quarantined = 0
    /// Changed by a reviewer while being written; left for the next commit.
    public var deferred = 0
    public var awaitingReview = 0
    /// Files of instances not committed, left by an interrupted commit, removed.
    public var removedStray = 0
    public var seconds: Double = 0

    public var summary: String {
        "\(committed) committed\(automatic > 0 ? " (\(automatic) automatically)" : ""), \(alreadyCommitted) already committed, "
            + "\(quarantined) quarantined, \(awaitingReview) awaiting review"
            + (deferred > 0 ? ", \(deferred) changed during commit (run again)" : "")
    }
}

extension Workspace {
    /// Writes every approved instance (and with `auto`, every eligible one) under `output`. Resumable:
    /// an instance is marked committed only after its file is durably in place; a file written but
    /// not marked is written again with identical bytes (the Engine is deterministic for one key).
    @discardableResult
    public func commit(to output: String, options: CommitOptions = CommitOptions(), at date: Date,
                       progress: (@Sendable (CommitProgress) -> Void)? = nil) throws -> CommitSummary {
        let clock = ContinuousClock.now
        let lock = try CommitLock(path: folder + "/commit.lock")
        defer { lock.release() }
        DicomFile.initialize()
        do { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) } catch {
            throw ReviewError(.commit, "cannot create the output folder")
        }
        OutputFolder.removeStaleTemporaries(in: output)
        // Where the outputs are, for the spot checks that open them later.
        let absolute = URL(fileURLWithPath: output).standardizedFileURL.path
        try write { db in
            try db.execute(sql: "INSERT INTO meta (name, value) VALUES ('output', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                           arguments: [absolute])
        }
        let time = Timestamp.string(date)
        var summary = CommitSummary()
        let (candidates, committed) = try read { db in
            var candidates = try InstanceRecord.filter(Column("state") == ReviewState.approved).order(Column("id")).fetchAll(db)
                .map { CommitCandidate(instance: $0, automatic: false) }
            if options.auto && settings.pixels == .clean {
                candidates += try autoEligible(db).map { CommitCandidate(instance: $0, automatic: true) }
            }
            let committed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instances WHERE state = 'committed'") ?? 0
            return (candidates, committed)
        }
        summary.alreadyCommitted = committed
        summary.removedStray = try removeStrayOutputs(in: output, skipping: Set(candidates.compactMap(\.instance.id)))
        let run = CommitRun()
        let next = IngestRun(total: candidates.count) // only its work counter: which candidate is next, how many done
        DispatchQueue.concurrentPerform(iterations: max(1, min(options.jobs, candidates.count))) { _ in
            while let index = next.next(), !run.failed {
                do {
                    run.count(try self.commitOne(candidates[index], to: output, time: time))
                } catch {
                    run.fail(error)
                }
                progress?(CommitProgress(done: next.finish(), total: candidates.count))
            }
        }
        if let error = run.error { throw error }
        summary.committed = run.committed
        summary.automatic = run.automatic
        summary.quarantined = run.quarantined
        summary.deferred = run.deferred
        summary.awaitingReview = try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instances WHERE state IN ('proposed', 'approved')") ?? 0
        }
        try writeQuarantineReport()
        let elapsed = ContinuousClock.now - clock
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }

    enum CommitResult { case committed(automatic: Bool), quarantined, deferred }

    /// One instance: check the source, de-identify with exactly the approved boxes, write, then mark.
    private func commitOne(_ candidate: CommitCandidate, to output: String, time: String) throws -> CommitResult {
        let instance = candidate.instance
        guard let id = instance.id, let relative = instance.outputPath else { return .deferred }
        let boxes = try read { db in try redactingBoxes(db, instance: id) }
        guard (try? Self.sha256(instance.sourcePath)) == instance.sourceSHA256 else {
            try quarantineAtCommit(id, code: "source-changed", reason: "the source file changed after review", time: time)
            return .quarantined
        }
        let result: InstanceProcessor.Result
        do {
            result = try processor.deidentify(path: instance.sourcePath, rectangles: boxes.map(\.rect))
        } catch let error as EngineError {
            try quarantineAtCommit(id, code: error.code.name, reason: error.message, time: time)
            return .quarantined
        }
        guard result.relativePath == relative else {
            try quarantineAtCommit(id, code: "output-changed", reason: "the output path differs from the one indexed", time: time)
            return .quarantined
        }
        let destination = output + "/" + relative
        do {
            try FileManager.default.createDirectory(
                atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            // The quality check reads the written file before it takes its name (fail closed).
            try result.file.write(to: destination, durable: true) { written in
                guard let source = result.source else { return }
                let verification = self.verifier.verify(Verifier.Subject(
                    output: written, name: relative, source: source, redactions: result.redaction?.rectangles ?? boxes.map(\.rect)))
                guard verification.passed else { throw EngineError(.verificationFailed, verification.reason) }
            }
        } catch let error as EngineError where error.code == .verificationFailed {
            try quarantineAtCommit(id, code: error.code.name, reason: error.message, time: time)
            return .quarantined
        } catch let error as EngineError {
            throw ReviewError(.commit, "instance \(id): \(error.message)")
        } catch {
            throw ReviewError(.commit, "instance \(id): cannot create the output folder")
        }
        let written = try Self.sha256(destination)
        let marked = try write { db -> Bool in
            // A reviewer may have changed the instance while it was written: then it is not committed.
            let now = try self.instance(db, id)
            let expected: ReviewState = candidate.automatic ? .proposed : .approved
            guard now.state == expected, try redactingBoxes(db, instance: id) == boxes else { return false }
            if candidate.automatic, try !autoEligible(db, instance: now) { return false }
            let template = try now.groupID.flatMap { try currentTemplate(db, group: $0) }
            try db.execute(sql: """
                UPDATE instances SET state = 'committed', templateVersion = ?, committedAt = ?, outputSHA256 = ? WHERE id = ?
                """, arguments: [template?.version, time, written, id])
            try AuditEntry.append(db, action: .instanceCommit, reviewer: reviewer.login, time: time, payload: [
                "instance": .int(id), "group": .id(now.groupID), "templateVersion": template.map { .int(Int64($0.version)) } ?? .null,
                "boxes": .int(Int64(boxes.count)), "automatic": .bool(candidate.automatic), "outputSHA256": .text(written),
            ])
            return true
        }
        guard marked else {
            unlink(destination)
            return .deferred
        }
        return .committed(automatic: candidate.automatic)
    }

    /// The boxes commit redacts: active and not rejected, in a stable order.
    func redactingBoxes(_ db: Database, instance id: Int64) throws -> [ProposalRecord] {
        try ProposalRecord.filter(Column("instanceID") == id && Column("active") == true && Column("status") != ProposalStatus.rejected)
            .order(Column("id")).fetchAll(db)
    }

    /// Instances in review that --auto may commit: the group's template in force is verified, and
    /// every box is either that template's or detected text lying wholly inside one of its regions.
    /// A reviewer's touch (a rejection, an edit, an added box) means the instance waits for approval.
    func autoEligible(_ db: Database) throws -> [InstanceRecord] {
        let groups = try Int64.fetchAll(db, sql: """
            SELECT DISTINCT t.groupID FROM templates t WHERE t.version = (SELECT MAX(version) FROM templates WHERE groupID = t.groupID)
                AND t.verified
            """)
        var eligible: [InstanceRecord] = []
        for group in groups {
            for instance in try InstanceRecord.filter(Column("groupID") == group && Column("state") == ReviewState.proposed)
                .order(Column("id")).fetchAll(db) where try autoEligible(db, instance: instance) {
                eligible.append(instance)
            }
        }
        return eligible
    }

    func autoEligible(_ db: Database, instance: InstanceRecord) throws -> Bool {
        guard settings.pixels == .clean, instance.state == .proposed, let id = instance.id, let group = instance.groupID,
              let template = try currentTemplate(db, group: group), template.verified else { return false }
        let regions = template.rectangles
        for proposal in try ProposalRecord.filter(Column("instanceID") == id && Column("active") == true).fetchAll(db) {
            guard proposal.status != .rejected else { return false }
            switch proposal.source {
            case .template: guard proposal.templateID == template.id else { return false }
            case .ocr: guard regions.contains(where: { $0.union(proposal.rect) == $0 }) else { return false }
            case .manual: return false
            }
        }
        return true
    }

    /// Fail closed at commit: an approved image that can no longer be delivered safely goes to quarantine, audited.
    private func quarantineAtCommit(_ id: Int64, code: String, reason: String, time: String) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE instances SET state = 'quarantined', quarantineCode = ?, quarantineReason = ? WHERE id = ? AND state != 'committed'
                """, arguments: [code, reason, id])
            try AuditEntry.append(db, action: .instanceQuarantine, reviewer: reviewer.login, time: time,
                                  payload: ["instance": .int(id), "by": .text("commit"), "code": .text(code)])
        }
    }

    /// A file at the output path of an instance that is neither committed nor about to be can only
    /// come from a commit killed after writing it and before a reviewer withdrew the approval.
    private func removeStrayOutputs(in output: String, skipping candidates: Set<Int64>) throws -> Int {
        let (committed, others) = try read { db -> (Set<String>, [(Int64, String)]) in
            let committed = Set(try String.fetchAll(db, sql: "SELECT outputPath FROM instances WHERE state = 'committed' AND outputPath IS NOT NULL"))
            var others: [(Int64, String)] = []
            for row in try Row.fetchAll(db, sql: "SELECT id, outputPath FROM instances WHERE state != 'committed' AND outputPath IS NOT NULL") {
                let id: Int64 = row["id"], path: String = row["outputPath"]
                others.append((id, path))
            }
            return (committed, others)
        }
        var removed = 0
        for (id, path) in others where !candidates.contains(id) && !committed.contains(path) {
            if unlink(output + "/" + path) == 0 { removed += 1 }
        }
        return removed
    }

    /// `quarantine/report.json`: every quarantined instance by number, with its code and reason.
    private func writeQuarantineReport() throws {
        let rows = try read { db in
            try Row.fetchAll(db, sql: "SELECT id, groupID, quarantineCode, quarantineReason FROM instances WHERE state = 'quarantined' ORDER BY id")
        }
        struct Entry: Encodable { var instance: Int64; var group: Int64?; var code: String?; var reason: String? }
        let entries = rows.map { Entry(instance: $0["id"], group: $0["groupID"], code: $0["quarantineCode"], reason: $0["quarantineReason"]) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(entries) else { return }
        try? AtomicFile.write(data, to: folder + "/quarantine/report.json", mode: 0o600)
    }
}

struct CommitCandidate: Sendable {
    var instance: InstanceRecord
    var automatic: Bool
}

/// Counts of one parallel commit.
final class CommitRun: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var committed = 0, automatic = 0, quarantined = 0, deferred = 0
    private(set) var error: Error?

    var failed: Bool { lock.withLock { error != nil } }
    func fail(_ error: Error) { lock.withLock { if self.error == nil { self.error = error } } }

    func count(_ result: Workspace.CommitResult) {
        lock.withLock {
            switch result {
            case .committed(let auto):
                committed += 1
                if auto { automatic += 1 }
            case .quarantined: quarantined += 1
            case .deferred: deferred += 1
            }
        }
    }
}

/// One commit at a time per workspace: an advisory lock the kernel drops when the process dies.
struct CommitLock {
    let fd: Int32

    init(path: String) throws {
        fd = Foundation.open(path, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw ReviewError(.commit, "cannot open the workspace commit lock (errno \(errno))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ReviewError(.commit, "another commit is running on this workspace")
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

enum OutputFolder {
    /// AtomicFile's temporaries are ".NAME.PID.RANDOM.tmp"; one whose process is gone was cut short by a kill.
    static func removeStaleTemporaries(in folder: String) {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard name.hasPrefix("."), name.hasSuffix(".tmp") else { continue }
            let parts = name.split(separator: ".")
            guard parts.count >= 4, let pid = Int32(parts[parts.count - 3]), !Reviewer.isAlive(pid: pid) || pid == getpid() else { continue }
            unlink(folder + "/" + relative)
        }
    }
}
