// DicomItem+Walk: one recursive walk over every element at every depth, with its tag path, for listings and checks.

/// One element met by `walk`, with where it sits.
public struct WalkedElement {
    /// The path of the item holding the element: "" for the dataset, "(0040,0275)[1]" inside a sequence.
    public let prefix: String
    public let element: DicomElement
    /// The item holding the element and its index there, to read its value.
    public let item: DicomItem
    public let index: Int
    /// 0 for the dataset (or meta header) itself.
    public let depth: Int
    /// The sequence tags above the element, outermost first.
    public let ancestors: [Tag]

    public var tag: Tag { element.tag }

    /// "(0040,0275)[1](0032,1032)": the tag path through sequences, items numbered from 1.
    /// Made when asked: a check walks every element of every file and needs few paths.
    public var path: String { prefix + element.tag.description }
}

extension DicomItem {
    /// Visits every element in tag order, a sequence before its items' elements. `prefix` starts
    /// the paths (empty for the dataset). Nothing may be removed or added while walking.
    public func walk(prefix: String = "", depth: Int = 0, ancestors: [Tag] = [], _ body: (WalkedElement) throws -> Void) rethrows {
        for (index, element) in elements.enumerated() {
            let walked = WalkedElement(prefix: prefix, element: element, item: self, index: index, depth: depth, ancestors: ancestors)
            try body(walked)
            guard element.isSequence else { continue }
            let path = walked.path
            for (n, child) in items(at: index).enumerated() {
                try child.walk(prefix: path + "[\(n + 1)]", depth: depth + 1, ancestors: ancestors + [element.tag], body)
            }
        }
    }
}
