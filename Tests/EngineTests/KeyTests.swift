// Tests of the key-derived replacements: UIDs, pseudonyms, date offsets.
import Engine
import Foundation
import Testing

@Test func uidsAreDeterministicPerKeyAndValid() {
    let a = Fixtures.key.uid(for: "1.2.3.4.5")
    #expect(a == Fixtures.key.uid(for: "1.2.3.4.5"))
    #expect(a != Fixtures.key.uid(for: "1.2.3.4.6"))
    #expect(a != ProjectKey(bytes: Array(repeating: 8, count: 32)).uid(for: "1.2.3.4.5"))
    #expect(a.hasPrefix("2.25."))
    #expect(a.count <= 64)
    let digits = a.dropFirst(5)
    #expect(digits.allSatisfy(\.isNumber) && !digits.hasPrefix("0"))
    // 128 bits: at most 39 decimal digits, and not below 2^64 for this key and value (the test
    // would catch a truncation to 64 bits).
    #expect(digits.count <= 39 && digits.count > 20)
}

/// Known answers, computed outside Swift (Python's hmac and hashlib): HMAC-SHA256 of the value
/// under the key, so a faster HMAC set-up cannot change what earlier runs and crosswalks hold.
@Test func replacementsAreTheStandardHMAC() {
    let key = Fixtures.key // 32 bytes of 7
    for _ in 0..<2 { // the second time from the caches
        #expect(key.uid(for: "1.2.3.4.5") == "2.25.30042339155958509919654460803180549061")
        #expect(key.pseudonym(forPatient: "id:1") == "ANON3WJ5JGFC6M")
        #expect(key.dateOffset(forPatient: "id:1") == -2780)
    }
}

@Test func aKeyFileIsCreatedPrivateAndReadBack() throws {
    let folder = try Fixtures.scratch()
    let path = folder + "/project.key"
    let first = try ProjectKey.load(path: path)
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    #expect(try ProjectKey.load(path: path).uid(for: "1.2.3") == first.uid(for: "1.2.3"))
    try "not hex".write(toFile: folder + "/bad.key", atomically: true, encoding: .utf8)
    #expect(throws: EngineError.self) { try ProjectKey.load(path: folder + "/bad.key") }
}

@Test func pseudonymsAndOffsetsAreStablePerPatient() {
    let key = Fixtures.key
    #expect(key.pseudonym(forPatient: "id:1") == key.pseudonym(forPatient: "id:1"))
    #expect(key.pseudonym(forPatient: "id:1") != key.pseudonym(forPatient: "id:2"))
    let offsets = (0..<200).map { key.dateOffset(forPatient: "id:\($0)") }
    #expect(offsets.allSatisfy { (-3650)...(-1) ~= $0 })
    #expect(Set(offsets).count > 150)
}

@Test func dateShiftsKeepIntervals() {
    let days = -400
    let a = DateShift.shiftDA("20240229", days: days)!, b = DateShift.shiftDA("20240310", days: days)!
    #expect(a == "20230125") // 2024 is a leap year: 29 Feb minus 400 days
    #expect(b == "20230204")
    #expect(DateShift.shiftDA("20240101-20240105", days: -1) == "20231231-20240104")
    #expect(DateShift.shiftDA("20240101\\20240301", days: 1) == "20240102\\20240302")
    #expect(DateShift.shiftDT("20240301101500.123+0200", days: -1) == "20240229101500.123+0200")
    #expect(DateShift.shiftDA("2024", days: 1) == nil)
    #expect(DateShift.shiftDA("20241301", days: 1) == nil)
}
