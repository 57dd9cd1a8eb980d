import Glibc
import XMPPProtocol

/// An account's OMEMO device for one run: its store opened and locked, published on the
/// server, and used to encrypt and decrypt. Every change is saved before anything that
/// depends on it leaves the machine.
final class OMEMOAccount {
    let jid: JID
    private let store: OMEMOStoreDirectory
    private(set) var device: OMEMODevice
    private(set) var trust: OMEMOTrust
    private let blindTrust: Bool
    let diagnostics: Diagnostics
    /// Devices whose broken session this run already tried to mend: once each, so that two
    /// clients cannot answer each other's repairs for ever.
    var mended: Set<OMEMOAddress> = []
    /// Whether our bundle changed since it was last published (new device, pre-keys used).
    private var bundleIsStale: Bool
    /// Our account's other devices, as the server listed them.
    private(set) var ownOtherDevices: [UInt32] = []
    /// Device lists read ahead in one flight (`readDeviceLists`), used once each.
    private var listsReadAhead: [JID: Result<[UInt32], StanzaError>] = [:]

    var deviceID: UInt32 { device.state.deviceID }

    /// Whether `account` has an OMEMO device on this machine already.
    static func exists(for account: Account) -> Bool {
        guard let base = UserDirectory.data.path else { return false }
        return access("\(base)/omemo/\(ServerCache.fileName(account.settings.jid.bare.description))/device", F_OK) == 0
    }
    var fingerprint: String { OMEMODevice.fingerprint(ofIdentityKey: device.state.identityPublicKey) }

    /// Opens the store of `account`, making a new device the first time. With `holdingLock`
    /// (a `send`) the store stays locked for the whole run; without (a `listen`, which may run
    /// for months beside sends) it is locked again for each message, by `update`.
    init(account: Account, diagnostics: Diagnostics, deadline: Deadline, holdingLock: Bool = true) throws(Failure) {
        jid = account.settings.jid.bare
        self.diagnostics = diagnostics
        blindTrust = account.blindTrust
        store = try OMEMOStoreDirectory(account: jid)
        try store.lock(deadline: deadline)
        let loaded = try Self.load(store, diagnostics: diagnostics, jid: jid)
        (device, trust, bundleIsStale) = loaded
        if bundleIsStale { try save() }
        if !holdingLock { store.unlock() }
    }

    /// The device and trust in the store, or a new device when there is none.
    private static func load(
        _ store: OMEMOStoreDirectory, diagnostics: Diagnostics, jid: JID
    ) throws(Failure) -> (OMEMODevice, OMEMOTrust, isNew: Bool) {
        let state: OMEMOState
        let isNew: Bool
        if let bytes = try store.read("device", kind: "OMEMO device file") {
            guard let parsed = OMEMOStateFile.parse(String(decoding: bytes, as: UTF8.self)) else {
                throw Failure(.config, "OMEMO device file \(store.file("device")) is damaged; restore it from a backup, or delete the directory to start a new device (contacts must then trust it again)")
            }
            state = parsed
            isNew = false
        } else {
            do throws(OMEMOError) { state = try OMEMODevice.generate(now: UInt64(time(nil)) * 1000) } catch { throw Failure(.software, "cannot make an OMEMO device: \(error)") }
            isNew = true
            diagnostics.progress("made a new OMEMO device \(state.deviceID) for \(jid) in \(store.path)")
        }
        let device: OMEMODevice
        do throws(OMEMOError) { device = try OMEMODevice(state: state) } catch { throw Failure(.software, "cannot load the OMEMO device: \(error)") }
        var trust = OMEMOTrust()
        if let bytes = try store.read("trust", kind: "OMEMO trust file") {
            guard let parsed = OMEMOTrust.parse(String(decoding: bytes, as: UTF8.self)) else {
                throw Failure(.config, "OMEMO trust file \(store.file("trust")) is damaged; fix or delete it (trust decisions are then made again)")
            }
            trust = parsed
        }
        return (device, trust, isNew)
    }

