// DeviceSignature+Evaluation: whether a signature holds for a dataset, reading attributes as trimmed text.
import Foundation

extension DeviceSignature {
    /// True when the dataset (its file meta header for group 0002 attributes, as CTP reads them)
    /// satisfies the expression.
    public func holds(in dataset: DicomItem) -> Bool {
        var reader = AttributeReader(dataset: dataset)
        return holds(&reader)
    }

    /// With a reader shared by every template tried on one dataset, each attribute is read once.
    func holds(_ reader: inout AttributeReader) -> Bool {
        expression.evaluate(&reader)
    }
}

extension DeviceSignature.Expression {
    func evaluate(_ reader: inout AttributeReader) -> Bool {
        switch self {
        case .predicate(let p): return p.evaluate(reader.value(p.tag))
        case .not(let inner): return !inner.evaluate(&reader)
        case .and(let parts):
            for part in parts where !part.evaluate(&reader) { return false }
            return true
        case .or(let parts):
            for part in parts where part.evaluate(&reader) { return true }
            return false
        case .constant(let value): return value
        }
    }
}

/// What a dataset holds under one tag.
enum AttributeValue: Equatable {
    case missing
    /// A sequence, which has no text of its own.
    case sequence
    /// The value as text: each value trimmed of its padding, multiple values joined with a backslash.
    case text(String)
}

extension DeviceSignature.Predicate {
    func evaluate(_ found: AttributeValue) -> Bool {
        switch op {
        case .missing: return found == .missing
        case .present: return found != .missing
        case .empty: return found == .text("")
        case .search:
            guard case .text(let text) = found else { return false }
            return RegexCache.shared.regex(value, caseInsensitive: true).map { $0.found(in: text) } ?? false
        case .equalsAny:
            guard case .text(let text) = found else { return false }
            let element = text.lowercased()
            return value.split(separator: "|", omittingEmptySubsequences: false).contains {
                $0.trimmingCharacters(in: .whitespaces).lowercased() == element
            }
        default:
            // CTP reads a missing attribute (and a sequence) as the empty string.
            guard case .text(let element) = found else { return ctp("") }
            return ctp(element)
        }
    }

    private func ctp(_ element: String) -> Bool {
        let elementLC = element.lowercased(), valueLC = value.lowercased()
        switch op {
        case .equals: return element == value
        case .equalsIgnoreCase: return elementLC == valueLC
        case .contains: return value.isEmpty || element.contains(value)
        case .containsIgnoreCase: return valueLC.isEmpty || elementLC.contains(valueLC)
        case .startsWith: return element.hasPrefix(value)
        case .startsWithIgnoreCase: return elementLC.hasPrefix(valueLC)
        case .endsWith: return element.hasSuffix(value)
        case .endsWithIgnoreCase: return elementLC.hasSuffix(valueLC)
        case .matches:
            // Java's String.matches: the whole value, with backtracking to reach the end.
            return RegexCache.shared.regex("\\A(?:" + value + ")\\z", caseInsensitive: false)?.found(in: element) ?? false
        default: return false
        }
    }
}

/// Reads attributes of one dataset once each.
struct AttributeReader {
    let dataset: DicomItem
    private var cache: [Tag: AttributeValue] = [:]
    private lazy var charset: String = dataset.string(.specificCharacterSet) ?? ""

    init(dataset: DicomItem) {
        self.dataset = dataset
    }

    mutating func value(_ tag: Tag) -> AttributeValue {
        if let known = cache[tag] { return known }
        // File meta attributes (ImplementationVersionName) live in the meta header, not the dataset.
        let found = tag.group == 0x0002
            ? Self.read(tag, in: dataset.file.meta, charset: "")
            : Self.read(tag, in: dataset, charset: charset)
        cache[tag] = found
        return found
    }

    static func read(_ tag: Tag, in item: DicomItem, charset: String) -> AttributeValue {
        guard let index = item.index(of: tag) else { return .missing }
        let element = item.element(at: index)
        if element.isSequence { return .sequence }
        if element.isString {
            guard let bytes = item.stringBytes(at: index) else { return .text("") }
            let text = DicomText.decode(bytes, charset: charset) ?? String(decoding: bytes, as: UTF8.self)
            return .text(text.split(separator: "\\", omittingEmptySubsequences: false)
                .map { DicomText.trimmed(String($0)) }.joined(separator: "\\"))
        }
        guard let bytes = item.bytes(at: index) else { return .text("") }
        return .text(numbers(bytes, vr: element.vr) ?? "")
    }

    /// Binary numbers as decimal text, as dcm4che and pydicom show them ("512", "0.5").
    /// DCMTK hands them out in local byte order.
    static func numbers(_ bytes: [UInt8], vr: VR) -> String? {
        func values<T>(_ type: T.Type, _ text: (T) -> String) -> String {
            let size = MemoryLayout<T>.size
            return stride(from: 0, to: bytes.count - bytes.count % size, by: size).map { offset in
                bytes.withUnsafeBytes { text($0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
            }.joined(separator: "\\")
        }
        switch vr {
        case "US": return values(UInt16.self) { String($0) }
        case "SS": return values(Int16.self) { String($0) }
        case "UL": return values(UInt32.self) { String($0) }
        case "SL": return values(Int32.self) { String($0) }
        case "UV": return values(UInt64.self) { String($0) }
        case "SV": return values(Int64.self) { String($0) }
        case "FL": return values(Float.self) { Self.decimal(Double($0)) }
        case "FD": return values(Double.self) { Self.decimal($0) }
        default: return nil
        }
    }

    private static func decimal(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// Compiled patterns, shared by every worker: a library evaluates the same few dozen for each image.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache()
    private let lock = NSLock()
    private var compiled: [String: NSRegularExpression] = [:]
    private var invalid: Set<String> = []

    func regex(_ pattern: String, caseInsensitive: Bool) -> NSRegularExpression? {
        let key = (caseInsensitive ? "i:" : "s:") + pattern
        lock.lock()
        defer { lock.unlock() }
        if let known = compiled[key] { return known }
        if invalid.contains(key) { return nil }
        guard let made = try? NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : []) else {
            invalid.insert(key)
            return nil
        }
        compiled[key] = made
        return made
    }

    static func isValid(_ pattern: String) -> Bool {
        (try? NSRegularExpression(pattern: pattern)) != nil
    }
}

extension NSRegularExpression {
    func found(in text: String) -> Bool {
        firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
