// CTPScriptImporter: reads RSNA CTP's DicomPixelAnonymizer.script into device templates.
import Foundation

/// The script is `{ signature } (x,y,w,h) (x,y,w,h) ...` repeated; text outside braces and
/// parentheses is comment (CTP wiki, "The CTP DICOM Pixel Anonymizer"). As in CTP's PixelScript,
/// a signature's regions are every parenthesised group between its closing brace and the next
/// opening one. Signatures use CTP's script language: `*` and, `+` or, `!` not, parentheses, and
/// operands `Keyword.method("value")` or `[gggg,eeee].method("value")`, with `!` binding tightest
/// and `*` before `+`, as CTP's DicomObject.matches evaluates them. A region stays (x, y, w, h) as
/// written; CTP itself blanks one pixel more to the right and below (its row and column ranges
/// include their end), which a redactor's margin covers.
public enum CTPScriptImporter {
    public static func importFile(at path: String, createdAt: String = DeviceTemplate.now()) throws -> ImportResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError(.io, "cannot read the template file")
        }
        let text = String(decoding: data, as: UTF8.self)
        return parse(text, fileName: (path as NSString).lastPathComponent, createdAt: createdAt)
    }

    public static func parse(_ text: String, fileName: String, createdAt: String = DeviceTemplate.now()) -> ImportResult {
        let scalars = Array(text.unicodeScalars)
        let lines = LineIndex(scalars)
        var result = ImportResult()
        var names = NameCounter()
        var heading = Heading()
        var position = 0
        while position < scalars.count {
            guard let open = scalars[position...].firstIndex(of: "{") else {
                heading.read(String(String.UnicodeScalarView(scalars[position...])))
                break
            }
            heading.read(String(String.UnicodeScalarView(scalars[position..<open])))
            guard let close = scalars[open...].firstIndex(of: "}") else {
                result.problems.append(ImportProblem(line: lines.line(at: open), reason: "signature has no closing brace"))
                break
            }
            let nextOpen = scalars[(close + 1)...].firstIndex(of: "{") ?? scalars.count
            let tail = Regions(scalars, from: close + 1, to: nextOpen, lines: lines)
            position = tail.commentEnd
            var parser = SignatureParser(scalars: scalars, position: open + 1, end: close, lines: lines)
            do {
                let expression = try parser.parse()
                if let problem = tail.problem { throw problem }
                result.templates.append(DeviceTemplate(
                    name: names.unique(heading.name), signature: DeviceSignature(expression),
                    rectangles: tail.rectangles, source: .ctp, createdAt: createdAt,
                    sourceFile: fileName, sourceLine: lines.line(at: open)))
            } catch let problem as ImportProblem {
                _ = names.unique(heading.name)
                result.problems.append(problem)
            } catch {
                result.problems.append(ImportProblem(line: lines.line(at: open), reason: "signature cannot be read"))
            }
        }
        return result
    }

    /// The regions after one signature and the comment text that follows them, up to the next signature.
    struct Regions {
        var rectangles: [PixelRect] = []
        var problem: ImportProblem?
        /// Where the comment that names the next signature starts: after the last region.
        var commentEnd: Int

        init(_ scalars: [Unicode.Scalar], from start: Int, to end: Int, lines: LineIndex) {
            commentEnd = start
            var i = start
            while i < end {
                guard scalars[i] == "(" else { i += 1; continue }
                guard let close = scalars[i..<end].firstIndex(of: ")") else {
                    problem = problem ?? ImportProblem(line: lines.line(at: i), reason: "region has no closing parenthesis")
                    break
                }
                let inner = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
                let numbers = inner.split(separator: ",", omittingEmptySubsequences: false)
                    .map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                if numbers.count == 4, numbers.allSatisfy({ $0 != nil }) {
                    let rect = PixelRect(x: numbers[0]!, y: numbers[1]!, width: numbers[2]!, height: numbers[3]!)
                    if rect.isEmpty {
                        problem = problem ?? ImportProblem(line: lines.line(at: i), reason: "region \(rect) has no area")
                    }
                    rectangles.append(rect)
                } else {
                    problem = problem ?? ImportProblem(line: lines.line(at: i), reason: "region is not four integers (x,y,w,h)")
                }
                i = close + 1
                commentEnd = i
            }
        }
    }

    /// Names signatures from the comment headings above them: a banner between rows of asterisks
    /// is the modality, an unindented line the vendor, an indented line the device or series.
    struct Heading {
        var modality: String?
        var vendor: String?
        var detail: String?
        var inBanner = false

        mutating func read(_ comment: String) {
            for raw in comment.split(separator: "\n", omittingEmptySubsequences: false) {
                let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                if line.isEmpty { continue }
                if line.allSatisfy({ $0 == "*" }) {
                    inBanner.toggle()
                    if inBanner { modality = nil; vendor = nil; detail = nil }
                } else if inBanner {
                    modality = Self.collapsed(line)
                } else if raw.first == " " || raw.first == "\t" {
                    detail = Self.collapsed(line)
                } else {
                    vendor = Self.collapsed(line)
                    detail = nil
                }
            }
        }

        var name: String {
            let parts = [modality, vendor, detail].compactMap { $0 }
            return parts.isEmpty ? "CTP signature" : parts.joined(separator: " / ")
        }

        static func collapsed(_ text: String) -> String {
            let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard words.count > 60 else { return words }
            let cut = words.prefix(60)
            return String(cut[..<(cut.lastIndex(of: " ") ?? cut.endIndex)]) + "..."
        }
    }
}

