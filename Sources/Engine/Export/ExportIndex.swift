// ExportIndex: index.csv of an export folder, one row per exported file, from the de-identified datasets only.
import Foundation

/// Rows are collected in memory under a lock and the whole file is rewritten atomically by
/// `write()`, rather than appended as they come: a reader (or a killed run) then sees a complete
/// index or the previous one, never a torn last line, and rows come out sorted by file whatever
/// order the worker threads finished in. An index found in the folder is read first, so a resumed
/// run keeps the rows of the files an earlier run wrote; a row for a file written again replaces
/// the old one.
public final class ExportIndex: @unchecked Sendable {
    public static let columns = ["file", "sop_instance_uid", "frame_count", "width", "height", "modality", "format"]
    public static let fileName = "index.csv"

    public let path: String
    private let lock = NSLock()
    private var rows: [String: [String]] = [:]

    /// Opens the index of `folder`, keeping the rows of an index already there.
    public init(folder: String) throws {
        path = folder + "/" + Self.fileName
        guard FileManager.default.fileExists(atPath: path) else { return }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError(.io, "cannot read the export index \(Self.fileName)")
        }
        let table = try Self.parse(String(decoding: data, as: UTF8.self))
        guard let header = table.first, header == Self.columns else {
            throw EngineError(.malformed, "the export index \(Self.fileName) has other columns; move it away")
        }
        for row in table.dropFirst() where row.count == Self.columns.count {
            rows[row[0]] = row
        }
    }

    /// Adds one row per file of `image`; `subfolder` is where the exporter wrote, relative to the index.
    public func add(_ image: ExportedImage, subfolder: String = "") {
        let prefix = subfolder.isEmpty ? "" : (subfolder.hasSuffix("/") ? subfolder : subfolder + "/")
        let added = image.files.map { file in
            [prefix + file, image.sopInstanceUID, String(image.framesPerFile), String(image.width),
             String(image.height), image.modality, image.format.rawValue]
        }
        lock.lock()
        defer { lock.unlock() }
        for row in added { rows[row[0]] = row }
    }

    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return rows.count
    }

    /// Writes every row so far to index.csv atomically. Call at the end of a run, and as often as
    /// the caller likes before (each call rewrites the whole file).
    public func write() throws {
        lock.lock()
        let sorted = rows.values.sorted { $0[0] < $1[0] }
        lock.unlock()
        var text = Self.line(Self.columns)
        for row in sorted { text += Self.line(row) }
        try AtomicFile.write(Data(text.utf8), to: path)
    }

    /// RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled, lines end CRLF.
    static func line(_ fields: [String]) -> String {
        fields.map { field in
            let special = field.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
            return special ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\r\n"
    }

    /// RFC 4180 records, quoted fields may hold commas, doubled quotes and line breaks.
    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, afterQuote = false, any = false
        var chars = text.makeIterator()
        var pending: Character?
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; afterQuote = true; pending = next }
                    } else { quoted = false }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true; any = true
            case ",":
                record.append(field); field = ""; afterQuote = false; any = true
            case "\r\n", "\n", "\r":
                if any || !field.isEmpty { record.append(field); records.append(record) }
                record = []; field = ""; afterQuote = false; any = false
            default:
                guard !afterQuote else { throw EngineError(.malformed, "the export index \(fileName) is not valid CSV") }
                field.append(c); any = true
            }
        }
        if quoted { throw EngineError(.malformed, "the export index \(fileName) ends inside a quoted field") }
        if any || !field.isEmpty { record.append(field); records.append(record) }
        return records
    }
}
