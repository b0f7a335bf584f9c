// ScrubContext: one file's walk through the profile: how each action is carried out on an element, at any depth.

struct ScrubContext {
    let profile: Profile
    let key: ProjectKey
    let knowledge: PrivateTagKnowledge?
    let identifiers: PatientIdentifiers
    /// The patient's own identifiers, looked for in text the profile keeps.
    let keptText: KeptText
    /// The dataset's Specific Character Set after any conversion to UTF-8.
    let charset: String
    let dateOffset: Int
    let pseudonym: String
    var uids: [String: String] = [:]
    /// What happens to text the table does not list, inside a sequence the table says to replace (D)
    /// or clean (C): SR content keeps its codes; any other D sequence (Verifying Observer, Person
    /// Identification Code, Institution Code) keeps its structure with every text value a dummy.
    var nested: NestedText?
    /// The sequence whose item is being scrubbed; nil at the top level.
    var enclosingSequence: Tag?

    enum NestedText {
        case dummyFreeText, cleanFreeText, dummyAllText
    }

    /// PS3.15 E.1-1 lists instance UIDs; a UID it does not list is kept when it is a standard one
    /// (transfer syntaxes, SOP classes, coding schemes live under this root) and replaced otherwise.
    static let standardUIDRoot = "1.2.840.10008."

    mutating func scrub(_ item: DicomItem, depth: Int) throws {
        var creators: [Tag: String] = [:]
        let elements = item.elements
        for (index, element) in elements.enumerated() where element.tag.isPrivateCreator {
            if let name = item.string(at: index) { creators[element.tag] = name }
        }
        var keptBlocks = Set<Tag>()
        // Backwards, so that removing an element does not move the ones still to visit (and
        // `elements` stays true for them).
        for index in elements.indices.reversed() {
            let element = elements[index]
            let tag = element.tag
            if tag.isGroupLength || tag.group == 0x0002 { continue }
            if tag.isPrivate {
                if tag.isPrivateCreator { continue }
                if try scrubPrivate(item, index, element, creators: creators, depth: depth),
                   let creator = tag.privateCreatorTag {
                    keptBlocks.insert(creator)
                }
                continue
            }
            if Self.isOverlayOrCurve(tag) {
                // Overlay planes (60xx) and curves (50xx) can hold burned-in text; a plane without its
                // data is invalid, so the whole group goes. Clean Graphics cannot clean them yet.
                try item.remove(at: index)
                continue
            }
            let action = profile.action(for: tag) ?? contentTextAction(element) ?? defaultAction(item, index, element)
            try apply(action, item, index, element, depth: depth)
        }
        for creator in creators.keys where !keptBlocks.contains(creator) {
            if let index = item.index(of: creator) { try item.remove(at: index) }
        }
    }

    static func isOverlayOrCurve(_ tag: Tag) -> Bool {
        (0x5000...0x501E).contains(tag.group) || (0x6000...0x601E).contains(tag.group) && tag.group % 2 == 0
    }

    /// The action for text inside a D or C sequence that the table does not name.
    private func contentTextAction(_ element: DicomElement) -> Action? {
        guard let nested else { return nil }
        let freeText = ["UT", "LT", "ST", "LO", "SH", "PN", "UC"].contains(element.vr)
        switch nested {
        case .dummyAllText:
            return freeText || ["DA", "DT", "TM"].contains(element.vr) ? .dummy : nil
        case .dummyFreeText, .cleanFreeText:
            // Codes (Code Value, Code Meaning, ... in group 0008) carry the report's structure.
            guard freeText, element.tag.group != 0x0008 else { return nil }
            return nested == .dummyFreeText ? .dummy : .clean
        }
    }

    private func defaultAction(_ item: DicomItem, _ index: Int, _ element: DicomElement) -> Action {
        guard element.vr == "UI", let value = item.string(at: index), !value.isEmpty else { return .keep }
        let values = value.split(separator: "\\")
        return values.allSatisfy { $0.hasPrefix(Self.standardUIDRoot) } ? .keep : .uid
    }

    private mutating func apply(_ action: Action, _ item: DicomItem, _ index: Int, _ element: DicomElement, depth: Int) throws {
        let tag = element.tag
        if element.isSequence {
            switch action {
            case .remove: try item.remove(at: index)
            case .zero: try item.clear(at: index)
            default:
                let outer = nested
                if tag == .contentSequence {
                    nested = action == .clean ? .cleanFreeText : .dummyFreeText
                } else if action == .dummy {
                    nested = .dummyAllText
                }
                let outerSequence = enclosingSequence
                enclosingSequence = tag
                defer { nested = outer; enclosingSequence = outerSequence }
                for child in item.items(at: index) { try scrub(child, depth: depth + 1) }
            }
            return
        }
        switch action {
        case .keep:
            try cleanKept(item, index, element)
        case .remove:
            try item.remove(at: index)
        case .zero:
            if depth == 0 && tag == .patientName {
                try item.setString(at: index, pseudonym + "^") // Z allows a dummy; the pseudonym keeps patients apart
            } else {
                try item.clear(at: index)
            }
        case .dummy:
            try dummy(item, index, element, depth: depth)
        case .uid:
            try replaceUIDs(item, index)
        case .clean:
            try clean(item, index, element)
        }
    }

