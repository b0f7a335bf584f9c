// Crosswalk: the old-to-new map of UIDs and Patient IDs for the data controller (CSV, mode 0600, only when asked).
import Foundation

struct Crosswalk {
    /// Each row with the number of delivered inputs that gave it: an input that turns out a
    /// duplicate takes back its own rows, and those another input gave too stay.
    private var rows: [Row: Int] = [:]

    struct Row: Hashable, Comparable {
        let kind: String
        let original: String
        let replacement: String
        static func < (a: Row, b: Row) -> Bool { (a.kind, a.original, a.replacement) < (b.kind, b.original, b.replacement) }
    }

    mutating func add(input: String, output: String, result: ScrubResult) {
        for row in Self.rows(input: input, output: output, result: result) { rows[row, default: 0] += 1 }
    }

    /// Takes back what `add` added for an input that turned out a duplicate. `result` is its
    /// scrub done again (nil when that failed: then only its file row goes).
    mutating func remove(input: String, output: String, result: ScrubResult?) {
        let given = result.map { Self.rows(input: input, output: output, result: $0) }
            ?? [Row(kind: "file", original: input, replacement: output)]
        for row in given {
            guard let count = rows[row] else { continue }
            rows[row] = count > 1 ? count - 1 : nil
        }
    }

    /// The rows one input gives: its file, its patient, every UID replaced in it.
    private static func rows(input: String, output: String, result: ScrubResult) -> [Row] {
        [Row(kind: "file", original: input, replacement: output),
         Row(kind: "patient-id", original: result.originalPatientID, replacement: result.patientPseudonym)]
            + result.uids.map { Row(kind: "uid", original: $0.key, replacement: $0.value) }
    }

    func write(to path: String) throws {
        var text = "kind,original,replacement\n"
        for row in rows.keys.sorted() {
            text += [row.kind, row.original, row.replacement].map(Self.quoted).joined(separator: ",") + "\n"
        }
        try AtomicFile.write(Data(text.utf8), to: path, mode: 0o600)
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
