// Tests of what `push` parses and decides without a network: PACS addresses, AE titles, which paths it may show.
@testable import Engine
import Testing

@Test func parsesAETitleHostAndPort() throws {
    let plain = try PACSAddress(parsing: "ORTHANC@pacs.example.org:4242")
    #expect(plain.aeTitle == "ORTHANC" && plain.host == "pacs.example.org" && plain.port == 4242)
    let v6 = try PACSAddress(parsing: "ARCHIVE@[::1]:104")
    #expect(v6.host == "::1" && v6.port == 104)
    #expect(v6.description == "ARCHIVE@[::1]:104")
    // The AE title may hold an @; the last one separates it from the host.
    #expect(try PACSAddress(parsing: "A@B@10.0.0.1:11112").aeTitle == "A@B")
}

@Test func refusesMalformedAddressesAndAETitles() {
    for text in ["ORTHANC@host", "host:4242", "ORTHANC@host:0", "ORTHANC@host:70000", "ORTHANC@:4242",
                 "@host:4242", "     @host:4242", "SEVENTEEN_LETTERS@host:1", "BACK\\SLASH@host:1", "ORTHANC@ho st:1"] {
        #expect(throws: EngineError.self, "\(text)") { try PACSAddress(parsing: text) }
    }
    #expect(throws: EngineError.self) { try PACSAddress.checkAETitle("TAB\tHERE") }
    #expect(throws: Never.self) { try PACSAddress.checkAETitle("SIXTEEN_LETTERS_") }
}

@Test func showsOnlyPathsMadeOfUIDs() {
    #expect(Push.isUIDPath("2.25.1/2.25.22/2.25.333.dcm"))
    #expect(Push.isUIDPath("2.25.333.dcm"))
    for path in ["ŽEMAITIENĖ.dcm", "2.25.1/JONAS.dcm", "2.25.1/2.25.2", "2.25.1//2.25.2.dcm", "notes.txt", ".dcm",
                 "2.25.1/\(String(repeating: "1", count: 65)).dcm"] {
        #expect(!Push.isUIDPath(path), "\(path)")
    }
}

@Test func mapsDIMSEStatusesToOutcomes() {
    #expect(StoreStatus(code: 0) == .stored)
    #expect(StoreStatus(code: 0xB000) == .storedWithWarning(0xB000))
    #expect(StoreStatus(code: 0xA700) == .failed(0xA700))
    #expect(StoreStatus(code: 0xC000).isStored == false)
    #expect(StoreStatus(code: -2) == .noPresentationContext)
    #expect(StoreStatus(code: -3) == .notSent)
}
