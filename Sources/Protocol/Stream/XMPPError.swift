/// Every way an XMPP operation can fail, typed where it arises.
///
/// `Protocol` never decides exit codes, and never names a command-line option: `Commands`
/// maps each case to an exit code and words its `remedy`, in exactly one place
/// (`Commands/Support/Failure.swift`). Each case carries what the one-line message needs:
/// what failed, and enough context (host, mechanism, condition) to say what to check.
public enum XMPPError: Error, Sendable {
    /// The server could not be reached: DNS or TCP connect failed for every endpoint.
    case unreachable(String, remedy: Remedy? = nil)
    /// A deadline passed; the string names what was being waited for.
    case timedOut(String)
    /// The connection dropped; the string says at which point.
    case connectionLost(String)
    /// The server sent a stream error (RFC 6120 §4.9): always fatal.
    case streamError(StreamErrorCondition)
    /// A stream error that came before the server had answered the requests that establish
    /// the session, with stanzas sent after them: the server refused to take stanzas that
    /// early (RFC 6120 §7.1 lets it) and processed none of them, so logging in again and
    /// waiting for the bind result first is safe.
    /// `afterBind`: the bind result had come, so the server refused what followed it
    /// (`<enable/>`, say), not stanzas before its bind result.
    case refusedBeforeSession(StreamErrorCondition, afterBind: Bool)
    /// The server broke the protocol: malformed or restricted XML, an unexpected element.
    case protocolViolation(String)
    /// TLS is unavailable (no STARTTLS offered, STARTTLS refused) or failed.
    case tlsUnavailable(String, remedy: Remedy? = nil)
    case tls(TLSFailure, server: String)
    /// SASL authentication failed: the server's condition, or our own check of the server.
    case authenticationFailed(mechanism: String, reason: String)
    /// The server refused a FAST token (XEP-0484 §6: any `<failure/>` to a token), or offers
    /// no FAST for it. The token is spent: discard it and log in with the password, on a new
    /// connection if anything was sent after `<authenticate>`.
    case tokenRefused(mechanism: String, reason: String)
    /// The server or a recipient refused a stanza with a stanza error (RFC 6120 §8.3).
    case stanzaError(StanzaError)
    /// A recipient or room refused what was asked (a room join, a receipt that never came).
    case refused(String, remedy: Remedy? = nil)
}

/// What a user can do about a failure, in the protocol's terms; the command line says it
/// with the option that does it.
public enum Remedy: Sendable, Equatable {
    /// The deadline was too short, or the server too slow.
    case allowMoreTime
    /// DNS does not lead to the server: the domain is wrong, or the server must be given.
    case checkDomainOrServer
    /// Nothing accepted the connection where the server was looked for.
    case checkServerIsRunning
    /// The certificate is not signed by a trusted authority.
    case checkTrustedCertificates
    /// The server does not offer STARTTLS: TLS from the first byte may work.
    case tryDirectTLS
    /// A room has an occupant by that nickname.
    case chooseAnotherNickname
    /// A room wants a password, or another one.
    case checkRoomPassword
    /// The proxy refused or failed: its address, or whether it can reach the server.
    case checkProxy
    /// The proxy wants a user name and password, or others.
    case checkProxyCredentials
}

extension XMPPError {
    /// What a user can do about it, where something can be said.
    public var remedy: Remedy? {
        switch self {
        case .timedOut: return .allowMoreTime
        case .tls(.certificateNotTrusted, _): return .checkTrustedCertificates
        case .unreachable(_, let remedy), .tlsUnavailable(_, let remedy), .refused(_, let remedy): return remedy
        default: return nil
        }
    }
}

/// A stream-level error sent by the server (RFC 6120 §4.9.3).
public struct StreamErrorCondition: Sendable, Equatable {
    /// The defined condition's element name, e.g. `host-unknown`.
    public var condition: String
    /// The optional human-readable `<text/>`.
    public var text: String?

    public init(condition: String, text: String? = nil) {
        self.condition = condition
        self.text = text
    }
}

/// A stanza error (RFC 6120 §8.3): from a type='error' reply to one of our stanzas.
public struct StanzaError: Error, Sendable, Equatable {
    /// `auth`, `cancel`, `continue`, `modify` or `wait`.
    public var type: String
    /// The defined condition's element name, e.g. `item-not-found`.
    public var condition: String
    public var text: String?
    /// Who answered with the error (the `from` of the error stanza), if given.
    public var by: String?

    public init(type: String, condition: String, text: String? = nil, by: String? = nil) {
        self.type = type
        self.condition = condition
        self.text = text
        self.by = by
    }
}

extension XMPPError: CustomStringConvertible {
    /// One line for stderr: what failed and what to check.
    public var description: String {
        switch self {
        case .unreachable(let what, _):
            return what
        case .timedOut(let what):
            return "timed out \(what)"
        case .connectionLost(let what):
            return "connection lost \(what)"
        case .streamError(let error):
            let text = error.text.map { ": \($0)" } ?? ""
            return "the server closed the stream with the error '\(error.condition)'\(text)"
        case .refusedBeforeSession(let error, _):
            let text = error.text.map { ": \($0)" } ?? ""
            return "the server closed the stream with the error '\(error.condition)'\(text), refusing stanzas sent before the session was established"
        case .protocolViolation(let what):
            return "protocol error: \(what)"
        case .tlsUnavailable(let what, _):
            return what
        case .tls(let failure, let server):
            switch failure {
            case .certificateNotTrusted(let reason):
                return "the TLS certificate of \(server) is not trusted: \(reason)"
            case .handshakeFailed(let reason):
                return "TLS handshake with \(server) failed: \(reason)"
            case .ioFailed(let reason):
                return "TLS connection to \(server) failed: \(reason)"
            case .configuration(let reason):
                return "TLS set-up failed: \(reason)"
            }
        case .authenticationFailed(let mechanism, let reason):
            return "authentication with \(mechanism) failed: \(reason)"
        case .tokenRefused(let mechanism, let reason):
            return "the server did not accept the login token (\(mechanism)): \(reason)"
        case .stanzaError(let error):
            return error.description
        case .refused(let what, _):
            return what
        }
    }
}

extension StanzaError: CustomStringConvertible {
    public var description: String {
        let who = by ?? "the server"
        let text = self.text.map { ": \($0)" } ?? ""
        return "\(who) answered with the error '\(condition)' (\(type))\(text)"
    }
}
