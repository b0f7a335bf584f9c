// SourceFacts: what the quality check needs to know of a source, read from it before it is scrubbed.
import Foundation

public struct SourceFacts: Sendable {
    /// One identifying value of the source, with the attribute it came from.
    public struct Value: Sendable, Hashable {
        public let kind: IdentifyingKind
        public let tag: Tag
        public let text: String
        public let isName: Bool
    }

    public struct Geometry: Sendable, Equatable {
        public let rows: Int, columns: Int, frames: Int
        public let samplesPerPixel: Int, bitsAllocated: Int, bitsStored: Int
        public let isSigned: Bool
    }

    /// Manufacturer, model, rows and columns: the device group the HTML report sorts by.
    public struct Device: Sendable, Hashable, Codable, Comparable {
        public var manufacturer: String, model: String, rows: Int, columns: Int
        public var label: String { "\(manufacturer.isEmpty ? "?" : manufacturer) / \(model.isEmpty ? "?" : model) / \(rows)x\(columns)" }
        public static func < (a: Device, b: Device) -> Bool { a.label < b.label }
    }

    /// The source file, re-read when pixels must be compared and its bytes were not kept.
    public var path: String
    /// The source's bytes as they were read (small files): pixels are compared with them, and the
    /// source is parsed from them again, without reading the file a second time.
    public var stored: Data?
    /// The source's Pixel Data value when it was left in the source file (`DicomFile.storedValue`):
    /// an output whose value is this one stores the source's pixels as they are.
    public var storedValue: StoredValue?
    /// Names, IDs, institution, addresses... at any depth, except those the profile keeps.
    public var values: [Value] = []
    /// Original UIDs (outside the standard's own root) and one attribute each came from.
    public var uids: [String: Tag] = [:]
    /// Dates (YYYYMMDD) the profile removes or shifts, and one attribute each came from.
    public var dates: [String: Tag] = [:]
    /// The birth date, as detection's PHI matcher knows it.
    public var identifiers = PatientIdentifiers()
    public var charset = ""
    public var sopClassUID = ""
    public var transferSyntax = ""
    public var geometry: Geometry?
    public var device = Device(manufacturer: "", model: "", rows: 0, columns: 0)
    /// The stored bytes of the source's text elements by tag path (see `sourceText(at:)`).
    private let texts = SourceTexts()
    /// Identifying text detection read in the source's pixels (nil: not known; the check detects).
    public var detectedText: [DetectedText]?

    public init(path: String) {
        self.path = path
    }

    /// Reads the facts from `file` as it was opened from `path`, before any change to it.
    public init(collecting file: DicomFile, path: String, profile: Profile) {
        self.path = path
        // Bytes that end before the Pixel Data value are no whole source to parse again.
        storedValue = file.storedValue
        stored = storedValue == nil ? file.sourceBytes : nil
        let dataset = file.dataset
        charset = dataset.string(.specificCharacterSet) ?? ""
        sopClassUID = dataset.string(.sopClassUID) ?? ""
        transferSyntax = file.transferSyntax
        let sources = Self.sourceTags
        let retainsFullDates = profile.options.contains(.retainLongFullDates)
        dataset.walk { walked in
            let element = walked.element, tag = walked.tag
            guard element.isString else { return }
            let isDate = element.vr == "DA" || element.vr == "DT"
            // Only UIDs, dates and the identifying attributes are read: the other values are
            // looked up later, by path, if a check ever asks (sourceText(at:)).
            guard element.vr == "UI" || isDate || sources.contains(tag) else { return }
            let kept = !tag.isPrivate && profile.action(for: tag) == .keep
            guard let raw = walked.item.stringBytes(at: walked.index) else { return }
            if element.vr == "UI" {
                // The standard's own UIDs (classes, transfer syntaxes) identify no one.
                for uid in Self.values(raw) where !uid.hasPrefix(ScrubContext.standardUIDRoot) && uid.count >= 8 && !kept {
                    if uids[uid] == nil { uids[uid] = tag }
                }
                return
            }
            if isDate && !tag.isPrivate && !kept && !retainsFullDates {
                for value in Self.values(raw) {
                    for part in value.split(separator: "-") where part.count >= 8 {
                        let date = String(part.prefix(8))
                        if date != "19000101" && dates[date] == nil { dates[date] = tag }
                    }
                }
            }
            guard sources.contains(tag), !kept, let text = DicomText.decode(raw, charset: charset) else { return }
            let trimmed = DicomText.trimmed(text)
            // A value without a letter or digit ("----") names no one.
            guard trimmed.contains(where: { $0.isLetter || $0.isNumber }) else { return }
            let isName = element.vr == "PN"
            values.append(Value(kind: Self.kind(of: tag, vr: element.vr), tag: tag, text: trimmed, isName: isName))
            identifiers.add(trimmed, isName: isName)
        }
        if let birth = dataset.string(.patientBirthDate) {
            identifiers.addDate(birth)
            if birth.count == 8 { dates[birth] = .patientBirthDate }
        }
        if file.hasPixelData, let info = try? file.pixelInfo() {
            geometry = Geometry(rows: info.rows, columns: info.columns, frames: info.frames,
                                samplesPerPixel: info.samplesPerPixel, bitsAllocated: info.bitsAllocated,
                                bitsStored: info.bitsStored, isSigned: info.isSigned)
        }
        device = Device(manufacturer: dataset.string(.manufacturer) ?? "", model: dataset.string(.manufacturerModelName) ?? "",
                        rows: geometry?.rows ?? 0, columns: geometry?.columns ?? 0)
    }

