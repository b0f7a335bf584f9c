// DateShift: moves DA and DT values by whole days (Retain Longitudinal Temporal Information, Modified Dates).

public enum DateShift {
    /// Shifts each value of a DA element ("YYYYMMDD", ranges "A-B", multiple values). Nil when a
    /// value is not a date: the caller then empties the element rather than keep an unshifted date.
    public static func shiftDA(_ value: String, days: Int) -> String? {
        try? mapValues(value) { single in
            try single.split(separator: "-", omittingEmptySubsequences: false).map { part -> String in
                if part.isEmpty { return "" }
                guard let shifted = shiftDate(String(part), days: days) else { throw Invalid() }
                return shifted
            }.joined(separator: "-")
        }
    }

    /// Shifts the date part of DT values ("YYYYMMDDHHMMSS.FFFFFF&ZZXX"); the time of day stays.
    public static func shiftDT(_ value: String, days: Int) -> String? {
        try? mapValues(value) { single in
            guard single.count >= 8, let date = shiftDate(String(single.prefix(8)), days: days) else {
                throw Invalid()
            }
            return date + single.dropFirst(8)
        }
    }

    private struct Invalid: Error {}

    private static func mapValues(_ value: String, _ body: (Substring) throws -> String) throws -> String {
        try value.split(separator: "\\", omittingEmptySubsequences: false).map { single in
            let trimmed = Substring(DicomText.trimmed(String(single)))
            return trimmed.isEmpty ? "" : try body(trimmed)
        }.joined(separator: "\\")
    }

    static func shiftDate(_ text: String, days: Int) -> String? {
        guard text.count == 8, text.allSatisfy(\.isASCIIDigit),
              let y = Int(text.prefix(4)), let m = Int(text.dropFirst(4).prefix(2)), let d = Int(text.suffix(2)),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        let (ny, nm, nd) = civil(fromDays: daysFromCivil(y, m, d) + days)
        return pad(ny, 4) + pad(nm, 2) + pad(nd, 2)
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    // Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's civil algorithms).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
