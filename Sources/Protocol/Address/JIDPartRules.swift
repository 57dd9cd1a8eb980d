/// The per-part rules of RFC 7622: how each part is mapped to its canonical form and which
/// characters it may hold.
///
/// The PRECIS profiles (UsernameCaseMapped for the localpart, OpaqueString for the
/// resourcepart, RFC 8265) are approximated from Unicode general categories rather than
/// the full derived-property tables; Unicode normalisation is not applied (Swift compares
/// strings by canonical equivalence, so equal JIDs still compare equal).
enum JIDPartRules {
    static func localpart(_ raw: String) throws(JIDError) -> String {
        let part = "localpart"
        guard !raw.isEmpty else { throw JIDError.emptyPart(part) }
        // Characters are checked before case mapping so that an error names what was typed.
        if let bad = raw.unicodeScalars.first(where: { !isAllowedInLocalpart($0) }) {
            throw JIDError.forbiddenCharacter(part: part, character: String(bad))
        }
        let mapped = raw.lowercased()
        try checkLength(mapped, part: part)
        return mapped
    }

    static func domainpart(_ raw: String) throws(JIDError) -> String {
        let part = "domainpart"
        var scalars = raw.unicodeScalars
        // RFC 7622 §3.2: a final dot is stripped before anything else.
        if scalars.last == "." { scalars.removeLast() }
        guard !scalars.isEmpty else { throw JIDError.emptyPart(part) }
        let text = String(scalars)
        if scalars.first == "[" { return try ipLiteral(text) }

        if let bad = scalars.first(where: { !isAllowedInDomain($0) }) {
            throw JIDError.forbiddenCharacter(part: part, character: String(bad))
        }
        let mapped = text.lowercased()
        try checkLength(mapped, part: part)
        for label in mapped.unicodeScalars.split(separator: ".", omittingEmptySubsequences: false) {
            let name = String(String.UnicodeScalarView(label))
            guard !label.isEmpty else {
                throw JIDError.invalidDomain("\"\(mapped)\" has an empty label")
            }
            guard name.utf8.count <= maximumLabelBytes else {
                throw JIDError.invalidDomain(
                    "a label is \(name.utf8.count) bytes long (at most \(maximumLabelBytes) allowed)")
            }
            guard label.first != "-", label.last != "-" else {
                throw JIDError.invalidDomain("the label \"\(name)\" begins or ends with a hyphen")
            }
        }
        return mapped
    }

    static func resourcepart(_ raw: String) throws(JIDError) -> String {
        let part = "resourcepart"
        guard !raw.isEmpty else { throw JIDError.emptyPart(part) }
        // OpaqueString maps every non-ASCII space to U+0020 and keeps everything else.
        var mappedScalars = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars {
            mappedScalars.append(scalar.properties.generalCategory == .spaceSeparator ? " " : scalar)
        }
        let mapped = String(mappedScalars)
        try checkLength(mapped, part: part)
        if let bad = mapped.unicodeScalars.first(where: { !isAllowedInResourcepart($0) }) {
            throw JIDError.forbiddenCharacter(part: part, character: String(bad))
        }
        // RFC 7622 §3.5 example 18: a leading space is not allowed; a trailing one is as
        // invisible, so it is refused too.
        if mappedScalars.first == " " || mappedScalars.last == " " {
            throw JIDError.forbiddenCharacter(part: part, character: " ")
        }
        return mapped
    }

    static let maximumLabelBytes = 63

    private static func checkLength(_ text: String, part: String) throws(JIDError) {
        let bytes = text.utf8.count
        guard bytes <= JID.maximumPartBytes else { throw JIDError.tooLong(part: part, bytes: bytes) }
    }

    private static func ipLiteral(_ text: String) throws(JIDError) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > 2, scalars.last == "]",
            let canonical = IPAddressText.canonicalIPv6(String(String.UnicodeScalarView(scalars.dropFirst().dropLast())))
        else {
            throw JIDError.invalidDomain("\"\(VisibleText.line(text))\" is not an IPv6 address in brackets")
        }
        return "[\(canonical)]"
    }

    /// RFC 7622 §3.3.1 excludes these from localparts although PRECIS allows them.
    private static let localpartExclusions: Set<Unicode.Scalar> = ["\"", "&", "'", "/", ":", "<", ">", "@"]

    /// Letters, digits and marks: the PRECIS "LetterDigits" categories, plus titlecase
    /// letters, which lowercasing turns into lowercase ones.
    private static func isLetterDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .lowercaseLetter, .uppercaseLetter, .titlecaseLetter, .otherLetter, .modifierLetter,
            .decimalNumber, .nonspacingMark, .spacingMark:
            return !scalar.properties.isDefaultIgnorableCodePoint
        default:
            return false
        }
    }

    private static func isAllowedInLocalpart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            // Printable ASCII other than space (IdentifierClass "ASCII7").
            return scalar.value >= 0x21 && scalar.value <= 0x7E && !localpartExclusions.contains(scalar)
        }
        return isLetterDigit(scalar)
    }

    private static func isAllowedInDomain(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            // Letters, digits, hyphen and the label dot; underscore too, as host names on
            // local networks often carry one and servers (Prosody) accept it.
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_": return true
            default: return false
            }
        }
        return isLetterDigit(scalar)
    }

    private static func isAllowedInResourcepart(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate, .unassigned, .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }
}
