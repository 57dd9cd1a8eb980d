internal import COMEMO

/// A device's public keys as published on PEP: what another device needs to start a session.
public struct OMEMOBundle: Equatable, Sendable {
    public struct PreKey: Equatable, Sendable {
        public var id: UInt32
        public var publicKey: [UInt8]

        public init(id: UInt32, publicKey: [UInt8]) {
            self.id = id
            self.publicKey = publicKey
        }
    }

    public var signedPreKeyID: UInt32
    public var signedPreKey: [UInt8]
    public var signedPreKeySignature: [UInt8]
    public var identityKey: [UInt8]
    public var preKeys: [PreKey]

    public init(signedPreKeyID: UInt32, signedPreKey: [UInt8], signedPreKeySignature: [UInt8], identityKey: [UInt8], preKeys: [PreKey]) {
        self.signedPreKeyID = signedPreKeyID
        self.signedPreKey = signedPreKey
        self.signedPreKeySignature = signedPreKeySignature
        self.identityKey = identityKey
        self.preKeys = preKeys
    }
}

/// A message key encrypted for one device: a Signal message, or a pre-key message that
/// also starts the session.
public struct OMEMOEncryptedKey: Equatable, Sendable {
    public var data: [UInt8]
    public var isPreKeyMessage: Bool

    public init(data: [UInt8], isPreKeyMessage: Bool) {
        self.data = data
        self.isPreKeyMessage = isPreKeyMessage
    }
}

/// One OMEMO device (XEP-0384 0.3, the Signal protocol of libomemo-c): our keys, and the
/// sessions with the devices we talk to. Its `state` changes with every operation, and the
/// caller saves it.
public final class OMEMODevice {
    /// How many one-time pre-keys a bundle carries (XEP-0384 asks for at least 20; clients publish 100).
    public static let preKeyCount = 100

    private let context: SignalContext
    private let store: SignalStore

    public var state: OMEMOState { store.state }

    public init(state: OMEMOState) throws(OMEMOError) {
        context = try SignalContext()
        store = try SignalStore(state: state, context: context)
    }

    /// A new device: identity key pair, device id, signed pre-key and `preKeyCount` pre-keys.
    public static func generate(now milliseconds: UInt64) throws(OMEMOError) -> OMEMOState {
        let context = try SignalContext()
        var identity: OpaquePointer?
        try check("making an identity key", signal_protocol_key_helper_generate_identity_key_pair(&identity, context.pointer))
        defer { comemo_unref(UnsafeMutableRawPointer(identity)) }
        var deviceID: UInt32 = 0
        while deviceID == 0 || deviceID > UInt32(Int32.max) {
            try check("choosing a device id", signal_protocol_key_helper_generate_registration_id(&deviceID, 1, context.pointer))
        }
        var signedPreKey: OpaquePointer?
        try check(
            "making the signed pre-key",
            signal_protocol_key_helper_generate_signed_pre_key(&signedPreKey, identity, 1, milliseconds, context.pointer))
        defer { comemo_unref(UnsafeMutableRawPointer(signedPreKey)) }
        var state = OMEMOState(
            deviceID: deviceID,
            identityPublicKey: try serialized { ec_public_key_serialize(&$0, ratchet_identity_key_pair_get_public(identity)) },
            identityPrivateKey: try serialized { ec_private_key_serialize(&$0, ratchet_identity_key_pair_get_private(identity)) },
            signedPreKeys: [1: try serialized { session_signed_pre_key_serialize(&$0, signedPreKey) }],
            currentSignedPreKeyID: 1, preKeys: [:], nextPreKeyID: 1)
        try addPreKeys(to: &state, count: preKeyCount, context: context)
        return state
    }

    /// Tops the one-time pre-keys up to `preKeyCount` after some were used; true if any were added.
    public func replenishPreKeys() throws(OMEMOError) -> Bool {
        let missing = Self.preKeyCount - store.state.preKeys.count
        guard missing > 0 else { return false }
        try Self.addPreKeys(to: &store.state, count: missing, context: context)
        return true
    }

