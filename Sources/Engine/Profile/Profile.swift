// Profile: PS3.15 Annex E Table E.1-1 as data, plus the options chosen; one table drives scrubber, checks and docs.
import Foundation

/// An action of Table E.1-1, after a compound one (X/Z, X/D, Z/D, X/Z/D, X/Z/U*) has been resolved.
public enum Action: String, Sendable, CaseIterable {
    case dummy = "D"   // replace with a non-empty dummy of the same VR
    case zero = "Z"    // zero length
    case remove = "X"
    case keep = "K"    // kept; a sequence is kept and its items are scrubbed
    case clean = "C"   // kept after cleaning (identifiers removed from text, dates shifted)
    case uid = "U"     // replaced by a UID derived from the key

    /// The standard lets the tool choose among the parts of a compound action by the attribute's type
    /// in the IOD. Without the IOD we take the choice that is valid for every type and still removes
    /// the value: D (valid even for Type 1) where D is allowed, otherwise Z; X/Z/U* sequences are kept
    /// with their UIDs replaced, so references survive.
    public static func resolving(_ text: String) -> Action? {
        if let single = Action(rawValue: text) { return single } // most cells; trimming is Foundation's and slow
        let cell = text.trimmingCharacters(in: .whitespaces)
        if let single = Action(rawValue: cell) { return single }
        let parts = Set(cell.split(separator: "/").map { $0.replacingOccurrences(of: "*", with: "") })
        if parts.contains("U") { return .keep }
        if parts.contains("D") { return .dummy }
        if parts.contains("Z") { return .zero }
        if parts.contains("X") { return .remove }
        return nil
    }

    /// When several chosen options name the same attribute, the one that keeps most wins.
    var retention: Int {
        switch self {
        case .keep: 5
        case .clean: 4
        case .uid: 3
        case .dummy: 2
        case .zero: 1
        case .remove: 0
        }
    }
}

/// The profile options of PS3.15 E.3, by their command-line names, in the table's column order.
public enum ProfileOption: String, Sendable, CaseIterable, Codable {
    case retainSafePrivate = "retain-safe-private"
    case retainUIDs = "retain-uids"
    case retainDeviceIdentity = "retain-device-identity"
    case retainInstitutionIdentity = "retain-institution-identity"
    case retainPatientCharacteristics = "retain-patient-characteristics"
    case retainLongFullDates = "retain-long-full-dates"
    case retainLongModifiedDates = "retain-long-modified-dates"
    case cleanDescriptors = "clean-descriptors"
    case cleanStructuredContent = "clean-structured-content"
    case cleanGraphics = "clean-graphics"

    var column: String { String(rawValue.map { $0 == "-" ? "_" : $0 }) }

    /// CID 7050 code of the option.
    public var code: (value: String, meaning: String) {
        switch self {
        case .retainSafePrivate: ("113111", "Retain Safe Private Option")
        case .retainUIDs: ("113110", "Retain UIDs Option")
        case .retainDeviceIdentity: ("113109", "Retain Device Identity Option")
        case .retainInstitutionIdentity: ("113112", "Retain Institution Identity Option")
        case .retainPatientCharacteristics: ("113108", "Retain Patient Characteristics Option")
        case .retainLongFullDates: ("113106", "Retain Longitudinal Temporal Information Full Dates Option")
        case .retainLongModifiedDates: ("113107", "Retain Longitudinal Temporal Information Modified Dates Option")
        case .cleanDescriptors: ("113105", "Clean Descriptors Option")
        case .cleanStructuredContent: ("113104", "Clean Structured Content Option")
        case .cleanGraphics: ("113103", "Clean Graphics Option")
        }
    }
}

/// One row of Table E.1-1.
public struct ProfileRule: Sendable {
    public let pattern: TagPattern
    public let name: String
    public let basic: String
    public let options: [ProfileOption: String]
}

/// A tag from the table, where "X" stands for any hex digit (repeating groups such as 50XX, 60XX).
public struct TagPattern: Hashable, Sendable, CustomStringConvertible {
    let value: UInt32
    let mask: UInt32
    public let description: String