    private mutating func dummy(_ item: DicomItem, _ index: Int, _ element: DicomElement, depth: Int) throws {
        if depth == 0 && element.tag == .patientID {
            try item.setString(at: index, pseudonym)
        } else if element.tag == .encapsulatedDocument {
            try item.setBytes(at: index, DummyValue.emptyPDF.count % 2 == 0 ? DummyValue.emptyPDF : DummyValue.emptyPDF + [0x0A])
        } else if element.vr == "UI" {
            try replaceUIDs(item, index)
        } else if let text = DummyValue.text(for: element.vr) {
            try item.setString(at: index, text)
        } else {
            try item.clear(at: index)
        }
    }

    private mutating func replaceUIDs(_ item: DicomItem, _ index: Int) throws {
        guard let raw = item.stringBytes(at: index), !raw.isEmpty else { return }
        // Over the bytes: the separator and the padding are ASCII, and splitting Characters cost
        // more than the HMAC. Each value loses its NUL and space padding.
        var mapped: [UInt8] = []
        var original: [UInt8] = []
        var any = false
        func replace() {
            let uid = String(decoding: original, as: UTF8.self)
            let new = key.uid(for: uid)
            uids[uid] = new
            if any { mapped.append(0x5C) }
            mapped += new.utf8
            any = true
            original.removeAll(keepingCapacity: true)
        }
        for byte in raw {
            if byte == 0x5C {
                if !original.isEmpty { replace() }
            } else if byte != 0 && byte != 0x20 {
                original.append(byte)
            }
        }
        if !original.isEmpty { replace() }
        guard any else { return }
        try item.setString(at: index, bytes: mapped)
    }

    /// C: dates are shifted by the patient's offset; free text loses the patient's identifiers;
    /// anything else (numbers, codes, times of day) is kept.
    private func clean(_ item: DicomItem, _ index: Int, _ element: DicomElement) throws {
        switch element.vr {
        case "DA", "DT":
            guard let value = item.string(at: index), !value.isEmpty else { return }
            let shifted = element.vr == "DA" ? DateShift.shiftDA(value, days: dateOffset) : DateShift.shiftDT(value, days: dateOffset)
            if let shifted { try item.setString(at: index, shifted) } else { try item.clear(at: index) }
        case "LO", "SH", "LT", "ST", "UT", "UC", "PN":
            guard let raw = item.stringBytes(at: index), !raw.isEmpty else { return }
            guard let text = DicomText.decode(raw, charset: charset) else {
                try item.clear(at: index) // undecodable text cannot be checked, so it cannot stay
                return
            }
            let cleaned = TextMatcher.clean(text, removing: identifiers)
            if cleaned.changed { try item.setString(at: index, bytes: encode(cleaned.text, like: raw)) }
        default:
            return
        }
    }

    /// K (or not listed): kept, but without the patient's own names, IDs and birth date (KeptText).
    private func cleanKept(_ item: DicomItem, _ index: Int, _ element: DicomElement) throws {
        guard element.length > 0, KeptText.textVRs.contains(element.vr), !keptText.isEmpty,
              !KeptText.isCode(element.tag, in: enclosingSequence),
              let raw = item.stringBytes(at: index), keptText.mayHold(raw),
              let text = DicomText.decode(raw, charset: charset),
              let cleaned = keptText.cleaned(text, vr: element.vr) else { return }
        try item.setString(at: index, bytes: encode(cleaned, like: raw))
    }

    /// Writes text back in the encoding it came in: UTF-8 when declared or valid, else Latin-1.
    private func encode(_ text: String, like original: [UInt8]) -> [UInt8] {
        if DicomText.isUTF8Compatible(charset) && String(validating: original, as: UTF8.self) == nil,
           text.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) {
            return text.unicodeScalars.map { UInt8($0.value) }
        }
        return Array(text.utf8)
    }

    /// Private elements go, unless Retain Safe Private is chosen and TCIA's knowledge base knows the
    /// element under its creator. Returns true when the element stays.
    private mutating func scrubPrivate(_ item: DicomItem, _ index: Int, _ element: DicomElement,
                                       creators: [Tag: String], depth: Int) throws -> Bool {
        guard let knowledge, let creatorTag = element.tag.privateCreatorTag, let creator = creators[creatorTag],
              let disposition = knowledge.disposition(group: element.tag.group, creator: creator,
                                                      element: UInt8(element.tag.element & 0xFF)) else {
            try item.remove(at: index)
            return false
        }
        switch disposition {
        case .notApplicable where element.isSequence, .keep:
            for child in element.isSequence ? item.items(at: index) : [] { try scrub(child, depth: depth + 1) }
            if !element.isSequence { try cleanKept(item, index, element) }
            return true
        case .hash where element.vr == "UI":
            try replaceUIDs(item, index)
            return true
        case .hash where element.isString:
            if let value = item.string(at: index), !value.isEmpty { try item.setString(at: index, key.hashedText(value)) }
            return true
        case .offset where element.vr == "DA" || element.vr == "DT":
            try clean(item, index, element)
            return item.index(of: element.tag) != nil
        default:
            try item.remove(at: index)
            return false
        }
    }
}