    private static let sourceTags = TagTable<Bool>(PatientIdentifiers.sources)

    /// Opens `path` and reads its facts; a large file's Pixel Data is not read (see `openSource`).
    public static func read(path: String, profile: Profile, maxBytes: UInt64 = DicomFile.defaultMaxBytes) throws -> SourceFacts {
        let file = try DicomFile.open(path: path, maxBytes: maxBytes, loadsAllValues: false)
        try Admission.check(file) // what run would not take is no source of an output
        return SourceFacts(collecting: file, path: path, profile: profile)
    }

    /// The stored bytes of the source's text element at `path` ("(0040,0275)[1](0032,1032)"): a
    /// value the profile keeps is no leak where the source had it. The source is read again for
    /// this the first time an output's check asks; most never do. Nil when the source had no
    /// such element, or can no longer be read (then nothing counts as kept as in the source).
    public func sourceText(at path: String) -> [UInt8]? {
        texts.all { (try? openSource(maxBytes: 0)).map(Self.texts(of:)) ?? [:] }[path]
    }

    static func texts(of file: DicomFile) -> [String: [UInt8]] {
        var texts: [String: [UInt8]] = [:]
        file.dataset.walk { walked in
            if walked.element.isString, let raw = walked.item.stringBytes(at: walked.index) { texts[walked.path] = raw }
        }
        return texts
    }

    /// The source as it was read: parsed again from its kept bytes, or opened from its path. A
    /// large source's Pixel Data stays in the file, and each frame compared is read from there:
    /// a cine is not held a second time beside its output.
    func openSource(maxBytes: UInt64) throws -> DicomFile {
        if let stored { return try DicomFile.open(bytes: stored) }
        return try DicomFile.open(path: path, maxBytes: maxBytes, loadsAllValues: false)
    }

    /// The single values of a multi-valued element, padding removed.
    /// Split over the bytes (the separator is ASCII): splitting Characters cost more than the rest
    /// of a file's facts.
    static func values(_ raw: [UInt8]) -> [String] {
        raw.split(separator: 0x5C).map { DicomText.trimmed(String(decoding: $0, as: UTF8.self)) }.filter { !$0.isEmpty }
    }

    static func kind(of tag: Tag, vr: VR) -> IdentifyingKind {
        if vr == "PN" { return .name }
        switch tag {
        case .institutionName, .institutionalDepartmentName: return .institution
        case .stationName: return .station
        case .patientAddress, .institutionAddress: return .address
        case .patientTelephoneNumbers: return .telephone
        default: return .identifier
        }
    }

    /// The identifiers and every removed date, for matching header text (not only the birth date).
    var headerIdentifiers: PatientIdentifiers {
        var all = identifiers
        for date in dates.keys.sorted() { all.addDate(date) }
        return all
    }

    /// The source value a folded term or date spelling came from.
    func origin(of needle: String) -> (kind: IdentifyingKind, tag: Tag, text: String)? {
        for value in values where PatientIdentifiers.parts(of: TextMatcher.fold(value.text), isName: value.isName).contains(needle) {
            return (value.kind, value.tag, value.text)
        }
        for (date, tag) in dates.sorted(by: { $0.key < $1.key }) where TextMatcher.dateSpellings(date).contains(needle) {
            return (.date, tag, date)
        }
        return nil
    }
}

/// A source's text elements by path, read once when first asked and shared by copies of its facts.
final class SourceTexts: @unchecked Sendable {
    private let lock = NSLock()
    private var read: [String: [UInt8]]?

    func all(_ make: () -> [String: [UInt8]]) -> [String: [UInt8]] {
        lock.lock()
        defer { lock.unlock() }
        if let read { return read }
        let made = make()
        read = made
        return made
    }
}
