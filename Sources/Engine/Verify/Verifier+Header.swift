// Verifier+Header: the output's elements at every depth against the profile, and its bytes against the source's values.

extension Verifier {
    /// Text VRs whose decoded values are matched against names and IDs. Numbers (DS, IS), times and
    /// ages cannot hold a name, and an ID of digits would match them by chance.
    static let matchedTextVRs: Set<VR> = ["AE", "CS", "DA", "DT", "LO", "LT", "PN", "SH", "ST", "UC", "UR", "UT"]

    /// Meta header elements the scrubber removes: they name the sending station.
    static let stationMeta: [Tag] = [Tag(0x0002, 0x0016), Tag(0x0002, 0x0017), Tag(0x0002, 0x0018), Tag(0x0002, 0x0100), Tag(0x0002, 0x0102)]

    func checkHeader(_ file: DicomFile, bytes: UnsafeRawBufferPointer?, subject: Subject, identifiers: PatientIdentifiers,
                     needles: ValueNeedles, into result: inout Verification) {
        let facts = subject.source
        let charset = file.dataset.string(.specificCharacterSet) ?? ""
        var walkCounts = [Int](repeating: 0, count: needles.needles.count)
        var reported = Set<String>() // path + value: one finding per value and place
        var overlayGroups = Set<UInt16>()

        for tag in Self.stationMeta where file.meta.index(of: tag) != nil {
            result.findings.append(VerificationFinding(kind: .removedAttribute, location: "meta \(tag)"))
        }
        func visit(_ walked: WalkedElement, _ inMeta: Bool) {
            result.elementsChecked += 1
            let element = walked.element, tag = walked.tag
            if !inMeta {
                if let finding = policyFinding(walked, file: file, overlayGroups: &overlayGroups) { result.findings.append(finding) }
            }
            if element.isSequence || (walked.depth == 0 && tag == .pixelData) { return }
            let raw: [UInt8]?
            if element.isString {
                raw = walked.item.stringBytes(at: walked.index)
            } else {
                raw = walked.item.bytes(at: walked.index)
            }
            guard let raw, !raw.isEmpty else { return }
            result.bytesScanned += raw.count
            // Codes name concepts, not people: a patient called "Test" is not in the designator
            // "TEST", a physician "Last Name^First Name" not in the concept "Recording Observer's
            // Name". Code strings (CS) are tokens: "name" is no word of "PNAME". Such elements are
            // still counted for the byte scan's reconciliation.
            let coded = Self.codeAttributes.contains(tag) || (tag == .codeMeaning && walked.ancestors.last == Self.conceptNameCodeSequence)
            let tokens = element.vr == "CS"
            // A number field (DS, IS) holds measurements: a Study ID "1024" is no leak in a Rescale
            // Intercept of "-1024". Only an all-digit value is let pass there, and it still counts
            // for the byte scan's reconciliation.
            let numbers = element.vr == "DS" || element.vr == "IS"
            var found: [(IdentifyingKind, Tag, String)] = []
            needles.scan(raw) { n, _ in
                walkCounts[n] += 1
                let needle = needles.needles[n]
                if numbers && needle.bytes.allSatisfy(ValueNeedles.isDigit) { return }
                if !coded && !tokens { found.append((needle.kind, needle.tag, needle.value)) }
            }
            if !coded, element.isString, Self.matchedTextVRs.contains(element.vr), let text = DicomText.decode(raw, charset: charset) {
                found += textMatches(text, vr: element.vr, facts: facts, identifiers: identifiers)
            }
            if found.isEmpty { return }
            let path = walked.path
            let location = (inMeta ? "meta " : "") + path
            let asInSource = walked.element.isString && facts.sourceText(at: path) == raw
            for (kind, sourceTag, value) in found {
                if asInSource && retainedAsInSource(walked, kind: kind) {
                    result.retained += 1
                    continue
                }
                guard reported.insert(location + "\u{0}" + value).inserted else { continue }
                result.findings.append(VerificationFinding(kind: .identifyingValue, location: location, valueKind: kind,
                                                           sourceTag: sourceTag, value: value))
            }
        }
        file.meta.walk { visit($0, true) }
        file.dataset.walk { visit($0, false) }
        if let bytes { scanBytes(bytes, file: file, needles: needles, walkCounts: walkCounts, into: &result) }
    }

