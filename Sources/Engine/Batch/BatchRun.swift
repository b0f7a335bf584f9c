// BatchRun: the `run` command's engine: every input ends delivered or quarantined with a reason, resumably.
import Crypto
import Foundation

public struct RunSettings: Sendable {
    public var inputs: [String]
    public var output: String
    public var key: ProjectKey
    /// A fingerprint of the key, so that a resumed run with another key redoes its work.
    public var keyFingerprint: String
    public var options: Set<ProfileOption> = []
    public var pixels: PixelPolicy = .clean
    /// Device templates applied before OCR (the shipped CTP and deid libraries, plus the user's).
    public var templates: [DeviceTemplate] = []
    /// Also write the redacted pixels as JPEG or MP4 under DIR/export, with an index.csv.
    public var export: ExportFormat?
    public var jobs: Int = 1
    public var mapPath: String?
    public var maxBytes: UInt64 = DicomFile.defaultMaxBytes
    /// Prints a progress line on a terminal.
    public var progress: Bool = false
    /// How every output is checked before it is delivered (Verifier). nil delivers unchecked and
    /// exists for measuring what the check costs; the command line always checks.
    public var deliveryCheck: DeliveryCheck? = .full
    /// The returned report lists every instance too. Off, it carries the counts only and the run
    /// holds no outcome once recorded (report.json is spooled to disk): the command line, whose
    /// memory then stays flat however many files it is given.
    public var keepsOutcomes = true

    public init(inputs: [String], output: String, key: ProjectKey, keyFingerprint: String) {
        self.inputs = inputs
        self.output = output
        self.key = key
        self.keyFingerprint = keyFingerprint
    }
}

public enum PixelPolicy: String, Sendable, Codable {
    /// Pixels are not looked at; stated in the report.
    case off
    /// Every image is read for burned-in text (device templates, then OCR) and what is found is
    /// redacted; an image whose pixels cannot be decoded or read is quarantined.
    case clean
}

/// What `run` checks of each output before delivering it; an output that fails is quarantined.
public enum DeliveryCheck: String, Sendable, Codable, CaseIterable {
    /// Headers, bytes, file names and structure, and when pixels are cleaned the strict OCR of the
    /// output and the source's identifying text looked for again.
    case full
    /// Headers, bytes, file names and structure; the pixels are compared with the source outside
    /// the redactions but not read again by OCR.
    case headers
}

public enum InstanceState: String, Sendable, Codable {
    case delivered, quarantined
}

public struct InstanceOutcome: Sendable, Codable {
    /// 1-based position of the input in the sorted list of files.
    public var input: Int
    public var state: InstanceState
    public var code: String?
    public var reason: String?
    /// Output path relative to the output folder (built from replaced UIDs only).
    public var output: String?
    public var resumed: Bool?
    /// The rectangles redacted in the pixels (positions only), so `verify` can tell a redaction
    /// from a change; nil when nothing was redacted.
    public var redactions: [PixelRect]?
    /// How the pixels were redacted (JPEG Baseline in its DCT blocks, or decoded), and for a JPEG
    /// Baseline input that had to be decoded, why (a property of the stream, never a value).
    public var redactionMethod: RedactionMethod?
    public var blockFallback: String?
    /// Boxes added because the quality check read text that detection had not proposed (the
    /// output was then checked again); nil when the first output passed.
    public var boxesFromCheck: Int?
}

public final class BatchRun: @unchecked Sendable {
    let settings: RunSettings
    let processor: InstanceProcessor
    let verifier: Verifier?
    private let lock = NSLock()
    private var outcomes: [InstanceOutcome?] = []
    /// Which input each output path was given to, by the path's digest: a run of millions of
    /// files keeps 16 bytes a path there, not the path.
    private let claims = OutputClaims()
    /// Where outcomes are recorded, once the run has opened them.
    private var journal: Journal?
    private var spool: ReportSpool?
    private var crosswalk: Crosswalk
    private var exporter: Exporter?
    private var exportIndex: ExportIndex?
    private var done = 0
    public private(set) var files = PathList()
    /// Lines for the terminal, one per quarantined input; the caller decides where they go.
    public var log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

