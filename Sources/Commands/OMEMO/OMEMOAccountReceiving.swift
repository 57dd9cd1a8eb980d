import XMPPProtocol

/// What `listen` does with an encrypted message: decrypt it, and keep the sessions going
/// (answering pre-key messages, mending broken sessions).
extension OMEMOAccount {
    // MARK: Receiving

    struct Decryption {
        var body: String?
        var fingerprint: String?
        /// The sending device's trust: a message from an undecided or distrusted device is
        /// shown, but marked.
        var trust: OMEMOTrust.Level?
        var error: String?
        /// No payload: the message only carried a key (a ratchet step, or an answer to a pre-key message).
        var isKeyTransport = false
    }

    /// What an `<encrypted>` message from `sender` says; whatever fails is an error in the
    /// result, never a throw. Run it inside `update`, which saves what it changed. A pre-key message used one of our pre-keys: it is replaced and
    /// republished, and the sender gets an empty message so its session moves on.
    func decrypt(_ encrypted: XMLElement, from sender: JID, session: XMPPSession, deadline: Deadline) -> Decryption {
        let envelope: OMEMOEnvelope
        do throws(OMEMOError) { envelope = try OMEMOEnvelope(element: encrypted) } catch { return Decryption(error: error.reason) }
        let address = OMEMOAddress(jid: sender.bare.description, device: envelope.senderDevice)
        if address.jid == jid.description && envelope.senderDevice == deviceID {
            return Decryption(error: "sent by this device, which OMEMO does not encrypt for (a room's copy, or a carbon)")
        }
        guard let key = envelope.key(for: deviceID) else {
            return Decryption(error: "the message is not encrypted for this device (\(deviceID))")
        }
        var result = Decryption()
        do throws(OMEMOError) {
            var messageKey = try device.decrypt(key, from: address)
            defer { KeyMaterial.wipe(&messageKey) }
            if let identity = device.state.identities[address] {
                result.fingerprint = OMEMODevice.fingerprint(ofIdentityKey: identity)
                result.trust = recordTrust(of: address, identityKey: identity)
            }
            if let payload = envelope.payload {
                let plaintext = try OMEMOPayload.open(keyAndTag: messageKey, iv: envelope.iv, ciphertext: payload)
                if let text = String(validating: plaintext, as: UTF8.self) {
                    result.body = text
                } else {
                    result.error = "the decrypted body is not UTF-8"
                }
            } else {
                result.isKeyTransport = true
            }
        } catch {
            result.error = error.reason
            // A session the sender has and we lost (a restored backup, a wiped store) or that
            // went out of step: a new one from its bundle, and an empty message that starts it
            // on its side, so the next messages can be read (what Conversations and Dino do).
            if !key.isPreKeyMessage, [-1008, -1004, -1005].contains(error.code ?? 0) {
                mendSession(with: address, session: session, deadline: deadline)
            }
        }
        if key.isPreKeyMessage && result.error == nil { answerPreKeyMessage(from: address, session: session, deadline: deadline) }
        return result
    }

    private func mendSession(with address: OMEMOAddress, session: XMPPSession, deadline: Deadline) {
        guard mended.insert(address).inserted else { return }
        do {
            guard case .success(let bundle)? = try OMEMOPEP.bundles(of: [address], session: session, deadline: deadline)[address] else {
                diagnostics.warning("OMEMO: the session with \(address) is broken, and its bundle cannot be fetched to start another")
                return
            }
            try device.startSession(with: address, bundle: bundle)
            try sendKeyTransport(to: address, session: session)
            diagnostics.progress("OMEMO: started a new session with \(address), whose message could not be decrypted")
        } catch {
            diagnostics.warning("OMEMO: could not mend the session with \(address): \(error)")
        }
    }

    /// An empty message (no payload) to one device: it moves the session on, or starts it.
    private func sendKeyTransport(to address: OMEMOAddress, session: XMPPSession) throws {
        var filler = Digest.randomBytes(32)
        defer { KeyMaterial.wipe(&filler) }
        let envelope = OMEMOEnvelope(
            senderDevice: deviceID, keys: [(address.device, try device.encrypt(filler, for: address))],
            iv: Digest.randomBytes(12), payload: nil)
        // Saved before it leaves: a ratchet step sent must never be taken again.
        try save()
        session.send(XMLElement(
            "message", attributes: ["to": address.jid, "type": "chat", "id": session.makeID()],
            children: [.element(envelope.element), .element(XMLElement("store", namespace: Namespace.processingHints))]))
    }

    private func answerPreKeyMessage(from address: OMEMOAddress, session: XMPPSession, deadline: Deadline) {
        do {
            if try device.replenishPreKeys() {
                try save()
                try OMEMOPEP.publishBundle(device.bundle(), device: deviceID, session: session, deadline: deadline)
            }
            try sendKeyTransport(to: address, session: session)
        } catch {
            diagnostics.warning("OMEMO: could not answer the pre-key message of \(address): \(error)")
        }
    }
}
