// PatientIdentifiers: the identifying values of one file's header, collected before scrubbing to clean free text.
import Foundation

public struct PatientIdentifiers: Sendable {
    /// Name parts, IDs, institution and other words to remove from free text, folded for matching
    /// (longest first, so "Jonas Jonaitis" goes before "Jonas"). Folding is slow and most files
    /// never need it, so it happens on first use.
    public var terms: [String] { folded.terms(from: values, excluding: excluded) }
    /// The terms and the dates' spellings as UTF-8: what TextMatcher looks for, made once.
    var needles: [[UInt8]] {
        folded.needles { (terms + dates.flatMap(TextMatcher.dateSpellings)).map { Array($0.utf8) } }
    }
    /// The terms and the dates' spellings, each with its characters: what TextMatcher's positions search for.
    var patterns: [(String, [Character])] {
        folded.patterns { (terms + dates.flatMap(TextMatcher.dateSpellings)).map { ($0, Array($0)) } }
    }
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
        // The values are the same, so their fold is too: only the filter differs.
        copy.folded = FoldedTerms(unfiltered: folded.unfiltered(from: values))
        return copy
    }

    /// Adds a date of identifying meaning (YYYYMMDD); other lengths are ignored.
    public mutating func addDate(_ date: String) {
        guard date.count == 8, date.allSatisfy(\.isASCIIDigit), !dates.contains(date) else { return }
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

/// The folded terms of one set of identifiers, computed once.
final class FoldedTerms: @unchecked Sendable {
    private var cachedUnfiltered: [String]?
    private var cached: [String]?
    private var cachedNeedles: [[UInt8]]?
    private var cachedPatterns: [(String, [Character])]?

    init(unfiltered: [String]? = nil) {
        cachedUnfiltered = unfiltered
    }

    func unfiltered(from values: [(String, Bool)]) -> [String] {
        if let cachedUnfiltered { return cachedUnfiltered }
        let terms = PatientIdentifiers.fold(values)
        cachedUnfiltered = terms
        return terms
    }

    func terms(from values: [(String, Bool)], excluding excluded: Set<String>) -> [String] {
        if let cached { return cached }
        let terms = unfiltered(from: values).filter { !excluded.contains($0) }
        cached = terms
        return terms
    }

    func patterns(_ make: () -> [(String, [Character])]) -> [(String, [Character])] {
        if let cachedPatterns { return cachedPatterns }
        let patterns = make()
        cachedPatterns = patterns
        return patterns
    }

    func needles(_ make: () -> [[UInt8]]) -> [[UInt8]] {
        if let cachedNeedles { return cachedNeedles }
        let needles = make()
        cachedNeedles = needles
        return needles
    }
}
