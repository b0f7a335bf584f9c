// Conformance: checks an output against its input element by element, at every depth, as Table E.1-1 says.
import Engine
import Foundation
import Testing

struct Finding: CustomStringConvertible {
    let path: String
    let problem: String
    var description: String { "\(path): \(problem)" }
}

enum Conformance {
    static func tags(in path: String) -> [Tag] {
        var tags: [Tag] = []
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") {
            if let tag = Tag(parsing: rest[open...close]) { tags.append(tag) }
            rest = rest[rest.index(after: close)...]
        }
        return tags
    }

    /// Every element of the input judged by its own action, and by its ancestors' (an element inside
    /// a removed or emptied sequence must be gone).
    static func check(input: String, output: String, profile: Profile) throws -> [Finding] {
        let before = HeaderListing.list(try DicomFile.open(path: input))
        let afterList = HeaderListing.list(try DicomFile.open(path: output))
        let after = Dictionary(afterList.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let retainPrivate = profile.options.contains(.retainSafePrivate)
        var findings: [Finding] = []
        for element in before {
            let path = element.path
            let tags = tags(in: path)
            guard let leaf = tags.last, leaf.group != 0x0002 else { continue }
            let out = after[path]
            let ancestors = tags.dropLast()
            // Inside a sequence that was removed or emptied (X, Z, a private one), nothing may remain.
            let prefixes = Self.ancestorPaths(path)
            if prefixes.contains(where: { after[$0] == nil || after[$0]?.value == "<0 items>" }) {
                if out != nil { findings.append(Finding(path: path, problem: "inside a removed sequence, still present")) }
                continue
            }
            if let removed = ancestors.first(where: { profile.action(for: $0) == .remove || profile.action(for: $0) == .zero
                || (!retainPrivate && $0.isPrivate) }) {
                findings.append(Finding(path: path, problem: "the sequence \(removed) should be gone or empty"))
                continue
            }
            if ancestors.contains(Tag.contentSequence) || ancestors.contains(where: { profile.action(for: $0) == .dummy }) { continue }
            if leaf.isPrivate {
                if !retainPrivate && out != nil { findings.append(Finding(path: path, problem: "private element kept")) }
                continue
            }
            if (0x6000...0x601E).contains(leaf.group) || (0x5000...0x501E).contains(leaf.group) {
                if out != nil { findings.append(Finding(path: path, problem: "overlay or curve kept")) }
                continue
            }
            let original = element.value
            let action: Action? = profile.action(for: leaf)
            switch action {
            case .remove?:
                if out != nil { findings.append(Finding(path: path, problem: "X but present")) }
            case .zero?:
                if let out, !out.value.isEmpty, out.value != "<0 items>", !(leaf == .patientName && out.value.hasPrefix("ANON")) {
                    findings.append(Finding(path: path, problem: "Z but not empty"))
                }
            case .dummy?:
                if element.vr == "SQ" { continue }
                if out == nil { findings.append(Finding(path: path, problem: "D but absent")) }
                if let out, !original.isEmpty, out.value == original, !out.value.hasPrefix("ANONYMIZED") {
                    findings.append(Finding(path: path, problem: "D but unchanged"))
                }
            case .uid?:
                if let out, !original.isEmpty, out.value == original || !out.value.hasPrefix("2.25.") {
                    findings.append(Finding(path: path, problem: "U but not replaced"))
                }
                if out == nil { findings.append(Finding(path: path, problem: "U but absent")) }
            case .keep?:
                if element.vr != "SQ", out?.value != original { findings.append(Finding(path: path, problem: "K but changed")) }
            case .clean?:
                if out == nil && !original.isEmpty && element.vr != "DA" && element.vr != "DT" {
                    findings.append(Finding(path: path, problem: "C but absent"))
                }
            case nil:
                let standardUID = original.split(separator: "\\").allSatisfy { $0.hasPrefix("1.2.840.10008.") }
                if element.vr == "UI" && !standardUID { continue }
                if element.vr != "SQ", out?.value != original, !Self.markers.contains(leaf) {
                    findings.append(Finding(path: path, problem: "not in the table, but changed"))
                }
            }
        }
        return findings
    }

    /// "(0040,0275)[1](0032,1032)" -> ["(0040,0275)"]: the sequence elements above a path.
    static func ancestorPaths(_ path: String) -> [String] {
        var result: [String] = []
        var index = path.startIndex
        while let bracket = path[index...].firstIndex(of: "[") {
            result.append(String(path[..<bracket]))
            index = path.index(after: bracket)
        }
        return result
    }

    /// Attributes the scrubber itself sets (E.1.1) or re-encodes.
    static let markers: Set<Tag> = [
        .patientIdentityRemoved, .deidentificationMethod, .longitudinalTemporalInformationModified,
        .specificCharacterSet,
    ]
}
