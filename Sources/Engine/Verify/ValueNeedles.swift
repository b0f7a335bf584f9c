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
    /// The needles' bytes laid out for the scan.
    private var index = NeedleIndex([])

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
        index = NeedleIndex(needles)
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
        index.scan(bytes, in: range, minimumLength: minimumLength, hit)
    }

    func scan(_ bytes: [UInt8], minimumLength: Int = ValueNeedles.minimumLength, _ hit: (Int, Int) -> Void) {
        bytes.withUnsafeBytes { scan($0, in: 0..<$0.count, minimumLength: minimumLength, hit) }
    }
}

/// The needles in flat buffers indexed by first byte, so that the scan, which meets every byte of
/// a header, runs without reference counting or bounds checks: it was the largest single cost of
/// checking a header once UIDs, which share long prefixes, were among the needles.
private final class NeedleIndex {
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let start: UnsafeMutableBufferPointer<Int>
    private let length: UnsafeMutableBufferPointer<Int>
    private let uidBounded: UnsafeMutableBufferPointer<Bool>
    /// Each needle's first four bytes (every needle has at least four) as one word, compared at
    /// once with a rolling word of the text: digits start most needles (UIDs, dates) and most of
    /// a header's bytes, and this keeps a digit from costing a loop per needle.
    private let head: UnsafeMutableBufferPointer<UInt32>
    /// Needles whose first byte is b: order[bucket[b] ..< bucket[b + 1]].
    private let bucket: UnsafeMutableBufferPointer<Int>
    private let order: UnsafeMutableBufferPointer<Int>
    let isEmpty: Bool

    init(_ needles: [ValueNeedles.Needle]) {
        isEmpty = needles.isEmpty
        bytes = .allocate(capacity: max(1, needles.reduce(0) { $0 + $1.bytes.count }))
        start = .allocate(capacity: max(1, needles.count))
        length = .allocate(capacity: max(1, needles.count))
        uidBounded = .allocate(capacity: max(1, needles.count))
        head = .allocate(capacity: max(1, needles.count))
        bucket = .allocate(capacity: 257)
        order = .allocate(capacity: max(1, needles.count))
        var offset = 0
        var counts = [Int](repeating: 0, count: 256)
        for (n, needle) in needles.enumerated() {
            start[n] = offset
            length[n] = needle.bytes.count
            uidBounded[n] = needle.uidBounded
            head[n] = Self.word(needle.bytes[0], needle.bytes[1], needle.bytes[2], needle.bytes[3])
            for byte in needle.bytes { bytes[offset] = byte; offset += 1 }
            counts[Int(needle.bytes[0])] += 1
        }
        var sum = 0
        for b in 0..<256 { bucket[b] = sum; sum += counts[b] }
        bucket[256] = sum
        var filled = [Int](repeating: 0, count: 256)
        for (n, needle) in needles.enumerated() {
            let b = Int(needle.bytes[0])
            order[bucket[b] + filled[b]] = n
            filled[b] += 1
        }
    }

    deinit {
        bytes.deallocate()
        start.deallocate(); length.deallocate(); uidBounded.deallocate(); head.deallocate(); bucket.deallocate(); order.deallocate()
    }

    static func word(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> UInt32 {
        UInt32(a) | UInt32(b) << 8 | UInt32(c) << 16 | UInt32(d) << 24
    }

    func scan(_ text: UnsafeRawBufferPointer, in range: Range<Int>, minimumLength: Int, _ hit: (Int, Int) -> Void) {
        guard !isEmpty, let base = text.baseAddress else { return }
        let end = min(range.upperBound, text.count)
        let text = base.assumingMemoryBound(to: UInt8.self)
        var i = max(0, range.lowerBound)
        guard end - i >= 4 else { return } // every needle has four bytes or more
        var window = Self.word(0, ValueNeedles.lower(text[i]), ValueNeedles.lower(text[i + 1]), ValueNeedles.lower(text[i + 2]))
        while i + 4 <= end {
            window = window >> 8 | UInt32(ValueNeedles.lower(text[i + 3])) << 24
            let b = Int(window & 0xFF)
            var c = bucket[b]
            let last = bucket[b + 1]
            while c < last {
                let n = order[c]
                c += 1
                guard head[n] == window else { continue }
                let count = length[n], from = start[n]
                guard count >= minimumLength, i + count <= end else { continue }
                var k = 4
                while k < count && ValueNeedles.lower(text[i + k]) == bytes[from + k] { k += 1 }
                guard k == count else { continue }
                // UIDs must not touch a digit or a dot on either side, numbers not a digit.
                let uid = uidBounded[n]
                if i > range.lowerBound {
                    let before = text[i - 1]
                    if uid ? (ValueNeedles.isDigit(before) || before == 0x2E) : (ValueNeedles.isDigit(bytes[from]) && ValueNeedles.isDigit(before)) { continue }
                }
                if i + count < end {
                    let after = text[i + count]
                    if uid ? (ValueNeedles.isDigit(after) || after == 0x2E) : (ValueNeedles.isDigit(bytes[from + count - 1]) && ValueNeedles.isDigit(after)) { continue }
                }
                hit(n, i)
            }
            i += 1
        }
    }
}
