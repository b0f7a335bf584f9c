// PatientIdentifiers: the identifying values of one file's header, collected before scrubbing to clean free text.
import Foundation

public struct PatientIdentifiers: Sendable {
    /// Name parts, IDs, institution and other words to remove from free text, folded for matching.
    public private(set) var terms: [String] = []
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
        for single in value.split(separator: "\\") {
            let whole = TextMatcher.fold(String(single)).trimmingCharacters(in: .whitespaces)
            if whole.count >= 2 { insert(whole) }
            let separators: Set<Character> = isName ? ["^", "=", " ", ",", "-"] : ["^", "="]
            for part in single.split(whereSeparator: { separators.contains($0) }) {
                let folded = TextMatcher.fold(String(part)).trimmingCharacters(in: .whitespaces)
                if folded.count >= (isName ? 2 : 3) { insert(folded) }
            }
        }
    }

    private mutating func insert(_ term: String) {
        if !terms.contains(term) { terms.append(term) }
        terms.sort { $0.count > $1.count } // longest first, so "Jonas Jonaitis" goes before "Jonas"
    }

    public var isEmpty: Bool { terms.isEmpty && dates.isEmpty }
}
