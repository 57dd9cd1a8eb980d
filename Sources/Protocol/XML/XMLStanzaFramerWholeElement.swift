/// The framer's shortcut for the usual stanza: one that has come whole in the current call,
/// in plain markup (start tags with quoted attributes, end tags, character data), within
/// every limit. Such a stanza is found in one tight pass and handed on as one piece, which
/// is what the byte-by-byte reading (XMLStanzaFramerLexer.swift) and its runs would have
/// made of it; anything else (a comment, CDATA, a processing instruction, a limit near, the
/// end of the bytes, a tag in an unusual shape) makes the shortcut give up at no cost, and the
/// byte-by-byte reading takes the stanza from its first byte as before.
extension XMLStanzaFramer {
    /// At a `<` between stanzas: takes a whole first-level element as one piece, when
    /// `wholeElementEnd` finds it; returns where reading goes on, or nil to read byte by byte.
    mutating func takeWholeElement(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard phase == .stream, !inElement, case .text = lexical, bytes[start] == UInt8(ascii: "<"),
            let end = wholeElementEnd(in: bytes, from: start)
        else { return nil }
        flushPending()
        pendingIsElement = true
        pendingStartsElement = true
        addPending(start..<end)
        flushPending()
        pendingIsElement = false
        previous = UInt8(ascii: ">")
        return end
    }

    /// Where the first-level element whose `<` is at `start` ends (after its last `>`), if
    /// all of it is in `bytes` in the shape described above and it breaks no limit: no name
    /// longer than `maxNameBytes`, no nesting deeper than `maxDepth`, no more than
    /// `maxStanzaBytes` bytes. nil as soon as anything else is seen.
    func wholeElementEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let end = min(bytes.count, start + limits.maxStanzaBytes)
        var index = start
        var depth = 0
        // Reads a name from `index` up to a byte that `ends` says ends it; false when it is
        // empty, too long, or runs past the end.
        func name(endedBy ends: (UInt8) -> Bool) -> Bool {
            let first = index
            while index < end, !ends(bytes[index]) { index += 1 }
            return index > first && index - first <= limits.maxNameBytes && index < end
        }
        func skipSpaces() { while index < end, Self.isSpace(bytes[index]) { index += 1 } }
        while true {
            // At a `<`.
            index += 1
            guard index < end else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "!"), UInt8(ascii: "?"):
                return nil
            case UInt8(ascii: "/"):
                guard depth > 0 else { return nil }  // the stream's own end tag
                index += 1
                guard name(endedBy: { $0 == UInt8(ascii: ">") || Self.isSpace($0) }) else { return nil }
                skipSpaces()
                guard index < end, bytes[index] == UInt8(ascii: ">") else { return nil }
                index += 1
                depth -= 1
                if depth == 0 { return index }
            default:
                depth += 1
                guard depth <= limits.maxDepth, name(endedBy: Self.endsElementName) else { return nil }
                // Attributes, until the tag closes.
                while true {
                    let spaced = index < end && Self.isSpace(bytes[index])
                    skipSpaces()
                    guard index < end else { return nil }
                    let byte = bytes[index]
                    if byte == UInt8(ascii: ">") {
                        index += 1
                        break
                    }
                    if byte == UInt8(ascii: "/") {
                        guard index + 1 < end, bytes[index + 1] == UInt8(ascii: ">") else { return nil }
                        index += 2
                        depth -= 1
                        break
                    }
                    guard spaced, name(endedBy: Self.endsAttributeName) else { return nil }
                    skipSpaces()
                    guard index < end, bytes[index] == UInt8(ascii: "=") else { return nil }
                    index += 1
                    skipSpaces()
                    guard index < end, bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\"") else { return nil }
                    index = Self.firstIndex(of: bytes[index], in: UnsafeBufferPointer(rebasing: bytes[..<end]), from: index + 1) + 1
                    guard index <= end else { return nil }
                }
                if depth == 0 { return index }
            }
            // Character data up to the next tag.
            index = Self.firstIndex(of: UInt8(ascii: "<"), in: UnsafeBufferPointer(rebasing: bytes[..<end]), from: index)
            guard index < end else { return nil }
        }
    }
}
