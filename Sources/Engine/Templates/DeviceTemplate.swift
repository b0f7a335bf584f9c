// DeviceTemplate: where one kind of device burns text into its images, and under which header signature.
import Foundation

public struct DeviceTemplate: Hashable, Sendable {
    public enum Source: String, Codable, Sendable, CaseIterable {
        /// RSNA CTP's DicomPixelAnonymizer.script.
        case ctp
        /// A pydicom/deid recipe's %filter sections.
        case deid
        /// Drawn or corrected by a reviewer in the workspace.
        case reviewer
    }

    /// The deid filter list a template came from, which says what a match means there.
    public enum FilterList: String, Codable, Sendable, CaseIterable {
        /// Known to carry no burned-in text: pass without redaction.
        case whitelist
        /// Text in known places: redact the regions.
        case graylist
        /// May carry text anywhere: send to review.
        case blacklist
    }

    /// What a caller should do with an image the template matches.
    public enum Disposition: String, Codable, Sendable {
        case clean, redact, review
    }

    public var name: String
    public var signature: DeviceSignature
    /// Regions to redact, in pixels (x, y, width, height). A negative x or y counts from the right
    /// or bottom edge, as CTP's Regions do.
    public var rectangles: [PixelRect]
    /// deid `coordinates all`: the whole image.
    public var wholeImage: Bool
    /// deid `keepcoordinates`: keep these and redact everything else.
    public var keepRectangles: [PixelRect]
    /// deid `keepcoordinates from:FIELD`: keep the regions a sequence such as SequenceOfUltrasoundRegions
    /// lists (RegionLocationMinX0 ... MaxY1) and redact everything else.
    public var keepRegionsFrom: String?
    /// deid `coordinates from:FIELD`: redact the regions such a sequence lists.
    public var redactRegionsFrom: String?
    public var source: Source
    public var version: Int
    public var author: String?
    /// ISO 8601.
    public var createdAt: String
    /// A reviewer checked that this device puts no text outside these regions. Importers never set it.
    public var verified: Bool
    /// For deid templates, the list the filter stood in; nil for other sources.
    public var filterList: FilterList?
    /// Where the template was read from: a reference file's name (never a full path) and line.
    public var sourceFile: String?
    public var sourceLine: Int?

    public init(
        name: String, signature: DeviceSignature, rectangles: [PixelRect], source: Source,
        version: Int = 1, author: String? = nil, createdAt: String = DeviceTemplate.now(),
        verified: Bool = false, filterList: FilterList? = nil, wholeImage: Bool = false,
        keepRectangles: [PixelRect] = [], keepRegionsFrom: String? = nil, redactRegionsFrom: String? = nil,
        sourceFile: String? = nil, sourceLine: Int? = nil
    ) {
        self.name = name
        self.signature = signature
        self.rectangles = rectangles
        self.source = source
        self.version = version
        self.author = author
        self.createdAt = createdAt
        self.verified = verified
        self.filterList = filterList
        self.wholeImage = wholeImage
        self.keepRectangles = keepRectangles
        self.keepRegionsFrom = keepRegionsFrom
        self.redactRegionsFrom = redactRegionsFrom
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
    }

