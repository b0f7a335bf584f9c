// Workspace+Ingest: index files (identity, hashes, device group), run the Engine's proposals and store them; idempotent.
import Crypto
import Engine
import Foundation
import GRDB

public struct IngestOptions: Sendable {
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// Templates applied besides the shipped libraries (a user's library), to groups without a reviewer template.
    public var templates: [DeviceTemplate] = []
    public var maxBytes: UInt64 = DicomFile.defaultMaxBytes
    public init() {}
}

public struct IngestProgress: Sendable {
    public let done: Int
    public let total: Int
}

public struct IngestSummary: Sendable, Codable, Equatable {
    public var files = 0
    public var added = 0
    /// Already indexed: the same path, size and time, or the same content.
    public var unchanged = 0
    /// Added, but quarantined at once (not DICOM, undecodable, a duplicate SOP Instance UID).
    public var quarantined = 0
    /// Earlier instances quarantined because their file changed and was indexed again.
    public var replaced = 0
    public var proposals = 0
    public var seconds: Double = 0

    public var summary: String {
        "\(files) files: \(added) added (\(quarantined) quarantined), \(unchanged) already indexed, \(proposals) proposals"
            + (replaced > 0 ? ", \(replaced) changed files indexed again" : "")
    }
}

/// The four attributes that make a device group.
struct GroupKey: Hashable, Sendable {
    var manufacturer: String
    var model: String
    var rows: Int
    var columns: Int
}

/// One file read and proposed, waiting to be stored.
struct PendingInstance: Sendable {
    var record: InstanceRecord
    var group: GroupKey?
    var proposals: [Proposal]
}

