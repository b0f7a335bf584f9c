// PHIMatcher: says why a piece of burned-in text identifies someone, and which text is safe to leave.
import Foundation

public struct PHIMatcher: Sendable {
    let identifiers: PatientIdentifiers
    let allowList: AllowList

    public init(identifiers: PatientIdentifiers, allowList: AllowList = .standard) {
        self.identifiers = identifiers
        self.allowList = allowList
    }

    /// Why `text` identifies the patient, or nil when nothing in the header explains it.
    public func reason(for text: String) -> String? {
        explanation(for: text)?.reason
    }

    /// The header identifier (folded term or birth date spelling) that `text` matches or nearly
    /// matches, or nil; the quality check names it in its findings.
    public func matchedIdentifier(in text: String) -> String? {
        explanation(for: text)?.identifier
    }

    private func explanation(for text: String) -> (reason: String, identifier: String?)? {
        let folded = TextMatcher.fold(text)
        if let term = identifiers.terms.first(where: { $0.count >= 3 && (folded.contains($0) || ($0.contains(folded) && folded.count >= 4)) }) {
            return ("matches a name or identifier in the header", term)
        }
        // OCR misreads a letter or two ("ŽEMAITIEMĖ"): a near match of a long term still explains it.
        let words = folded.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        for word in words where word.count >= 5 {
            if let term = identifiers.terms.first(where: { term in
                term.count >= 5 && abs(term.count - word.count) <= 2 && Self.distance(term, word) <= (term.count >= 8 ? 2 : 1) }) {
                return ("nearly matches a name or identifier in the header (as OCR read it)", term)
            }
        }
        if let date = identifiers.dates.flatMap(TextMatcher.dateSpellings).first(where: { folded.contains($0) }) {
            return ("matches the birth date", date)
        }
        if Self.looksLikeDate(folded) { return ("a date or time", nil) }
        if folded.filter(\.isNumber).count >= 5 { return ("a long number (an ID?)", nil) }
        return nil
    }

    /// Whether the default policy leaves this word: only tokens on the allow list that the header
    /// does not also explain (an ID of three digits is still an ID).
    public func isSafe(_ text: String) -> Bool {
        !text.isEmpty && allowList.allows(text) && reason(for: text) == nil
    }

    static let datePatterns: [NSRegularExpression] = [
        #"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"#,       // 25/05/2011, 2011-05-25, 5.25.11
        #"\d{1,2}:\d{2}(:\d{2})?"#,                 // 14:28, 2:56:22
        #"(19|20)\d{6}"#,                           // 20110525
        #"\d{1,2}[-\s]?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[-\s]?\d{2,4}"#,
    ].map { try! NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }

    /// Levenshtein distance between two short strings.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    static func looksLikeDate(_ text: String) -> Bool {
        let range = NSRange(text.startIndex..., in: text)
        return datePatterns.contains { $0.firstMatch(in: text, range: range) != nil }
    }
}

/// Tokens that may stay in the pixels: orientation letters, units, short scale numbers. The
/// reviewer can change the list (Review module); everything else detected is redacted.
public struct AllowList: Sendable, Codable, Equatable {
    public var patterns: [String]

    public init(patterns: [String]) { self.patterns = patterns }

    public static let standard = AllowList(patterns: [
        #"[LRAPHFSI]"#,                                  // orientation letters
        #"\d{1,3}([.,]\d{1,2})?"#,                       // scale marks, depth, gain
        #"(?i:cm|mm|m|hz|khz|mhz|db|%|fps|s|ms|cm/s|mm/s|bpm|deg)"#,
    ])

    public func allows(_ word: String) -> Bool {
        let text = word.trimmingCharacters(in: .punctuationCharacters.union(.whitespaces))
        guard !text.isEmpty else { return true }
        // A letter and a full stop is an initial ("R. Kim"); orientation letters stand bare.
        if text.count == 1, text.first?.isLetter == true, word.contains(".") { return false }
        let range = NSRange(text.startIndex..., in: text)
        // Case matters: "L" is an orientation, "l" or "i" read off noise is not.
        let compiled = self == .standard ? Self.standardRegexes : patterns.compactMap { try? NSRegularExpression(pattern: "^(" + $0 + ")$") }
        return compiled.contains { $0.firstMatch(in: text, range: range) != nil }
    }

    static let standardRegexes = AllowList.standard.patterns.compactMap { try? NSRegularExpression(pattern: "^(" + $0 + ")$") }
}
