/// One device of a contact (or of our own account): a bare JID and its OMEMO device id.
public struct OMEMOAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var jid: String
    public var device: UInt32

    public init(jid: String, device: UInt32) {
        self.jid = jid
        self.device = device
    }

    public static func < (lhs: OMEMOAddress, rhs: OMEMOAddress) -> Bool {
        (lhs.jid, lhs.device) < (rhs.jid, rhs.device)
    }

    public var description: String { "\(jid) device \(device)" }
}

/// Everything one OMEMO device keeps between runs: its own keys, and the sessions and
/// identity keys of the devices it talked to. Records are libomemo-c's own serializations,
/// kept as bytes; `OMEMODevice` is the only reader of their insides.
public struct OMEMOState: Equatable, Sendable, SecretHolding {
    /// Our device id (the Signal protocol's registration id), 1 to 2^31 - 1.
    public var deviceID: UInt32
    /// The identity key pair: the public key serialized with its type byte (33 bytes), the
    /// private key (32 bytes).
    public var identityPublicKey: [UInt8]
    public var identityPrivateKey: [UInt8]
    /// Signed pre-keys by id, and the one published.
    public var signedPreKeys: [UInt32: [UInt8]]
    public var currentSignedPreKeyID: UInt32
    /// One-time pre-keys by id (each used once, then replaced), and the next id to give.
    public var preKeys: [UInt32: [UInt8]]
    public var nextPreKeyID: UInt32
    /// Signal sessions, and the identity key each remote device showed.
    public var sessions: [OMEMOAddress: [UInt8]]
    public var identities: [OMEMOAddress: [UInt8]]

    public init(
        deviceID: UInt32, identityPublicKey: [UInt8], identityPrivateKey: [UInt8],
        signedPreKeys: [UInt32: [UInt8]], currentSignedPreKeyID: UInt32,
        preKeys: [UInt32: [UInt8]], nextPreKeyID: UInt32,
        sessions: [OMEMOAddress: [UInt8]] = [:], identities: [OMEMOAddress: [UInt8]] = [:]
    ) {
        self.deviceID = deviceID
        self.identityPublicKey = identityPublicKey
        self.identityPrivateKey = identityPrivateKey
        self.signedPreKeys = signedPreKeys
        self.currentSignedPreKeyID = currentSignedPreKeyID
        self.preKeys = preKeys
        self.nextPreKeyID = nextPreKeyID
        self.sessions = sessions
        self.identities = identities
    }

    public var visibleFields: KeyValuePairs<String, Any> {
        [
            "deviceID": deviceID, "identityPrivateKey": Redacted(), "preKeys": preKeys.count,
            "sessions": sessions.count,
        ]
    }
}
