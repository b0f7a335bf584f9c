// HeaderListing: a file's elements flattened with their sequence paths, and the differences between two files.

public struct ListedElement: Sendable, Equatable {
    /// "(0040,0275)[1](0032,1032)": the tag path through sequences, items numbered from 1.
    public let path: String
    public let vr: String
    /// Text as decoded (charset applied); binary values as "<N bytes>".
    public let value: String
}

public enum HeaderListing {
    public static func list(_ file: DicomFile) -> [ListedElement] {
        let charset = file.dataset.string(.specificCharacterSet) ?? ""
        var out: [ListedElement] = []
        file.dataset.walk { walked in
            let element = walked.element, item = walked.item
            if element.isSequence {
                out.append(ListedElement(path: walked.path, vr: "SQ", value: "<\(item.items(at: walked.index).count) items>"))
            } else if element.isString, let raw = item.stringBytes(at: walked.index) {
                let text = DicomText.decode(raw, charset: charset) ?? "<\(raw.count) bytes, undecodable>"
                out.append(ListedElement(path: walked.path, vr: element.vr.description, value: DicomText.trimmed(text)))
            } else {
                out.append(ListedElement(path: walked.path, vr: element.vr.description, value: "<\(element.length) bytes>"))
            }
        }
        return out
    }

    public struct Change: Sendable, Equatable {
        public let path: String
        public let before: String?
        public let after: String?
    }

    /// What changed from `before` to `after`, in path order: removed, emptied, replaced, added.
    public static func changes(from before: [ListedElement], to after: [ListedElement]) -> [Change] {
        let old = Dictionary(before.map { ($0.path, $0.value) }, uniquingKeysWith: { a, _ in a })
        let new = Dictionary(after.map { ($0.path, $0.value) }, uniquingKeysWith: { a, _ in a })
        return Set(old.keys).union(new.keys).sorted().compactMap { path in
            old[path] == new[path] ? nil : Change(path: path, before: old[path], after: new[path])
        }
    }
}
