import XMPPProtocol

/// What `omemo devices` shows of one device, and what `trust`/`distrust` look devices up in.
struct OMEMODeviceReport {
    var address: OMEMOAddress
    /// The grouped form (8 groups of 8 hex digits); nil when its bundle cannot be fetched.
    var fingerprint: String?
    var level: OMEMOTrust.Level?
    /// This machine's device of the account.
    var isThisDevice: Bool
    /// Why there is no fingerprint.
    var problem: String?
}

extension OMEMOAccount {
    /// The published devices of `jids` with their fingerprints and trust, from the server;
    /// devices seen for the first time get their trust decided (and saved) as a send would.
    func deviceReports(for jids: [JID], session: XMPPSession, deadline: Deadline) throws(Failure) -> [OMEMODeviceReport] {
        try update(deadline: deadline) { () throws(Failure) in
            var addresses: [OMEMOAddress] = []
            let lists: [JID: Result<[UInt32], StanzaError>]
            do throws(XMPPError) { lists = try OMEMOPEP.deviceLists(of: jids, session: session, deadline: deadline) } catch { throw Failure(error) }
            for jid in jids {
                var devices: [UInt32]
                switch lists[jid.bare] {
                case .success(let listed)?: devices = listed
                case .failure(let error)?:
                    diagnostics.warning("\(jid) has no OMEMO device that we can see (its device list: \(error.condition))")
                    continue
                case nil: continue
                }
                if jid.bare == self.jid && !devices.contains(deviceID) { devices.append(deviceID) }
                addresses += devices.sorted().map { OMEMOAddress(jid: jid.bare.description, device: $0) }
            }
            let unknown = addresses.filter { device.state.identities[$0] == nil && !isThisDevice($0) }
            var bundles: [OMEMOAddress: Result<OMEMOBundle, OMEMOError>] = [:]
            if !unknown.isEmpty {
                do throws(XMPPError) { bundles = try OMEMOPEP.bundles(of: unknown, session: session, deadline: deadline) } catch { throw Failure(error) }
            }
            return addresses.map { address in
                if isThisDevice(address) {
                    return OMEMODeviceReport(address: address, fingerprint: fingerprint, level: nil, isThisDevice: true)
                }
                let identity: [UInt8]
                if let known = device.state.identities[address] {
                    identity = known
                } else {
                    switch bundles[address] {
                    case .success(let bundle)?: identity = bundle.identityKey
                    case .failure(let error)?: return OMEMODeviceReport(address: address, isThisDevice: false, problem: error.reason)
                    case nil: return OMEMODeviceReport(address: address, isThisDevice: false, problem: "no answer for its bundle")
                    }
                }
                let level = recordTrust(of: address, identityKey: identity)
                return OMEMODeviceReport(
                    address: address, fingerprint: OMEMODevice.fingerprint(ofIdentityKey: identity), level: level, isThisDevice: false)
            }
        }
    }

    private func isThisDevice(_ address: OMEMOAddress) -> Bool { address.jid == jid.description && address.device == deviceID }
}
