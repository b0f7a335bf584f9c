// ValueNeedles: a source's identifying values as byte strings in every spelling and encoding, found in one pass over bytes.
import Foundation

/// What the byte scan looks for. Text decoded from the output's elements is matched by
/// TextMatcher (any case, any diacritics, short terms as whole words); this is the second net,
/// over the raw bytes of every element and of the whole file, where a value hides outside any
/// element DCMTK reads, in a binary value, or in another encoding.
struct ValueNeedles {
    struct Needle {
        /// ASCII letters in lower case; other bytes as they are.
        let bytes: [UInt8]
        let kind: IdentifyingKind
        let tag: Tag
        /// The source value this spelling comes from (confidential).
        let value: String
        /// UIDs must not touch a digit or a dot on either side, numbers not a digit: otherwise an
        /// ID would be found inside the 39 random digits of every replacement UID.
        let uidBounded: Bool
    }

    private(set) var needles: [Needle] = []
    /// Needle indexes by first byte (lower case).
    private var byFirst = [[Int]](repeating: [], count: 256)

    /// Spellings shorter than this are left to the text match: two or three letters ("OB", "Li")
    /// occur in binary values and VRs by chance.
    static let minimumLength = 4

    /// `excluded`: folded terms not to look for (the product's own words, see Verifier.usable).
    init(_ facts: SourceFacts, excluding excluded: Set<String> = []) {
        let text = Self.textNeedles(facts.values, excluding: excluded)
        needles = text.needles
        var seen = text.seen
        func add(_ bytes: [UInt8], _ kind: IdentifyingKind, _ tag: Tag, _ value: String, uid: Bool) {
            let lowered = bytes.map(Self.lower)
            guard lowered.count >= Self.minimumLength, seen.insert(lowered).inserted else { return }
            needles.append(Needle(bytes: lowered, kind: kind, tag: tag, value: value, uidBounded: uid))
        }
        for (uid, tag) in facts.uids.sorted(by: { $0.key < $1.key }) { add(Array(uid.utf8), .uid, tag, uid, uid: true) }
        for (date, tag) in facts.dates.sorted(by: { $0.key < $1.key }) {
            for spelling in TextMatcher.dateSpellings(date) { add(Array(spelling.utf8), .date, tag, date, uid: false) }
        }
        for (n, needle) in needles.enumerated() { byFirst[Int(needle.bytes[0])].append(n) }
    }

    /// The needles of the source's names, IDs and places, with their spellings and encodings.
    /// The files of one study share these values, so each distinct set is spelled out once per
    /// process; UIDs and dates differ per file and are added by `init`.
    private static func textNeedles(_ values: [SourceFacts.Value], excluding excluded: Set<String>) -> TextNeedles {
        textCache.value(TextKey(values: values, excluded: excluded)) { spelledOut(values, excluding: excluded) }
    }

    private static func spelledOut(_ values: [SourceFacts.Value], excluding excluded: Set<String>) -> TextNeedles {
        var made = TextNeedles()
        func add(_ bytes: [UInt8], _ value: SourceFacts.Value) {
            let lowered = bytes.map(Self.lower)
            guard lowered.count >= Self.minimumLength, made.seen.insert(lowered).inserted else { return }
            made.needles.append(Needle(bytes: lowered, kind: value.kind, tag: value.tag, value: value.text, uidBounded: false))
        }
        for value in values {
            for part in PatientIdentifiers.parts(of: value.text, isName: value.isName) where !excluded.contains(TextMatcher.fold(part)) {
                // ASCII is matched in any case already; other letters need their cases spelled out.
                let spellings = part.utf8.allSatisfy({ $0 < 0x80 }) ? [part]
                    : [part, part.uppercased(), part.lowercased(), part.capitalized, TextMatcher.fold(part)]
                for spelling in spellings {
                    add(Array(spelling.utf8), value)
                    // Other encodings differ from UTF-8 only outside ASCII: Latin-1 (ISO_IR 100) is
                    // the scalars themselves; letters beyond it (Ž, Ė) are looked for in Latin-2
                    // (ISO_IR 101) and in Windows-1250, which undeclaring tools write.
                    guard spelling.utf8.contains(where: { $0 >= 0x80 }) else { continue }
                    if spelling.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) {
                        add(spelling.unicodeScalars.map { UInt8($0.value) }, value)
                        continue
                    }
                    for encoding in [String.Encoding.isoLatin2, .windowsCP1250] {
                        if let data = spelling.data(using: encoding) { add(Array(data), value) }
                    }
                }
            }
        }
        return made
    }

    private struct TextKey: Hashable {
        let values: [SourceFacts.Value]
        let excluded: Set<String>
    }

    private struct TextNeedles {
        var needles: [Needle] = []
        var seen = Set<[UInt8]>()
    }

    private static let textCache = BoundedCache<TextKey, TextNeedles>(limit: 512)

    var isEmpty: Bool { needles.isEmpty }

    static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Calls `hit(needle, offset)` for every occurrence in `bytes[range]` of a needle at least
    /// `minimumLength` long.
    func scan(_ bytes: UnsafeRawBufferPointer, in range: Range<Int>, minimumLength: Int = ValueNeedles.minimumLength,
              _ hit: (Int, Int) -> Void) {
        guard !needles.isEmpty else { return }
        let end = min(range.upperBound, bytes.count)
        var i = max(0, range.lowerBound)
        while i < end {
            let candidates = byFirst[Int(Self.lower(bytes[i]))]
            if !candidates.isEmpty {
                for n in candidates {
                    let needle = needles[n]
                    let count = needle.bytes.count
                    guard count >= minimumLength, i + count <= end else { continue }
                    var k = 1
                    while k < count && Self.lower(bytes[i + k]) == needle.bytes[k] { k += 1 }
                    guard k == count, bounded(needle, bytes, start: i, end: i + count, limit: range) else { continue }
                    hit(n, i)
                }
            }
            i += 1
        }
    }

    func scan(_ bytes: [UInt8], minimumLength: Int = ValueNeedles.minimumLength, _ hit: (Int, Int) -> Void) {
        bytes.withUnsafeBytes { scan($0, in: 0..<$0.count, minimumLength: minimumLength, hit) }
    }

    private func bounded(_ needle: Needle, _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, limit: Range<Int>) -> Bool {
        func blocks(_ neighbour: UInt8, _ edge: UInt8) -> Bool {
            if needle.uidBounded { return Self.isDigit(neighbour) || neighbour == 0x2E }
            return Self.isDigit(edge) && Self.isDigit(neighbour)
        }
        if start > limit.lowerBound, blocks(bytes[start - 1], needle.bytes[0]) { return false }
        if end < limit.upperBound, end < bytes.count, blocks(bytes[end], needle.bytes[needle.bytes.count - 1]) { return false }
        return true
    }
}
