// Crosswalk: the old-to-new map of UIDs and Patient IDs for the data controller (CSV, mode 0600, only when asked).
import Foundation

struct Crosswalk {
    private var rows: Set<Row> = []

    struct Row: Hashable, Comparable {
        let kind: String
        let original: String
        let replacement: String
        static func < (a: Row, b: Row) -> Bool { (a.kind, a.original, a.replacement) < (b.kind, b.original, b.replacement) }
    }

    mutating func add(input: String, output: String, result: ScrubResult) {
        rows.insert(Row(kind: "file", original: input, replacement: output))
        rows.insert(Row(kind: "patient-id", original: result.originalPatientID, replacement: result.patientPseudonym))
        for (original, replacement) in result.uids {
            rows.insert(Row(kind: "uid", original: original, replacement: replacement))
        }
    }

    /// Takes back the file row of an input that turned out a duplicate; the UIDs it shares with
    /// the input delivered in its place stay.
    mutating func remove(input: String, output: String) {
        rows.remove(Row(kind: "file", original: input, replacement: output))
    }

    func write(to path: String) throws {
        var text = "kind,original,replacement\n"
        for row in rows.sorted() {
            text += [row.kind, row.original, row.replacement].map(Self.quoted).joined(separator: ",") + "\n"
        }
        try AtomicFile.write(Data(text.utf8), to: path, mode: 0o600)
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
