// DicomItem+Walk: one recursive walk over every element at every depth, with its tag path, for listings and checks.

/// One element met by `walk`, with where it sits.
public struct WalkedElement {
    /// "(0040,0275)[1](0032,1032)": the tag path through sequences, items numbered from 1.
    public let path: String
    public let element: DicomElement
    /// The item holding the element and its index there, to read its value.
    public let item: DicomItem
    public let index: Int
    /// 0 for the dataset (or meta header) itself.
    public let depth: Int
    /// The sequence tags above the element, outermost first.
    public let ancestors: [Tag]

    public var tag: Tag { element.tag }
}

extension DicomItem {
    /// Visits every element in tag order, a sequence before its items' elements. `prefix` starts
    /// the paths (empty for the dataset). Nothing may be removed or added while walking.
    public func walk(prefix: String = "", depth: Int = 0, ancestors: [Tag] = [], _ body: (WalkedElement) throws -> Void) rethrows {
        for index in 0..<count {
            let element = element(at: index)
            let path = prefix + element.tag.description
            try body(WalkedElement(path: path, element: element, item: self, index: index, depth: depth, ancestors: ancestors))
            guard element.isSequence else { continue }
            for (n, child) in items(at: index).enumerated() {
                try child.walk(prefix: path + "[\(n + 1)]", depth: depth + 1, ancestors: ancestors + [element.tag], body)
            }
        }
    }
}
