// DeviceSignature: the header condition under which a device template applies, as a small and/or/not tree.
import Foundation

public struct DeviceSignature: Hashable, Sendable, CustomStringConvertible {
    /// How one attribute is compared. CTP's methods keep CTP's meaning (a missing attribute reads as
    /// the empty string, as CTP's `getElementValue(tag, "")` gives); deid's filters keep deid's (a
    /// missing attribute never matches), so both libraries mean here what they mean at home.
    public enum Operator: String, Codable, Sendable, CaseIterable {
        case equals, equalsIgnoreCase
        case contains, containsIgnoreCase
        case startsWith, startsWithIgnoreCase
        case endsWith, endsWithIgnoreCase
        /// CTP `matches`: Java's `String.matches`, the whole value against a regular expression.
        case matches
        /// deid `contains`: a case-insensitive regular expression found anywhere in the value
        /// (so `A400|A500` is either); false when the attribute is missing.
        case search
        /// deid `equals`: case-insensitive equality with one of the `|`-separated alternatives;
        /// false when the attribute is missing.
        case equalsAny
        /// deid `missing`, `present` and `empty` (present with a zero-length value).
        case missing, present, empty

        public var takesValue: Bool { !(self == .missing || self == .present || self == .empty) }
        var isRegex: Bool { self == .matches || self == .search }
    }

    /// `attribute op value`, the attribute named by keyword or as "(gggg,eeee)".
    public struct Predicate: Hashable, Sendable, CustomStringConvertible {
        public let attribute: String
        public let tag: Tag
        public let op: Operator
        public let value: String

        /// Nil when the attribute is neither a keyword of the data dictionary nor a tag.
        public init?(attribute: String, op: Operator, value: String = "") {
            let name = attribute.trimmingCharacters(in: .whitespaces)
            guard let tag = Self.resolve(name) else { return nil }
            self.attribute = Tag(keyword: name) == nil ? tag.description : name
            self.tag = tag
            self.op = op
            self.value = op.takesValue ? value : ""
        }

        /// A keyword ("SeriesDescription") or a tag in any usual spelling: "(0008,103E)",
        /// "[0008,103E]", "0008,103E", "0008103E", "0x0008103E".
        public static func resolve(_ attribute: String) -> Tag? {
            let text = attribute.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            if let tag = Tag(keyword: text) { return tag }
            var hex = text
            if hex.lowercased().hasPrefix("0x") { hex.removeFirst(2) }
            let allowed = CharacterSet(charactersIn: "0123456789abcdefABCDEF,()[] ")
            guard hex.unicodeScalars.allSatisfy({ allowed.contains($0) }) else { return nil }
            return Tag(parsing: hex)
        }

        public var description: String {
            op.takesValue ? "\(attribute) \(op.rawValue) \"\(value)\"" : "\(attribute) \(op.rawValue)"
        }
    }

    public indirect enum Expression: Hashable, Sendable, CustomStringConvertible {
        case predicate(Predicate)
        case not(Expression)
        case and([Expression])
        case or([Expression])
        /// CTP's `true` and `false`; a deid filter with coordinates and no condition is `true`.
        case constant(Bool)

        public var description: String { render(top: true) }

        func render(top: Bool) -> String {
            switch self {
            case .predicate(let p): return p.description
            case .constant(let value): return value ? "true" : "false"
            case .not(let inner): return "not " + inner.render(top: false)
            case .and(let parts): return group(parts.map { $0.render(top: false) }.joined(separator: " and "), top)
            case .or(let parts): return group(parts.map { $0.render(top: false) }.joined(separator: " or "), top)
            }
        }

        private func group(_ text: String, _ top: Bool) -> String { top ? text : "(" + text + ")" }

        /// The predicates every match needs: those reached from the root through `and` only.
        var requiredPredicates: [Predicate] {
            switch self {
            case .predicate(let p): return [p]
            case .and(let parts): return parts.flatMap(\.requiredPredicates)
            default: return []
            }
        }
    }

    public let expression: Expression
    /// The common fields the expression pins (every match needs them), for display and grouping.
    public let manufacturer: String?
    public let model: String?
    public let rows: Int?
    public let columns: Int?

    public init(_ expression: Expression) {
        self.expression = expression
        let required = expression.requiredPredicates
        func text(_ tag: Tag) -> String? {
            required.first { $0.tag == tag && $0.op.takesValue }.map(\.value)
        }
        func number(_ tag: Tag) -> Int? {
            let exact: Set<Operator> = [.equals, .equalsIgnoreCase, .equalsAny]
            return required.first { $0.tag == tag && exact.contains($0.op) }.flatMap { Int($0.value) }
        }
        manufacturer = text(.manufacturer)
        model = text(.manufacturerModelName)
        rows = number(Tag(0x0028, 0x0010))
        columns = number(Tag(0x0028, 0x0011))
    }

    public var description: String { expression.description }

    public static func == (a: DeviceSignature, b: DeviceSignature) -> Bool { a.expression == b.expression }
    public func hash(into hasher: inout Hasher) { hasher.combine(expression) }
}

// Readable JSON: {"attribute": "Rows", "op": "equals", "value": "512"}, {"and": [...]}, {"or": [...]},
// {"not": {...}}, {"constant": true}; the pinned fields are written for the reader and recomputed on load.
extension DeviceSignature: Codable {
    private enum Keys: String, CodingKey {
        case expression, manufacturer, model, rows, columns
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(try container.decode(Expression.self, forKey: .expression))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(expression, forKey: .expression)
        try container.encodeIfPresent(manufacturer, forKey: .manufacturer)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encodeIfPresent(rows, forKey: .rows)
        try container.encodeIfPresent(columns, forKey: .columns)
    }
}

extension DeviceSignature.Expression: Codable {
    private enum Keys: String, CodingKey {
        case attribute, op, value, not, and, or, constant
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if let parts = try c.decodeIfPresent([Self].self, forKey: .and) {
            self = .and(parts)
        } else if let parts = try c.decodeIfPresent([Self].self, forKey: .or) {
            self = .or(parts)
        } else if let inner = try c.decodeIfPresent(Self.self, forKey: .not) {
            self = .not(inner)
        } else if let value = try c.decodeIfPresent(Bool.self, forKey: .constant) {
            self = .constant(value)
        } else {
            let attribute = try c.decode(String.self, forKey: .attribute)
            let op = try c.decode(DeviceSignature.Operator.self, forKey: .op)
            let value = try c.decodeIfPresent(String.self, forKey: .value) ?? ""
            guard let predicate = DeviceSignature.Predicate(attribute: attribute, op: op, value: value) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .attribute, in: c, debugDescription: "unknown attribute \(attribute)")
            }
            self = .predicate(predicate)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .predicate(let p):
            try c.encode(p.attribute, forKey: .attribute)
            try c.encode(p.op, forKey: .op)
            if p.op.takesValue { try c.encode(p.value, forKey: .value) }
        case .not(let inner): try c.encode(inner, forKey: .not)
        case .and(let parts): try c.encode(parts, forKey: .and)
        case .or(let parts): try c.encode(parts, forKey: .or)
        case .constant(let value): try c.encode(value, forKey: .constant)
        }
    }
}
