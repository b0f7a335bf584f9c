// VerificationFinding: one thing the quality check found left in an output: where, what kind, and (confidential) which value.

/// What a source value is, so that a finding can say "a name" without saying which.
public enum IdentifyingKind: String, Sendable, Codable, CaseIterable {
    case name, identifier, date, uid, institution, station, address, telephone, text
}

public struct VerificationFinding: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// An attribute the profile removes (X) is present.
        case removedAttribute = "removed-attribute"
        /// An attribute the profile empties (Z) has a value.
        case emptiedAttribute = "emptied-attribute"
        /// A private element the policy does not keep.
        case privateTag = "private-tag"
        /// An overlay plane (60xx,3000) with bits set: drawn text or marks outside the pixels.
        case overlay
        /// A value of the source's identifiers (name, ID, date, UID, ...) in the output's bytes.
        case identifyingValue = "identifying-value"
        /// One of them in the output's file or folder names.
        case fileName = "file-name"
        /// Text read in the output's pixels that the allow list does not pass.
        case burnedInText = "burned-in-text"
        /// Text read in the output's pixels that matches the source's identifiers, or identifying
        /// text detection saw in the source that can still be read.
        case burnedInIdentifier = "burned-in-identifier"
        /// The output does not parse as DICOM.
        case unreadable
        /// A frame of the output does not decode.
        case undecodableFrame = "undecodable-frame"
        case sopClassChanged = "sop-class-changed"
        case geometryChanged = "geometry-changed"
        /// Pixels differ from the source's outside the redacted rectangles (or are not black where changed).
        case pixelsChanged = "pixels-changed"
        /// A file in the output folder that no source accounts for.
        case unpairedOutput = "unpaired-output"
    }

    public var kind: Kind
    /// Where, without a value: a tag path "(0040,0275)[1](0010,0020)", "frame 3", "file name",
    /// "bytes at offset 1234".
    public var location: String
    /// What the matched source value is.
    public var valueKind: IdentifyingKind?
    /// The source attribute the matched value came from, e.g. "(0010,0010)".
    public var sourceTag: String?
    /// CONFIDENTIAL: the source value matched, or the text read. Never printed to a terminal or a log.
    public var value: String?
    /// 1-based frame and region of the image, for pixel findings (and the HTML thumbnails).
    public var frame: Int?
    public var region: PixelRect?

    public init(kind: Kind, location: String, valueKind: IdentifyingKind? = nil, sourceTag: Tag? = nil,
                value: String? = nil, frame: Int? = nil, region: PixelRect? = nil) {
        self.kind = kind
        self.location = location
        self.valueKind = valueKind
        self.sourceTag = sourceTag?.description
        self.value = value
        self.frame = frame
        self.region = region
    }

    /// One line without any value: "(0029,1010): identifying-value: name from (0010,0010)".
    public var summary: String {
        var text = "\(location): \(kind.rawValue)"
        if let valueKind { text += ": \(valueKind.rawValue)" }
        if let sourceTag { text += " from \(sourceTag)" }
        return text
    }
}
