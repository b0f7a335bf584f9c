// TextMatcher: finds a patient's identifiers in free text, in any case, with or without diacritics, dates in common formats.
import Foundation

public enum TextMatcher {
    /// Lower case, diacritics removed (Ž -> z, Ė -> e), so "ŽEMAITIS" matches "Zemaitis".
    public static func fold(_ text: String) -> String {
        // ASCII folds to its lower case; Foundation's folding costs tens of microseconds a call.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        return foldCache.value(text) {
            text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        }
    }

    /// The same few names are folded for every file of a study, by the scrubber and the check;
    /// enough for the patients and staff of the files in flight.
    private static let foldCache = BoundedCache<String, String>(limit: 4096)

    /// The ways a YYYYMMDD date is commonly written in reports and descriptions.
    public static func dateSpellings(_ date: String) -> [String] {
        guard date.count == 8 else { return [] }
        // The files of a study share their dates: each is spelled out once per process.
        return spellingCache.value(date) { spelled(date) }
    }

    private static let spellingCache = BoundedCache<String, [String]>(limit: 4096)

    private static func spelled(_ date: String) -> [String] {
        let y = String(date.prefix(4)), m = String(date.dropFirst(4).prefix(2)), d = String(date.suffix(2))
        let shortY = String(y.suffix(2))
        return [
            y + m + d, "\(y)-\(m)-\(d)", "\(y).\(m).\(d)", "\(y)/\(m)/\(d)",
            "\(d).\(m).\(y)", "\(d)/\(m)/\(y)", "\(d)-\(m)-\(y)", "\(m)/\(d)/\(y)",
            "\(d).\(m).\(shortY)", "\(d)/\(m)/\(shortY)", "\(m)/\(d)/\(shortY)",
        ]
    }

    /// Replaces every occurrence of an identifier with "*" and reports whether anything changed.
    public static func clean(_ text: String, removing identifiers: PatientIdentifiers) -> (text: String, changed: Bool) {
        let characters = Array(text)
        var erase = [Bool](repeating: false, count: characters.count)
        occurrences(in: FoldedCharacters(characters), of: identifiers) { _, origins in
            for k in origins { erase[k] = true }
        }
        guard erase.contains(true) else { return (text, false) }
        var output = ""
        var inRun = false
        for (i, c) in characters.enumerated() {
            if erase[i] {
                if !inRun { output.append("*") }
                inRun = true
            } else {
                output.append(c)
                inRun = false
            }
        }
        return (output, true)
    }

    /// Which of the identifiers (as folded terms and date spellings) occur in `text`, by the rules
    /// `clean` erases by; the quality check reports what it finds with these.
    public static func matches(in text: String, of identifiers: PatientIdentifiers) -> [String] {
        let whole = foldedUTF8(text)
        return matches(of: identifiers, holdsAny: { $0.anyNeedle(in: whole) }) { FoldedCharacters(Array(text)) }
    }

    /// `matches` in text folded once for good (the product's own words, looked at for every file).
    static func matches(in text: FoldedText, of identifiers: PatientIdentifiers) -> [String] {
        matches(of: identifiers, holdsAny: { $0.needles.contains(where: text.contains) }) { text.characters }
    }

    private static func matches(of identifiers: PatientIdentifiers, holdsAny: (PatientIdentifiers) -> Bool,
                                characters: () -> FoldedCharacters) -> [String] {
        // Most text holds none of them: one fold of the whole text rules that out cheaply, before
        // the character-by-character fold that positions need.
        guard holdsAny(identifiers) else { return [] }
        var found: [String] = []
        occurrences(in: characters(), of: identifiers) { needle, _ in
            if found.last != needle { found.append(needle) }
        }
        return found
    }

    /// A text with both its folds made at once, to be matched many times.
    struct FoldedText: Sendable {
        let whole: [UInt8]
        let characters: FoldedCharacters
        /// Where each byte value occurs in `whole`: a needle is only compared where it can begin.
        private let starts: [[Int]]

        init(_ text: String) {
            whole = foldedUTF8(text)
            characters = FoldedCharacters(Array(text))
            var starts = [[Int]](repeating: [], count: 256)
            for (i, byte) in whole.enumerated() { starts[Int(byte)].append(i) }
            self.starts = starts
        }

        /// `TextMatcher.contains(whole, needle)`.
        func contains(_ needle: [UInt8]) -> Bool {
            guard let first = needle.first else { return true }
            return starts[Int(first)].contains { start in
                start + needle.count <= whole.count && whole[start..<start + needle.count].elementsEqual(needle)
            }
        }
    }

    /// `fold` as UTF-8; ASCII text (most of a header) only needs its letters lowered.
    static func foldedUTF8(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return Array(fold(text).utf8) }
        return bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    /// Byte-wise substring test: Foundation's `contains` goes through CFString and costs more than
    /// the whole header check besides.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var k = 1
                while k < needle.count && haystack[i + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    /// Text folded character by character, so that positions in the folded text map back to the original.
    struct FoldedCharacters: Sendable {
        var folded: [Character] = []
        var origin: [Int] = []

        init(_ characters: [Character]) {
            folded.reserveCapacity(characters.count)
            origin.reserveCapacity(characters.count)
            for (i, c) in characters.enumerated() {
                // ASCII folds to its lower case, one character for one (most text, every file name).
                if let ascii = c.asciiValue {
                    folded.append(Character(Unicode.Scalar(ascii >= 0x41 && ascii <= 0x5A ? ascii | 0x20 : ascii)))
                    origin.append(i)
                    continue
                }
                for f in fold(String(c)) {
                    folded.append(f)
                    origin.append(i)
                }
            }
        }
    }

    /// Calls `body` for each occurrence of a needle, with the positions in the original characters it covers.
    private static func occurrences(in text: FoldedCharacters, of identifiers: PatientIdentifiers,
                                    _ body: (String, [Int]) -> Void) {
        let folded = text.folded, origin = text.origin
        for (needle, pattern) in identifiers.patterns {
            guard !pattern.isEmpty, pattern.count <= folded.count else { continue }
            var start = 0
            while start + pattern.count <= folded.count {
                let end = start + pattern.count
                // Short terms ("Li", "Ona", "123") only as whole words: they hide inside ordinary words.
                let bounded = pattern.count >= 4
                    || ((start == 0 || !folded[start - 1].isLetterOrDigit)
                        && (end == folded.count || !folded[end].isLetterOrDigit))
                if bounded, folded[start] == pattern[0], Array(folded[start..<end]) == pattern {
                    body(needle, (start..<end).map { origin[$0] })
                    start += pattern.count
                } else {
                    start += 1
                }
            }
        }
    }
}

extension Character {
    var isLetterOrDigit: Bool { isLetter || isNumber }
}
