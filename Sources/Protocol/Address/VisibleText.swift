/// Renders user-supplied text for one-line error messages: invisible characters become
/// code points, so a message stays on one line and cannot carry terminal escapes.
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

    /// The input with invisible characters replaced, so that an error line stays one line
    /// and cannot carry terminal escapes.
    static func line(_ input: String) -> String {
        var out = ""
        for scalar in input.unicodeScalars.prefix(200) {
            if isVisible(scalar) || scalar == " " {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return input.unicodeScalars.count > 200 ? out + "..." : out
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
