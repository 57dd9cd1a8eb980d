import XMPPProtocol

/// What a hostile contact controls of OMEMO: the XML of `<encrypted>`, bundles and device
/// lists, the bytes of an encrypted key (libomemo-c's protobuf parsing), and the keys of a
/// bundle a session is started from. The first byte picks which. Promises: errors, never a
/// trap; an envelope or bundle that parses serializes to XML that parses to the same; bytes
/// nobody encrypted never decrypt.
enum OMEMOFuzz {
    /// One device made once per process; each input gets a fresh copy of its state, so no
    /// input's outcome depends on the ones before it.
    nonisolated(unsafe) static let state: OMEMOState = try! OMEMODevice.generate(now: 1)
    static let sender = OMEMOAddress(jid: "mallory@example.org", device: 4242)

    static func run(_ bytes: [UInt8]) {
        guard let mode = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        switch mode % 3 {
        case 0: xml(rest)
        case 1: key(rest, preKey: mode & 0x80 != 0)
        default: bundle(rest)
        }
    }

    private static func xml(_ bytes: [UInt8]) {
        let parser = XMLFragmentParser(limits: XMLLimits(maxDepth: 8, maxStanzaBytes: 8192, maxHeaderBytes: 1024), defaultNamespace: Namespace.omemoLegacy)
        guard let elements = try? parser.feed(bytes) else { return }
        for element in elements {
            _ = OMEMOElements.devices(in: element)
            if let envelope = try? OMEMOEnvelope(element: element) {
                require(try! OMEMOEnvelope(element: reparsed(envelope.element)) == envelope, "an envelope does not survive XML: \(element)")
                let device = try! OMEMODevice(state: state)
                for (_, key) in envelope.keys {
                    require((try? device.decrypt(key, from: sender)) == nil, "a key nobody encrypted decrypted")
                }
            }
            if let bundle = try? OMEMOElements.bundle(from: element) {
                require(try! OMEMOElements.bundle(from: reparsed(OMEMOElements.bundle(bundle))) == bundle, "a bundle does not survive XML: \(element)")
            }
        }
    }

    private static func key(_ bytes: [UInt8], preKey: Bool) {
        let device = try! OMEMODevice(state: state)
        require((try? device.decrypt(OMEMOEncryptedKey(data: bytes, isPreKeyMessage: preKey), from: sender)) == nil, "bytes nobody encrypted decrypted")
    }

    /// A bundle whose parts are cut from the input: identity, signed pre-key, signature, pre-key.
    private static func bundle(_ bytes: [UInt8]) {
        var choices = InputChoices(bytes)
        var parts: [[UInt8]] = []
        var start = 0
        for _ in 0..<4 {
            let length = min(bytes.count - start, choices.number(in: 0...70))
            parts.append(Array(bytes[start..<(start + length)]))
            start += length
        }
        let bundle = OMEMOBundle(
            signedPreKeyID: 1, signedPreKey: parts[1], signedPreKeySignature: parts[2], identityKey: parts[0],
            preKeys: [.init(id: 1, publicKey: parts[3])])
        let device = try! OMEMODevice(state: state)
        if (try? device.startSession(with: sender, bundle: bundle)) != nil {
            // Only a signature made with the identity key lets a session start; then it encrypts.
            _ = try? device.encrypt([1, 2, 3], for: sender)
        }
    }

    private static func reparsed(_ element: XMLElement) -> XMLElement {
        let parser = XMLFragmentParser(limits: .default, defaultNamespace: Namespace.omemoLegacy)
        return try! parser.feed(Array(element.serialized(parentNamespace: Namespace.client).utf8))[0]
    }
}
