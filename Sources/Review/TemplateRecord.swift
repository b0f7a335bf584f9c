// TemplateRecord: one version of a device group's reviewer template; a new version applies to what is not yet committed.
import Engine
import Foundation
import GRDB

public struct TemplateRecord: Codable, Sendable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "templates"

    public var id: Int64?
    public var groupID: Int64
    public var name: String
    public var version: Int
    /// A reviewer checked that this device puts no text outside these regions.
    public var verified: Bool
    public var author: String
    public var createdAt: String
    /// The rectangles, as JSON.
    public var regions: String

    public var rectangles: [PixelRect] {
        (try? JSONDecoder().decode([PixelRect].self, from: Data(regions.utf8))) ?? []
    }

    /// The Engine's form, for export to a template library and for matching.
    public func deviceTemplate(for group: DeviceGroup) -> DeviceTemplate {
        DeviceTemplate(name: name, signature: group.signature, rectangles: rectangles, source: .reviewer,
                       version: version, author: author, createdAt: createdAt, verified: verified)
    }

    static func encode(_ rectangles: [PixelRect]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(rectangles)) ?? Data("[]".utf8), as: UTF8.self)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension TemplateRecord {
    /// A template version as a value (tests, previews); only the workspace stores one.
    public init(groupID: Int64, name: String, version: Int, verified: Bool, author: String, createdAt: String, rectangles: [PixelRect]) {
        self.init(groupID: groupID, name: name, version: version, verified: verified, author: author, createdAt: createdAt,
                  regions: Self.encode(rectangles))
    }
}
