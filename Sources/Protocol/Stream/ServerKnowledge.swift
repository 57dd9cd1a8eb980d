/// What a login learned about a server that lets the next one send more before it has to
/// wait for an answer. The command keeps it between runs (a cache); the core only reads it
/// and reports what it saw.
///
/// Every fact is a guess the server can contradict, and a wrong one costs at most a round
/// trip, never a failure: a mechanism no longer offered is refused and the login chooses
/// again; `<enable/>` to a server without stream management is answered `<failed/>` and a
/// ping confirms instead; a server that refuses stanzas before the bind result is logged in
/// to once more, waiting for it.
public struct ServerKnowledge: Sendable, Equatable {
    /// The SASL mechanisms offered after TLS, and the channel-binding types (XEP-0440): the
    /// first SASL message goes with the stream header, before the features arrive.
    public var mechanisms: [String]?
    public var channelBindingTypes: [String]?
    /// Whether stream management (XEP-0198) was offered after authentication:
    /// `<enable/>` and `<r/>` then go with the bind request.
    public var streamManagement: Bool?
    /// Whether the server took stanzas sent before its answer to resource binding (`false`:
    /// it closed the stream instead, as RFC 6120 §7.1 lets it; wait for the bind result).
    public var stanzasBeforeBind: Bool?
    /// Whether the server needs the RFC 3921 session request.
    public var legacySession: Bool?
    /// The largest stanza the server accepts (XEP-0478), when it says.
    public var maxStanzaBytes: Int?
    /// What the server's SASL2 offered (XEP-0388), `nil` when unknown or not offered: with
    /// a FAST token (XEP-0484), `<authenticate>` then goes with the stream header, the
    /// caller's stanzas right behind it.
    public var sasl2: SASL2Offer?
    /// The endpoint the last login reached the server at: tried first next time, while the
    /// endpoints (SRV) still include it, so that one that failed before it is not waited
    /// for again.
    public var endpoint: Endpoint?
    /// The SCRAM salts and iteration counts of the accounts that logged in last, newest
    /// first: the next SCRAM login derives its keys while the server's first message is
    /// on its way, rather than after it has arrived.
    public var scramKeys: [SCRAMAccountKeys] = []
    /// The HTTP upload service (XEP-0363) the last upload found, and the limit it announced
    /// (nil: none): the next upload asks it for slots without service discovery. A service
    /// that has gone or changed refuses, and is then looked for again.
    public var uploadService: String?
    public var uploadMaxFileSize: Int64?

    /// How many accounts' SCRAM parameters are kept.
    public static let rememberedSCRAMAccounts = 8

    /// What the last SCRAM login of `username` with `hash` was given, if remembered.
    public func scramParameters(username: String, hash: String) -> SCRAMKeyParameters? {
        scramKeys.first { $0.username == username && $0.hash == hash }?.parameters
    }

    /// Remembers `parameters` for `username` and `hash`, first in the list.
    public mutating func remember(_ parameters: SCRAMKeyParameters, username: String, hash: String) {
        guard !username.isEmpty else { return }
        scramKeys.removeAll { $0.username == username && $0.hash == hash }
        scramKeys.insert(SCRAMAccountKeys(username: username, hash: hash, parameters: parameters), at: 0)
        scramKeys = Array(scramKeys.prefix(Self.rememberedSCRAMAccounts))
    }

    public init(
        mechanisms: [String]? = nil, channelBindingTypes: [String]? = nil, streamManagement: Bool? = nil,
        stanzasBeforeBind: Bool? = nil, legacySession: Bool? = nil, maxStanzaBytes: Int? = nil
    ) {
        self.mechanisms = mechanisms
        self.channelBindingTypes = channelBindingTypes
        self.streamManagement = streamManagement
        self.stanzasBeforeBind = stanzasBeforeBind
        self.legacySession = legacySession
        self.maxStanzaBytes = maxStanzaBytes
    }
}

/// One account's SCRAM key parameters: the username as sent in SCRAM (after SASLprep) and
/// the mechanism's hash (`SHA-1`, `SHA-256`...).
public struct SCRAMAccountKeys: Sendable, Equatable {
    public var username: String
    public var hash: String
    public var parameters: SCRAMKeyParameters

    public init(username: String, hash: String, parameters: SCRAMKeyParameters) {
        self.username = username
        self.hash = hash
        self.parameters = parameters
    }
}
