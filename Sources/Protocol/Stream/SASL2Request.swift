/// What a SASL2 login (XEP-0388) asks for: how to authenticate, who is asking, and what to
/// set up in the same exchange (Bind2, stream management, a FAST token).
public struct SASL2Request: Sendable {
    public var credential: SASL2Credential
    public var userAgent: SASL2UserAgent
    /// Resource binding inside the exchange (XEP-0386); nil binds nothing, and the session
    /// then binds as RFC 6120 §7 says, after `<success>`.
    public var bind: Bind2Request?
    /// The FAST mechanism (XEP-0484) to ask a token for, e.g. `HT-SHA-256-NONE`; nil asks
    /// for none. See `HashedToken.preferred(offered:channelBindings:)`.
    public var requestToken: String?

    public init(credential: SASL2Credential, userAgent: SASL2UserAgent, bind: Bind2Request?, requestToken: String? = nil) {
        self.credential = credential
        self.userAgent = userAgent
        self.bind = bind
        self.requestToken = requestToken
    }
}

/// How to authenticate: with the password of `ConnectionSettings` (SCRAM, or PLAIN where
/// the certificate was verified and nothing better is offered), or with a FAST token.
public enum SASL2Credential: Sendable {
    case password
    case token(FASTToken)
}

/// A FAST token (XEP-0484) as the server issued it: as good as the password for this
/// client installation, so it never appears in a description.
public struct FASTToken: Sendable, Equatable, SecretHolding {
    public var secret: String
    /// The mechanism the server bound it to; it accepts the token with no other.
    public var mechanism: String
    /// When it expires (XEP-0082 DateTime, e.g. `2026-12-22T13:58:58Z`), as the server said.
    public var expiry: String?

    public init(secret: String, mechanism: String, expiry: String?) {
        self.secret = secret
        self.mechanism = mechanism
        self.expiry = expiry
    }

    public var visibleFields: KeyValuePairs<String, Any> {
        ["secret": Redacted(), "mechanism": mechanism, "expiry": expiry as Any]
    }
}

/// XEP-0388's `<user-agent>`: `id` identifies this installation across logins (a server
/// keys FAST tokens and Bind2's stable resources by it), so it must be kept with the token.
public struct SASL2UserAgent: Sendable, Equatable {
    /// A UUID v4 (XEP-0388 requires that form).
    public var id: String
    public var software: String
    public var device: String?

    public init(id: String, software: String = "xmpp-cli", device: String? = nil) {
        self.id = id
        self.software = software
        self.device = device
    }

    /// A fresh random UUID v4 (RFC 9562 §5.4), for an installation that has none yet.
    public static func randomID() -> String {
        var bytes = Digest.randomBytes(16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }.joined(separator: "-")
    }
}

/// Bind2 (XEP-0386): a resource bound inside the SASL2 exchange.
public struct Bind2Request: Sendable, Equatable {
    /// Names the software in the resource the server makes (`xmpp-cli~…` on Prosody). It is
    /// visible to contacts: never a host name or anything private (XEP-0386 §7).
    public var tag: String
    /// XEP-0198 `<enable/>` inside `<bind>`, where the server offers it inline.
    public var enableStreamManagement: Bool
    /// Ask for a resumable stream (XEP-0198 §5).
    public var resumable: Bool

    public init(tag: String = "xmpp-cli", enableStreamManagement: Bool, resumable: Bool = false) {
        self.tag = tag
        self.enableStreamManagement = enableStreamManagement
        self.resumable = resumable
    }
}