    /// Runs `body` with the store locked and read afresh (another run may have changed it),
    /// then saves it and unlocks (unless the lock is held for the whole run).
    func update<Result>(deadline: Deadline, _ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        let heldAlready = store.isLocked
        if !heldAlready {
            try store.lock(deadline: deadline)
            let loaded = try Self.load(store, diagnostics: diagnostics, jid: jid)
            (device, trust) = (loaded.0, loaded.1)
        }
        defer { if !heldAlready { store.unlock() } }
        let result = try body()
        try save()
        return result
    }

    func save() throws(Failure) {
        try store.write(Array(OMEMOStateFile.format(device.state).utf8), to: "device")
        try store.write(Array(trust.formatted.utf8), to: "trust")
    }

    /// Makes sure the server lists our device and has our current bundle; learns our other devices.
    /// Reads the device lists of our account and of `jids` in one flight, for `publish` and
    /// `devices(for:)` to take instead of asking one at a time.
    func readDeviceLists(of jids: [JID], session: XMPPSession, deadline: Deadline) throws(XMPPError) {
        listsReadAhead = try OMEMOPEP.deviceLists(of: [jid] + jids, session: session, deadline: deadline)
    }

    /// A device list: the one read ahead, else asked for now.
    private func deviceList(of owner: JID, session: XMPPSession, deadline: Deadline) throws(XMPPError) -> [UInt32] {
        switch listsReadAhead.removeValue(forKey: owner.bare) {
        case .success(let devices)?: return devices
        case .failure(let error)?: throw .stanzaError(error)
        case nil: return try OMEMOPEP.deviceList(of: owner, session: session, deadline: deadline)
        }
    }

    /// It writes nothing to the store, so it needs no lock.
    func publish(session: XMPPSession, deadline: Deadline) throws(XMPPError) {
        let listed = try deviceList(of: jid, session: session, deadline: deadline)
        ownOtherDevices = listed.filter { $0 != deviceID }
        if bundleIsStale || !listed.contains(deviceID) {
            let bundle: OMEMOBundle
            do throws(OMEMOError) { bundle = try device.bundle() } catch { throw .protocolViolation("our OMEMO bundle cannot be made: \(error)") }
            try OMEMOPEP.publishBundle(bundle, device: deviceID, session: session, deadline: deadline)
            bundleIsStale = false
        }
        if !listed.contains(deviceID) {
            try OMEMOPEP.publishDeviceList(listed + [deviceID], session: session, deadline: deadline)
            diagnostics.progress("published OMEMO device \(deviceID) of \(jid)")
        }
    }

    /// The trust level of `address` showing `identityKey`, deciding it the first time.
    func recordTrust(of address: OMEMOAddress, identityKey: [UInt8]) -> OMEMOTrust.Level {
        trust.level(of: address, identityKey: identityKey, blindTrust: blindTrust)
    }

    /// Sets the trust of `jid`'s devices whose fingerprint is `fingerprint` (64 hex digits); how many.
    func setTrust(_ level: OMEMOTrust.Level, jid: JID, fingerprint: String) -> Int {
        trust.set(level, jid: jid.bare.description, fingerprint: fingerprint)
    }

    // MARK: Sending