    /// Our public bundle, for PEP.
    public func bundle() throws(OMEMOError) -> OMEMOBundle {
        let state = store.state
        guard let record = state.signedPreKeys[state.currentSignedPreKeyID] else { throw OMEMOError("the store has no signed pre-key") }
        var signed: OpaquePointer?
        try Self.check("reading the signed pre-key", record.withUnsafeBufferPointer {
            session_signed_pre_key_deserialize(&signed, $0.baseAddress, $0.count, context.pointer)
        })
        defer { comemo_unref(UnsafeMutableRawPointer(signed)) }
        let signature = Array(UnsafeBufferPointer(
            start: session_signed_pre_key_get_signature(signed), count: session_signed_pre_key_get_signature_len(signed)))
        let signedPublic = try Self.serialized { ec_public_key_serialize(&$0, ec_key_pair_get_public(session_signed_pre_key_get_key_pair(signed))) }
        var preKeys: [OMEMOBundle.PreKey] = []
        for (id, record) in state.preKeys.sorted(by: { $0.key < $1.key }) {
            var preKey: OpaquePointer?
            try Self.check("reading a pre-key", record.withUnsafeBufferPointer {
                session_pre_key_deserialize(&preKey, $0.baseAddress, $0.count, context.pointer)
            })
            defer { comemo_unref(UnsafeMutableRawPointer(preKey)) }
            let key = try Self.serialized { ec_public_key_serialize(&$0, ec_key_pair_get_public(session_pre_key_get_key_pair(preKey))) }
            preKeys.append(.init(id: id, publicKey: key))
        }
        return OMEMOBundle(
            signedPreKeyID: state.currentSignedPreKeyID, signedPreKey: signedPublic, signedPreKeySignature: signature,
            identityKey: state.identityPublicKey, preKeys: preKeys)
    }

    public func hasSession(with address: OMEMOAddress) -> Bool { store.state.sessions[address] != nil }

    /// Starts a session with `address` from its bundle, with one of its pre-keys chosen at random.
    public func startSession(with address: OMEMOAddress, bundle: OMEMOBundle) throws(OMEMOError) {
        guard let preKey = bundle.preKeys.randomElement() else { throw OMEMOError("\(address)'s bundle has no pre-keys") }
        let ctx = context.pointer
        func key(_ bytes: [UInt8], _ what: String) throws(OMEMOError) -> OpaquePointer {
            var key: OpaquePointer?
            try Self.check("reading \(address)'s \(what)", bytes.withUnsafeBufferPointer { curve_decode_point(&key, $0.baseAddress, $0.count, ctx) })
            return key!
        }
        let preKeyPublic = try key(preKey.publicKey, "pre-key")
        defer { comemo_unref(UnsafeMutableRawPointer(preKeyPublic)) }
        let signedPublic = try key(bundle.signedPreKey, "signed pre-key")
        defer { comemo_unref(UnsafeMutableRawPointer(signedPublic)) }
        let identity = try key(bundle.identityKey, "identity key")
        defer { comemo_unref(UnsafeMutableRawPointer(identity)) }
        var signalBundle: OpaquePointer?
        try Self.check("reading \(address)'s bundle", bundle.signedPreKeySignature.withUnsafeBufferPointer {
            session_pre_key_bundle_create(
                &signalBundle, address.device, Int32(bitPattern: address.device), preKey.id, preKeyPublic,
                bundle.signedPreKeyID, signedPublic, $0.baseAddress, $0.count, identity)
        })
        defer { comemo_unref(UnsafeMutableRawPointer(signalBundle)) }
        try withAddress(address) { (signalAddress: UnsafePointer<signal_protocol_address>) throws(OMEMOError) in
            var builder: OpaquePointer?
            try Self.check("starting a session with \(address)", session_builder_create(&builder, store.storeContext, signalAddress, ctx))
            defer { session_builder_free(builder) }
            session_builder_set_version(builder, UInt32(CIPHERTEXT_CURRENT_VERSION))
            try Self.check("starting a session with \(address) (its signed pre-key)", session_builder_process_pre_key_bundle(builder, signalBundle))
        }
    }

    /// Encrypts a message key (key and tag) for `address`, with which a session exists.
    public func encrypt(_ messageKey: [UInt8], for address: OMEMOAddress) throws(OMEMOError) -> OMEMOEncryptedKey {
        try withCipher(address) { (cipher: OpaquePointer) throws(OMEMOError) in
            var message: OpaquePointer?
            try Self.check("encrypting for \(address)", messageKey.withUnsafeBufferPointer {
                session_cipher_encrypt(cipher, $0.baseAddress, $0.count, &message)
            })
            defer { comemo_unref(UnsafeMutableRawPointer(message)) }
            return OMEMOEncryptedKey(
                data: SignalContext.bytes(of: ciphertext_message_get_serialized(message)),
                isPreKeyMessage: ciphertext_message_get_type(message) == CIPHERTEXT_PREKEY_TYPE)
        }
    }

