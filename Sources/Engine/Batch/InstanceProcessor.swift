// InstanceProcessor: one file through the whole engine (admit, propose, redact, scrub); batch and review commit share it.
import Foundation

public struct InstanceProcessor: Sendable {
    public let scrubber: HeaderScrubber
    public var pixels: PixelPolicy = .clean
    public var proposer = PixelProposer()
    public var templates: [DeviceTemplate] = []
    public var maxBytes: UInt64 = DicomFile.defaultMaxBytes
    /// Read what the quality check needs from the source before changing it (Result.source).
    public var collectsSourceFacts = false
    /// Leave Pixel Data unread and write it back as stored (`DicomFile.open(keepsPixelsAsStored:)`):
    /// for a run that changes only headers and needs no decoded frame (no redaction, no export).
    public var keepsPixelsAsStored = false

    public init(scrubber: HeaderScrubber) {
        self.scrubber = scrubber
    }

    /// A de-identified file in memory, ready to be written under `relativePath`.
    public struct Result {
        public let file: DicomFile
        public let scrub: ScrubResult
        public let relativePath: String
        public let proposals: [Proposal]
        public let redaction: RedactionOutcome?
        /// What the quality check compares the output with, when `collectsSourceFacts`.
        public let source: SourceFacts?
    }

    /// Opens and de-identifies `path`. `rectangles` nil: the engine proposes (templates, then OCR);
    /// otherwise exactly the reviewer's rectangles are redacted. Throws an EngineError with a
    /// one-line reason whenever the file cannot be delivered safely.
    /// `proposals`: what an earlier pass over this file proposed, used as it is instead of proposing
    /// again (run's second pass adds the text the quality check read; see BatchRun).
    public func deidentify(path: String, rectangles: [PixelRect]? = nil, proposals given: [Proposal]? = nil) throws -> Result {
        // Cleaning pixels, a large file's Pixel Data stays in the file, each frame read from there
        // as it is decoded: a cine is then held once, as its redacted pixels, not also as read.
        let file = try DicomFile.open(path: path, maxBytes: maxBytes, loadsAllValues: pixels != .clean,
                                      keepsPixelsAsStored: keepsPixelsAsStored && pixels != .clean)
        try Admission.check(file)
        var facts = collectsSourceFacts ? SourceFacts(collecting: file, path: path, profile: scrubber.profile) : nil
        var proposals: [Proposal] = []
        var redaction: RedactionOutcome?
        let hasPixels = file.hasPixelData
        if hasPixels && pixels == .clean {
            // Detection decodes each frame into the room that a redaction fills and stores; when
            // nothing is redacted, the room goes.
            defer { file.discardDecodedFrames() }
            if let rectangles {
                proposals = rectangles.map { Proposal(rect: $0, source: .manual, text: "", confidence: 100, reason: "reviewer") }
            } else if let given {
                proposals = given
            } else {
                let identifiers = PatientIdentifiers(collecting: file.dataset, charset: file.dataset.string(.specificCharacterSet) ?? "")
                file.keepDecodedFrames()
                proposals = try propose(file, identifiers: identifiers)
            }
            redaction = try PixelRedactor.redact(file, rectangles: proposals.map(\.rect))
        }
        // What OCR read is what the check looks for again; a reviewer's boxes carry no text, and
        // the check's own OCR of the output reads whatever they left.
        facts?.detectedText = proposals.filter { $0.source == .ocr }.map {
            DetectedText(rect: $0.rect, text: $0.text, confidence: $0.confidence)
        }
        let scrub = try scrubber.scrub(file, pixelsCleaned: redaction != nil)
        if redaction != nil { try file.dataset.put(.burnedInAnnotation, "NO", vr: "CS") }
        return Result(file: file, scrub: scrub, relativePath: try Self.outputPath(file.dataset),
                      proposals: proposals, redaction: redaction, source: facts)
    }

    /// What scrubbing `path`'s header gives (the same as `deidentify`'s `scrub`: it does not
    /// depend on the pixels), without proposing, redacting or checking anything. A large file's
    /// Pixel Data is not read.
    public func scrubResult(path: String) throws -> ScrubResult {
        try scrubber.scrub(DicomFile.open(path: path, maxBytes: maxBytes, loadsAllValues: false, keepsPixelsAsStored: true))
    }

    /// Template regions for the image's device, then detected text outside the allow list.
    public func propose(_ file: DicomFile, identifiers: PatientIdentifiers) throws -> [Proposal] {
        var proposer = self.proposer
        let templates = self.templates
        proposer.templates = { dataset, info in
            templates.filter { $0.disposition == .redact && $0.signature.holds(in: dataset) }.flatMap { template in
                template.regions(in: dataset, rows: info.rows, columns: info.columns).map { (template.name, $0) }
            }
        }
        return try proposer.propose(file, identifiers: identifiers)
    }

    /// Study / series / instance folders named by the replaced UIDs: nothing from the header's
    /// identifying values reaches a path.
    static func outputPath(_ dataset: DicomItem) throws -> String {
        // Over the stored bytes: a value of only padding (spaces, NULs) is no UID.
        let parts = [Tag.studyInstanceUID, .seriesInstanceUID, .sopInstanceUID].map { tag -> [UInt8]? in
            guard let raw = dataset.index(of: tag).flatMap(dataset.stringBytes(at:)),
                  raw.contains(where: { $0 != 0x20 && $0 != 0 }) else { return nil }
            return raw
        }
        guard parts[2] != nil else {
            throw EngineError(.malformed, "no SOP Instance UID")
        }
        // Digits and dots kept byte by byte: anything else a replaced UID cannot hold goes.
        let safe = parts.map { $0.map { String(decoding: $0.filter { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }, as: UTF8.self) } ?? "unknown" }
        return "\(safe[0])/\(safe[1])/\(safe[2]).dcm"
    }
}