extension Workspace {
    /// Indexes every file under `sources` that the workspace does not hold yet, with the Engine's
    /// proposals, in parallel; files already indexed are skipped, so a second ingest is a no-op.
    @discardableResult
    public func ingest(_ sources: [String], options: IngestOptions = IngestOptions(), at date: Date,
                       progress: (@Sendable (IngestProgress) -> Void)? = nil) throws -> IngestSummary {
        let clock = ContinuousClock.now
        DicomFile.initialize()
        let files: PathList
        do { files = try WorkspaceInputs.files(in: sources) } catch let error as EngineError {
            throw ReviewError(.usage, error.message)
        }
        let (known, knownHashes, reviewed) = try read { db in
            var known: [String: [Int64: Double]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT sourcePath, sourceSize, sourceModified FROM instances") {
                known[row["sourcePath"], default: [:]][row["sourceSize"]] = row["sourceModified"]
            }
            let hashes = Set(try String.fetchAll(db, sql: "SELECT sourceSHA256 FROM instances"))
            let reviewed = try Row.fetchAll(db, sql: """
                SELECT DISTINCT g.manufacturer, g.model, g.rows, g.columns FROM groups g JOIN templates t ON t.groupID = g.id
                """).map { GroupKey(manufacturer: $0["manufacturer"], model: $0["model"], rows: $0["rows"], columns: $0["columns"]) }
            return (known, hashes, Set(reviewed))
        }
        let library = (settings.builtinTemplates && settings.pixels == .clean
            ? try Self.engine { try BuiltinTemplates.defaultSet() } : []) + options.templates
        var base = processor
        base.maxBytes = options.maxBytes
        let processor = base
        let time = Timestamp.string(date)
        let run = IngestRun(total: files.count)
        let workers = max(1, min(options.jobs, files.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = run.next(), !run.failed {
                let path = files[index]
                let examined = Self.examine(path, known: known, knownHashes: knownHashes, reviewed: reviewed,
                                            library: library, processor: processor, time: time)
                if run.add(index, examined) {
                    do { try run.store { try self.store($0, into: run) } } catch { run.fail(error) }
                }
                progress?(IngestProgress(done: run.finish(), total: files.count))
            }
        }
        if let error = run.error { throw error }
        try run.store(minimum: 0) { try self.store($0, into: run) }
        var summary = run.summary
        summary.files = files.count
        if summary.added > 0 || summary.replaced > 0 {
            try write { db in
                _ = try AuditEntry.append(db, action: .workspaceIngest, reviewer: reviewer.login, time: time, payload: [
                    "files": .int(Int64(summary.files)), "added": .int(Int64(summary.added)),
                    "quarantined": .int(Int64(summary.quarantined)), "replaced": .int(Int64(summary.replaced)),
                    "proposals": .int(Int64(summary.proposals)),
                ])
            }
        }
        let elapsed = ContinuousClock.now - clock
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }

    /// Reads one file: nil when the workspace already holds it; otherwise its record and proposals,
    /// or a quarantine with the Engine's one-line reason.
    static func examine(_ path: String, known: [String: [Int64: Double]], knownHashes: Set<String>, reviewed: Set<GroupKey>,
                        library: [DeviceTemplate], processor: InstanceProcessor, time: String) -> PendingInstance? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return quarantined(path, size: 0, modified: 0, sha: unreadable(path), time: time,
                               EngineError(.io, "the file cannot be read"))
        }
        let size = Int64(info.st_size)
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        if known[path]?[size] == modified { return nil }
        guard let sha = try? sha256(path) else {
            return quarantined(path, size: size, modified: modified, sha: unreadable(path), time: time,
                               EngineError(.io, "the file cannot be read"))
        }
        if knownHashes.contains(sha) { return nil }
        var record = InstanceRecord(
            sourcePath: path, sourceSize: size, sourceModified: modified, sourceSHA256: sha, state: .proposed, ingestedAt: time)
        var group: GroupKey?
        do {
            // Its header only (the processor reads the pixels itself): a large file's Pixel Data stays in the file.
            let original = try DicomFile.open(path: path, maxBytes: processor.maxBytes, loadsAllValues: false)
            let d = original.dataset
            record.patientID = d.string(.patientID)
            record.studyUID = d.string(.studyInstanceUID)
            record.seriesUID = d.string(.seriesInstanceUID)
            record.sopUID = d.string(.sopInstanceUID)
            let key = GroupKey(manufacturer: text(d, .manufacturer), model: text(d, .manufacturerModelName),
                               rows: number(d, Tag(0x0028, 0x0010)), columns: number(d, Tag(0x0028, 0x0011)))
            // Without a SOP Class the file is not DICOM at all (the Engine says so below): no device group.
            if !(d.string(.sopClassUID) ?? "").isEmpty { group = key }
            var processor = processor
            // A group with a reviewer template gets that template's boxes when stored, not the libraries'.
            processor.templates = reviewed.contains(key) ? [] : library
            record.modality = text(d, .modality)
            let result = try processor.deidentify(path: path)
            record.outputPath = result.relativePath
            record.pseudonym = result.scrub.patientPseudonym
            record.frames = d.index(of: .pixelData) == nil ? 0 : (try? result.file.pixelInfo().frames)
            record.headerPlan = HeaderPlan(before: HeaderListing.list(original), after: HeaderListing.list(result.file)).json
            return PendingInstance(record: record, group: group, proposals: result.proposals)
        } catch let error as EngineError {
            var pending = quarantined(path, size: size, modified: modified, sha: sha, time: time, error)
            pending.record.patientID = record.patientID
            pending.record.studyUID = record.studyUID
            pending.record.seriesUID = record.seriesUID
            pending.record.sopUID = record.sopUID
            pending.group = group
            return pending
        } catch {
            return quarantined(path, size: size, modified: modified, sha: sha, time: time, EngineError(.io, "unexpected failure"))
        }
    }

    private static func quarantined(_ path: String, size: Int64, modified: Double, sha: String, time: String,
                                    _ error: EngineError) -> PendingInstance {
        var record = InstanceRecord(
            sourcePath: path, sourceSize: size, sourceModified: modified, sourceSHA256: sha, state: .quarantined, ingestedAt: time)
        record.quarantineCode = error.code.name
        record.quarantineReason = error.message
        return PendingInstance(record: record, group: nil, proposals: [])
    }

    /// A stand-in hash for a file that cannot be read, so that it is recorded once.
    private static func unreadable(_ path: String) -> String {
        "unreadable:" + SHA256.hash(data: Data(path.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private static func text(_ d: DicomItem, _ tag: Tag) -> String {
        guard let index = d.index(of: tag), let bytes = d.stringBytes(at: index) else { return "" }
        let charset = d.string(.specificCharacterSet) ?? ""
        return DicomText.trimmed(DicomText.decode(bytes, charset: charset) ?? String(decoding: bytes, as: UTF8.self))
    }

    /// Rows and Columns are US; DCMTK hands binary values out in local byte order.
    private static func number(_ d: DicomItem, _ tag: Tag) -> Int {
        guard let index = d.index(of: tag), let bytes = d.bytes(at: index), bytes.count >= 2 else { return 0 }
        return Int(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) })
    }

    static func sha256(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ReviewError(.usage, "a source file cannot be read")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Stores a batch in one transaction. Checks run again inside it, since another process may
    /// have ingested the same file or changed the group's template since the file was read.
    private func store(_ batch: [PendingInstance], into run: IngestRun) throws {
        guard !batch.isEmpty else { return }
        let counts = try write { db -> IngestSummary in
            var counts = IngestSummary()
            for pending in batch {
                var record = pending.record
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM instances WHERE sourceSHA256 = ?", arguments: [record.sourceSHA256]) != nil {
                    counts.unchanged += 1
                    continue
                }
                counts.replaced += try retireChangedSource(db, path: record.sourcePath)
                var template: TemplateRecord?
                if let key = pending.group {
                    let group = try groupID(db, key)
                    record.groupID = group
                    template = try currentTemplate(db, group: group)
                }
                if record.state == .proposed, let output = record.outputPath, try Bool.fetchOne(db, sql: """
                    SELECT 1 FROM instances WHERE outputPath = ? AND state != 'quarantined' LIMIT 1
                    """, arguments: [output]) != nil {
                    record.state = .quarantined
                    record.quarantineCode = EngineError.Code.unsupported.name
                    record.quarantineReason = "another input has the same SOP Instance UID; only the first is delivered"
                }
                try record.insert(db)
                counts.added += 1
                guard record.state == .proposed, let id = record.id else {
                    counts.quarantined += 1
                    continue
                }
                for proposal in pending.proposals {
                    var row = ProposalRecord(instanceID: id, rect: proposal.rect, source: proposal.source, text: proposal.text,
                                             confidence: Double(proposal.confidence), reason: proposal.reason)
                    try row.insert(db)
                    counts.proposals += 1
                }
                if let template, settings.pixels == .clean, let key = pending.group {
                    counts.proposals += try applyTemplate(db, template, toInstance: id, rows: key.rows, columns: key.columns)
                }
            }
            return counts
        }
        run.count(counts)
    }

    /// An earlier, uncommitted instance whose file now has other content no longer describes it.
    private func retireChangedSource(_ db: Database, path: String) throws -> Int {
        try db.execute(sql: """
            UPDATE instances SET state = 'quarantined', quarantineCode = 'source-changed',
                quarantineReason = 'the source file changed after ingest; it was indexed again'
            WHERE sourcePath = ? AND state IN ('proposed', 'approved')
            """, arguments: [path])
        return db.changesCount
    }

    func groupID(_ db: Database, _ key: GroupKey) throws -> Int64 {
        let arguments: StatementArguments = [key.manufacturer, key.model, key.rows, key.columns]
        if let id = try Int64.fetchOne(db, sql: """
            SELECT id FROM groups WHERE manufacturer = ? AND model = ? AND rows = ? AND columns = ?
            """, arguments: arguments) {
            return id
        }
        try db.execute(sql: "INSERT INTO groups (manufacturer, model, rows, columns) VALUES (?, ?, ?, ?)", arguments: arguments)
        return db.lastInsertedRowID
    }
}

