/// Escaping of character data and attribute values for output.
///
/// Both functions always return text that is valid inside an XML 1.0 document: characters
/// XML 1.0 forbids (C0 controls other than tab, line feed and carriage return, and
/// U+FFFE/U+FFFF) cannot be made valid by escaping, not even as character references, so
/// they are replaced with U+FFFD REPLACEMENT CHARACTER. Use `isValidXMLText` to detect such
/// input beforehand when replacing is not acceptable.
public enum XMLEscaping {
    /// Escapes character data: `&`, `<`, `>`, and carriage return as `&#13;` (a literal one
    /// would be turned into a line feed by the reader's line-end normalisation).
    public static func escapeText(_ s: String) -> String {
        escape(s) { scalar in
            switch scalar {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\r": return "&#13;"
            default: return nil
            }
        }
    }

    /// Escapes an attribute value for either quote style: `& < > " '`, and tab, line feed
    /// and carriage return as character references so attribute-value normalisation does
    /// not turn them into spaces.
    public static func escapeAttribute(_ s: String) -> String {
        escape(s) { scalar in
            switch scalar {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"": return "&quot;"
            case "'": return "&apos;"
            case "\t": return "&#9;"
            case "\n": return "&#10;"
            case "\r": return "&#13;"
            default: return nil
            }
        }
    }

    /// Serialized XML made safe to show on a terminal or in a line-based log, meaning the
    /// same XML: the characters XML allows but a terminal or a line reader acts on become
    /// character references: C1 controls, the line and paragraph separators, bidirectional
    /// controls, and line feeds unless `keepingLineFeeds` (pretty-printed output). They can
    /// only occur in text and attribute values, where a reference means the same character.
    public static func forDisplay(_ serialized: String, keepingLineFeeds: Bool = false) -> String {
        func needsReference(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x0A: return !keepingLineFeeds
            case 0x80...0x9F, 0x2028, 0x2029: return true
            default: return scalar.properties.isBidiControl
            }
        }
        guard serialized.unicodeScalars.contains(where: needsReference) else { return serialized }
        var out = String.UnicodeScalarView()
        for scalar in serialized.unicodeScalars {
            if needsReference(scalar) {
                out.append(contentsOf: "&#\(scalar.value);".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether every character of `s` is allowed in an XML 1.0 document.
    public static func isValidXMLText(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy(isValidXMLScalar)
    }

    /// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    /// Swift strings never hold surrogates, so only the controls and U+FFFE/U+FFFF remain.
    public static func isValidXMLScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x0..<0x20: return false
        case 0xFFFE, 0xFFFF: return false
        default: return true
        }
    }

    private static func escape(_ s: String, replacement: (Unicode.Scalar) -> String?) -> String {
        let needsWork = s.unicodeScalars.contains {
            replacement($0) != nil || !isValidXMLScalar($0)
        }
        guard needsWork else { return s }
        var result = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if let escaped = replacement(scalar) {
                result.append(contentsOf: escaped.unicodeScalars)
            } else if isValidXMLScalar(scalar) {
                result.append(scalar)
            } else {
                result.append("\u{FFFD}")
            }
        }
        return String(result)
    }
}
