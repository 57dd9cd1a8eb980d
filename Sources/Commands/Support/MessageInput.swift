import XMPPProtocol

/// Checks what the user gave before anything connects: bad input is exit 65, early.
enum MessageInput {
    static func recipients(_ values: [String]) throws(Failure) -> [JID] {
        var result: [JID] = []
        for value in values {
            do {
                result.append(try JID(value))
            } catch {
                throw Failure(.dataError, "invalid recipient: \(error.message(forJID: value))")
            }
        }
        return result
    }

    /// The body from `--message`, `--file` or stdin. One trailing newline of a file or of
    /// stdin is dropped (`echo text | xmpp-cli send` sends "text"); what remains must be
    /// non-empty, valid UTF-8 and free of characters XML cannot carry.
    static func body(message: String?, file: String?) throws(Failure) -> String {
        let text: String
        if let message {
            text = message
        } else {
            let bytes: [UInt8]
            if let file {
                bytes = try FileInput.read(path: file, what: "message file")
            } else {
                bytes = try FileInput.readStandardInput()
            }
            var trimmed = bytes[...]
            if trimmed.last == UInt8(ascii: "\n") { trimmed = trimmed.dropLast() }
            if trimmed.last == UInt8(ascii: "\r") { trimmed = trimmed.dropLast() }
            guard let decoded = String(validating: trimmed, as: UTF8.self) else {
                throw Failure(.dataError, "the message body from \(file ?? "standard input") is not valid UTF-8")
            }
            text = decoded
        }
        guard !text.isEmpty else {
            throw Failure(.dataError, "the message body is empty")
        }
        try checkText(text, what: "the message body")
        return text
    }

    /// XML 1.0 cannot carry most control characters: refuse them instead of mangling them.
    /// `what` is made only for the error: `send -i` checks every line.
    static func checkText(_ text: String, what: @autoclosure () -> String) throws(Failure) {
        // Every character XML forbids starts with a byte below 0x20 or with 0xEF (U+FFFE and
        // U+FFFF): text without them needs no closer look.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0xEF }) else { return }
        for scalar in text.unicodeScalars where !XMLEscaping.isValidXMLScalar(scalar) {
            throw Failure(.dataError, "\(what()) contains the control character U+\(hex(scalar.value)), which XMPP cannot carry")
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
