// DeidRecipeImporter: reads the %filter sections of a pydicom/deid recipe into device templates.
import Foundation

/// A recipe's `%filter whitelist|graylist|blacklist` sections hold `LABEL name # (author)` entries:
/// condition lines `contains|notcontains|equals|notequals FIELD VALUE` or `missing|empty|present FIELD`,
/// then `coordinates x0,y0,x1,y1` (corners), `ctpcoordinates x,y,w,h`, `keepcoordinates ...`,
/// `coordinates all` or `... from:SEQUENCE`. Meanings follow deid's own code (deid/dicom/filter.py,
/// deid/config/utils.py, deid/dicom/pixels/detect.py) and its "deid recipe filters" page:
/// - `contains` is a case-insensitive regular-expression search, so `CT|MR` is either; `equals`
///   compares case-insensitively, and here a `|` in its value is read as alternatives too, which is
///   what the recipe's `equals Rows 600|768` plainly means (deid itself would compare the literal).
/// - a missing attribute never contains or equals anything; `empty` is present with no value.
/// - a line is one group whose inline `||` and `+` apply left to right; `+` at the start of a line
///   ands it with what came before, `||` ors it, no prefix ands it; groups apply left to right too,
///   with no precedence, so `missing X || empty X` then `+ contains Y` is (missing or empty) and Y.
///   (Recent deid detect.py code flattens the lines and drops their operators, a regression from
///   the documented and earlier behaviour followed here.)
/// - a LABEL with coordinates and no condition matches every image.
/// The `%header` and other sections hold header actions, not templates, and are skipped.
public enum DeidRecipeImporter {
    public static func importFile(at path: String, createdAt: String = DeviceTemplate.now()) throws -> ImportResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError(.io, "cannot read the template file")
        }
        let text = String(decoding: data, as: UTF8.self)
        return parse(text, fileName: (path as NSString).lastPathComponent, createdAt: createdAt)
    }

    public static func parse(_ text: String, fileName: String, createdAt: String = DeviceTemplate.now()) -> ImportResult {
        var parser = RecipeParser(fileName: fileName, createdAt: createdAt)
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            parser.read(String(raw), line: index + 1)
        }
        parser.finishLabel()
        return parser.result
    }

    static let actions = ["contains", "notcontains", "equals", "notequals", "missing", "empty", "present"]
}

private struct RecipeParser {
    enum Section {
        case none, other
        case filter(DeviceTemplate.FilterList)
        case unknownFilter(String)
    }

    struct Draft {
        let name: String
        let author: String?
        let line: Int
        let list: DeviceTemplate.FilterList
        var expression: DeviceSignature.Expression?
        var rectangles: [PixelRect] = []
        var wholeImage = false
        var keepRectangles: [PixelRect] = []
        var keepRegionsFrom: String?
        var redactRegionsFrom: String?
        var hasCoordinates = false
        var problem: ImportProblem?
    }

    let fileName: String
    let createdAt: String
    var result = ImportResult()
    var section = Section.none
    var draft: Draft?
    var names = NameCounter()

    mutating func read(_ raw: String, line: Int) {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.hasPrefix("#") { return }
        if text.hasPrefix("%") {
            finishLabel()
            let words = text.split(separator: "#", maxSplits: 1)[0].split(whereSeparator: \.isWhitespace)
            if words.first?.lowercased() == "%filter" {
                let name = words.dropFirst().joined(separator: " ")
                section = DeviceTemplate.FilterList(rawValue: name.lowercased()).map(Section.filter) ?? .unknownFilter(name)
            } else {
                section = .other
            }
            return
        }
        let isLabel = text.uppercased().hasPrefix("LABEL") && (text.count == 5 || text.dropFirst(5).first!.isWhitespace)
        switch section {
        case .none, .other:
            return
        case .unknownFilter(let name):
            if isLabel {
                result.problems.append(ImportProblem(
                    line: line, reason: "filter list '\(name)' is not whitelist, graylist or blacklist"))
            }
        case .filter(let list):
            if isLabel {
                finishLabel()
                startLabel(String(text.dropFirst(5)), list: list, line: line)
            } else if draft == nil {
                result.problems.append(ImportProblem(line: line, reason: "condition outside a LABEL"))
            } else if draft!.problem == nil {
                do { try readMember(text, line: line) } catch let problem as ImportProblem {
                    draft!.problem = problem
                } catch {
                    draft!.problem = ImportProblem(line: line, reason: "line cannot be read")
                }
            }
        }
    }

