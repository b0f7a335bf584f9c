// TemplateLibrary: device templates kept as one readable JSON file each in a folder, and matched to images.
import Foundation

extension EngineError.Code {
    public static let template = EngineError.Code(name: "template")
}

public struct TemplateLibrary: Sendable {
    public let folder: String
    /// Every version of every template, ordered by source, name and version.
    public private(set) var templates: [DeviceTemplate] = []
    /// File names added or changed since the last save.
    private var unsaved: Set<String> = []

    /// `~/.local/share/dcmscrub/templates`.
    public static var defaultFolder: String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/dcmscrub/templates"
    }

    /// An empty library that will be saved to `folder`.
    public init(folder: String) {
        self.folder = folder
    }

    /// Reads every `*.json` template in `folder`; a missing folder is an empty library.
    public static func load(from folder: String) throws -> TemplateLibrary {
        var library = TemplateLibrary(folder: folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else {
                throw EngineError(.template, "cannot read template file \(name)")
            }
            do {
                library.templates.append(try JSONDecoder().decode(DeviceTemplate.self, from: data))
            } catch {
                throw EngineError(.template, "template file \(name) is not a valid template")
            }
        }
        library.sort()
        return library
    }

    /// The newest version of each template.
    public var current: [DeviceTemplate] {
        var newest: [String: DeviceTemplate] = [:]
        for t in templates where (newest[Self.key(t)]?.version ?? 0) < t.version { newest[Self.key(t)] = t }
        return newest.values.sorted(by: Self.order)
    }

    public enum AddOutcome: Equatable, Sendable {
        /// A template of that source and name was not there.
        case added
        /// It was there with other content; this is its next version.
        case newVersion(Int)
        /// It was there with the same content; nothing changed.
        case unchanged
    }

    /// Adds a template. The same content as the newest version of its name changes nothing (a
    /// re-import is harmless); other content becomes the next version, so history is kept.
    @discardableResult
    public mutating func add(_ template: DeviceTemplate) throws -> AddOutcome {
        var template = template
        let versions = templates.filter { Self.key($0) == Self.key(template) }
        var outcome = AddOutcome.added
        if let newest = versions.max(by: { $0.version < $1.version }) {
            if newest.sameContent(as: template) { return .unchanged }
            template.version = max(template.version, newest.version + 1)
            outcome = .newVersion(template.version)
        }
        let file = Self.fileName(for: template)
        if templates.contains(where: { Self.fileName(for: $0) == file }) {
            throw EngineError(.template, "template file name \(file) is taken by another template; rename one")
        }
        templates.append(template)
        unsaved.insert(file)
        sort()
        return outcome
    }

    /// Writes every added or changed template, each atomically, creating the folder if needed.
    public mutating func save() throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw EngineError(.template, "cannot create the template folder")
        }
        for template in templates where unsaved.contains(Self.fileName(for: template)) {
            try AtomicFile.write(try Self.encode(template), to: folder + "/" + Self.fileName(for: template))
        }
        unsaved.removeAll()
    }

    /// The whole library, every version, as one JSON array.
    public func exportJSON() throws -> Data {
        try Self.encode(templates)
    }

    /// Every current template whose signature holds for the dataset, as a copy whose `rectangles`
    /// are the regions to redact in this image (clipped to it, none empty). CTP would apply only
    /// the first signature that matches; all are returned so a caller can redact their union.
    public func matches(for dataset: DicomItem, rows: Int, columns: Int) -> [DeviceTemplate] {
        var reader = AttributeReader(dataset: dataset)
        return current.filter { $0.signature.holds(&reader) }.map { template in
            var resolved = template
            resolved.rectangles = template.regions(in: dataset, rows: rows, columns: columns)
            return resolved
        }
    }

    /// "source-slug-of-name-vN.json": from the template's name and version only, never from an image.
    public static func fileName(for template: DeviceTemplate) -> String {
        "\(template.source.rawValue)-\(slug(template.name))-v\(template.version).json"
    }

    /// Lower-case ASCII letters and digits joined by single hyphens, at most 80 characters.
    public static func slug(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
        var slug = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if "#+".unicodeScalars.contains(scalar) {
                slug += scalar == "+" ? "-plus-" : "-"
            } else if !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        slug = slug.split(separator: "-").joined(separator: "-")
        if slug.count > 80 { slug = String(slug.prefix(80)).trimmingCharacters(in: CharacterSet(charactersIn: "-")) }
        return slug.isEmpty ? "template" : slug
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    private static func key(_ t: DeviceTemplate) -> String { t.source.rawValue + "\u{0}" + t.name }

    private static func order(_ a: DeviceTemplate, _ b: DeviceTemplate) -> Bool {
        (a.source.rawValue, a.name, a.version) < (b.source.rawValue, b.name, b.version)
    }

    private mutating func sort() { templates.sort(by: Self.order) }
}
