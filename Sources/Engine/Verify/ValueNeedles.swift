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

    let needles: [Needle]
    /// The needles' bytes laid out for the scan.
    private let index: NeedleIndex

    /// Spellings shorter than this are left to the text match: two or three letters ("OB", "Li")
    /// occur in binary values and VRs by chance.
    static let minimumLength = 4

    /// `excluded`: folded terms not to look for (the product's own words, see Verifier.usable).
    /// The needles are the source's names, IDs and places, then its dates, then its UIDs.
    init(_ facts: SourceFacts, excluding excluded: Set<String> = []) {
        let dates = facts.dates.sorted { $0.key < $1.key }.map { DatedTag(date: $0.key, tag: $0.value) }
        let shared = Self.sharedNeedles(facts.values, dates: dates, excluding: excluded)
        var needles = shared.needles
        // The shared set is only read: inserting into it would copy it for every file.
        var seen = Set<Spelling>(minimumCapacity: facts.uids.count)
        var wholeRuns = true
        for (uid, tag) in facts.uids.sorted(by: { $0.key < $1.key }) {
            let lowered = uid.utf8.map(Self.lower)
            guard lowered.count >= Self.minimumLength, !shared.seen.contains(Spelling(lowered)),
                  seen.insert(Spelling(lowered)).inserted else { continue }
            wholeRuns = wholeRuns && lowered.allSatisfy(NeedleIndex.isRunByte)
            needles.append(Needle(bytes: lowered, kind: .uid, tag: tag, value: uid, uidBounded: true))
        }
        self.needles = needles
        // UIDs of digits and dots are looked up by run, apart from the shared needles' groups,
        // which are used as they are; a UID of other bytes joins the groups, made for this file.
        index = wholeRuns ? NeedleIndex(groups: shared.groups, needles: needles, runsFrom: shared.needles.count)
                          : NeedleIndex(needles)
    }

    /// The needles of the source's names, IDs and places, with their spellings and encodings, and
    /// of its dates, with the index of their groups. The files of one study share these values,
    /// so each distinct set is spelled out once per process; UIDs differ per file and are added by `init`.
    private static func sharedNeedles(_ values: [SourceFacts.Value], dates: [DatedTag], excluding excluded: Set<String>) -> SharedNeedles {
        sharedCache.value(SharedKey(values: values, dates: dates, excluded: excluded)) {
            spelledOut(values, dates: dates, excluding: excluded)
        }
    }

    private static func spelledOut(_ values: [SourceFacts.Value], dates: [DatedTag], excluding excluded: Set<String>) -> SharedNeedles {
        var needles: [Needle] = []
        var seen = Set<Spelling>()
        func add(_ bytes: [UInt8], _ kind: IdentifyingKind, _ tag: Tag, _ value: String) {
            let lowered = bytes.map(Self.lower)
            guard lowered.count >= Self.minimumLength, seen.insert(Spelling(lowered)).inserted else { return }
            needles.append(Needle(bytes: lowered, kind: kind, tag: tag, value: value, uidBounded: false))
        }
        func add(_ bytes: [UInt8], _ value: SourceFacts.Value) { add(bytes, value.kind, value.tag, value.text) }
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
        for dated in dates {
            for spelling in TextMatcher.dateSpellings(dated.date) { add(Array(spelling.utf8), .date, dated.tag, dated.date) }
        }
        // None of these is a whole-run UID: all are in the groups.
        return SharedNeedles(needles: needles, seen: seen, groups: NeedleIndex.Groups(needles, Array(needles.indices)))
    }

    /// A date the profile removes or shifts, and one attribute it came from.
    private struct DatedTag: Hashable {
        let date: String
        let tag: Tag
    }

    private struct SharedKey: Hashable {
        let values: [SourceFacts.Value]
        let dates: [DatedTag]
        let excluded: Set<String>
    }

    private struct SharedNeedles {
        let needles: [Needle]
        let seen: Set<Spelling>
        let groups: NeedleIndex.Groups
    }

    /// A needle's bytes as a set member, hashed in one call over the buffer (an array of bytes
    /// is hashed byte by byte).
    private struct Spelling: Hashable {
        let bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    private static let sharedCache = BoundedCache<SharedKey, SharedNeedles>(limit: 512)

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

/// The needles in flat arrays grouped by the slot of their first four bytes, so that the scan,
/// which meets every byte of a header, runs on buffer pointers without reference counting or
/// bounds checks: it was the largest single cost of checking a header once UIDs, which share long
/// prefixes, were needles. A byte of the text meets only the needles whose first four bytes fall
/// in the slot its own four do, most often none. The groups of a study's shared needles are made
/// once (ValueNeedles.sharedNeedles); each file adds only its UIDs, looked up by run.
///
/// UIDs of digits and dots are not in those groups: such a needle, which may touch no digit or
/// dot, matches only a whole run of digits and dots, so each run of the text is looked up once by
/// its hash. Grouped by first byte, the 10,000 UIDs an enhanced multi-frame's per-frame items
/// reference all start "1.2." and every such byte of the text met each of them.
private struct NeedleIndex {
    struct Entry {
        /// The needle's position in ValueNeedles.needles, and its bytes in `bytes`.
        let needle: Int, start: Int, length: Int
        /// Its first four bytes (every needle has at least four) as one word, compared at once
        /// with a rolling word of the text: digits start most needles (UIDs, dates) and most of a
        /// header's bytes, and this keeps a digit from costing a loop per needle.
        let head: UInt32
        let uidBounded: Bool
    }

    /// The needles that are not whole-run UIDs, grouped by the slot of their first four bytes.
    struct Groups {
        /// In order of slot: those whose first four bytes hash to slot k (`slots`) are
        /// entries[bucket[k] ..< bucket[k + 1]], in the needles' own order.
        let entries: [Entry]
        let bucket: [Int]
        let slots: HashSlots
        let bytes: [UInt8]

        /// Groups `needles[n]` for each n of `members`.
        init(_ needles: [ValueNeedles.Needle], _ members: [Int]) {
            // At least eight times as many slots as needles, so that nearly all are empty: with
            // twice as many, two bytes in five of a header met a needle's slot.
            let slots = HashSlots(atLeast: 8 * members.count, minimum: 64)
            self.slots = slots
            func slot(_ n: Int) -> Int {
                let b = needles[n].bytes
                return slots.slot(NeedleIndex.word(b[0], b[1], b[2], b[3]))
            }
            // Counted by slot, then placed: in each slot in the needles' own order.
            var bucket = [Int](repeating: 0, count: slots.count + 1)
            for n in members { bucket[slot(n) + 1] += 1 }
            for k in 0..<slots.count { bucket[k + 1] += bucket[k] }
            var next = bucket
            var placed = [Int](repeating: 0, count: members.count)
            for n in members {
                placed[next[slot(n)]] = n
                next[slot(n)] += 1
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(members.reduce(0) { $0 + needles[$1].bytes.count })
            entries = placed.map { n in
                let b = needles[n].bytes
                defer { bytes += b }
                return Entry(needle: n, start: bytes.count, length: b.count, head: NeedleIndex.word(b[0], b[1], b[2], b[3]),
                             uidBounded: needles[n].uidBounded)
            }
            self.bucket = bucket
            self.bytes = bytes
        }

        /// The three arrays as buffers, for a scan that reads them at every byte.
        func withBuffers(_ body: (UnsafeBufferPointer<Entry>, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Int>) -> Void) {
            entries.withUnsafeBufferPointer { entries in
                bytes.withUnsafeBufferPointer { bytes in bucket.withUnsafeBufferPointer { body(entries, bytes, $0) } }
            }
        }
    }

    private let groups: Groups
    /// The whole-run needles by the hash of their bytes (`runHash`): their positions in
    /// ValueNeedles.needles and their bytes, several when hashes collide.
    private let runs: [UInt64: [(needle: Int, bytes: [UInt8])]]
    /// The shortest and longest whole-run needle (0 when there is none).
    private let runLengths: ClosedRange<Int>

    /// Every needle indexed: whole-run UIDs by run, the others in groups.
    init(_ needles: [ValueNeedles.Needle]) {
        var grouped: [Int] = [], runs: [Int] = []
        for (n, needle) in needles.enumerated() {
            if needle.uidBounded && needle.bytes.allSatisfy(Self.isRunByte) { runs.append(n) } else { grouped.append(n) }
        }
        self.init(groups: Groups(needles, grouped), needles: needles, runs: runs)
    }

    /// `groups` as made for needles[..<start] and the needles from `start` on, all whole-run UIDs.
    init(groups: Groups, needles: [ValueNeedles.Needle], runsFrom start: Int) {
        self.init(groups: groups, needles: needles, runs: Array(start..<needles.count))
    }

    private init(groups: Groups, needles: [ValueNeedles.Needle], runs members: [Int]) {
        self.groups = groups
        var runs: [UInt64: [(needle: Int, bytes: [UInt8])]] = [:]
        var shortest = Int.max, longest = 0
        for n in members {
            let bytes = needles[n].bytes
            bytes.withUnsafeBufferPointer { runs[Self.runHash($0.baseAddress!, $0.count), default: []].append((n, bytes)) }
            shortest = min(shortest, bytes.count)
            longest = max(longest, bytes.count)
        }
        self.runs = runs
        runLengths = longest == 0 ? 0...0 : shortest...longest
    }

    static func isRunByte(_ byte: UInt8) -> Bool { ValueNeedles.isDigit(byte) || byte == 0x2E }

    /// FNV-1a over `count` bytes: a run is hashed without making an array of it.
    static func runHash(_ start: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in 0..<count { hash = (hash ^ UInt64(start[k])) &* 0x100_0000_01b3 }
        return hash
    }

    /// Calls `hit` for the whole-run needle that is `text[at ..< at + count]`, if one is.
    private func lookUpRun(_ text: UnsafePointer<UInt8>, at start: Int, count: Int, minimumLength: Int, _ hit: (Int, Int) -> Void) {
        guard count >= minimumLength, runLengths.contains(count), let candidates = runs[Self.runHash(text + start, count)] else { return }
        for candidate in candidates where candidate.bytes.count == count {
            let same = candidate.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, text + start, count) == 0 }
            if same { hit(candidate.needle, start) }
        }
    }

    static func word(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> UInt32 {
        UInt32(a) | UInt32(b) << 8 | UInt32(c) << 16 | UInt32(d) << 24
    }


    func scan(_ text: UnsafeRawBufferPointer, in range: Range<Int>, minimumLength: Int, _ hit: (Int, Int) -> Void) {
        guard !groups.entries.isEmpty || !runs.isEmpty, let base = text.baseAddress else { return }
        let end = min(range.upperBound, text.count)
        let text = base.assumingMemoryBound(to: UInt8.self)
        var i = max(0, range.lowerBound)
        guard end - i >= 4 else { return } // every needle has four bytes or more
        let hasRuns = !runs.isEmpty
        var runEnd = i // where the run of digits and dots that `i` is in ends
        let slots = groups.slots
        groups.withBuffers { entries, bytes, bucket in
            var window = Self.word(0, ValueNeedles.lower(text[i]), ValueNeedles.lower(text[i + 1]), ValueNeedles.lower(text[i + 2]))
            // This loop meets every byte, so it does no more than find the slot of the four bytes
            // at i; a slot that holds needles (one slot in eight at most does) is compared elsewhere
            // (`compare`), which keeps the loop's few variables in registers: 27 instructions a
            // byte, against 55 before. Wrapping arithmetic: i + 4 <= end holds throughout.
            let lastStart = end &- 4
            while i <= lastStart {
                if hasRuns && i >= runEnd && Self.isRunByte(text[i]) {
                    // A run starts here (the byte before is no digit or dot, or the range starts).
                    runEnd = i + 1
                    while runEnd < end && Self.isRunByte(text[runEnd]) { runEnd += 1 }
                    lookUpRun(text, at: i, count: runEnd - i, minimumLength: minimumLength, hit)
                }
                window = window &>> 8 | UInt32(ValueNeedles.lower(text[i &+ 3])) &<< 24
                let k = slots.slot(window)
                let first = bucket[k], last = bucket[k &+ 1]
                if first < last {
                    Self.compare(text, at: i, range.lowerBound..<end, entries, bytes, slot: first..<last, head: window,
                                 minimumLength: minimumLength, hit)
                }
                i &+= 1
            }
        }
    }

    /// Calls `hit` for each of `entries` (one slot's) that starts with `head` and is `text` at `i`,
    /// bounded as its kind must be within `range`.
    @inline(never)
    private static func compare(_ text: UnsafePointer<UInt8>, at i: Int, _ range: Range<Int>, _ entries: UnsafeBufferPointer<Entry>,
                                _ bytes: UnsafeBufferPointer<UInt8>, slot: Range<Int>, head: UInt32, minimumLength: Int,
                                _ hit: (Int, Int) -> Void) {
        let end = range.upperBound
        for c in slot where entries[c].head == head {
            let entry = entries[c]
            guard entry.length >= minimumLength, i + entry.length <= end else { continue }
            let count = entry.length, from = entry.start
            var k = 4
            while k < count && ValueNeedles.lower(text[i + k]) == bytes[from + k] { k += 1 }
            guard k == count else { continue }
            // UIDs must not touch a digit or a dot on either side, numbers not a digit.
            if i > range.lowerBound {
                let before = text[i - 1]
                if entry.uidBounded ? (ValueNeedles.isDigit(before) || before == 0x2E)
                    : (ValueNeedles.isDigit(bytes[from]) && ValueNeedles.isDigit(before)) { continue }
            }
            if i + count < end {
                let after = text[i + count]
                if entry.uidBounded ? (ValueNeedles.isDigit(after) || after == 0x2E)
                    : (ValueNeedles.isDigit(bytes[from + count - 1]) && ValueNeedles.isDigit(after)) { continue }
            }
            hit(entry.needle, i)
        }
    }
}
