// PatientIdentifiers: the identifying values of one file's header, collected before scrubbing to clean free text.
import Foundation

public struct PatientIdentifiers: Sendable {
    /// Name parts, IDs, institution and other words to remove from free text, folded for matching
    /// (longest first, so "Jonas Jonaitis" goes before "Jonas"). Folding is slow and most files
    /// never need it, so it happens on first use.
    public var terms: [String] { forms.terms }
    /// The terms and the dates' spellings as UTF-8: what TextMatcher looks for, made once.
    var needles: [[UInt8]] { forms.needles }
    /// The terms and the dates' spellings, each with its characters: what TextMatcher's positions search for.
    var patterns: [(String, [Character])] { forms.patterns }
    /// Whether any needle occurs in `text` (folded UTF-8), in one pass over it.
    func anyNeedle(in text: [UInt8]) -> Bool { forms.anyNeedle(in: text) }
    private var forms: FoldedForms { folded.forms(values: values, dates: dates, excluding: excluded) }
    /// The values as collected: text and whether it is a person name.
    private var values: [(String, Bool)] = []
    private var folded = FoldedTerms()
    /// Folded terms left out of `terms` (see `excluding`).
    private var excluded: Set<String> = []
    /// Dates of identifying meaning (birth date), as YYYYMMDD.
    public private(set) var dates: [String] = []

    /// Attributes whose values identify the patient, the people around them or the place.
    static let sources: [Tag] = [
        .patientName, .patientID, .otherPatientIDs, .otherPatientNames, .patientBirthName,
        .patientMotherBirthName, .patientAddress, .patientTelephoneNumbers, .issuerOfPatientID,
        .accessionNumber, .institutionName, .institutionAddress, .institutionalDepartmentName,
        .referringPhysicianName, .performingPhysicianName, .operatorsName, .stationName, .studyID,
        Tag(0x0008, 0x1048), // Physician(s) of Record
        Tag(0x0008, 0x1060), // Name of Physician(s) Reading Study
        Tag(0x0032, 0x1032), // Requesting Physician
        Tag(0x0038, 0x0010), // Admission ID
        Tag(0x0010, 0x2297), // Responsible Person
        Tag(0x0010, 0x0050), // Patient's Insurance Plan Code Sequence is a sequence; skipped as text
    ]

    public init() {}

    public init(collecting dataset: DicomItem, charset: String) {
        for tag in Self.sources {
            guard let index = dataset.index(of: tag), let raw = dataset.stringBytes(at: index),
                  let text = DicomText.decode(raw, charset: charset) else { continue }
            add(text, isName: dataset.element(at: index).vr == "PN")
        }
        if let birth = dataset.string(.patientBirthDate), birth.count == 8 { dates.append(birth) }
    }

    /// Adds a value: person names split at ^ and = and spaces; every part of 2+ letters is a term,
    /// the whole value too.
    public mutating func add(_ value: String, isName: Bool) {
        values.append((value, isName))
        folded = FoldedTerms() // a fresh cache, never one shared with an earlier copy
    }

    /// The same identifiers without some folded terms: the quality check drops the words the
    /// product writes itself, which would otherwise be found in every output.
    public func excluding(_ terms: [String]) -> PatientIdentifiers {
        var copy = self
        copy.excluded.formUnion(terms)
        copy.folded = FoldedTerms()
        return copy
    }

