import XMPPProtocol

/// The format of the store's `device` file: a header line, then one record a line, bytes in
/// hex. Bare JIDs hold no spaces (RFC 7622 forbids them in every part), so a line splits on
/// spaces.
///
///     xmpp-cli omemo device 1
///     device-id 1234567
///     identity PUBLIC PRIVATE
///     signed-pre-key ID RECORD            (the last one written is the current one)
///     pre-key ID RECORD
///     next-pre-key-id N
///     session JID DEVICE RECORD
///     identity-of JID DEVICE KEY
enum OMEMOStateFile {
    static let header = "xmpp-cli omemo device 1"

    static func format(_ state: OMEMOState) -> String {
        var lines = [header, "device-id \(state.deviceID)", "identity \(Hex.encode(state.identityPublicKey)) \(Hex.encode(state.identityPrivateKey))"]
        for (id, record) in state.signedPreKeys.sorted(by: { $0.key < $1.key }) where id != state.currentSignedPreKeyID {
            lines.append("signed-pre-key \(id) \(Hex.encode(record))")
        }
        if let current = state.signedPreKeys[state.currentSignedPreKeyID] {
            lines.append("signed-pre-key \(state.currentSignedPreKeyID) \(Hex.encode(current))")
        }
        for (id, record) in state.preKeys.sorted(by: { $0.key < $1.key }) { lines.append("pre-key \(id) \(Hex.encode(record))") }
        lines.append("next-pre-key-id \(state.nextPreKeyID)")
        for (address, record) in state.sessions.sorted(by: { $0.key < $1.key }) {
            lines.append("session \(address.jid) \(address.device) \(Hex.encode(record))")
        }
        for (address, key) in state.identities.sorted(by: { $0.key < $1.key }) {
            lines.append("identity-of \(address.jid) \(address.device) \(Hex.encode(key))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The state a file holds; nil when it is damaged in any way.
    static func parse(_ text: String) -> OMEMOState? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == Substring(header), lines.last == "" else { return nil }
        lines.removeFirst()
        lines.removeLast()
        var deviceID: UInt32?, publicKey: [UInt8]?, privateKey: [UInt8]?, nextPreKeyID: UInt32?
        var signed: [UInt32: [UInt8]] = [:], current: UInt32?
        var preKeys: [UInt32: [UInt8]] = [:]
        var sessions: [OMEMOAddress: [UInt8]] = [:], identities: [OMEMOAddress: [UInt8]] = [:]
        for line in lines {
            let words = line.split(separator: " ").map(String.init)
            switch (words.first, words.count) {
            case ("device-id", 2): deviceID = UInt32(words[1])
            case ("identity", 3): (publicKey, privateKey) = (Hex.decode(words[1]), Hex.decode(words[2]))
            case ("signed-pre-key", 3):
                guard let id = UInt32(words[1]), let record = Hex.decode(words[2]) else { return nil }
                signed[id] = record
                current = id
            case ("pre-key", 3):
                guard let id = UInt32(words[1]), let record = Hex.decode(words[2]) else { return nil }
                preKeys[id] = record
            case ("next-pre-key-id", 2): nextPreKeyID = UInt32(words[1])
            case ("session", 4), ("identity-of", 4):
                guard let device = UInt32(words[2]), let bytes = Hex.decode(words[3]) else { return nil }
                let address = OMEMOAddress(jid: words[1], device: device)
                if words[0] == "session" { sessions[address] = bytes } else { identities[address] = bytes }
            default: return nil
            }
        }
        guard let deviceID, deviceID >= 1, let publicKey, publicKey.count == 33, let privateKey, privateKey.count == 32,
            let current, let nextPreKeyID
        else { return nil }
        return OMEMOState(
            deviceID: deviceID, identityPublicKey: publicKey, identityPrivateKey: privateKey, signedPreKeys: signed,
            currentSignedPreKeyID: current, preKeys: preKeys, nextPreKeyID: nextPreKeyID, sessions: sessions,
            identities: identities)
    }
}
