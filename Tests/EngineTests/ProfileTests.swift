// Tests of the profile table: parsing, compound actions, repeating groups, and options changing exactly their column.
import Engine
import Foundation
import Testing

@Test func theShippedTableParsesWholly() throws {
    let profile = try Profile.standard()
    #expect(profile.rules.count == 621)
    #expect(profile.action(for: .patientName) == .zero)
    #expect(profile.action(for: .patientID) == .dummy)     // Z/D
    #expect(profile.action(for: .sopInstanceUID) == .uid)
    #expect(profile.action(for: .studyDescription) == .remove)
    #expect(profile.action(for: Tag(0x0008, 0x1140)) == .keep) // X/Z/U*: kept, UIDs inside replaced
    #expect(profile.action(for: Tag(0x6002, 0x3000)) == .remove) // (60XX,3000) Overlay Data
    #expect(profile.action(for: Tag(0x5010, 0x0005)) == .remove) // (50XX,XXXX) Curve Data
    #expect(profile.action(for: .modality) == nil)
    #expect(profile.action(for: .manufacturer) == nil)
    #expect(profile.action(for: .manufacturerModelName) == nil)
}

@Test func compoundActionsResolveToOneValidForEveryAttributeType() {
    #expect(Action.resolving("X/Z") == .zero)
    #expect(Action.resolving("X/D") == .dummy)
    #expect(Action.resolving("X/Z/D") == .dummy)
    #expect(Action.resolving("Z/D") == .dummy)
    #expect(Action.resolving("X/Z/U*") == .keep)
    #expect(Action.resolving("Q") == nil)
}

@Test(arguments: ProfileOption.allCases)
func eachOptionChangesExactlyItsColumn(option: ProfileOption) throws {
    let basic = try Profile.standard()
    let chosen = try Profile.standard(options: [option])
    var changed = 0
    for rule in basic.rules where rule.pattern.description.count == 11 {
        guard let tag = Tag(parsing: rule.pattern.description), !rule.pattern.description.contains("X") else { continue }
        let expected = rule.options[option].flatMap(Action.resolving) ?? Action.resolving(rule.basic)
        #expect(chosen.action(for: tag) == expected, "\(tag) under \(option.rawValue)")
        if chosen.action(for: tag) != basic.action(for: tag) { changed += 1 }
        if rule.options[option] == nil { #expect(chosen.action(for: tag) == basic.action(for: tag)) }
    }
    if option != .retainSafePrivate && option != .cleanGraphics { #expect(changed > 0) }
}

@Test func theTwoDateOptionsExcludeEachOther() {
    #expect(throws: EngineError.self) {
        try Profile.standard(options: [.retainLongFullDates, .retainLongModifiedDates])
    }
}

@Test func privateKnowledgeMatchesCreatorGroupAndElement() throws {
    let knowledge = try PrivateTagKnowledge.shipped()
    #expect(knowledge.count > 3000)
    #expect(knowledge.disposition(group: 0x0009, creator: "GEMS_IDEN_01", element: 0x04) == .keep)
    #expect(knowledge.disposition(group: 0x0009, creator: "GEMS_IDEN_01 ", element: 0x02) == .delete)
    #expect(knowledge.disposition(group: 0x0009, creator: "NOBODY", element: 0x04) == nil)
}
