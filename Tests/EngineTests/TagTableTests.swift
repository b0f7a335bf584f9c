// Tests of TagTable: every lookup answers as the Dictionary it was built from, present or absent.
@testable import Engine
import Testing

@Test func aTagTableAnswersAsItsDictionary() {
    var random = CorpusRandom(state: 5)
    var entries: [Tag: Int] = [Tag(0x0000, 0x0000): -1, Tag(0xFFFF, 0xFFFF): -2, Tag(0x0010, 0x0010): 7]
    for n in 0..<700 { entries[Tag(UInt16(random.next() % 0x40) * 2, UInt16(random.next() % 0x10000))] = n }
    let table = TagTable(entries)
    var asked = Array(entries.keys)
    for _ in 0..<5000 { asked.append(Tag(UInt16(random.next() % 0x10000), UInt16(random.next() % 0x10000))) }
    asked += [Tag(0x0010, 0x0020), Tag(0xFFFF, 0xFFFE), Tag(0x0000, 0x0001)]
    for tag in asked {
        #expect(table[tag] == entries[tag], "\(tag)")
    }
    #expect(TagTable<Int>([:])[Tag(0x0010, 0x0010)] == nil)
    let set = TagTable<Bool>([Tag.patientName, .patientID, .patientName])
    #expect(set.contains(.patientName) && set.contains(.patientID) && !set.contains(.studyDate))
}
