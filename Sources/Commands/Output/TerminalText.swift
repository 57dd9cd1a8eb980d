/// The one escaper for untrusted text shown as text: listen's text records, tables, error
/// lines, warnings and `-v` progress. Nothing a terminal acts on gets through, nothing can
/// fake a line of its own, and every escape reads back unambiguously:
///
/// - `\\` for a backslash, `\t`, `\r`, `\e` (ESC), and `\n` unless newlines are kept;
/// - `\x{HEX}` for the other C0 controls, DEL, the C1 controls (U+0085 ends a line for some
///   readers, U+009B starts a terminal control sequence), the line and paragraph separators
///   (U+2028, U+2029) and the bidirectional controls (which would reorder what follows).
///
/// JSON has its own escaper (`JSONValue`), XML its own (`XMLEscaping`).
enum TerminalText {
    enum Newlines {
        /// Line feeds stay, for a caller that indents continuation lines.
        case kept
        /// Line feeds become `\n`: the text stays on one line.
        case escaped
    }

    static func escape(_ text: String, newlines: Newlines = .escaped) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, newlines) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, newlines) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\u{1B}": out += "\\e"
            default: out += "\\x{" + String(scalar.value, radix: 16) + "}"
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar, _ newlines: Newlines) -> Bool {
        switch scalar.value {
        case 0x0A: return newlines == .escaped
        case 0x5C, 0x00..<0x20, 0x7F...0x9F, 0x2028, 0x2029: return true
        default: return scalar.properties.isBidiControl
        }
    }
}