    public init(settings: RunSettings) throws {
        self.settings = settings
        var processor = InstanceProcessor(
            scrubber: try HeaderScrubber(profile: Profile.standard(options: settings.options), key: settings.key))
        processor.pixels = settings.pixels
        processor.templates = settings.templates
        processor.maxBytes = settings.maxBytes
        processor.collectsSourceFacts = settings.deliveryCheck != nil
        // Without redaction or export no frame is decoded: Pixel Data is copied as stored.
        processor.keepsPixelsAsStored = settings.pixels == .off && settings.export == nil
        self.processor = processor
        verifier = try settings.deliveryCheck.map { check in
            var verifier = try Verifier(profile: processor.scrubber.profile)
            verifier.pixels = check == .full && settings.pixels == .clean ? .ocr : .off
            verifier.frames = .whereChanged
            verifier.unattended = true
            verifier.maxBytes = settings.maxBytes
            return verifier
        }
        if let format = settings.export {
            exporter = try Exporter(format: format)
        }
        crosswalk = Crosswalk()
    }

    /// Runs the batch and writes report.json (and the crosswalk when asked). Returns the report.
    public func run() throws -> RunReport {
        let started = Date()
        DicomFile.initialize()
        files = try InputWalker.files(in: settings.inputs)
        try FileManager.default.createDirectory(atPath: settings.output, withIntermediateDirectories: true)
        let journal = try Journal(folder: settings.output, settings: settingsFingerprint)
        journal.removeStaleTemporaries()
        let spool = try ReportSpool(folder: settings.output)
        self.journal = journal
        self.spool = spool
        outcomes = settings.keepsOutcomes ? Array(repeating: nil, count: files.count) : []
        if exporter != nil { exportIndex = try ExportIndex(folder: settings.output + "/export") }
        let resumable = settings.mapPath == nil ? journal.completed : [:]
        let next = Counter()
        let workers = max(1, min(settings.jobs, files.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let encoder = ReportSpool.encoder()
            var mine = next.runs(below: files.count, sharedBy: workers)
            while let index = mine.next() {
                let identity = Journal.identity(of: files[index])
                // A delivered output is resumed when it is whole and no other input of this run has its path.
                if var previous = resumable[identity], previous.state == .quarantined
                    || previous.output.map({ Self.isWhole(settings.output + "/" + $0) && claims.resume(PathDigest($0), for: index) }) == true {
                    previous.input = index + 1
                    previous.resumed = true
                    settle(Processed(outcome: previous, claimed: previous.output.map(PathDigest.init)), at: index, identity: nil, encoder: encoder)
                } else {
                    settle(process(index), at: index, identity: identity, encoder: encoder)
                }
            }
        }
        try exportIndex?.write()
        journal.flush()
        let report = RunReport(
            settings: settings, inputs: files.count, delivered: spool.delivered, quarantined: spool.quarantined,
            instances: outcomes.compactMap { $0 }, seconds: Date().timeIntervalSince(started))
        try spool.write(report, to: settings.output + "/report.json")
        if let mapPath = settings.mapPath { try crosswalk.write(to: mapPath) }
        return report
    }

    /// The folder of an output, and those above it when missing. Most outputs share the series
    /// folder of the one before, so the common case is one mkdir that finds it there; FileManager
    /// looks at every component first and costs more. Anything unusual is left to FileManager.
    static func makeFolder(_ path: String) throws {
        if mkdir(path, 0o777) == 0 || errno == EEXIST { return }
        if errno == ENOENT {
            let parent = AtomicFile.split(path).folder
            if !parent.isEmpty && parent != path, (try? makeFolder(parent)) != nil, mkdir(path, 0o777) == 0 || errno == EEXIST { return }
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// An output a power cut may have cut short is done again; a whole one has at least its preamble and meta header.
    static func isWhole(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_size > 132
    }

    private var settingsFingerprint: String {
        ([settings.keyFingerprint, settings.pixels.rawValue, EngineVersion.current, settings.deliveryCheck?.rawValue ?? "unchecked"]
            + settings.options.map(\.rawValue).sorted()).joined(separator: ",")
    }

    /// What became of one input, with what the crosswalk and the output claims need to know.
    private struct Processed {
        var outcome: InstanceOutcome
        /// The output path it claimed, delivered or not.
        var claimed: PathDigest?
        var scrub: ScrubResult?
    }

    /// Records an input's outcome (in the journal when `identity` is given, the spool, the
    /// crosswalk), or a duplicate's when a lower input took its output path over meanwhile.
    /// Encoded once, for the journal and the report alike.
    private func settle(_ processed: Processed, at index: Int, identity: String?, encoder: JSONEncoder) {
        var outcome = processed.outcome
        var encoded = ReportSpool.encode(outcome, with: encoder)
        claims.settle(index, claimed: processed.claimed) { superseded in
            if superseded {
                outcome = Self.duplicate(of: index)
                encoded = ReportSpool.encode(outcome, with: encoder)
            }
            if let identity, let encoded { journal?.append(identity: identity, encodedOutcome: encoded) }
            if settings.mapPath != nil, outcome.state == .delivered, let output = outcome.output, let scrub = processed.scrub {
                lock.lock()
                crosswalk.add(input: files[index], output: output, result: scrub)
                lock.unlock()
            }
            if let spool { record(outcome, encoded: encoded, at: index, spool: spool) }
        }
    }

    /// The outcome of an input whose output path a lower input has.
    private static func duplicate(of index: Int) -> InstanceOutcome {
        var outcome = InstanceOutcome(input: index + 1, state: .quarantined)
        outcome.code = EngineError.Code.unsupported.name
        outcome.reason = duplicateReason
        return outcome
    }

    static let duplicateReason = "another input has the same SOP Instance UID; only the first is delivered"

    /// Input `index`, already recorded, lost its output path to a lower input: it is a duplicate
    /// now, in the journal (a later line wins on resume), the report and the crosswalk.
    private func correct(_ index: Int, output: String) {
        let outcome = Self.duplicate(of: index)
        guard let encoded = try? ReportSpool.encoder().encode(outcome) else { return }
        journal?.append(identity: Journal.identity(of: files[index]), encodedOutcome: encoded)
        spool?.replace(encoded, state: .quarantined, at: index)
        lock.lock()
        if settings.keepsOutcomes { outcomes[index] = outcome }
        lock.unlock()
        takeBackCrosswalkRows(of: index, output: output)
        // This input may have had a line of its own already (a failed check): this one stands.
        log("dcmscrub: input \(index + 1): quarantined (\(outcome.code ?? "")): \(outcome.reason ?? "")"
            + " (a lower input reached later took its output path; this replaces what was said of it before)")
    }

    /// With --map: the rows input `index` added, found by scrubbing its header again (they are
    /// not kept per input).
    private func takeBackCrosswalkRows(of index: Int, output: String) {
        guard settings.mapPath != nil else { return }
        let scrub = try? processor.scrubResult(path: files[index])
        lock.lock()
        crosswalk.remove(input: files[index], output: output, result: scrub)
        lock.unlock()
        if scrub == nil {
            log("dcmscrub: input \(index + 1): could not be read again to take its UIDs out of the crosswalk, which lists them")
        }
    }

    private func record(_ outcome: InstanceOutcome, encoded: Data?, at index: Int, spool: ReportSpool) {
        // An outcome that does not encode (it cannot happen: strings and numbers) leaves the
        // spool one line short, and writing the report then fails rather than drop an input.
        if let encoded { spool.add(encoded, state: outcome.state, at: index) }
        lock.lock()
        if settings.keepsOutcomes { outcomes[index] = outcome }
        done += 1
        let count = done
        lock.unlock()
        if outcome.state == .quarantined, outcome.resumed != true {
            log("dcmscrub: input \(outcome.input): quarantined (\(outcome.code ?? "")): \(outcome.reason ?? "")")
        }
        if settings.progress && (count % 50 == 0 || count == files.count) {
            FileHandle.standardError.write(Data("\r\(count)/\(files.count) processed".utf8))
            if count == files.count { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }

    /// One input from file to delivered output; every failure becomes a quarantine with a reason.
    /// Unattended, text that only the stricter check could read is redacted too, once, and that
    /// new output is checked again from the start; what still fails is quarantined.
    private func process(_ index: Int) -> Processed {
        var outcome = InstanceOutcome(input: index + 1, state: .quarantined)
        var scrub: ScrubResult?
        var delivering: String?
        var claimed: PathDigest? // the digest of `delivering`, made once (a SHA-256)
        var alsoRedact: [Proposal] = []
        let path = files[index]
        do {
            var result = try processor.deidentify(path: path)
            delivering = result.relativePath
            let digest = PathDigest(result.relativePath)
            claimed = digest
            do {
                try deliver(result, index, digest: digest)
            } catch let failure as CheckFailure {
                guard let more = Self.readable(failure.verification) else {
                    throw EngineError(.verificationFailed, failure.verification.reason)
                }
                // The first pass's proposals stand; the file is read again from the source.
                alsoRedact = more
                result = try processor.deidentify(path: path, proposals: result.proposals + more)
                do { try deliver(result, index, digest: digest) } catch let again as CheckFailure {
                    throw EngineError(.verificationFailed, again.verification.reason)
                }
            }
            scrub = result.scrub
            outcome.state = .delivered
            outcome.output = result.relativePath
            if let redaction = result.redaction, redaction.changed, !redaction.rectangles.isEmpty {
                outcome.redactions = redaction.rectangles
                outcome.redactionMethod = redaction.method
                outcome.blockFallback = redaction.blockFallback
            }
            if !alsoRedact.isEmpty { outcome.boxesFromCheck = alsoRedact.count }
        } catch let error as EngineError {
            outcome.code = error.code.name
            outcome.reason = error.message
            if error.code == .verificationFailed, let relative = delivering {
                // The folders made for it stay only if another output lives there, or is being written.
                leave(relative, removingEmptyFolders: true)
            }
        } catch {
            outcome.code = EngineError.Code.io.name
            outcome.reason = "unexpected failure"
        }
        return Processed(outcome: outcome, claimed: claimed, scrub: scrub)
    }

    /// Writes one output under its name; the check reads the written file before it takes its name,
    /// and the export follows, so an image that fails either is not delivered.
    /// `digest`: PathDigest of the result's relative path.
    private func deliver(_ result: InstanceProcessor.Result, _ index: Int, digest: PathDigest) throws {
        let relative = result.relativePath
        let destination = settings.output + "/" + relative
        let grant = claims.claim(digest, for: index)
        guard grant != .denied else { throw EngineError(.unsupported, Self.duplicateReason) }
        defer { claims.finish(digest, for: index) }
        if case .takenOver(let higher, let settled) = grant {
            // The higher input's output goes, whether or not this one's is delivered.
            unlink(destination)
            if settled { correct(higher, output: relative) }
        }
        enter(relative)
        defer { leave(relative, removingEmptyFolders: false) }
        try Self.makeFolder(AtomicFile.split(destination).folder)
        // Made durable in batches by the journal.
        try result.file.write(to: destination, durable: false) { written in
            if let verifier, let source = result.source {
                let verification = verifier.verify(Verifier.Subject(
                    output: written, name: relative, source: source, redactions: result.redaction?.rectangles))
                guard verification.passed else { throw CheckFailure(verification: verification) }
            }
            if let exporter, let exportIndex {
                let folder = (relative as NSString).deletingLastPathComponent
                let name = ((relative as NSString).lastPathComponent as NSString).deletingPathExtension
                if let image = try exporter.export(result.file, name: name, to: settings.output + "/export/" + folder) {
                    exportIndex.add(image, subfolder: folder)
                }
            }
        }
    }

    /// An output the check refused, before it took its name.
    private struct CheckFailure: Error {
        let verification: Verification
    }

    /// The text boxes the check read, grown by a margin, when text in the pixels is all it found
    /// (nil when it found anything more boxes cannot fix, or a finding without a place).
    public static func readable(_ verification: Verification) -> [Proposal]? {
        let text: Set<VerificationFinding.Kind> = [.burnedInText, .burnedInIdentifier]
        guard !verification.findings.isEmpty,
              verification.findings.allSatisfy({ text.contains($0.kind) && $0.region != nil }) else { return nil }
        return verification.findings.compactMap { finding in
            finding.region.map {
                Proposal(rect: $0.inset(by: checkMargin), source: .ocr, text: finding.value ?? "", confidence: 0,
                         reason: "read by the quality check")
            }
        }
    }

    /// Pixels added around text the check read (its boxes are tight to the words).
    public static let checkMargin = 3

    /// Outputs being written per study and series folder, so that a failed output's cleanup never
    /// removes a folder another worker has just made for its own output.
    private var writing: [String: Int] = [:]

    private func folders(of relative: String) -> [String] {
        let series = AtomicFile.split(settings.output + "/" + relative).folder
        return [series, AtomicFile.split(series).folder]
    }

    private func enter(_ relative: String) {
        lock.lock()
        for folder in folders(of: relative) { writing[folder, default: 0] += 1 }
        lock.unlock()
    }

    /// `removingEmptyFolders`: after a failed output, its folders go when empty and nobody is writing there.
    private func leave(_ relative: String, removingEmptyFolders: Bool) {
        lock.lock()
        defer { lock.unlock() }
        for folder in folders(of: relative) {
            if removingEmptyFolders {
                if writing[folder, default: 0] == 0 { rmdir(folder) }
            } else {
                writing[folder, default: 1] -= 1
                if writing[folder] == 0 { writing[folder] = nil }
            }
        }
    }
}

/// The first 128 bits of a path's SHA-256. Two paths that share them (not expected in any run
/// there will ever be) would quarantine the second input as a duplicate: closed, not open.
struct PathDigest: Hashable {
    let high: UInt64, low: UInt64

    init(_ path: String) {
        let bytes = Array(SHA256.hash(data: Data(path.utf8)))
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }

    /// The next run of consecutive values for one of `workers`: a quarter of its share of what is
    /// left, at most `maxRun`, so runs shrink to single values as the end nears and no worker is
    /// left with a long tail. Workers in different runs mostly write into different series folders:
    /// two threads creating and renaming files in one folder queue on its lock in the kernel.
    func takeRun(below limit: Int, sharedBy workers: Int, maxRun: Int = 256) -> Range<Int>? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        let length = min(maxRun, max(1, (limit - value) / (4 * max(1, workers))))
        value += length
        return (value - length)..<value
    }

    /// One worker's values, taken a run at a time.
    func runs(below limit: Int, sharedBy workers: Int) -> Runs {
        Runs(counter: self, limit: limit, workers: workers)
    }

    struct Runs: IteratorProtocol {
        let counter: Counter, limit: Int, workers: Int
        var current = 0..<0

        mutating func next() -> Int? {
            if current.isEmpty {
                guard let run = counter.takeRun(below: limit, sharedBy: workers) else { return nil }
                current = run
            }
            return current.popFirst()
        }
    }
}

public enum EngineVersion {
    public static let current = "0.1.0"
}
