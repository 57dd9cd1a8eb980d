/// The `<encrypted>` element of XEP-0384 0.3: the message key, encrypted once per device,
/// and the payload, encrypted once with AES-128-GCM under that key.
public struct OMEMOEnvelope: Equatable, Sendable {
    /// The sending device.
    public var senderDevice: UInt32
    /// The key for each receiving device (`rid`).
    public var keys: [(device: UInt32, key: OMEMOEncryptedKey)]
    public var iv: [UInt8]
    /// The ciphertext of the body; nil for a key-transport message (no body: it only moves a
    /// ratchet forward, or answers a pre-key message).
    public var payload: [UInt8]?

    public init(senderDevice: UInt32, keys: [(device: UInt32, key: OMEMOEncryptedKey)], iv: [UInt8], payload: [UInt8]?) {
        self.senderDevice = senderDevice
        self.keys = keys
        self.iv = iv
        self.payload = payload
    }

    public static func == (lhs: OMEMOEnvelope, rhs: OMEMOEnvelope) -> Bool {
        lhs.senderDevice == rhs.senderDevice && lhs.iv == rhs.iv && lhs.payload == rhs.payload
            && lhs.keys.map(\.device) == rhs.keys.map(\.device) && lhs.keys.map(\.key) == rhs.keys.map(\.key)
    }

    /// The key sent to `device`, if any.
    public func key(for device: UInt32) -> OMEMOEncryptedKey? { keys.first { $0.device == device }?.key }

    public var element: XMLElement {
        var header = XMLElement("header", namespace: Namespace.omemoLegacy, attributes: ["sid": String(senderDevice)])
        for (device, key) in keys {
            var attributes = ["rid": String(device)]
            if key.isPreKeyMessage { attributes["prekey"] = "true" }
            var element = XMLElement("key", namespace: Namespace.omemoLegacy, attributes: attributes)
            element.append(text: Base64.encode(key.data))
            header.append(element)
        }
        var iv = XMLElement("iv", namespace: Namespace.omemoLegacy)
        iv.append(text: Base64.encode(self.iv))
        header.append(iv)
        var encrypted = XMLElement("encrypted", namespace: Namespace.omemoLegacy, children: [.element(header)])
        if let payload {
            var element = XMLElement("payload", namespace: Namespace.omemoLegacy)
            element.append(text: Base64.encode(payload))
            encrypted.append(element)
        }
        return encrypted
    }

    /// Reads an `<encrypted>` element. Keys that cannot be read are left out (they may be
    /// for other devices); a missing sender, IV or unreadable payload is an error.
    public init(element: XMLElement) throws(OMEMOError) {
        guard let header = element.child("header", namespace: Namespace.omemoLegacy) else { throw OMEMOError("the encrypted message has no header") }
        guard let sid = header[attribute: "sid"].flatMap(OMEMOElements.deviceID) else { throw OMEMOError("the encrypted message names no sending device") }
        guard let ivElement = header.child("iv", namespace: Namespace.omemoLegacy), let iv = OMEMOElements.decodedBase64(ivElement.text), !iv.isEmpty
        else { throw OMEMOError("the encrypted message has no IV") }
        senderDevice = sid
        self.iv = iv
        keys = header.elements(named: "key", namespace: Namespace.omemoLegacy).compactMap { key in
            guard let rid = key[attribute: "rid"].flatMap(OMEMOElements.deviceID), let data = OMEMOElements.decodedBase64(key.text), !data.isEmpty
            else { return nil }
            let preKey = key[attribute: "prekey"].map { $0 == "true" || $0 == "1" } ?? false
            return (rid, OMEMOEncryptedKey(data: data, isPreKeyMessage: preKey))
        }
        if let payloadElement = element.child("payload", namespace: Namespace.omemoLegacy) {
            guard let payload = OMEMOElements.decodedBase64(payloadElement.text) else { throw OMEMOError("the encrypted payload is not base64") }
            self.payload = payload
        } else {
            payload = nil
        }
    }
}

/// The payload's encryption: a fresh 16-byte key and 12-byte IV for each message, AES-128-GCM,
/// and the GCM tag sent with the key (key ‖ tag, the 32 bytes each device's session encrypts).
public enum OMEMOPayload {
    public static func seal(_ plaintext: [UInt8]) throws(OMEMOError) -> (keyAndTag: [UInt8], iv: [UInt8], ciphertext: [UInt8]) {
        var key = Digest.randomBytes(16)
        defer { KeyMaterial.wipe(&key) }
        let iv = Digest.randomBytes(12)
        do {
            let sealed = try Cipher.gcmSeal(key: key, iv: iv, plaintext: plaintext)
            return (key + sealed.tag, iv, sealed.ciphertext)
        } catch {
            throw OMEMOError("the message could not be encrypted: \(error)")
        }
    }

    /// Opens a payload with the key a session gave us: key ‖ tag (32 bytes or more), or, as
    /// older clients send it, a 16-byte key with the tag at the end of the payload.
    public static func open(keyAndTag: [UInt8], iv: [UInt8], ciphertext: [UInt8]) throws(OMEMOError) -> [UInt8] {
        let key: [UInt8], tag: [UInt8], body: [UInt8]
        if keyAndTag.count >= 32 {
            (key, tag, body) = (Array(keyAndTag.prefix(16)), Array(keyAndTag.dropFirst(16).prefix(16)), ciphertext)
        } else if keyAndTag.count == 16, ciphertext.count >= 16 {
            (key, tag, body) = (keyAndTag, Array(ciphertext.suffix(16)), Array(ciphertext.dropLast(16)))
        } else {
            throw OMEMOError("the message key is \(keyAndTag.count) bytes, not 32")
        }
        do {
            return try Cipher.gcmOpen(key: key, iv: iv, ciphertext: body, tag: tag)
        } catch {
            throw OMEMOError("the payload does not decrypt: \(error.reason)")
        }
    }
}