    init?(_ text: String) {
        let digits = text.filter { $0.isHexDigit || $0 == "X" || $0 == "x" }
        guard digits.count == 8 else { return nil }
        var value: UInt32 = 0, mask: UInt32 = 0
        for c in digits {
            value <<= 4; mask <<= 4
            if c == "X" || c == "x" { continue }
            value |= UInt32(c.hexDigitValue!)
            mask |= 0xF
        }
        self.value = value
        self.mask = mask
        description = text
    }

    var isExact: Bool { mask == 0xFFFF_FFFF }
    func matches(_ tag: Tag) -> Bool { tag.packed & mask == value }
}

public struct Profile: Sendable {
    public let rules: [ProfileRule]
    public let options: Set<ProfileOption>
    private let exact: TagTable<Action>
    private let patterns: [(TagPattern, Action)]

    /// The table shipped with the Engine.
    public static func standard(options: Set<ProfileOption> = []) throws -> Profile {
        guard let url = Bundle.module.url(forResource: "ps3.15-annex-e", withExtension: "tsv"),
              let data = FileManager.default.contents(atPath: url.path) else {
            throw EngineError(.profile, "the profile table is missing from the installation")
        }
        return try Profile(tableBytes: [UInt8](data), options: options)
    }

    public init(table: String, options: Set<ProfileOption>) throws {
        try self.init(tableBytes: Array(table.utf8), options: options)
    }

    /// The table is split as bytes (tabs and newlines are ASCII); only the cells a rule keeps
    /// become strings. Splitting it as Foundation strings cost more than a small batch's scrubbing.
    init(tableBytes table: [UInt8], options: Set<ProfileOption>) throws {
        if options.contains(.retainLongFullDates) && options.contains(.retainLongModifiedDates) {
            throw EngineError(.usage, "retain-long-full-dates and retain-long-modified-dates exclude each other")
        }
        var header: [String] = []
        var optionColumns: [(ProfileOption, Int)] = []
        var rules: [ProfileRule] = []
        for (number, line) in table.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            if line.first == UInt8(ascii: "#") || line.isEmpty { continue }
            let cells = line.split(separator: 0x09, omittingEmptySubsequences: false)
            if header.isEmpty {
                header = cells.map { String(decoding: $0, as: UTF8.self) }
                optionColumns = ProfileOption.allCases.compactMap { option in header.firstIndex(of: option.column).map { (option, $0) } }
                continue
            }
            let text = { (cell: Int) in String(decoding: cells[cell], as: UTF8.self) }
            guard cells.count == header.count, let pattern = TagPattern(text(0)),
                  Action.resolving(text(3)) != nil else {
                throw EngineError(.profile, "profile table line \(number + 1) does not parse")
            }
            var byOption: [ProfileOption: String] = [:]
            for (option, column) in optionColumns where !cells[column].isEmpty {
                let cell = text(column)
                guard Action.resolving(cell) != nil else {
                    throw EngineError(.profile, "profile table line \(number + 1): unknown action")
                }
                byOption[option] = cell
            }
            rules.append(ProfileRule(pattern: pattern, name: text(1), basic: text(3), options: byOption))
        }
        guard rules.count > 500 else { throw EngineError(.profile, "the profile table is incomplete") }
        self.rules = rules
        self.options = options
        var exact: [Tag: Action] = [:]
        var patterns: [(TagPattern, Action)] = []
        for rule in rules {
            let action = Profile.action(for: rule, options: options)
            if rule.pattern.isExact {
                exact[Tag(UInt16(rule.pattern.value >> 16), UInt16(rule.pattern.value & 0xFFFF))] = action
            } else {
                patterns.append((rule.pattern, action))
            }
        }
        self.exact = TagTable(exact)
        self.patterns = patterns
    }

    /// An option's column replaces the basic action; when several chosen options name the same
    /// attribute, the one that keeps most wins (the user asked to retain it).
    static func action(for rule: ProfileRule, options: Set<ProfileOption>) -> Action {
        let chosen = options.compactMap { rule.options[$0].flatMap(Action.resolving) }
        return chosen.max { $0.retention < $1.retention } ?? Action.resolving(rule.basic)!
    }

    /// The action for a standard (even-group) attribute, nil when the table does not list it (kept).
    public func action(for tag: Tag) -> Action? {
        if let action = exact[tag] { return action }
        for (pattern, action) in patterns where pattern.matches(tag) { return action }
        return nil
    }
}