    /// The devices a message to `recipients` is encrypted for: every trusted device of each,
    /// and of our own account, with sessions started where there were none. A recipient
    /// without a device that can be encrypted to is a refusal (exit 77), before anything is sent.
    func devices(for recipients: [JID], session: XMPPSession, deadline: Deadline) throws(Failure) -> [OMEMOAddress] {
        var candidates: [(owner: JID?, address: OMEMOAddress)] = ownOtherDevices.map { (nil, OMEMOAddress(jid: jid.description, device: $0)) }
        for recipient in recipients {
            let listed: [UInt32]
            do throws(XMPPError) {
                listed = try deviceList(of: recipient, session: session, deadline: deadline)
            } catch .stanzaError(let error) {
                // Prosody says forbidden, rather than item-not-found, to a stranger asking for a node that does not exist.
                throw Failure(.noPermission, "\(recipient) has no OMEMO device that we can see (its device list: \(error.condition)): nothing was sent")
            } catch {
                throw Failure(error)
            }
            guard !listed.isEmpty else {
                throw Failure(.noPermission, "\(recipient) has no OMEMO device (none is published): nothing was sent")
            }
            // Never this device (OMEMO does not encrypt for the sender), and each device once:
            // our own account's devices may come both as our others and as a recipient's.
            let own = recipient.bare == jid
            guard !own || listed.contains(where: { $0 != deviceID }) else {
                throw Failure(.noPermission, "\(recipient) has no OMEMO device but this one, which OMEMO does not encrypt for: nothing was sent")
            }
            for device in listed where !(own && device == deviceID) {
                let address = OMEMOAddress(jid: recipient.bare.description, device: device)
                if let index = candidates.firstIndex(where: { $0.address == address }) {
                    candidates[index].owner = recipient
                } else {
                    candidates.append((recipient, address))
                }
            }
        }
        let unknown = candidates.map(\.address).filter { device.state.identities[$0] == nil || !device.hasSession(with: $0) }
        var bundles: [OMEMOAddress: Result<OMEMOBundle, OMEMOError>] = [:]
        if !unknown.isEmpty {
            do throws(XMPPError) { bundles = try OMEMOPEP.bundles(of: unknown, session: session, deadline: deadline) } catch { throw Failure(error) }
        }
        var chosen: [OMEMOAddress] = []
        var reasons: [JID: [String]] = [:]
        for (owner, address) in candidates {
            let identity: [UInt8]
            var bundle: OMEMOBundle?
            if device.hasSession(with: address), let known = device.state.identities[address] {
                identity = known
            } else {
                switch bundles[address] {
                case .success(let fetched)?:
                    bundle = fetched
                    identity = fetched.identityKey
                case .failure(let error)?:
                    if let owner { reasons[owner, default: []].append(error.reason) }
                    continue
                case nil:
                    if let owner { reasons[owner, default: []].append("the bundle of \(address) cannot be fetched") }
                    continue
                }
            }
            let level = trust.level(of: address, identityKey: identity, blindTrust: blindTrust)
            guard level.isTrusted else {
                if let owner { reasons[owner, default: []].append("device \(address.device) is \(level.rawValue)") }
                continue
            }
            if let bundle {
                do throws(OMEMOError) { try device.startSession(with: address, bundle: bundle) } catch {
                    if let owner { reasons[owner, default: []].append(error.reason) }
                    continue
                }
            }
            chosen.append(address)
        }
        for recipient in recipients where !chosen.contains(where: { $0.jid == recipient.bare.description }) {
            let why = (reasons[recipient] ?? []).joined(separator: "; ")
            throw Failure(
                .noPermission,
                "no device of \(recipient) can be encrypted to (\(why)): nothing was sent; see xmpp-cli omemo devices \(recipient), and xmpp-cli omemo trust \(recipient) FINGERPRINT")
        }
        for (recipient, why) in reasons.sorted(by: { $0.key.description < $1.key.description }) {
            diagnostics.warning("OMEMO: not encrypting to some devices of \(recipient): \(why.joined(separator: "; "))")
        }
        return chosen
    }

    /// `body` encrypted for `addresses`: the `<encrypted>` element of one message.
    func encrypt(_ body: String, for addresses: [OMEMOAddress]) throws(Failure) -> XMLElement {
        do throws(OMEMOError) {
            let sealed = try OMEMOPayload.seal(Array(body.utf8))
            var keys: [(device: UInt32, key: OMEMOEncryptedKey)] = []
            for address in addresses { keys.append((address.device, try device.encrypt(sealed.keyAndTag, for: address))) }
            return OMEMOEnvelope(senderDevice: deviceID, keys: keys, iv: sealed.iv, payload: sealed.ciphertext).element
        } catch {
            throw Failure(.software, "OMEMO encryption failed: \(error)")
        }
    }
}
