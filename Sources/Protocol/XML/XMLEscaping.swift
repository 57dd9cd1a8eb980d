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
        escaped(s, attribute: false)
    }

    /// Escapes an attribute value for either quote style: `& < > " '`, and tab, line feed
    /// and carriage return as character references so attribute-value normalisation does
    /// not turn them into spaces.
    public static func escapeAttribute(_ s: String) -> String {
        escaped(s, attribute: true)
    }

    /// `escapeText` appended to UTF-8 output, for the serializer.
    static func appendText(_ s: String, to out: inout [UInt8]) {
        append(s, attribute: false, to: &out)
    }

    /// `escapeAttribute` appended to UTF-8 output, for the serializer.
    static func appendAttribute(_ s: String, to out: inout [UInt8]) {
        append(s, attribute: true, to: &out)
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

    private static func escaped(_ s: String, attribute: Bool) -> String {
        var text = s
        let needsWork = text.withUTF8 { bytes in bytes.contains { mayNeedWork($0, attribute: attribute) } }
        guard needsWork else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        append(s, attribute: attribute, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Works on the UTF-8 bytes, since every stanza sent goes through here: each character
    /// that is escaped or replaced starts with a byte below 0x20, one of `& < > " '`, or 0xEF
    /// (the lead byte of U+FFFE and U+FFFF), so runs of other bytes are copied whole. A
    /// `String` is valid UTF-8, so the bytes after such a lead are there to look at.
    private static func append(_ s: String, attribute: Bool, to out: inout [UInt8]) {
        var text = s
        text.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                if index + 8 <= bytes.count,
                    needsNoWork(UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self), attribute: attribute)
                {
                    index += 8
                    continue
                }
                let byte = bytes[index]
                guard mayNeedWork(byte, attribute: attribute) else {
                    index += 1
                    continue
                }
                // An entity, or nil; or, for what XML 1.0 does not allow, U+FFFD.
                var replacement: StaticString?
                var isAllowed = true
                var length = 1
                switch byte {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case UInt8(ascii: "'"): replacement = "&apos;"
                case 0x0D: replacement = "&#13;"
                case 0x09: replacement = attribute ? "&#9;" : nil
                case 0x0A: replacement = attribute ? "&#10;" : nil
                case 0x00..<0x20: isAllowed = false
                default:
                    // 0xEF: U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not allowed either.
                    length = 3
                    isAllowed = !(bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE)
                }
                guard replacement != nil || !isAllowed else {
                    index += length
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                if let replacement {
                    out.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                } else {
                    out.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD REPLACEMENT CHARACTER
                }
                index += length
                runStart = index
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
    }

    /// Whether none of eight bytes read as one word is one `mayNeedWork` looks at: text is
    /// mostly that, and eight bytes at once make the scan a fraction of the rest of a stanza.
    /// (A byte is zero in `v` exactly when `(v - 0x01…) & ~v & 0x80…` has its top bit;
    /// below 0x20, when `(v - 0x20…) & ~v & 0x80…` has. Both tests are exact for whether
    /// there is such a byte, whatever the other bytes are.)
    @inline(__always)
    private static func needsNoWork(_ word: UInt64, attribute: Bool) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func has(_ byte: UInt8) -> Bool {
            let value = word ^ (UInt64(byte) &* ones)
            return (value &- ones) & ~value & highs != 0
        }
        guard (word &- 0x20 &* ones) & ~word & highs == 0 else { return false }
        if has(UInt8(ascii: "&")) || has(UInt8(ascii: "<")) || has(UInt8(ascii: ">")) || has(0xEF) { return false }
        return !attribute || !(has(UInt8(ascii: "\"")) || has(UInt8(ascii: "'")))
    }

    /// Whether `append` must look at a byte more closely (quotes only matter in attributes).
    @inline(__always)
    private static func mayNeedWork(_ byte: UInt8, attribute: Bool) -> Bool {
        switch byte {
        case 0x00..<0x20, UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), 0xEF: return true
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return attribute
        default: return false
        }
    }
}
