/// Quotes user-supplied text in error messages: a character by its code point and name,
/// a whole input cut to a readable length.
enum VisibleText {
    /// A character as a user can read it: printable ones quoted, others as code points.
    static func character(_ character: String) -> String {
        let scalars = character.unicodeScalars
        if scalars.count == 1, let scalar = scalars.first, isVisible(scalar) {
            return "'\(character)'"
        }
        let codes = scalars.map { "U+" + hex4($0.value) }.joined(separator: " ")
        if scalars.count == 1, let scalar = scalars.first, let name = scalar.properties.nameAlias ?? scalar.properties.name {
            return "\(codes) (\(name.lowercased()))"
        }
        return codes
    }

    /// The input as given, cut after 200 characters: what an error message quotes of it.
    /// Escaping it for the terminal is the job of whoever writes the message out.
    static func line(_ input: String) -> String {
        input.unicodeScalars.count > 200 ? String(String.UnicodeScalarView(input.unicodeScalars.prefix(200))) + "..." : input
    }

    private static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
            .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