/// Line numbers of offsets into a text.
struct LineIndex {
    private var starts: [Int] = [0]

    init(_ scalars: [Unicode.Scalar]) {
        for (i, s) in scalars.enumerated() where s == "\n" { starts.append(i + 1) }
    }

    func line(at offset: Int) -> Int {
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }
}

/// Recursive descent over one signature: or := and ('+' and)*; and := unary ('*' unary)*;
/// unary := '!' unary | '(' or ')' | operand. `//` starts a comment to the end of the line.
struct SignatureParser {
    let scalars: [Unicode.Scalar]
    var position: Int
    let end: Int
    let lines: LineIndex

    mutating func parse() throws -> DeviceSignature.Expression {
        skipSpace()
        guard position < end else { throw fail("signature is empty") }
        let expression = try parseOr()
        skipSpace()
        guard position >= end else { throw fail("unexpected '\(scalars[position])' in signature") }
        return expression
    }

    private mutating func parseOr() throws -> DeviceSignature.Expression {
        var parts = [try parseAnd()]
        while peek() == "+" { position += 1; parts.append(try parseAnd()) }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    private mutating func parseAnd() throws -> DeviceSignature.Expression {
        var parts = [try parseUnary()]
        while peek() == "*" { position += 1; parts.append(try parseUnary()) }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private mutating func parseUnary() throws -> DeviceSignature.Expression {
        switch peek() {
        case "!":
            position += 1
            return .not(try parseUnary())
        case "(":
            position += 1
            let inner = try parseOr()
            guard peek() == ")" else { throw fail("expected ')'") }
            position += 1
            return inner
        case nil:
            throw fail("signature ends where a condition should be")
        default:
            return try parseOperand()
        }
    }

    private mutating func parseOperand() throws -> DeviceSignature.Expression {
        let start = position
        var attribute: String
        if scalars[position] == "[" {
            guard let close = scalars[position..<end].firstIndex(of: "]") else { throw fail("tag has no closing bracket") }
            attribute = text(position...close)
            position = close + 1
        } else {
            attribute = word()
            guard !attribute.isEmpty else { throw fail("unexpected '\(scalars[position])' in signature") }
            if attribute == "true" || attribute == "false", peek() != "." {
                return .constant(attribute == "true")
            }
        }
        guard peek() == "." else { throw fail("expected '.' and a method after \(attribute)") }
        position += 1
        skipSpace()
        let method = word()
        guard let op = Self.methods[method] else {
            throw fail(method.isEmpty ? "missing method after \(attribute)" : "unknown method '\(method)'")
        }
        guard peek() == "(" else { throw fail("expected '(' after \(method)") }
        position += 1
        guard peek() == "\"" else { throw fail("expected a quoted value after \(method)(") }
        position += 1
        guard let quote = scalars[position..<end].firstIndex(of: "\"") else { throw fail("value has no closing quote") }
        let value = text(position..<quote)
        position = quote + 1
        guard peek() == ")" else { throw fail("expected ')' after the value") }
        position += 1
        if op.isRegex, !RegexCache.isValid(value) {
            throw ImportProblem(line: lines.line(at: start), reason: "value of \(method) is not a valid regular expression")
        }
        guard let predicate = DeviceSignature.Predicate(attribute: attribute, op: op, value: value) else {
            throw ImportProblem(line: lines.line(at: start), reason: "unknown attribute '\(attribute)'")
        }
        return .predicate(predicate)
    }

    static let methods: [String: DeviceSignature.Operator] = [
        "equals": .equals, "equalsIgnoreCase": .equalsIgnoreCase, "matches": .matches,
        "contains": .contains, "containsIgnoreCase": .containsIgnoreCase,
        "startsWith": .startsWith, "startsWithIgnoreCase": .startsWithIgnoreCase,
        "endsWith": .endsWith, "endsWithIgnoreCase": .endsWithIgnoreCase,
    ]

    private mutating func word() -> String {
        let start = position
        while position < end, scalars[position].properties.isAlphabetic || ("0"..."9").contains(scalars[position])
            || scalars[position] == "_" { position += 1 }
        return text(start..<position)
    }

    private mutating func peek() -> Unicode.Scalar? {
        skipSpace()
        return position < end ? scalars[position] : nil
    }

    private mutating func skipSpace() {
        while position < end {
            if scalars[position].properties.isWhitespace {
                position += 1
            } else if scalars[position] == "/", position + 1 < end, scalars[position + 1] == "/" {
                while position < end, scalars[position] != "\n" { position += 1 }
            } else {
                return
            }
        }
    }

    private func text<R: RangeExpression<Int>>(_ range: R) -> String {
        String(String.UnicodeScalarView(scalars[range]))
    }

    private func fail(_ reason: String) -> ImportProblem {
        ImportProblem(line: lines.line(at: min(position, max(end - 1, 0))), reason: reason)
    }
}
