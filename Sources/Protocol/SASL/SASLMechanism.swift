/// One SASL mechanism's client side as a value: challenges in, responses out, no I/O.
///
/// The negotiation code base64-decodes each `<challenge/>` and `<success/>` payload, hands
/// the bytes here and sends back what comes out; all payloads are secret-bearing and are
/// redacted from traces by the caller. A mechanism that throws is spent: the caller aborts.
public protocol SASLMechanism {
    /// The IANA mechanism name sent in `<auth mechanism=...>`, e.g. `SCRAM-SHA-256-PLUS`.
    var name: String { get }

    /// The client's first message, sent with `<auth/>`.
    mutating func initialResponse() throws(SASLError) -> [UInt8]

    /// Answers one server challenge.
    mutating func respond(to challenge: [UInt8]) throws(SASLError) -> [UInt8]

    /// Called with the additional data of `<success/>` (possibly empty, if the server's final
    /// message came as a challenge earlier). Throws if the server was not verified.
    mutating func verifySuccess(_ additionalData: [UInt8]) throws(SASLError)
}

/// Why SASL authentication failed on the client side (the server's `<failure/>` is separate).
public enum SASLError: Error, Equatable, Sendable {
    /// The server's message could not be parsed; the text says which part.
    case malformedChallenge(String)
    /// The server nonce does not extend the client nonce: a replay or a confused server.
    case serverNonceMismatch
    /// The server signature (`v=`) is wrong: the server does not know the password, or a
    /// man in the middle (possibly one that stripped channel binding) answered.
    case invalidServerSignature
    /// The server reported an error in its final message (`e=` attribute).
    case serverError(String)
    /// The SCRAM key could not be derived from the password: OpenSSL refused the server's
    /// parameters (a FIPS-mode OpenSSL can refuse short salts and low iteration counts). The
    /// text names the parameters and OpenSSL's reason. It ends the login like any failed
    /// authentication (exit 77): the local policy and the server's choice do not match, which
    /// is neither a bug (70) nor something a retry changes.
    case keyDerivationFailed(String)
    /// The SCRAM iteration count is below 1 or above the limit that bounds our CPU time.
    case iterationCountOutOfRange(Int)
    /// A challenge arrived when the mechanism expected none.
    case unexpectedChallenge
    /// `<success/>` arrived before the server proved it knows the password.
    case successWithoutVerification
    /// None of the offered mechanisms is acceptable.
    case noUsableMechanism(offered: [String])
    /// Only PLAIN is offered, and the connection's certificate was not verified: PLAIN would
    /// hand the password to whoever answered.
    case plainNotAllowed
    /// The username cannot be prepared (SASLprep): the text says why.
    case invalidUsername(String)
    /// The password cannot be prepared (SASLprep): the text says why.
    case invalidPassword(String)
    /// The server's answer to a hashed token (XEP-0484's HT-* `Responder` HMAC) is wrong: it
    /// does not know the token, or a man in the middle answered.
    case invalidTokenProof
    /// The hash of the mechanisms and channel-binding types the server advertised, which it
    /// signs into SCRAM (XEP-0474 `h=`), does not match what we saw: someone between us
    /// changed the offer (a downgrade). The text says what differed.
    case downgradeDetected(String)
}

extension SASLError: CustomStringConvertible {
    /// One line for the user, without secrets. Text from the server is given as it came:
    /// whoever shows it escapes it for where it goes.
    public var description: String {
        switch self {
        case .malformedChallenge(let detail): "malformed SASL message from the server: \(detail)"
        case .serverNonceMismatch: "the server's SCRAM nonce does not extend ours"
        case .invalidServerSignature:
            "the server's SCRAM signature is wrong: it does not know the password, or the connection is intercepted"
        case .serverError(let reason): "the server reported a SCRAM error: \(reason)"
        case .keyDerivationFailed(let detail):
            "cannot derive the SCRAM key from the password: \(detail); this system's OpenSSL does not accept "
                + "the server's SCRAM parameters (a FIPS-mode OpenSSL can refuse short salts and low iteration counts)"
        case .iterationCountOutOfRange(let count):
            "the server asked for \(count) SCRAM iterations (accepted: 1...\(SCRAM.maximumIterationCount))"
        case .unexpectedChallenge: "the server sent an unexpected SASL challenge"
        case .successWithoutVerification: "the server reported success without proving it knows the password"
        case .noUsableMechanism(let offered):
            offered.isEmpty
                ? "the server offers no SASL mechanism"
                : "no usable SASL mechanism among those offered: \(offered.joined(separator: ", "))"
        case .plainNotAllowed:
            "the server offers only PLAIN, which sends the password itself; its certificate was not verified, "
                + "so a man in the middle could read the password: not sending it (only SCRAM is used over an unverified connection)"
        case .invalidUsername(let reason): "the username cannot be used: it \(reason)"
        case .invalidPassword(let reason): "the password cannot be used: it \(reason)"
        case .invalidTokenProof:
            "the server's answer to the token is wrong: it does not know the token, or the connection is intercepted"
        case .downgradeDetected(let detail):
            "the server's offer of mechanisms was changed on the way (XEP-0474 downgrade protection): \(detail)"
        }
    }
}