    /// Letters and digits in runs, one space between: the tokens of a code string.
    static func words(_ text: String) -> String {
        text.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).joined(separator: " ")
    }

    static let conceptNameCodeSequence = Tag(0x0040, 0xA043)

    /// Coded values of a code sequence item (PS3.3 8.1, 8.2, 8.4).
    static let codeAttributes = TagTable<Bool>([
        Tag(0x0008, 0x0100), Tag(0x0008, 0x0102), Tag(0x0008, 0x0103), Tag(0x0008, 0x0105), Tag(0x0008, 0x010F),
        Tag(0x0008, 0x0119), Tag(0x0008, 0x0120),
    ])

    /// The source values found in decoded text. A part of a name shorter than four letters ("OB",
    /// "Li") alone is no evidence outside a person-name field: such letters are abbreviations in
    /// ordinary text ("OB_GENERAL"); two parts of the same name together are.
    func textMatches(_ text: String, vr: VR, facts: SourceFacts, identifiers: PatientIdentifiers) -> [(IdentifyingKind, Tag, String)] {
        var byValue: [String: (kind: IdentifyingKind, tag: Tag, needles: [String])] = [:]
        let matches = TextMatcher.matches(in: text, of: identifiers)
        if matches.isEmpty { return [] }
        let words = vr == "CS" ? " " + Self.words(TextMatcher.fold(text)) + " " : ""
        for needle in matches {
            if vr == "CS" && !words.contains(" " + Self.words(needle) + " ") { continue }
            guard let origin = facts.origin(of: needle) else { continue }
            byValue[origin.text, default: (origin.kind, origin.tag, [])].needles.append(needle)
        }
        return byValue.sorted { $0.key < $1.key }.compactMap { value, match in
            let strong = vr == "PN" || match.kind != .name || Set(match.needles).count >= 2 || match.needles.contains { $0.count >= 4 }
            return strong ? (match.kind, match.tag, value) : nil
        }
    }

    /// Terms the product itself writes ("ANONYMIZED", the method's words) are dropped: a patient
    /// called "Data" would otherwise be found in every output's De-identification Method. Also
    /// returns the folded terms so dropped, which the byte scan leaves out too.
    static func usable(_ identifiers: PatientIdentifiers) -> (identifiers: PatientIdentifiers, dropped: Set<String>) {
        let key = VocabularyKey(terms: identifiers.terms, dates: identifiers.dates)
        // The files of a study share their identifiers: matched once, not once per file (it cost
        // a ninth of a header-only file's work), and so is the set of terms dropped.
        let own = vocabularyMatches.value(key) {
            let matches = TextMatcher.matches(in: foldedVocabulary, of: identifiers)
            return OwnWords(matches: matches, dropped: Set(identifiers.terms).intersection(matches))
        }
        return (identifiers.excluding(own.matches), own.dropped)
    }

    /// The product's own words found among a source's identifiers, and the terms among them.
    private struct OwnWords: Sendable {
        let matches: [String]
        let dropped: Set<String>
    }

    /// What TextMatcher looks for: the folded terms and the dates it spells out.
    private struct VocabularyKey: Hashable {
        let terms: [String]
        let dates: [String]
    }

    private static let vocabularyMatches = BoundedCache<VocabularyKey, OwnWords>(limit: 512)

    /// Folded once for all files: folding it character by character cost more than a file's header check.
    static let foldedVocabulary = TextMatcher.FoldedText(ownVocabulary)

    static let ownVocabulary = ([
        "ANONYMIZED^", "urn:anonymized", "19000101", "000000", "19000101000000", "000Y", "YES", "NO", "DCM",
        "DCMSCRUB PS3.15 BASIC PROFILE", "CLEAN-PIXEL-DATA", "Basic Application Confidentiality Profile",
        "Clean Pixel Data Option", "REMOVED", "MODIFIED", "UNMODIFIED",
    ] + ProfileOption.allCases.flatMap { [$0.rawValue.uppercased(), $0.code.meaning, $0.code.value] }).joined(separator: " | ")

    /// What the profile and the private policy say of the element's presence.
    private func policyFinding(_ walked: WalkedElement, file: DicomFile, overlayGroups: inout Set<UInt16>) -> VerificationFinding? {
        let tag = walked.tag, element = walked.element
        if tag.isGroupLength { return nil }
        if ScrubContext.isOverlayOrCurve(tag) {
            // One finding per overlay or curve group: bits in a plane are text or marks drawn over
            // the image; any other element of the group should have gone with it.
            guard overlayGroups.insert(tag.group).inserted || tag.element == 0x3000 else { return nil }
            if tag.element == 0x3000, let bits = walked.item.bytes(at: walked.index), bits.contains(where: { $0 != 0 }) {
                return VerificationFinding(kind: .overlay, location: walked.path, region: Self.overlayRegion(walked.item, group: tag.group))
            }
            return tag.element == 0x3000 ? nil : VerificationFinding(kind: .removedAttribute, location: walked.path)
        }
        if tag.isPrivate {
            if tag.isPrivateCreator { return nil }
            guard let knowledge, let creatorTag = tag.privateCreatorTag,
                  let creator = walked.item.string(creatorTag),
                  let disposition = knowledge.disposition(group: tag.group, creator: creator, element: UInt8(tag.element & 0xFF)),
                  disposition != .delete else {
                return VerificationFinding(kind: .privateTag, location: walked.path)
            }
            return nil
        }
        switch profile.action(for: tag) {
        case .remove?:
            return VerificationFinding(kind: .removedAttribute, location: walked.path)
        case .zero?:
            if element.isSequence {
                return walked.item.items(at: walked.index).isEmpty ? nil : VerificationFinding(kind: .emptiedAttribute, location: walked.path)
            }
            guard element.length > 0 else { return nil }
            // Z allows a dummy: the patient's pseudonym keeps patients apart (ScrubContext).
            if walked.depth == 0, tag == .patientName, walked.item.string(at: walked.index)?.hasPrefix("ANON") == true { return nil }
            return VerificationFinding(kind: .emptiedAttribute, location: walked.path)
        default:
            return nil
        }
    }

    /// Where an overlay plane lies in the image (PS3.3 C.9.2: origin is 1-based row, column).
    static func overlayRegion(_ item: DicomItem, group: UInt16) -> PixelRect? {
        func words(_ element: UInt16) -> [Int]? {
            guard let bytes = item.index(of: Tag(group, element)).flatMap(item.bytes(at:)), bytes.count >= 2 else { return nil }
            return stride(from: 0, to: bytes.count - 1, by: 2).map { Int(Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)) }
        }
        guard let rows = words(0x0010)?.first, let columns = words(0x0011)?.first else { return nil }
        let origin = words(0x0050) ?? [1, 1]
        return PixelRect(x: (origin.count > 1 ? origin[1] : 1) - 1, y: origin[0] - 1, width: columns, height: rows)
    }

    /// A value found where the source had it, byte for byte, in an attribute the chosen profile
    /// lists as kept (K: Retain Device Identity, Retain Institution Identity...) is kept by choice.
    /// Elsewhere only an institution or station name is: vendors name their devices after
    /// themselves ("TOSHIBA" the institution in "TOSHIBA_MEC" the manufacturer). A person's name,
    /// an ID, a date or a UID in a field the table does not list is a leak the scrubber let through.
    private func retainedAsInSource(_ walked: WalkedElement, kind: IdentifyingKind) -> Bool {
        if !walked.tag.isPrivate, profile.action(for: walked.tag) == .keep { return true }
        return kind == .institution || kind == .station
    }

    /// The whole file's bytes outside the samples: a value found more often there than in the
    /// elements DCMTK read hides in bytes no element accounts for (preamble, a damaged tail).
    private func scanBytes(_ bytes: UnsafeRawBufferPointer, file: DicomFile, needles: ValueNeedles, walkCounts: [Int],
                           into result: inout Verification) {
        let span = PixelDataSpan.of(file, in: bytes)
        var ranges = [0..<bytes.count]
        // A value left in the source file (`storedValue`) lies past the bytes given: nothing follows it.
        if let span { ranges = [0..<span.value.lowerBound, min(span.value.upperBound, bytes.count)..<bytes.count] }
        var rawCounts = [Int](repeating: 0, count: needles.needles.count)
        var firstOffset = [Int?](repeating: nil, count: needles.needles.count)
        for range in ranges {
            result.bytesScanned += range.count
            needles.scan(bytes, in: range) { n, offset in
                rawCounts[n] += 1
                if firstOffset[n] == nil { firstOffset[n] = offset }
            }
        }
        var reported = Set<String>()
        for n in needles.needles.indices where rawCounts[n] > walkCounts[n] {
            let needle = needles.needles[n]
            guard reported.insert(needle.value).inserted else { continue }
            result.findings.append(VerificationFinding(
                kind: .identifyingValue, location: "bytes at offset \(firstOffset[n] ?? 0), outside the elements read",
                valueKind: needle.kind, sourceTag: needle.tag, value: needle.value))
        }
        // Compressed frames: comments and metadata boxes at the start of each fragment.
        let stored = file.storedValue
        for (k, fragment) in (span?.fragments ?? []).enumerated() where k > 0 {
            let head = fragment.lowerBound..<min(fragment.upperBound, fragment.lowerBound + 4096)
            result.bytesScanned += head.count
            func found(_ n: Int) {
                let needle = needles.needles[n]
                guard reported.insert(needle.value).inserted else { return }
                result.findings.append(VerificationFinding(
                    kind: .identifyingValue, location: "\(Tag.pixelData) fragment \(k)", valueKind: needle.kind,
                    sourceTag: needle.tag, value: needle.value))
            }
            if head.upperBound <= bytes.count {
                needles.scan(bytes, in: head, minimumLength: 5) { n, _ in found(n) }
                continue
            }
            // A value left in the source file (`storedValue`): its fragment's start is read there.
            guard let stored, k < stored.fragments.count,
                  let read = try? stored.read(part: stored.fragments[k].lowerBound..<stored.fragments[k].lowerBound + head.count) else {
                result.findings.append(VerificationFinding(kind: .unreadable, location: "\(Tag.pixelData) fragment \(k)"))
                continue
            }
            read.withUnsafeBytes { raw in needles.scan(raw, in: 0..<raw.count, minimumLength: 5) { n, _ in found(n) } }
        }
    }
}
