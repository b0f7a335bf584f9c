// Tag: a DICOM attribute tag as a value, printed the way the standard writes it.
import CDCMTK
import Foundation

public struct Tag: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let group: UInt16
    public let element: UInt16

    public init(_ group: UInt16, _ element: UInt16) {
        self.group = group
        self.element = element
    }

    /// The data dictionary's keyword ("PatientName"), nil for private and unknown tags.
    public var keyword: String? {
        guard !isPrivate else { return nil }
        var buffer = [CChar](repeating: 0, count: 128)
        let length = cdcm_keyword_for_tag(group, element, &buffer, buffer.count)
        return length == 0 ? nil : textOfC(buffer)
    }

    /// Parses "(0010,0010)" or "0010,0010" or "00100010".
    public init?(parsing text: some StringProtocol) {
        let hex = String(text.filter { $0.isHexDigit })
        guard hex.count == 8, let value = UInt32(hex, radix: 16) else { return nil }
        self.init(UInt16(value >> 16), UInt16(value & 0xFFFF))
    }

    /// Odd groups above 0008 are private (PS3.5 7.8.1); the odd groups below are not allowed at all,
    /// and are treated the same way, so nothing unlisted in them survives.
    /// A keyword of the DICOM data dictionary, as DCMTK knows it ("SeriesDescription").
    /// DCMTK walks its whole dictionary for a keyword, so answers are remembered.
    public init?(keyword: String) {
        if let known = KeywordCache.shared.lookup(keyword) {
            guard let tag = known else { return nil }
            self = tag
            return
        }
        var group: UInt16 = 0, element: UInt16 = 0
        let found = cdcm_tag_for_keyword(keyword, &group, &element) == 0 ? Tag(group, element) : nil
        KeywordCache.shared.store(keyword, found)
        guard let found else { return nil }
        self = found
    }

    public var isPrivate: Bool { group % 2 == 1 }
    /// (gggg,0010-00FF): the element that names a private block's creator.
    public var isPrivateCreator: Bool { isPrivate && element >= 0x0010 && element <= 0x00FF }
    /// The creator element that reserves this private element's block, e.g. (0029,1010) -> (0029,0010).
    public var privateCreatorTag: Tag? {
        guard isPrivate, element >= 0x1000 else { return nil }
        return Tag(group, element >> 8)
    }
    public var isGroupLength: Bool { element == 0x0000 }

    /// "(GGGG,EEEE)", written in one go: tag paths are built for every element of every file checked.
    public var description: String {
        let (group, element) = (group, element)
        return String(unsafeUninitializedCapacity: 11) { out in
            out[0] = 0x28; out[5] = 0x2C; out[10] = 0x29
            for k in 0..<4 {
                out[1 + k] = hexDigits[Int(group >> (12 - 4 * k) & 0xF)]
                out[6 + k] = hexDigits[Int(element >> (12 - 4 * k) & 0xF)]
            }
            return 11
        }
    }

    public static func < (a: Tag, b: Tag) -> Bool {
        (a.group, a.element) < (b.group, b.element)
    }

    /// The tag as one number, group in the high half (how the profile's patterns match it).
    var packed: UInt32 { UInt32(group) << 16 | UInt32(element) }

    /// Hashed the way the standard library hashes a UInt32 key: in one call, without a Hasher's
    /// state. The profile, the scrub and the check look tags up for every element, and the
    /// synthesized hash (two fields through a Hasher) was 1.6% of a header-only file's samples.
    public func hash(into hasher: inout Hasher) { hasher.combine(packed) }
    public func _rawHashValue(seed: Int) -> Int { packed._rawHashValue(seed: seed) }
}

private let hexDigits = Array("0123456789ABCDEF".utf8)

extension Tag {
    public static let specificCharacterSet = Tag(0x0008, 0x0005)
    public static let imageType = Tag(0x0008, 0x0008)
    public static let sopClassUID = Tag(0x0008, 0x0016)
    public static let sopInstanceUID = Tag(0x0008, 0x0018)
    public static let studyDate = Tag(0x0008, 0x0020)
    public static let accessionNumber = Tag(0x0008, 0x0050)
    public static let modality = Tag(0x0008, 0x0060)
    public static let manufacturer = Tag(0x0008, 0x0070)
    public static let institutionName = Tag(0x0008, 0x0080)
    public static let institutionAddress = Tag(0x0008, 0x0081)
    public static let referringPhysicianName = Tag(0x0008, 0x0090)
    public static let stationName = Tag(0x0008, 0x1010)
    public static let studyDescription = Tag(0x0008, 0x1030)
    public static let seriesDescription = Tag(0x0008, 0x103E)
    public static let institutionalDepartmentName = Tag(0x0008, 0x1040)
    public static let performingPhysicianName = Tag(0x0008, 0x1050)
    public static let operatorsName = Tag(0x0008, 0x1070)
    public static let manufacturerModelName = Tag(0x0008, 0x1090)
    public static let patientName = Tag(0x0010, 0x0010)
    public static let patientID = Tag(0x0010, 0x0020)
    public static let issuerOfPatientID = Tag(0x0010, 0x0021)
    public static let patientBirthDate = Tag(0x0010, 0x0030)
    public static let otherPatientIDs = Tag(0x0010, 0x1000)
    public static let otherPatientNames = Tag(0x0010, 0x1001)
    public static let patientBirthName = Tag(0x0010, 0x1005)
    public static let patientAddress = Tag(0x0010, 0x1040)
    public static let patientMotherBirthName = Tag(0x0010, 0x1060)
    public static let patientTelephoneNumbers = Tag(0x0010, 0x2154)
    public static let patientIdentityRemoved = Tag(0x0012, 0x0062)
    public static let deidentificationMethod = Tag(0x0012, 0x0063)
    public static let deidentificationMethodCodeSequence = Tag(0x0012, 0x0064)
    public static let studyInstanceUID = Tag(0x0020, 0x000D)
    public static let seriesInstanceUID = Tag(0x0020, 0x000E)
    public static let studyID = Tag(0x0020, 0x0010)
    public static let burnedInAnnotation = Tag(0x0028, 0x0301)
    public static let longitudinalTemporalInformationModified = Tag(0x0028, 0x0303)
    public static let contentSequence = Tag(0x0040, 0xA730)
    public static let encapsulatedDocument = Tag(0x0042, 0x0011)
    public static let pixelData = Tag(0x7FE0, 0x0010)
    public static let codeValue = Tag(0x0008, 0x0100)
    public static let codingSchemeDesignator = Tag(0x0008, 0x0102)
    public static let codeMeaning = Tag(0x0008, 0x0104)
    public static let mediaStorageSOPClassUID = Tag(0x0002, 0x0002)
    public static let mediaStorageSOPInstanceUID = Tag(0x0002, 0x0003)
    public static let transferSyntaxUID = Tag(0x0002, 0x0010)
}

final class KeywordCache: @unchecked Sendable {
    static let shared = KeywordCache()
    private let lock = NSLock()
    private var tags: [String: Tag?] = [:]

    func lookup(_ keyword: String) -> Tag?? {
        lock.lock()
        defer { lock.unlock() }
        return tags[keyword]
    }

    func store(_ keyword: String, _ tag: Tag?) {
        lock.lock()
        tags[keyword] = .some(tag)
        lock.unlock()
    }
}
