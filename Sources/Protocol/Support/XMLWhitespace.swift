extension String {
    /// Trims the XML whitespace characters (space, tab, CR, LF) around element text:
    /// base64 payloads, mechanism names, limits.
    func trimmingXMLWhitespace() -> String {
        // "\r\n" is one Character in Swift, equal to neither "\r" nor "\n".
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