    /// Adds a date of identifying meaning (YYYYMMDD); other lengths are ignored.
    public mutating func addDate(_ date: String) {
        // Over the UTF-8 bytes: counting Characters cost more than the rest of the call.
        guard date.utf8.count == 8, date.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), !dates.contains(date) else { return }
        dates.append(date)
        folded = FoldedTerms()
    }

    static func fold(_ values: [(String, Bool)]) -> [String] {
        var seen = Set<String>()
        return values.flatMap { parts(of: TextMatcher.fold($0.0), isName: $0.1) }
            .filter { seen.insert($0).inserted }.sorted { $0.count > $1.count }
    }

    /// The pieces of one value that are matched on their own: each of its values (split at \\) of
    /// 2+ characters, and its components (^ =, and for names also spaces, commas and hyphens) of
    /// 2+ letters for names, 3+ otherwise. The quality check splits unfolded text the same way,
    /// to look for the pieces as they are spelled in the source.
    public static func parts(of value: String, isName: Bool) -> [String] {
        var parts: [String] = []
        // The separators are ASCII, so the split runs over UTF-8 bytes, not grapheme clusters.
        let separators: Set<UInt8> = isName ? [0x5E, 0x3D, 0x20, 0x2C, 0x2D] : [0x5E, 0x3D]
        for single in value.utf8.split(separator: 0x5C) {
            let whole = trimmed(String(decoding: single, as: UTF8.self))
            if whole.count >= 2 { parts.append(whole) }
            for part in whole.utf8.split(whereSeparator: { separators.contains($0) }) {
                let term = trimmed(String(decoding: part, as: UTF8.self))
                if term.count >= (isName ? 2 : 3) { parts.append(term) }
            }
        }
        return parts
    }

    /// White space off both ends (Foundation's trimming is slow enough to matter per file).
    static func trimmed(_ text: some StringProtocol) -> String {
        var slice = Substring(text)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }

    public var isEmpty: Bool { values.isEmpty && dates.isEmpty }
}

/// What one set of identifiers folds to, computed in full before anyone reads it.
struct FoldedForms: Sendable {
    let terms: [String]
    let needles: [[UInt8]]
    let patterns: [(String, [Character])]
    /// Needle indexes by their first byte: a text is compared only where a needle can begin.
    private let byFirst: [[Int]]
    /// An empty needle is in every text.
    private let hasEmptyNeedle: Bool

    init(values: [(String, Bool)], dates: [String], excluding excluded: Set<String>) {
        terms = PatientIdentifiers.fold(values).filter { !excluded.contains($0) }
        let all = terms + dates.flatMap(TextMatcher.dateSpellings)
        needles = all.map { Array($0.utf8) }
        patterns = all.map { ($0, Array($0)) }
        var byFirst = [[Int]](repeating: [], count: 256)
        for (n, needle) in needles.enumerated() where !needle.isEmpty { byFirst[Int(needle[0])].append(n) }
        self.byFirst = byFirst
        hasEmptyNeedle = needles.contains { $0.isEmpty }
    }

    /// `needles.contains { TextMatcher.contains(text, $0) }` in one pass over the text.
    func anyNeedle(in text: [UInt8]) -> Bool {
        if hasEmptyNeedle { return true }
        return text.withUnsafeBufferPointer { bytes in
            for i in bytes.indices {
                for n in byFirst[Int(bytes[i])] {
                    let needle = needles[n]
                    guard i + needle.count <= bytes.count else { continue }
                    var k = 1
                    while k < needle.count && bytes[i + k] == needle[k] { k += 1 }
                    if k == needle.count { return true }
                }
            }
            return false
        }
    }

    /// The files of one study carry the same identifiers, and folding them is a large part of a
    /// header's work: each distinct set is folded once per process. Bounded, so a batch of a
    /// million patients does not grow it without end.
    private static let cache = BoundedCache<Key, FoldedForms>(limit: 512)

    private struct Key: Hashable {
        struct Value: Hashable {
            let text: String
            let isName: Bool
        }
        let values: [Value]
        let dates: [String]
        let excluded: Set<String>
    }

    static func shared(values: [(String, Bool)], dates: [String], excluding excluded: Set<String>) -> FoldedForms {
        let key = Key(values: values.map { Key.Value(text: $0.0, isName: $0.1) }, dates: dates, excluded: excluded)
        return cache.value(key) { FoldedForms(values: values, dates: dates, excluding: excluded) }
    }
}

/// One PatientIdentifiers' folded forms, looked up on first use and kept with it.
final class FoldedTerms: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: FoldedForms?

    func forms(values: [(String, Bool)], dates: [String], excluding excluded: Set<String>) -> FoldedForms {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let forms = FoldedForms.shared(values: values, dates: dates, excluding: excluded)
        cached = forms
        return forms
    }
}
