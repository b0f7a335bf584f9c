// HeaderScrubber: applies the profile's actions to every element at every depth and marks the dataset de-identified.

public struct HeaderScrubber: Sendable {
    public let profile: Profile
    public let key: ProjectKey
    let knowledge: PrivateTagKnowledge?

    public init(profile: Profile, key: ProjectKey) throws {
        self.profile = profile
        self.key = key
        knowledge = profile.options.contains(.retainSafePrivate) ? try PrivateTagKnowledge.shipped() : nil
    }

    /// Scrubs the file in memory. Throws when the file cannot be handled safely (unknown character
    /// set, an edit DCMTK refuses); the caller quarantines it.
    /// `pixelsCleaned`: the pixel step ran, so the Clean Pixel Data option is declared too.
    public func scrub(_ file: DicomFile, pixelsCleaned: Bool = false) throws -> ScrubResult {
        let dataset = file.dataset
        let originalCharset = dataset.string(.specificCharacterSet) ?? ""
        let identifiers = PatientIdentifiers(collecting: dataset, charset: originalCharset)
        let keptText = KeptText(collecting: dataset, charset: originalCharset)
        if !DicomText.isUTF8Compatible(originalCharset) {
            // Clean text is written back in UTF-8, so everything else must be UTF-8 too.
            try file.convertToUTF8()
        }
        let patientKey = Self.patientKey(dataset)
        var context = ScrubContext(
            profile: profile, key: key, knowledge: knowledge, identifiers: identifiers, keptText: keptText,
            charset: dataset.string(.specificCharacterSet) ?? "",
            dateOffset: key.dateOffset(forPatient: patientKey),
            pseudonym: key.pseudonym(forPatient: patientKey))
        var result = ScrubResult(originalPatientID: dataset.string(.patientID) ?? "", patientPseudonym: context.pseudonym)
        try context.scrub(dataset, depth: 0)
        try scrubMeta(file.meta)
        try markDeidentified(dataset, pixelsCleaned: pixelsCleaned)
        result.uids = context.uids
        return result
    }

    /// What identifies the patient for pseudonyms and date shifts: Patient ID, else name and birth
    /// date, else the study (so that two unnamed patients never share a pseudonym).
    static func patientKey(_ dataset: DicomItem) -> String {
        if let id = dataset.string(.patientID), !id.isEmpty { return "id:" + id }
        let name = dataset.string(.patientName) ?? "", birth = dataset.string(.patientBirthDate) ?? ""
        if !name.isEmpty { return "name:" + name + "|" + birth }
        return "study:" + (dataset.string(.studyInstanceUID) ?? "")
    }

    /// PS3.10 meta header: its SOP Instance UID follows the dataset when written; the AE titles and
    /// private information can name the sending station.
    private func scrubMeta(_ meta: DicomItem) throws {
        for tag in [Tag(0x0002, 0x0016), Tag(0x0002, 0x0017), Tag(0x0002, 0x0018), Tag(0x0002, 0x0100), Tag(0x0002, 0x0102)] {
            if let index = meta.index(of: tag) { try meta.remove(at: index) }
        }
    }

    /// PS3.15 E.1.1: Patient Identity Removed, De-identification Method and its code sequence (CID 7050).
    private func markDeidentified(_ dataset: DicomItem, pixelsCleaned: Bool) throws {
        try dataset.put(.patientIdentityRemoved, "YES", vr: "CS")
        let options = ProfileOption.allCases.filter(profile.options.contains)
        let pixelNote = pixelsCleaned ? ["CLEAN-PIXEL-DATA"] : []
        let method = (["DCMSCRUB PS3.15 BASIC PROFILE"] + pixelNote + options.map { $0.rawValue.uppercased() }).joined(separator: "\\")
        try dataset.put(.deidentificationMethod, method, vr: "LO")
        if let index = dataset.index(of: .deidentificationMethodCodeSequence) { try dataset.remove(at: index) }
        let pixelCode = pixelsCleaned ? [("113101", "Clean Pixel Data Option")] : []
        for (value, meaning) in [("113100", "Basic Application Confidentiality Profile")] + pixelCode + options.map(\.code) {
            let item = try dataset.appendItem(.deidentificationMethodCodeSequence)
            try item.put(.codeValue, value, vr: "SH")
            try item.put(.codingSchemeDesignator, "DCM", vr: "SH")
            try item.put(.codeMeaning, meaning, vr: "LO")
        }
        let temporal = profile.options.contains(.retainLongFullDates) ? "UNMODIFIED"
            : profile.options.contains(.retainLongModifiedDates) ? "MODIFIED" : "REMOVED"
        try dataset.put(.longitudinalTemporalInformationModified, temporal, vr: "CS")
    }
}

public struct ScrubResult: Sendable {
    public var originalPatientID: String
    public var patientPseudonym: String
    /// Every UID replaced in this file, original to new.
    public var uids: [String: String] = [:]
}
