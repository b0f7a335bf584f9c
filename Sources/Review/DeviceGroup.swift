// DeviceGroup: images that share a device signature (Manufacturer, Model, Rows, Columns), reviewed together.
import Engine
import GRDB

public struct DeviceGroup: Codable, Sendable, Hashable, Identifiable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "groups"

    public var id: Int64
    public var manufacturer: String
    public var model: String
    /// 0 when the instance has no image (a report, say).
    public var rows: Int
    public var columns: Int
    /// The reviewer holding the group, if any; a claim whose heartbeat is old or whose process is
    /// gone may be taken over.
    public var claimLogin: String?
    public var claimHost: String?
    public var claimPid: Int32?
    /// Seconds since 1970 of the holder's last heartbeat.
    public var claimHeartbeat: Double?

    public var claim: Reviewer? {
        guard let claimLogin, let claimHost, let claimPid else { return nil }
        return Reviewer(login: claimLogin, host: claimHost, pid: claimPid)
    }

    /// The signature a reviewer template for this group applies under: these four attributes exactly
    /// (a missing Manufacturer or Model reads as empty, as CTP reads it).
    public var signature: DeviceSignature {
        func equals(_ keyword: String, _ value: String) -> DeviceSignature.Expression {
            .predicate(DeviceSignature.Predicate(attribute: keyword, op: .equals, value: value)!)
        }
        return DeviceSignature(.and([
            equals("Manufacturer", manufacturer), equals("ManufacturerModelName", model),
            equals("Rows", String(rows)), equals("Columns", String(columns)),
        ]))
    }

    /// One line for listings (size as width x height), with control characters from a header replaced.
    public var summary: String {
        let text = "\(manufacturer.isEmpty ? "(no manufacturer)" : manufacturer) / \(model.isEmpty ? "(no model)" : model) / \(columns)x\(rows)"
        return Sanitized.line(text)
    }
}

/// Text from a header made safe for one terminal line.
enum Sanitized {
    static func line(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) })
    }
}
