// Tests of identifier removal from free text: any case, any diacritics, dates in the usual spellings.
import Engine
import Testing

@Test func namesGoInAnyCaseWithOrWithoutDiacritics() {
    var ids = PatientIdentifiers()
    ids.add("ŽEMAITIENĖ^Ūla", isName: true)
    for text in ["CT for Žemaitienė", "ct for ZEMAITIENE", "ūla žemaitienė chest", "Ula Zemaitiene"] {
        let cleaned = TextMatcher.clean(text, removing: ids)
        #expect(cleaned.changed, "\(text)")
        #expect(!TextMatcher.fold(cleaned.text).contains("zemaitiene"))
        #expect(!TextMatcher.fold(cleaned.text).contains("ula"))
    }
    #expect(TextMatcher.clean("CT chest", removing: ids).changed == false)
}

@Test func shortTermsOnlyAsWholeWords() {
    var ids = PatientIdentifiers()
    ids.add("LI^Na", isName: true)
    #expect(TextMatcher.clean("Liver scan", removing: ids).changed == false)
    #expect(TextMatcher.clean("Dr Li asked", removing: ids).text == "Dr * asked")
}

@Test func birthDatesInCommonSpellings() {
    let spellings = TextMatcher.dateSpellings("19620314")
    #expect(spellings.contains("14.03.1962") && spellings.contains("1962-03-14") && spellings.contains("03/14/1962"))
}
