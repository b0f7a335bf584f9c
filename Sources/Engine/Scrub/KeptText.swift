// KeptText: the patient's own names, IDs and birth date taken out of text the profile keeps as it is.

/// The profile keeps some text (Body Part Examined, a Code Meaning, any attribute the table does
/// not list) because it names no one, but a device or a person typing can put the patient there.
/// Only the matched spans go ("CHEST" stays "CHEST"), and only the patient's own identifiers are
/// looked for: the institution or a physician is often the device's own name ("TOSHIBA" the
/// hospital in "TOSHIBA_MEC" the manufacturer), which the profile means to keep.
struct KeptText {
    /// Tags of the patient's own names and IDs.
    static let nameSources: [Tag] = [.patientName, .otherPatientNames, .patientBirthName]
    static let idSources: [Tag] = [.patientID, .otherPatientIDs]
    /// VRs of free text; codes (CS), numbers and dates are not text a name is typed into.
    static let textVRs: Set<VR> = ["LO", "SH", "ST", "LT", "UT", "PN", "UC"]

    /// Codes name concepts, not people, and are left as they are: a patient called "Test" is not
    /// in the designator "TEST", nor is an SR's structure (its concept names) theirs to change.
    /// The quality check reads them by the same rule.
    static func isCode(_ tag: Tag, in sequence: Tag?) -> Bool {
        Verifier.codeAttributes.contains(tag) || (tag == .codeMeaning && sequence == Verifier.conceptNameCodeSequence)
    }

    private var names = PatientIdentifiers()
    private var numbers = PatientIdentifiers()
    private var all = PatientIdentifiers()

    init(collecting dataset: DicomItem, charset: String) {
        for (tags, isName) in [(Self.nameSources, true), (Self.idSources, false)] {
            for tag in tags {
                guard let index = dataset.index(of: tag), let raw = dataset.stringBytes(at: index),
                      let text = DicomText.decode(raw, charset: charset) else { continue }
                let trimmed = DicomText.trimmed(text)
                guard trimmed.contains(where: { $0.isLetter || $0.isNumber }) else { continue }
                if isName { names.add(trimmed, isName: true) } else { numbers.add(trimmed, isName: false) }
                all.add(trimmed, isName: isName)
            }
        }
        if let birth = dataset.string(.patientBirthDate) {
            numbers.addDate(birth)
            all.addDate(birth)
        }
    }

    var isEmpty: Bool { all.isEmpty }

    /// False when the stored bytes cannot hold an identifier: ASCII text (most of a header) is
    /// ruled out without decoding it.
    func mayHold(_ raw: [UInt8]) -> Bool {
        guard raw.allSatisfy({ $0 < 0x80 }) else { return true }
        let lowered = raw.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return all.anyNeedle(in: lowered)
    }

    /// The text with the patient's identifiers replaced by "*", or nil when it holds none. A part
    /// of a name shorter than four letters alone ("Li", "Ge") is no evidence outside a person
    /// name: such letters are abbreviations and makers' names; two parts together are (the
    /// quality check judges text by the same rule).
    func cleaned(_ text: String, vr: VR) -> String? {
        let whole = TextMatcher.foldedUTF8(text)
        guard all.anyNeedle(in: whole) else { return nil }
        let byNumber = !TextMatcher.matches(in: text, of: numbers).isEmpty
        if !byNumber {
            let found = TextMatcher.matches(in: text, of: names)
            guard !found.isEmpty, vr == "PN" || Set(found).count >= 2 || found.contains(where: { $0.count >= 4 }) else { return nil }
        }
        let result = TextMatcher.clean(text, removing: all)
        return result.changed ? result.text : nil
    }
}
