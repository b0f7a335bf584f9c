// Tests of the byte scan's needles: the scan finds exactly what a plain search by the same rules finds, with many UIDs of one root.
@testable import Engine
import Foundation
import Testing

/// A source with `count` UIDs under one root (as an enhanced multi-frame's per-frame references
/// are), a date, an ID with digits and a name. `lettered`: one more UID, not all digits and dots,
/// which makes the needles' whole index for this file instead of using the study's shared groups.
private func facts(uids count: Int, lettered: Bool = true) -> SourceFacts {
    var facts = SourceFacts(path: "/nowhere")
    for n in 1...count { facts.uids["1.2.826.0.1.3680043.8.498.9.0.4.\(n)"] = Tag(0x0008, 0x1155) }
    if lettered { facts.uids["1.3.6.1.4.1.9590.100.1.2.X7"] = .studyInstanceUID }
    facts.dates["20240115"] = .studyDate
    facts.values = [SourceFacts.Value(kind: .identifier, tag: .patientID, text: "LRG00017", isName: false),
                    SourceFacts.Value(kind: .name, tag: .patientName, text: "Jonaitis^Rita", isName: true)]
    return facts
}

/// Every (needle, offset) the scan's rules allow, found by trying each needle at each offset.
private func plainSearch(_ needles: ValueNeedles, _ text: [UInt8], in range: Range<Int>, minimumLength: Int) -> [[Int]] {
    func bounded(_ needle: ValueNeedles.Needle, _ byte: UInt8, _ edge: UInt8) -> Bool {
        needle.uidBounded ? !(ValueNeedles.isDigit(byte) || byte == 0x2E) : !(ValueNeedles.isDigit(edge) && ValueNeedles.isDigit(byte))
    }
    var hits: [[Int]] = []
    for (n, needle) in needles.needles.enumerated() where needle.bytes.count >= max(minimumLength, ValueNeedles.minimumLength) {
        let count = needle.bytes.count
        for i in range where i + count <= range.upperBound {
            guard (0..<count).allSatisfy({ ValueNeedles.lower(text[i + $0]) == needle.bytes[$0] }) else { continue }
            if i > range.lowerBound && !bounded(needle, text[i - 1], needle.bytes[0]) { continue }
            if i + count < range.upperBound && !bounded(needle, text[i + count], needle.bytes[count - 1]) { continue }
            hits.append([n, i])
        }
    }
    return hits.sorted { ($0[1], $0[0]) < ($1[1], $1[0]) }
}

private func scanned(_ needles: ValueNeedles, _ text: [UInt8], in range: Range<Int>, minimumLength: Int) -> [[Int]] {
    var hits: [[Int]] = []
    text.withUnsafeBytes { raw in needles.scan(raw, in: range, minimumLength: minimumLength) { hits.append([$0, $1]) } }
    return hits.sorted { ($0[1], $0[0]) < ($1[1], $1[0]) }
}

@Test func aUIDIsFoundOnlyAsAWholeRunOfDigitsAndDots() {
    let needles = ValueNeedles(facts(uids: 3000))
    let root = "1.2.826.0.1.3680043.8.498.9.0.4."
    func found(_ text: String) -> [String] {
        var values: [String] = []
        needles.scan(Array(text.utf8)) { n, _ in values.append(needles.needles[n].value) }
        return values
    }
    #expect(found("X\(root)17\\") == [root + "17"])
    #expect(found("\(root)170") == [root + "170"]) // the whole run, not its prefix ...17
    #expect(found("2\(root)17").isEmpty && found("\(root)17.5").isEmpty && found("\(root)30000").isEmpty)
    #expect(found("a1.3.6.1.4.1.9590.100.1.2.x7b") == ["1.3.6.1.4.1.9590.100.1.2.X7"])
    #expect(found("on 2024-01-15 as LRG00017") == ["20240115", "LRG00017"])
}

@Test(arguments: [true, false]) func theScanFindsWhatAPlainSearchFinds(lettered: Bool) {
    let needles = ValueNeedles(facts(uids: 200, lettered: lettered))
    let root = "1.2.826.0.1.3680043.8.498.9.0.4."
    // Pieces that touch each other at random: UIDs whole, cut, extended; dates; digits and dots.
    let pieces = [root + "1", root + "17", root + "170", root + "201", "1.2.826.", "2.25.3", ".", "5", "\\", "X",
                  "20240115", "2024-01-15", "15.01.2024", "LRG00017", "lrg000170", "jonaitis", "RITA", " ", "\u{0}"]
    var random = CorpusRandom(state: 11)
    var text: [UInt8] = []
    for _ in 0..<1200 { text += Array(random.pick(pieces).utf8) }
    var compared = 0
    for minimumLength in [1, 4, 5, 35] {
        for range in [0..<text.count, 7..<text.count - 5, 1000..<1003, 333..<2222] {
            let expected = plainSearch(needles, text, in: range, minimumLength: minimumLength)
            #expect(scanned(needles, text, in: range, minimumLength: minimumLength) == expected, "range \(range), min \(minimumLength)")
            compared += expected.count
        }
    }
    #expect(compared > 300) // the text did hold needles
}

/// Two files of one study share their names and dates, and so the needles made for them; each
/// finds its own UIDs and not the other's.
@Test func filesOfOneStudyShareNeedlesButNotUIDs() {
    var first = facts(uids: 3, lettered: false), second = facts(uids: 3, lettered: false)
    first.uids = ["1.2.826.0.1.3680043.8.498.7.1": .sopInstanceUID]
    second.uids = ["1.2.826.0.1.3680043.8.498.7.2": .sopInstanceUID]
    let text = Array("1.2.826.0.1.3680043.8.498.7.1\\1.2.826.0.1.3680043.8.498.7.2 Jonaitis 20240115".utf8)
    func found(_ facts: SourceFacts) -> [String] {
        let needles = ValueNeedles(facts)
        var values: [String] = []
        needles.scan(text) { n, _ in values.append(needles.needles[n].value) }
        return values
    }
    #expect(found(first) == ["1.2.826.0.1.3680043.8.498.7.1", "Jonaitis^Rita", "20240115"])
    #expect(found(second) == ["1.2.826.0.1.3680043.8.498.7.2", "Jonaitis^Rita", "20240115"])
}
