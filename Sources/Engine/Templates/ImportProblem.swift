// ImportProblem: an entry of a template library that could not be imported, with its line and why.

public struct ImportProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// 1-based line of the source file where the problem is.
    public let line: Int
    /// One line; names attributes and methods as the source spells them, never an image value.
    public let reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// What one import produced: every entry of the source is in exactly one of the two lists.
public struct ImportResult: Sendable {
    public var templates: [DeviceTemplate]
    public var problems: [ImportProblem]

    public init(templates: [DeviceTemplate] = [], problems: [ImportProblem] = []) {
        self.templates = templates
        self.problems = problems
    }

    /// Entries seen in the source: imported plus refused.
    public var entryCount: Int { templates.count + problems.count }
}

/// Unique names within one import: the second "IU22" becomes "IU22 #2", in file order, so a
/// re-import of the same file names every entry the same way again. Names that differ only in
/// case or punctuation ("Screen Captures", "screen captures") count as the same, since they would
/// share a file name.
struct NameCounter {
    private var seen: [String: Int] = [:]

    mutating func unique(_ name: String) -> String {
        let key = TemplateLibrary.slug(name)
        let count = (seen[key] ?? 0) + 1
        seen[key] = count
        return count == 1 ? name : "\(name) #\(count)"
    }
}
