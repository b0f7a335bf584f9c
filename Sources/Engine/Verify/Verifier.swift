// Verifier: the quality check of one de-identified output against its source: headers, file names, pixels, structure.
import Foundation

/// A separate algorithm from the one that cleaned the file: it does not ask what the scrubber did,
/// it looks at what the output holds (every element at every depth, every byte, every frame) and
/// asks whether anything of the source's identity is still there.
public struct Verifier: Sendable {
    public enum PixelCheck: String, Sendable, Codable {
        /// OCR of the output with settings stricter than detection, and the source's identifying
        /// text that detection read looked for again.
        case ocr
        /// No OCR (the pixels were not cleaned, and the report says so); structure is still checked.
        case off
    }

    public enum FrameCheck: String, Sendable, Codable {
        /// Every frame of the output is decoded.
        case all
        /// Frames are decoded only when the stored Pixel Data differs from the source's or OCR needs
        /// them: byte-identical pixels decode as the source's did. This keeps a header-only batch
        /// check from decompressing every frame it never touched.
        case whereChanged
    }

    public let profile: Profile
    let knowledge: PrivateTagKnowledge?
    public var pixels: PixelCheck = .ocr
    public var frames: FrameCheck = .all
    public var detector = TextDetector.verification
    /// What detection used on the source when it was not told what the source showed.
    public var sourceDetector = TextDetector()
    public var allowList = AllowList.standard
    /// The unattended run's rules, for a run that redacts what the check found and checks again:
    /// text that touches a redaction's edge on its line (`cutByRedaction`), and text the check
    /// cannot read, a row of flat-colour marks no word explains (`isUnreadText`) or a word whose
    /// line goes on unread (`isReadInPart`), are findings. A reviewer's boxes stand as drawn (one
    /// who rejected a box over such marks has judged them), and an old output is judged by what it shows.
    public var unattended = false
    public var maxBytes: UInt64 = DicomFile.defaultMaxBytes

    public init(profile: Profile) throws {
        self.profile = profile
        knowledge = profile.options.contains(.retainSafePrivate) ? try PrivateTagKnowledge.shipped() : nil
    }

    /// What one output is checked against.
    public struct Subject: Sendable {
        /// The output to read: the bytes about to be written, or a file (perhaps a temporary one
        /// about to be renamed into place).
        public var output: DicomFile.Output
        /// Its name as delivered, relative to the output folder: "study/series/instance.dcm".
        public var name: String
        public var source: SourceFacts
        /// The rectangles the engine or reviewer redacted, when known; otherwise every changed pixel
        /// must be black.
        public var redactions: [PixelRect]?

        public init(output: DicomFile.Output, name: String, source: SourceFacts, redactions: [PixelRect]? = nil) {
            self.output = output
            self.name = name
            self.source = source
            self.redactions = redactions
        }

        public init(output path: String, name: String, source: SourceFacts, redactions: [PixelRect]? = nil) {
            self.init(output: .file(path), name: name, source: source, redactions: redactions)
        }
    }

    /// Checks one output. Never throws: whatever cannot be checked is itself a finding.
    public func verify(_ subject: Subject) -> Verification {
        var result = Verification()
        let all = subject.source.headerIdentifiers
        let (identifiers, dropped) = Self.usable(all)
        let needles = ValueNeedles(subject.source, excluding: dropped)
        checkName(subject, identifiers: identifiers, needles: needles, into: &result)
        switch subject.output {
        case .bytes(let data):
            // A check that decodes no unchanged frame reads no unchanged Pixel Data either: it
            // compares the stored bytes with the source's (storedPixelsEqual).
            let headerOnly = frames == .whereChanged && pixels == .off
            guard let file = try? DicomFile.open(bytes: data, keepsPixelsAsStored: headerOnly) else { return Self.unreadable(result) }
            data.withUnsafeBytes { raw in
                check(file, bytes: raw, subject: subject, identifiers: identifiers, needles: needles, into: &result)
            }
        case .bytesThenValue(let data, let value):
            // The value is the source's own, which the writer copies from the source file.
            guard let file = try? data.withUnsafeBytes({ try DicomFile.open(bytes: $0, followedBy: value) }) else {
                return Self.unreadable(result)
            }
            data.withUnsafeBytes { raw in
                check(file, bytes: raw, subject: subject, identifiers: identifiers, needles: needles, into: &result)
            }
        case .file(let path):
            // Read once: parsed from these bytes when they were read whole; a larger file is parsed
            // by DCMTK with its Pixel Data left in the file, compared with the source's byte for
            // byte (storedPixelsEqual) and decoded wherever it differs, so a value cut short fails there.
            guard let written = try? FileBytes(path: path), UInt64(written.bytes.count) <= maxBytes,
                  let file = try? (written.isMapped || DicomFile.isDeflated(written.bytes) ? DicomFile.open(path: path, maxBytes: maxBytes, loadsAllValues: false)
                                                    : DicomFile.open(bytes: written.bytes))
            else { return Self.unreadable(result) }
            check(file, bytes: written.bytes, subject: subject, identifiers: identifiers, needles: needles, into: &result)
        }
        return result
    }

