/// Prepares usernames and passwords before they enter SASL: RFC 4013 SASLprep's mappings and
/// prohibitions, with the NFC normalization of RFC 8265's OpaqueString profile (its successor).
///
/// NFC comes from the standard library; SASLprep's NFKC would need Foundation's ICU, whose
/// loading costs every run several milliseconds. The two differ only for compatibility
/// characters (ligatures, circled or full-width forms), which a password rarely holds.
///
/// Both ends must derive the same bytes from what the user typed, or SCRAM fails even with
/// the right password. The steps: non-ASCII spaces become U+0020, characters "commonly mapped
/// to nothing" are removed, the result is NFC-normalized, and control, private-use,
/// non-character, display-changing and tagging characters are rejected. ASCII strings without
/// control characters come out unchanged. Not done: the bidirectional-text rule and the
/// unassigned-code-point check, which need Unicode tables the standard library does not expose.
public enum SASLprep {
    /// Why a string was rejected.
    public struct Violation: Error, Equatable, Sendable {
        public let reason: String
    }

    public static func prepare(_ string: String) throws(Violation) -> String {
        var mapped = String.UnicodeScalarView()
        for scalar in string.unicodeScalars {
            if contains(nonASCIISpaces, scalar) {
                mapped.append(" ")
            } else if !contains(mappedToNothing, scalar) {
                mapped.append(scalar)
            }
        }
        let normalized = String(decoding: String(mapped)._nfcCodeUnits, as: UTF8.self)
        if let bad = normalized.unicodeScalars.first(where: isProhibited) {
            throw Violation(reason: "contains the prohibited character \(codePointName(bad))")
        }
        if normalized.isEmpty { throw Violation(reason: "is empty") }
        return normalized
    }

    private static func isProhibited(_ scalar: Unicode.Scalar) -> Bool {
        let lowBits = scalar.value & 0xFFFF
        return contains(prohibited, scalar) || lowBits == 0xFFFE || lowBits == 0xFFFF  // C.4 non-characters
    }

    private static func contains(_ ranges: [ClosedRange<UInt32>], _ scalar: Unicode.Scalar) -> Bool {
        ranges.contains { $0.contains(scalar.value) }
    }

    private static func codePointName(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// RFC 3454 table C.1.2.
    private static let nonASCIISpaces: [ClosedRange<UInt32>] = [
        0x00A0...0x00A0, 0x1680...0x1680, 0x2000...0x200B, 0x202F...0x202F, 0x205F...0x205F,
        0x3000...0x3000,
    ]

    /// RFC 3454 table B.1.
    private static let mappedToNothing: [ClosedRange<UInt32>] = [
        0x00AD...0x00AD, 0x034F...0x034F, 0x1806...0x1806, 0x180B...0x180D, 0x200B...0x200D,
        0x2060...0x2060, 0xFE00...0xFE0F, 0xFEFF...0xFEFF,
    ]

    /// RFC 3454 tables C.1.2, C.2.1, C.2.2, C.3, C.4 (apart from the xFFFE/xFFFF code points,
    /// tested arithmetically), C.6, C.7, C.8 and C.9, as RFC 4013 §2.3 lists them.
    private static let prohibited: [ClosedRange<UInt32>] = nonASCIISpaces + [
        // C.2.1 ASCII control characters
        0x0000...0x001F, 0x007F...0x007F,
        // C.2.2 non-ASCII control characters
        0x0080...0x009F, 0x06DD...0x06DD, 0x070F...0x070F, 0x180E...0x180E, 0x200C...0x200D,
        0x2028...0x2029, 0x2060...0x2063, 0x206A...0x206F, 0xFEFF...0xFEFF, 0xFFF9...0xFFFC,
        0x1D173...0x1D17A,
        // C.3 private use
        0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD,
        // C.4 non-characters
        0xFDD0...0xFDEF,
        // C.6 inappropriate for plain text, C.7 for canonical representation
        0xFFF9...0xFFFD, 0x2FF0...0x2FFB,
        // C.8 change display properties or deprecated
        0x0340...0x0341, 0x200E...0x200F, 0x202A...0x202E,
        // C.9 tagging characters
        0xE0001...0xE0001, 0xE0020...0xE007F,
    ]
}
