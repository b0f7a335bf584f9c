// HeaderPlan: which header elements the scrubber changes in one file, by tag path and kind, never by value.
import Engine
import Foundation

public struct HeaderPlan: Codable, Sendable, Equatable {
    public var removed: [String] = []
    public var emptied: [String] = []
    public var replaced: [String] = []
    public var added: [String] = []

    public init(before: [ListedElement], after: [ListedElement]) {
        for change in HeaderListing.changes(from: before, to: after) {
            switch (change.before, change.after) {
            case (nil, _): added.append(change.path)
            case (_, nil): removed.append(change.path)
            case (_, ""): emptied.append(change.path)
            default: replaced.append(change.path)
            }
        }
    }

    public init?(json: String) {
        guard let plan = try? JSONDecoder().decode(HeaderPlan.self, from: Data(json.utf8)) else { return nil }
        self = plan
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