/// The shared state of one parallel ingest: the next file, finished results stored in file order
/// (so instance numbers follow the sorted input list, whatever the workers' timing), counts.
final class IngestRun: @unchecked Sendable {
    private let lock = NSLock()
    private let storeLock = NSLock()
    private var position = 0
    private var done = 0
    private let total: Int
    /// Finished results not stored yet, by file index; `stored` is the first index not handed out.
    private var finished: [Int: PendingInstance?] = [:]
    private var stored = 0
    private(set) var summary = IngestSummary()
    private(set) var error: Error?
    static let batchSize = 64

    init(total: Int) { self.total = total }

    func next() -> Int? { locked { position < total ? { position += 1; return position - 1 }() : nil } }
    var failed: Bool { locked { error != nil } }
    func fail(_ error: Error) { locked { if self.error == nil { self.error = error } } }
    func finish() -> Int { locked { done += 1; return done } }

    /// Adds the result of file `index`; true when a batch in file order is ready to store.
    func add(_ index: Int, _ examined: PendingInstance?) -> Bool {
        locked {
            finished[index] = .some(examined)
            return finished[stored + Self.batchSize - 1] != nil && (stored..<stored + Self.batchSize).allSatisfy { finished[$0] != nil }
        }
    }

    /// Takes the results ready in file order (at least `minimum` of them) and stores them; batches
    /// are taken and stored under one lock, so they reach the database in file order too.
    func store(minimum: Int = IngestRun.batchSize, _ body: ([PendingInstance]) throws -> Void) throws {
        storeLock.lock()
        defer { storeLock.unlock() }
        let batch: [PendingInstance]? = locked {
            var end = stored
            while finished[end] != nil { end += 1 }
            return end - stored >= max(minimum, 1) ? take(upTo: end) : nil
        }
        if let batch { try body(batch) }
    }

    private func take(upTo end: Int) -> [PendingInstance] {
        var batch: [PendingInstance] = []
        for index in stored..<end {
            if case .some(.some(let pending)) = finished.removeValue(forKey: index) {
                batch.append(pending)
            } else {
                summary.unchanged += 1
            }
        }
        stored = end
        return batch
    }

    func count(_ counts: IngestSummary) {
        locked {
            summary.added += counts.added
            summary.unchanged += counts.unchanged
            summary.quarantined += counts.quarantined
            summary.replaced += counts.replaced
            summary.proposals += counts.proposals
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
