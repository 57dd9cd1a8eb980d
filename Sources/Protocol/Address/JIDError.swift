/// Why a string is not a valid JID (RFC 7622).
///
/// `part` values are "localpart", "domainpart" or "resourcepart". `character` is the
/// offending Unicode scalar itself; `message` spells invisible ones as `U+XXXX`.
public enum JIDError: Error, Equatable, Sendable {
    /// The whole string is empty.
    case empty
    /// A separator is present but the part it introduces (or the domainpart) is empty,
    /// as in "@example.org" or "a@b/".
    case emptyPart(String)
    /// A part is longer than 1023 octets of UTF-8.
    case tooLong(part: String, bytes: Int)
    /// A part contains a character its profile does not allow.
    case forbiddenCharacter(part: String, character: String)
    /// The domainpart is not a host name or IP literal (empty label, label over 63 octets,
    /// malformed IP literal, ...); the payload says which.
    case invalidDomain(String)

    /// One line explaining the problem, without the JID itself; see `message(forJID:)`.
    public var message: String {
        switch self {
        case .empty:
            return "the JID is empty"
        case .emptyPart(let part):
            return "the \(part) is empty"
        case .tooLong(let part, let bytes):
            return "the \(part) is \(bytes) bytes long (at most \(JID.maximumPartBytes) allowed)"
        case .forbiddenCharacter(let part, let character):
            let shown = VisibleText.character(character)
            if part == "resourcepart", character == " " {
                return "the resourcepart must not begin or end with a space"
            }
            return "the \(part) must not contain \(shown)"
        case .invalidDomain(let reason):
            return "the domainpart is invalid: \(reason)"
        }
    }

    /// One line naming the rejected JID and the problem, for an error report.
    public func message(forJID input: String) -> String {
        "invalid JID \"\(VisibleText.line(input))\": \(message)"
    }
}
