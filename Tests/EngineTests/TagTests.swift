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
