// Tests of Tag parsing and the private-block arithmetic the scrubber relies on.
import Engine
import Testing

@Test func parsesTheStandardNotation() {
    #expect(Tag(parsing: "(0010,0010)") == Tag.patientName)
    #expect(Tag(parsing: "7FE00010") == Tag.pixelData)
    #expect(Tag(parsing: "(0010,001)") == nil)
    #expect(Tag.patientName.description == "(0010,0010)")
}

@Test func privateBlocks() {
    let data = Tag(0x0029, 0x1010)
    #expect(data.isPrivate && !data.isPrivateCreator)
    #expect(data.privateCreatorTag == Tag(0x0029, 0x0010))
    #expect(Tag(0x0029, 0x0010).isPrivateCreator)
    #expect(!Tag.patientName.isPrivate)
}

@Test func keywordsComeFromTheDataDictionary() {
    #expect(Tag(keyword: "SeriesDescription") == Tag.seriesDescription)
    #expect(Tag(keyword: "BurnedInAnnotation") == Tag.burnedInAnnotation)
    #expect(Tag(keyword: "NoSuchKeyword") == nil)
}

@Test func tagNamesAreUpperCaseHex() {
    #expect(Tag(0x7FE0, 0x0010).description == "(7FE0,0010)")
    #expect(Tag(0xABCD, 0x00EF).description == "(ABCD,00EF)")
}

/// The C shim continues a walk by index from the element before; removals and insertions,
/// in this item or another, must never leave it pointing at the old list.
@Test func elementsByIndexFollowEveryChangeOfTheList() throws {
    DicomFile.initialize()
    let file = DicomFile.makeNew()
    let dataset = file.dataset
    for element in stride(from: UInt16(0x10), through: 0x90, by: 0x10) {
        try dataset.put(Tag(0x0009, element), "V\(element)", vr: "LO")
    }
    func tags() -> [UInt16] { (0..<dataset.count).map { dataset.element(at: $0).tag.element } }
    #expect(tags() == [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90])
    #expect((0..<dataset.count).reversed().map { dataset.element(at: $0).tag.element } == [0x90, 0x80, 0x70, 0x60, 0x50, 0x40, 0x30, 0x20, 0x10])
    // The element last read goes, and one comes in where the last read one was.
    _ = dataset.element(at: 4)
    #expect(dataset.index(of: Tag(0x0009, 0x50)) == 4)
    try dataset.remove(at: 4)
    #expect(dataset.element(at: 4).tag.element == 0x60)
    #expect(dataset.index(of: Tag(0x0009, 0x50)) == nil && dataset.index(of: Tag(0x0009, 0x60)) == 4)
    try dataset.put(Tag(0x0009, 0x55), "new", vr: "LO")
    #expect(dataset.element(at: 4).tag.element == 0x55)
    #expect(dataset.index(of: Tag(0x0009, 0x55)) == 4 && dataset.index(of: Tag(0x0009, 0x90)) == 8)
    // Another file's changes leave this file's lookups as they were.
    let other = DicomFile.makeNew()
    try other.dataset.put(Tag(0x0009, 0x05), "other", vr: "LO")
    #expect(dataset.index(of: Tag(0x0009, 0x60)) == 5 && other.dataset.index(of: Tag(0x0009, 0x05)) == 0)
    #expect(tags() == [0x10, 0x20, 0x30, 0x40, 0x55, 0x60, 0x70, 0x80, 0x90])
    // A lookup by tag moves DCMTK's own list position; the next index is still the next element.
    _ = dataset.element(at: 1)
    #expect(dataset.index(of: Tag(0x0009, 0x80)) == 7)
    #expect(dataset.element(at: 2).tag.element == 0x30)
    #expect(dataset.string(at: 2) == "V48")
    // Items of a sequence are lists of their own.
    let item = try dataset.appendItem(Tag(0x0040, 0xA730))
    try item.put(Tag(0x0040, 0xA010), "CONTAINS", vr: "CS")
    try item.put(Tag(0x0040, 0xA040), "TEXT", vr: "CS")
    #expect(item.element(at: 0).tag == Tag(0x0040, 0xA010))
    #expect(dataset.element(at: 0).tag.element == 0x10)
    #expect(item.element(at: 1).tag == Tag(0x0040, 0xA040))
}

/// Inserts and removals in any order, with lookups that read a list only part of the way between
/// them: elements by index and by tag always agree with a plain sorted model of the list.
@Test func lookupsAgreeWithTheListThroughRandomEdits() throws {
    DicomFile.initialize()
    let file = DicomFile.makeNew()
    let dataset = file.dataset
    var model: [UInt16] = []
    var generator = SystemRandomNumberGenerator()
    for step in 0..<400 {
        let element = UInt16.random(in: 1...60, using: &generator) * 2 + 0x1000
        if model.contains(element), Bool.random(using: &generator), let index = dataset.index(of: Tag(0x0009, element)) {
            try dataset.remove(at: index)
            model.removeAll { $0 == element }
        } else {
            try dataset.put(Tag(0x0009, element), "S\(step)", vr: "LO")
            if !model.contains(element) { model.append(element); model.sort() }
        }
        // Read part of the list, as a walk that stopped would.
        if !model.isEmpty {
            let k = Int.random(in: 0..<model.count, using: &generator)
            #expect(dataset.element(at: k).tag.element == model[k])
        }
        let probe = UInt16.random(in: 1...60, using: &generator) * 2 + 0x1000
        #expect(dataset.index(of: Tag(0x0009, probe)) == model.firstIndex(of: probe), "step \(step)")
        if step % 50 == 0 {
            #expect((0..<dataset.count).map { dataset.element(at: $0).tag.element } == model)
            #expect(dataset.string(Tag(0x0009, model.last ?? 0)) != nil || model.isEmpty)
        }
    }
    #expect((0..<dataset.count).map { dataset.element(at: $0).tag.element } == model)
}
