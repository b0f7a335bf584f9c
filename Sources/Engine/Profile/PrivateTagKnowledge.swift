// PrivateTagKnowledge: TCIA's private tag knowledge base, the list behind the Retain Safe Private option.
import Foundation

public enum PrivateDisposition: String, Sendable {
    case keep = "k"
    case delete = "d"
    case hash = "h"      // replace consistently, like a UID
    case offset = "o"    // shift like a date
    case notApplicable = "na"

    /// When the base lists one element several times (under different sequences or VRs), the most
    /// cautious disposition wins: delete, then hash, then offset, then keep.
    var caution: Int {
        switch self {
        case .delete: 4
        case .hash: 3
        case .offset: 2
        case .notApplicable: 1
        case .keep: 0
        }
    }
}

public struct PrivateTagKnowledge: Sendable {
    struct Key: Hashable {
        let group: UInt16
        let creator: String
        let element: UInt8
    }
    private let entries: [Key: PrivateDisposition]
    public var count: Int { entries.count }

    public static func shipped() throws -> PrivateTagKnowledge {
        guard let url = Bundle.module.url(forResource: "tcia-private-tag-kb", withExtension: "csv"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw EngineError(.profile, "the private tag knowledge base is missing from the installation")
        }
        return PrivateTagKnowledge(csv: text)
    }

    /// Rows look like `"(0019,""GEMS_ACQU_01"",0c)",Unknown,DS,k`, the signature's last parenthesis
    /// naming group, creator and element byte; earlier ones the enclosing sequences, which we ignore
    /// because the same element is matched at any depth.
    public init(csv: String) {
        var entries: [Key: PrivateDisposition] = [:]
        for line in csv.split(whereSeparator: \.isNewline).dropFirst() {
            guard let comma = line.lastIndex(of: ",") else { continue }
            let code = line[line.index(after: comma)...].trimmingCharacters(in: .whitespaces).lowercased()
            guard let disposition = PrivateDisposition(rawValue: code == "oi" ? "o" : code),
                  let open = line.range(of: "](", options: .backwards)?.upperBound ?? line.range(of: "(")?.upperBound,
                  let close = line[open...].firstIndex(of: ")") else { continue }
            let signature = line[open..<close]
            guard let firstComma = signature.firstIndex(of: ","),
                  let lastComma = signature.lastIndex(of: ","), firstComma < lastComma,
                  let group = UInt16(signature[..<firstComma], radix: 16),
                  let element = UInt8(signature[signature.index(after: lastComma)...], radix: 16) else { continue }
            let creator = Self.normalise(signature[signature.index(after: firstComma)..<lastComma])
            guard !creator.isEmpty else { continue }
            let key = Key(group: group, creator: creator, element: element)
            if let existing = entries[key], existing.caution >= disposition.caution { continue }
            entries[key] = disposition
        }
        self.entries = entries
    }

    static func normalise(_ creator: some StringProtocol) -> String {
        String(creator.filter { $0 != "\"" }).trimmingCharacters(in: .whitespaces).uppercased()
    }

    public func disposition(group: UInt16, creator: String, element: UInt8) -> PrivateDisposition? {
        entries[Key(group: group, creator: Self.normalise(creator), element: element)]
    }
}