    public static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }

    /// Whether the template says where to redact at all.
    public var definesRegions: Bool {
        !rectangles.isEmpty || wholeImage || !keepRectangles.isEmpty || keepRegionsFrom != nil || redactRegionsFrom != nil
    }

    /// A whitelist match is clean; a blacklist match, or a template that names no region (deid's
    /// "flags only"), needs a human: nothing is assumed clean that the source did not call clean.
    public var disposition: Disposition {
        if filterList == .whitelist { return .clean }
        if filterList == .blacklist || !definesRegions { return .review }
        return .redact
    }

    /// The same template apart from its bookkeeping: version, date, which file and line it came from, and
    /// a reviewer's verification (a re-import must not make a verified template look new).
    func sameContent(as other: DeviceTemplate) -> Bool {
        func content(_ t: DeviceTemplate) -> DeviceTemplate {
            var t = t
            t.version = 0
            t.createdAt = ""
            t.sourceFile = nil
            t.sourceLine = nil
            t.verified = false
            return t
        }
        return content(self) == content(other)
    }

    /// One line for listings; control characters from a hand-edited file never reach the terminal.
    public var summary: String {
        var parts = ["\(source.rawValue) v\(version)", name]
        if let filterList { parts.append(filterList.rawValue) }
        parts.append(disposition.rawValue)
        var pinned: [String] = []
        if let m = signature.manufacturer { pinned.append("manufacturer \"\(m)\"") }
        if let m = signature.model { pinned.append("model \"\(m)\"") }
        if let r = signature.rows { pinned.append("rows \(r)") }
        if let c = signature.columns { pinned.append("columns \(c)") }
        if !pinned.isEmpty { parts.append(pinned.joined(separator: " ")) }
        var regions = rectangles.map(\.description)
        if wholeImage { regions.append("whole image") }
        if keepRegionsFrom != nil || !keepRectangles.isEmpty { regions.append("all but kept regions") }
        if redactRegionsFrom != nil { regions.append("regions from the header") }
        parts.append(regions.isEmpty ? "no regions" : regions.joined(separator: " "))
        if verified { parts.append("verified") }
        let line = parts.joined(separator: "  ")
        return String(line.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) })
    }
}

extension DeviceTemplate: Codable {
    private enum Keys: String, CodingKey {
        case name, signature, rectangles, wholeImage, keepRectangles, keepRegionsFrom, redactRegionsFrom
        case source, version, author, createdAt, verified, filterList, sourceFile, sourceLine
    }

    // Optional fields may be left out of a hand-written file.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            signature: try c.decode(DeviceSignature.self, forKey: .signature),
            rectangles: try c.decodeIfPresent([PixelRect].self, forKey: .rectangles) ?? [],
            source: try c.decode(Source.self, forKey: .source),
            version: try c.decodeIfPresent(Int.self, forKey: .version) ?? 1,
            author: try c.decodeIfPresent(String.self, forKey: .author),
            createdAt: try c.decodeIfPresent(String.self, forKey: .createdAt) ?? "",
            verified: try c.decodeIfPresent(Bool.self, forKey: .verified) ?? false,
            filterList: try c.decodeIfPresent(FilterList.self, forKey: .filterList),
            wholeImage: try c.decodeIfPresent(Bool.self, forKey: .wholeImage) ?? false,
            keepRectangles: try c.decodeIfPresent([PixelRect].self, forKey: .keepRectangles) ?? [],
            keepRegionsFrom: try c.decodeIfPresent(String.self, forKey: .keepRegionsFrom),
            redactRegionsFrom: try c.decodeIfPresent(String.self, forKey: .redactRegionsFrom),
            sourceFile: try c.decodeIfPresent(String.self, forKey: .sourceFile),
            sourceLine: try c.decodeIfPresent(Int.self, forKey: .sourceLine))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(name, forKey: .name)
        try c.encode(signature, forKey: .signature)
        try c.encode(rectangles, forKey: .rectangles)
        if wholeImage { try c.encode(wholeImage, forKey: .wholeImage) }
        if !keepRectangles.isEmpty { try c.encode(keepRectangles, forKey: .keepRectangles) }
        try c.encodeIfPresent(keepRegionsFrom, forKey: .keepRegionsFrom)
        try c.encodeIfPresent(redactRegionsFrom, forKey: .redactRegionsFrom)
        try c.encode(source, forKey: .source)
        try c.encode(version, forKey: .version)
        try c.encodeIfPresent(author, forKey: .author)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(verified, forKey: .verified)
        try c.encodeIfPresent(filterList, forKey: .filterList)
        try c.encodeIfPresent(sourceFile, forKey: .sourceFile)
        try c.encodeIfPresent(sourceLine, forKey: .sourceLine)
    }
}
