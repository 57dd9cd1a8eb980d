/// The HT-SHA-256-* mechanisms that FAST (XEP-0484) logs in with: a token the server issued
/// earlier stands in for the password, and one round trip suffices (draft-schmaus-kitten-sasl-ht).
///
/// The client sends `authcid NUL HMAC-SHA-256(token, "Initiator" || cb-data)`; the server
/// answers, in `<success>`'s additional data, `HMAC-SHA-256(token, "Responder" || cb-data)`,
/// which proves it knows the token too. The suffix names the channel binding in cb-data:
/// NONE (empty), UNIQ (tls-unique), ENDP (tls-server-end-point), EXPR (tls-exporter).
/// A token is as good as a password for the account: descriptions leave it out.
public struct HashedToken: SASLMechanism, Sendable, SecretHolding {
    /// The channel binding a mechanism of the family hashes in.
    public enum Binding: String, Sendable, CaseIterable {
        case none = "NONE"
        case unique = "UNIQ"
        case endPoint = "ENDP"
        case exporter = "EXPR"

        /// The TLS channel-binding type (RFC 5929, RFC 9266) whose data is hashed in.
        public var channelBindingType: String? {
            switch self {
            case .none: nil
            case .unique: "tls-unique"
            case .endPoint: "tls-server-end-point"
            case .exporter: "tls-exporter"
            }
        }
    }

    public static let namePrefix = "HT-SHA-256-"

    public let name: String
    public let binding: Binding
    private let username: String
    private let token: String
    private let channelBindingData: [UInt8]
    private var state = State.initial

    private enum State: Sendable {
        case initial
        case awaitingSuccess(expectedResponder: [UInt8])
        case verified
        case failed
    }

    /// - Parameters:
    ///   - channelBindings: what the TLS connection can compute; the one the mechanism needs
    ///     is taken from it.
    /// - Returns: nil when `mechanism` is not of the family, or when it binds to a channel
    ///   binding this connection cannot compute.
    public init?(mechanism: String, username: String, token: String, channelBindings: [ChannelBindingData]) {
        guard mechanism.hasPrefix(Self.namePrefix),
            let binding = Binding(rawValue: String(mechanism.dropFirst(Self.namePrefix.count)))
        else { return nil }
        let data: [UInt8]
        if let type = binding.channelBindingType {
            guard let found = channelBindings.first(where: { $0.type == type }) else { return nil }
            data = found.data
        } else {
            data = []
        }
        self.name = mechanism
        self.binding = binding
        self.username = username
        self.token = token
        self.channelBindingData = data
    }

    /// The mechanism to ask a token for among those the server offers for FAST: the
    /// strongest binding this connection can compute (tls-exporter, tls-server-end-point,
    /// tls-unique), else NONE; nil when none is offered.
    public static func preferred(offered: [String], channelBindings: [ChannelBindingData]) -> String? {
        let available = Set(channelBindings.map(\.type))
        for binding in [Binding.exporter, .endPoint, .unique, .none] {
            let name = namePrefix + binding.rawValue
            guard offered.contains(name) else { continue }
            if let type = binding.channelBindingType, !available.contains(type) { continue }
            return name
        }
        return nil
    }

    public mutating func initialResponse() throws(SASLError) -> [UInt8] {
        guard case .initial = state else { throw fail(.unexpectedChallenge) }
        let authcid: String
        do { authcid = try SASLprep.prepare(username) } catch { throw fail(.invalidUsername(error.reason)) }
        guard !authcid.utf8.contains(0) else { throw fail(.invalidUsername("contains NUL")) }
        let initiator = proof("Initiator")
        state = .awaitingSuccess(expectedResponder: proof("Responder"))
        return Array(authcid.utf8) + [0] + initiator
    }

    /// The family completes in one round trip: any challenge is a confused or hostile server.
    public mutating func respond(to challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        throw fail(.unexpectedChallenge)
    }

    public mutating func verifySuccess(_ additionalData: [UInt8]) throws(SASLError) {
        guard case .awaitingSuccess(let expected) = state else { throw fail(.successWithoutVerification) }
        guard !additionalData.isEmpty else { throw fail(.successWithoutVerification) }
        guard Digest.constantTimeEquals(additionalData, expected) else { throw fail(.invalidTokenProof) }
        state = .verified
    }

    /// `HMAC-SHA-256(token, label || cb-data)`.
    private func proof(_ label: String) -> [UInt8] {
        var key = Array(token.utf8)
        defer { KeyMaterial.wipe(&key) }
        return Digest.hmac(.sha256, key: key, data: Array(label.utf8) + channelBindingData)
    }

    private mutating func fail(_ error: SASLError) -> SASLError {
        state = .failed
        return error
    }
}

extension HashedToken {
    public var visibleFields: KeyValuePairs<String, Any> {
        let step = switch state {
        case .initial: "initial"
        case .awaitingSuccess: "awaiting success"
        case .verified: "verified"
        case .failed: "failed"
        }
        return ["name": name, "username": username, "token": Redacted(), "step": step]
    }
}