    mutating func startLabel(_ rest: String, list: DeviceTemplate.FilterList, line: Int) {
        let parts = rest.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts[0].trimmingCharacters(in: .whitespaces)
        var author = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        if author.hasPrefix("("), author.hasSuffix(")") { author = String(author.dropFirst().dropLast()) }
        draft = Draft(name: name.isEmpty ? "deid filter" : name, author: author.isEmpty ? nil : author, line: line, list: list)
    }

    mutating func finishLabel() {
        guard let d = draft else { return }
        draft = nil
        let name = names.unique(d.name)
        if let problem = d.problem {
            result.problems.append(problem)
            return
        }
        guard d.expression != nil || d.hasCoordinates else {
            result.problems.append(ImportProblem(line: d.line, reason: "LABEL has neither a condition nor coordinates"))
            return
        }
        result.templates.append(DeviceTemplate(
            name: name, signature: DeviceSignature(d.expression ?? .constant(true)), rectangles: d.rectangles,
            source: .deid, author: d.author, createdAt: createdAt, filterList: d.list, wholeImage: d.wholeImage,
            keepRectangles: d.keepRectangles, keepRegionsFrom: d.keepRegionsFrom, redactRegionsFrom: d.redactRegionsFrom,
            sourceFile: fileName, sourceLine: d.line))
    }

    mutating func readMember(_ text: String, line: Int) throws {
        let lower = text.lowercased()
        for keyword in ["ctpkeepcoordinates", "keepcoordinates", "ctpcoordinates", "coordinates"]
        where lower.hasPrefix(keyword) && (lower.count == keyword.count || lower.dropFirst(keyword.count).first!.isWhitespace) {
            try readCoordinates(String(text.dropFirst(keyword.count)), keep: keyword.contains("keep"),
                                corners: !keyword.hasPrefix("ctp"), line: line)
            return
        }
        var body = Substring(text)
        var joiner = "and"
        if body.hasPrefix("||") {
            joiner = "or"
            body = body.dropFirst(2)
        } else if body.hasPrefix("+") {
            body = body.dropFirst()
        }
        let group = try Self.conditionGroup(body.trimmingCharacters(in: .whitespaces), line: line)
        draft!.expression = draft!.expression.map { Self.combine($0, joiner, group) } ?? group
    }

    mutating func readCoordinates(_ rest: String, keep: Bool, corners: Bool, line: Int) throws {
        let value = rest.trimmingCharacters(in: .whitespaces)
        draft!.hasCoordinates = true
        if value.lowercased() == "all" {
            guard !keep else { throw ImportProblem(line: line, reason: "keeping the whole image redacts nothing") }
            draft!.wholeImage = true
            return
        }
        if value.lowercased().hasPrefix("from:") {
            let field = String(value.dropFirst(5)).trimmingCharacters(in: .whitespaces)
            guard DeviceSignature.Predicate.resolve(field) != nil else {
                throw ImportProblem(line: line, reason: "unknown attribute '\(field)'")
            }
            if keep { draft!.keepRegionsFrom = field } else { draft!.redactRegionsFrom = field }
            return
        }
        let numbers = value.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 4, numbers.allSatisfy({ $0 != nil }) else {
            throw ImportProblem(line: line, reason: "coordinates are not four integers")
        }
        let n = numbers.map { $0! }
        let rect = corners
            ? PixelRect(x: n[0], y: n[1], width: n[2] - n[0], height: n[3] - n[1])
            : PixelRect(x: n[0], y: n[1], width: n[2], height: n[3])
        guard !rect.isEmpty else { throw ImportProblem(line: line, reason: "region \(rect) has no area") }
        if keep { draft!.keepRectangles.append(rect) } else { draft!.rectangles.append(rect) }
    }