    /// Decrypts a message key `address` sent us; a pre-key message starts the session (and
    /// uses up one of our pre-keys, which `replenishPreKeys` then replaces).
    public func decrypt(_ key: OMEMOEncryptedKey, from address: OMEMOAddress) throws(OMEMOError) -> [UInt8] {
        let ctx = context.pointer
        return try withCipher(address) { (cipher: OpaquePointer) throws(OMEMOError) in
            var plaintext: OpaquePointer?
            if key.isPreKeyMessage {
                var message: OpaquePointer?
                try Self.check("reading the pre-key message from \(address)", key.data.withUnsafeBufferPointer {
                    pre_key_signal_message_deserialize(&message, $0.baseAddress, $0.count, ctx)
                })
                defer { comemo_unref(UnsafeMutableRawPointer(message)) }
                try Self.check("decrypting the pre-key message from \(address)", session_cipher_decrypt_pre_key_signal_message(cipher, message, nil, &plaintext))
            } else {
                var message: OpaquePointer?
                try Self.check("reading the message from \(address)", key.data.withUnsafeBufferPointer {
                    signal_message_deserialize(&message, $0.baseAddress, $0.count, ctx)
                })
                defer { comemo_unref(UnsafeMutableRawPointer(message)) }
                try Self.check("decrypting the message from \(address)", session_cipher_decrypt_signal_message(cipher, message, nil, &plaintext))
            }
            defer { signal_buffer_bzero_free(plaintext) }
            return SignalContext.bytes(of: plaintext)
        }
    }

    /// A public identity key as Conversations shows it: the 32 key bytes (without the type
    /// byte) in 8 groups of 8 lowercase hex digits.
    public static func fingerprint(ofIdentityKey key: [UInt8]) -> String {
        let bytes = key.count == 33 && key.first == 0x05 ? Array(key.dropFirst()) : key
        let hex = Hex.encode(bytes)
        return stride(from: 0, to: hex.count, by: 8).map { offset in
            String(hex.dropFirst(offset).prefix(8))
        }.joined(separator: " ")
    }

    // MARK: - libomemo-c plumbing

    private func withAddress<Result>(
        _ address: OMEMOAddress, _ body: (UnsafePointer<signal_protocol_address>) throws(OMEMOError) -> Result
    ) throws(OMEMOError) -> Result {
        let name = Array(address.jid.utf8CString)
        return try name.withUnsafeBufferPointer { (chars: UnsafeBufferPointer<CChar>) throws(OMEMOError) -> Result in
            var signalAddress = signal_protocol_address(
                name: chars.baseAddress, name_len: chars.count - 1, device_id: Int32(bitPattern: address.device))
            return try withUnsafePointer(to: &signalAddress) { (pointer) throws(OMEMOError) -> Result in try body(pointer) }
        }
    }

    private func withCipher<Result>(_ address: OMEMOAddress, _ body: (OpaquePointer) throws(OMEMOError) -> Result) throws(OMEMOError) -> Result {
        try withAddress(address) { (signalAddress: UnsafePointer<signal_protocol_address>) throws(OMEMOError) -> Result in
            var cipher: OpaquePointer?
            try Self.check("opening the session with \(address)", session_cipher_create(&cipher, store.storeContext, signalAddress, context.pointer))
            defer { session_cipher_free(cipher) }
            session_cipher_set_version(cipher, UInt32(CIPHERTEXT_CURRENT_VERSION))
            return try body(cipher!)
        }
    }

    private static func addPreKeys(to state: inout OMEMOState, count: Int, context: SignalContext) throws(OMEMOError) {
        // Ids stay below 2^24 (PRE_KEY_MEDIUM_MAX_VALUE) and start again at 1, as in libsignal.
        var start = state.nextPreKeyID
        if start == 0 || start + UInt32(count) > UInt32(PRE_KEY_MEDIUM_MAX_VALUE) { start = 1 }
        var head: OpaquePointer?
        try check("making pre-keys", signal_protocol_key_helper_generate_pre_keys(&head, start, UInt32(count), context.pointer))
        defer { signal_protocol_key_helper_key_list_free(head) }
        var node = head
        while let current = node {
            let preKey = signal_protocol_key_helper_key_list_element(current)
            state.preKeys[session_pre_key_get_id(preKey)] = try serialized { session_pre_key_serialize(&$0, preKey) }
            node = signal_protocol_key_helper_key_list_next(current)
        }
        state.nextPreKeyID = start + UInt32(count)
    }

    private static func serialized(_ make: (inout OpaquePointer?) -> Int32) throws(OMEMOError) -> [UInt8] {
        var buffer: OpaquePointer?
        try check("serializing a key", make(&buffer))
        defer { signal_buffer_bzero_free(buffer) }
        return SignalContext.bytes(of: buffer)
    }

    private static func check(_ operation: String, _ code: Int32) throws(OMEMOError) {
        guard code >= 0 else { throw OMEMOError.library(operation, code) }
    }
}
