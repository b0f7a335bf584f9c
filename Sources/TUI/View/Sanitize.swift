// Sanitize: text from files made harmless for a terminal (no control, escape or direction-changing character), and its width.

public enum Sanitize {
    /// One line of plain text: every control, format (bidi overrides, zero-width joiners) and separator
    /// character becomes "?", so nothing read from a DICOM file can move the cursor or restyle the terminal.
    public static func line(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                out.append(scalar == "\t" ? " " : "?")
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Columns a character takes: 0 for combining marks, 2 for East Asian wide and emoji, else 1.
    public static func width(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .nonspacingMark || $0.properties.generalCategory == .enclosingMark }) {
            return 0
        }
        if first.properties.isEmojiPresentation { return 2 }
        switch first.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    public static func width(_ text: String) -> Int { text.reduce(0) { $0 + width($1) } }
}