    /// One line: conditions joined by inline `||` or `+`, applied left to right. An operator counts
    /// only where a condition follows it, so `SOMATOM Definition AS+` and `DERIVED+SECONDARY` stay values.
    static func conditionGroup(_ text: String, line: Int) throws -> DeviceSignature.Expression {
        var conditions: [(joiner: String, text: Substring)] = []
        var current = Substring(text)
        var joiner = "and"
        var from = current.startIndex
        while true {
            let or = current[from...].range(of: "||"), and = current[from...].range(of: "+")
            guard let found = [or, and].compactMap({ $0 }).min(by: { $0.lowerBound < $1.lowerBound }) else { break }
            let rest = current[found.upperBound...].drop { $0.isWhitespace }
            let word = rest.prefix { !$0.isWhitespace }.lowercased()
            if DeidRecipeImporter.actions.contains(word) {
                conditions.append((joiner, current[..<found.lowerBound]))
                joiner = current[found] == "||" ? "or" : "and"
                current = rest
                from = current.startIndex
            } else {
                from = found.upperBound
            }
        }
        conditions.append((joiner, current))
        var expression: DeviceSignature.Expression?
        for condition in conditions {
            let next = try Self.condition(condition.text.trimmingCharacters(in: .whitespaces), line: line)
            expression = expression.map { combine($0, condition.joiner, next) } ?? next
        }
        return expression!
    }

    static func condition(_ text: String, line: Int) throws -> DeviceSignature.Expression {
        let words = text.split(maxSplits: 2, whereSeparator: \.isWhitespace)
        guard let first = words.first else { throw ImportProblem(line: line, reason: "empty condition") }
        let action = first.lowercased()
        guard DeidRecipeImporter.actions.contains(action) else {
            throw ImportProblem(line: line, reason: "unknown filter action '\(first)'")
        }
        guard words.count > 1 else { throw ImportProblem(line: line, reason: "\(action) needs a field") }
        let field = String(words[1])
        let value = words.count > 2 ? words[2].trimmingCharacters(in: .whitespaces) : ""
        let op: DeviceSignature.Operator
        switch action {
        case "contains", "notcontains": op = .search
        case "equals", "notequals": op = .equalsAny
        case "missing": op = .missing
        case "present": op = .present
        default: op = .empty
        }
        if op.takesValue, value.isEmpty { throw ImportProblem(line: line, reason: "\(action) \(field) needs a value") }
        if !op.takesValue, !value.isEmpty {
            throw ImportProblem(line: line, reason: "\(action) takes a field and no value")
        }
        if op == .search, !RegexCache.isValid(value) {
            throw ImportProblem(line: line, reason: "value of contains \(field) is not a valid regular expression")
        }
        guard let predicate = DeviceSignature.Predicate(attribute: field, op: op, value: value) else {
            throw ImportProblem(line: line, reason: "unknown attribute '\(field)'")
        }
        return action.hasPrefix("not") ? .not(.predicate(predicate)) : .predicate(predicate)
    }

    /// Left to right: `(a and b) or c` stays as written, runs of one operator become one list.
    static func combine(_ lhs: DeviceSignature.Expression, _ joiner: String, _ rhs: DeviceSignature.Expression)
        -> DeviceSignature.Expression {
        switch (joiner, lhs) {
        case ("and", .and(let parts)): return .and(parts + [rhs])
        case ("and", _): return .and([lhs, rhs])
        case (_, .or(let parts)): return .or(parts + [rhs])
        default: return .or([lhs, rhs])
        }
    }
}
