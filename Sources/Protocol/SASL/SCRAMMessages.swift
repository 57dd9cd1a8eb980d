/// Parsing of the two SCRAM server messages (RFC 5802 §5.1, §7) into checked values.
///
/// Everything here treats its input as hostile: sizes are bounded, every attribute is
/// validated, and every defect becomes a `SASLError` naming the part that was wrong.
enum SCRAMServerMessage {
    /// A server message larger than this is refused before parsing; real ones are ~100 bytes.
    static let maximumLength = 16 * 1024

    /// The parsed server-first-message: `r=nonce,s=salt,i=iterations[,extensions]`.
    struct First {
        var text: String
        var nonce: String
        var salt: [UInt8]
        var iterations: Int
        /// XEP-0474's `h`: the server's hash of its advertised mechanisms, if it sent one.
        var downgradeHash: String?
    }

    /// The parsed server-final-message: `v=signature` or `e=error`.
    enum Final {
        case verifier([UInt8])
        case error(String)
    }

    static func parseFirst(_ bytes: [UInt8], clientNonce: String) throws(SASLError) -> First {
        let text = try decodeText(bytes, what: "server-first-message")
        let attributes = try parseAttributes(text, what: "server-first-message")
        guard let first = attributes.first else { throw .malformedChallenge("empty server-first-message") }
        if first.name == "m" {
            throw .malformedChallenge("server-first-message has a mandatory extension (m=), which is not supported")
        }
        guard attributes.count >= 3, attributes[0].name == "r", attributes[1].name == "s", attributes[2].name == "i"
        else { throw .malformedChallenge("server-first-message must start with r=, s= and i=") }

        let nonce = attributes[0].value
        guard !nonce.isEmpty, nonce.utf8.allSatisfy(isPrintable) else {
            throw .malformedChallenge("server nonce (r=) is empty or not printable ASCII")
        }
        guard nonce.hasPrefix(clientNonce), nonce.utf8.count > clientNonce.utf8.count else {
            throw .serverNonceMismatch
        }
        guard let salt = Base64.decode(attributes[1].value), !salt.isEmpty else {
            throw .malformedChallenge("salt (s=) is empty or not valid base64")
        }
        let iterations = try parseIterationCount(attributes[2].value)
        let downgradeHash = attributes.dropFirst(3).first { $0.name == "h" }?.value
        return First(text: text, nonce: nonce, salt: salt, iterations: iterations, downgradeHash: downgradeHash)
    }

    static func parseFinal(_ bytes: [UInt8]) throws(SASLError) -> Final {
        let text = try decodeText(bytes, what: "server-final-message")
        let attributes = try parseAttributes(text, what: "server-final-message")
        switch attributes.first?.name {
        case "e":
            return .error(attributes[0].value)
        case "v":
            guard let signature = Base64.decode(attributes[0].value) else {
                throw .malformedChallenge("server signature (v=) is not valid base64")
            }
            return .verifier(signature)
        default:
            throw .malformedChallenge("server-final-message must start with v= or e=")
        }
    }

    /// `i=`: a positive decimal number of at most `SCRAM.maximumIterationCount`, so that a
    /// hostile server cannot make the client spin; too many digits to fit an `Int` report
    /// `Int.max`.
    private static func parseIterationCount(_ digits: String) throws(SASLError) -> Int {
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .malformedChallenge("iteration count (i=) is not a decimal number")
        }
        let count = Int(digits) ?? Int.max
        guard count >= 1, count <= SCRAM.maximumIterationCount else { throw .iterationCountOutOfRange(count) }
        return count
    }

    private static func decodeText(_ bytes: [UInt8], what: String) throws(SASLError) -> String {
        guard bytes.count <= maximumLength else {
            throw .malformedChallenge("\(what) is longer than \(maximumLength) bytes")
        }
        // Decoding replaces invalid sequences with U+FFFD, so only valid UTF-8 survives the round trip.
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes) else { throw .malformedChallenge("\(what) is not UTF-8") }
        return text
    }

    /// Splits `a=value,b=value,...`; each attribute name is one ASCII letter (RFC 5802 §7).
    /// Values cannot contain commas: the grammar escapes them in names and excludes them elsewhere.
    private static func parseAttributes(
        _ text: String, what: String
    ) throws(SASLError) -> [(name: Character, value: String)] {
        var attributes: [(name: Character, value: String)] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bytes = part.utf8
            guard bytes.count >= 2, let letter = bytes.first, isLetter(letter),
                bytes[bytes.index(after: bytes.startIndex)] == UInt8(ascii: "=")
            else { throw .malformedChallenge("\(what) has an attribute that is not of the form x=value") }
            attributes.append((Character(Unicode.Scalar(letter)), String(part.dropFirst(2))))
        }
        return attributes
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// RFC 5802 `printable`: %x21-2B / %x2D-7E (visible ASCII without the comma).
    static func isPrintable(_ byte: UInt8) -> Bool {
        byte >= 0x21 && byte <= 0x7E && byte != UInt8(ascii: ",")
    }
}
