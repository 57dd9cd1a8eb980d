extension StringProtocol {
    /// Trims the XML whitespace characters (space, tab, CR, LF; XML 1.0 `S`) at both ends,
    /// scalar by scalar: a combining mark after a space makes one Character with it, which
    /// would otherwise hide the space. Used for element text (base64 payloads, mechanism
    /// names, limits) and for lines of the files xmpp-cli reads.
    public func trimmingXMLWhitespace() -> String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