    private static func unreadable(_ result: Verification) -> Verification {
        var result = result
        result.findings.append(VerificationFinding(kind: .unreadable, location: "file"))
        return result
    }

    private func check(_ file: DicomFile, bytes: UnsafeRawBufferPointer, subject: Subject, identifiers: PatientIdentifiers,
                       needles: ValueNeedles, into result: inout Verification) {
        checkHeader(file, bytes: bytes, subject: subject, identifiers: identifiers, needles: needles, into: &result)
        checkPixels(file, bytes: bytes, subject: subject, into: &result)
    }

    /// Checks an output against a source read from disk now.
    public func verify(output: String, name: String, source: String, redactions: [PixelRect]? = nil) throws -> Verification {
        let facts = try SourceFacts.read(path: source, profile: profile, maxBytes: maxBytes)
        return verify(Subject(output: output, name: name, source: facts, redactions: redactions))
    }

    /// File and folder names: built from replaced UIDs, so none of the source's values may be in them.
    func checkName(_ subject: Subject, identifiers: PatientIdentifiers, needles: ValueNeedles, into result: inout Verification) {
        let facts = subject.source
        let name = subject.name
        let retainsUIDs = profile.options.contains(.retainUIDs)
        var seen = Set<String>()
        for needle in TextMatcher.matches(in: String(decoding: name.utf8.map { $0 == 0x2F ? 0x20 : $0 }, as: UTF8.self), of: identifiers)
        where !Self.isDigitRun(needle) || Self.containsNumber(needle, in: name) {
            guard let origin = facts.origin(of: needle), seen.insert(origin.text).inserted else { continue }
            result.findings.append(VerificationFinding(kind: .fileName, location: "file name", valueKind: origin.kind,
                                                       sourceTag: origin.tag, value: origin.text))
        }
        Array(name.utf8).withUnsafeBytes { raw in
            needles.scan(raw, in: 0..<raw.count, minimumLength: 1) { n, _ in
                let needle = needles.needles[n]
                guard !(retainsUIDs && needle.kind == .uid), seen.insert(needle.value).inserted else { return }
                result.findings.append(VerificationFinding(kind: .fileName, location: "file name", valueKind: needle.kind,
                                                           sourceTag: needle.tag, value: needle.value))
            }
        }
    }

    static func isDigitRun(_ text: String) -> Bool { !text.isEmpty && text.allSatisfy(\.isASCIIDigit) }

    /// A run of digits found as a whole number, not inside a longer one (a replacement UID's digits).
    static func containsNumber(_ digits: String, in text: String) -> Bool {
        var rest = Substring(text)
        while let range = rest.range(of: digits) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !(before?.isASCIIDigit ?? false) && !(after?.isASCIIDigit ?? false) { return true }
            rest = text[range.upperBound...]
        }
        return false
    }
}

/// What the check of one output found, and how much it looked at.
public struct Verification: Sendable {
    public var findings: [VerificationFinding] = []
    public var elementsChecked = 0
    public var bytesScanned = 0
    public var framesDecoded = 0
    public var wordsRead = 0
    /// Values found where the profile keeps them as the source had them (not leaks).
    public var retained = 0

    public init() {}

    public var passed: Bool { findings.isEmpty }

    /// One line without values, for report.json and quarantine reasons.
    public var reason: String {
        let shown = findings.prefix(3).map(\.summary).joined(separator: "; ")
        let more = findings.count > 3 ? "; and \(findings.count - 3) more" : ""
        return "the quality check found \(findings.count) problem\(findings.count == 1 ? "" : "s"): \(shown)\(more)"
    }
}

extension EngineError.Code {
    /// An output failed the quality check and was not delivered.
    public static let verificationFailed = EngineError.Code(name: "verification-failed")
}
