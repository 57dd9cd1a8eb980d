internal import COMEMO

/// libomemo-c's store callbacks over an `OMEMOState` in memory. The library reads and
/// writes its records through these; whoever owns the device saves `state` afterwards.
///
/// Identity keys: every one is accepted here ("trusted" in the library's sense, which only
/// means "not changed since last seen") and remembered in `state.identities`. Whether a
/// device is encrypted to is decided before, by the trust the user gave its fingerprint.
final class SignalStore {
    var state: OMEMOState
    let storeContext: OpaquePointer

    init(state: OMEMOState, context: SignalContext) throws(OMEMOError) {
        self.state = state
        var storeContext: OpaquePointer?
        guard signal_protocol_store_context_create(&storeContext, context.pointer) == 0, let storeContext else {
            throw OMEMOError("libomemo-c could not make a store")
        }
        self.storeContext = storeContext
        let me = Unmanaged.passUnretained(self).toOpaque()

        var sessions = signal_protocol_session_store()
        sessions.user_data = me
        sessions.load_session_func = { record, _, address, me in
            guard let record, let address = SignalStore.address(address) else { return SG_ERR_INVAL }
            guard let bytes = SignalStore.of(me).state.sessions[address] else { return 0 }
            return SignalContext.give(bytes, to: record) == 0 ? 1 : SG_ERR_NOMEM
        }
        sessions.get_sub_device_sessions_func = { list, name, nameLength, me in
            guard let list, let name, let all = signal_int_list_alloc() else { return SG_ERR_NOMEM }
            let jid = SignalStore.string(name, nameLength)
            let devices = SignalStore.of(me).state.sessions.keys.filter { $0.jid == jid }.map(\.device).sorted()
            for device in devices { signal_int_list_push_back(all, Int32(bitPattern: device)) }
            list.pointee = all
            return Int32(devices.count)
        }
        sessions.store_session_func = { address, record, length, _, _, me in
            guard let address = SignalStore.address(address), let record else { return SG_ERR_INVAL }
            SignalStore.of(me).state.sessions[address] = Array(UnsafeBufferPointer(start: record, count: length))
            return 0
        }
        sessions.contains_session_func = { address, me in
            guard let address = SignalStore.address(address) else { return 0 }
            return SignalStore.of(me).state.sessions[address] == nil ? 0 : 1
        }
        sessions.delete_session_func = { address, me in
            guard let address = SignalStore.address(address) else { return 0 }
            return SignalStore.of(me).state.sessions.removeValue(forKey: address) == nil ? 0 : 1
        }
        sessions.delete_all_sessions_func = { name, nameLength, me in
            guard let name else { return 0 }
            let jid = SignalStore.string(name, nameLength)
            let store = SignalStore.of(me)
            let doomed = store.state.sessions.keys.filter { $0.jid == jid }
            for address in doomed { store.state.sessions[address] = nil }
            return Int32(doomed.count)
        }
        signal_protocol_store_context_set_session_store(storeContext, &sessions)

        // Pre-keys and signed pre-keys: the same four operations on two tables.
        var preKeys = signal_protocol_pre_key_store()
        preKeys.user_data = me
        preKeys.load_pre_key = { record, id, me in SignalStore.of(me).load(\.preKeys, id, into: record) }
        preKeys.store_pre_key = { id, record, length, me in SignalStore.of(me).store(\.preKeys, id, record, length) }
        preKeys.contains_pre_key = { id, me in SignalStore.of(me).state.preKeys[id] == nil ? 0 : 1 }
        preKeys.remove_pre_key = { id, me in SignalStore.of(me).remove(\.preKeys, id) }
        signal_protocol_store_context_set_pre_key_store(storeContext, &preKeys)

        var signedPreKeys = signal_protocol_signed_pre_key_store()
        signedPreKeys.user_data = me
        signedPreKeys.load_signed_pre_key = { record, id, me in SignalStore.of(me).load(\.signedPreKeys, id, into: record) }
        signedPreKeys.store_signed_pre_key = { id, record, length, me in SignalStore.of(me).store(\.signedPreKeys, id, record, length) }
        signedPreKeys.contains_signed_pre_key = { id, me in SignalStore.of(me).state.signedPreKeys[id] == nil ? 0 : 1 }
        signedPreKeys.remove_signed_pre_key = { id, me in SignalStore.of(me).remove(\.signedPreKeys, id) }
        signal_protocol_store_context_set_signed_pre_key_store(storeContext, &signedPreKeys)

        var identities = signal_protocol_identity_key_store()
        identities.user_data = me
        identities.get_identity_key_pair = { publicData, privateData, me in
            guard let publicData, let privateData else { return SG_ERR_INVAL }
            let state = SignalStore.of(me).state
            guard SignalContext.give(state.identityPublicKey, to: publicData) == 0 else { return SG_ERR_NOMEM }
            return SignalContext.give(state.identityPrivateKey, to: privateData)
        }
        identities.get_local_registration_id = { me, id in
            id?.pointee = SignalStore.of(me).state.deviceID
            return 0
        }
        identities.save_identity = { address, key, length, me in
            guard let address = SignalStore.address(address) else { return SG_ERR_INVAL }
            SignalStore.of(me).state.identities[address] = key.map { Array(UnsafeBufferPointer(start: $0, count: length)) }
            return 0
        }
        identities.is_trusted_identity = { _, _, _, _ in 1 }
        signal_protocol_store_context_set_identity_key_store(storeContext, &identities)
    }

    deinit { signal_protocol_store_context_destroy(storeContext) }

    private typealias KeyTable = WritableKeyPath<OMEMOState, [UInt32: [UInt8]]>

    private func load(_ table: KeyTable, _ id: UInt32, into record: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
        guard let record else { return SG_ERR_INVAL }
        guard let bytes = state[keyPath: table][id] else { return SG_ERR_INVALID_KEY_ID }
        return SignalContext.give(bytes, to: record)
    }

    private func store(_ table: KeyTable, _ id: UInt32, _ record: UnsafeMutablePointer<UInt8>?, _ length: Int) -> Int32 {
        guard let record else { return SG_ERR_INVAL }
        state[keyPath: table][id] = Array(UnsafeBufferPointer(start: record, count: length))
        return 0
    }

    private func remove(_ table: KeyTable, _ id: UInt32) -> Int32 {
        state[keyPath: table][id] = nil
        return 0
    }

    private static func of(_ pointer: UnsafeMutableRawPointer?) -> SignalStore {
        Unmanaged<SignalStore>.fromOpaque(pointer!).takeUnretainedValue()
    }

    private static func string(_ name: UnsafePointer<CChar>, _ length: Int) -> String {
        name.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    private static func address(_ address: UnsafePointer<signal_protocol_address>?) -> OMEMOAddress? {
        guard let address, let name = address.pointee.name else { return nil }
        return OMEMOAddress(jid: string(name, address.pointee.name_len), device: UInt32(bitPattern: address.pointee.device_id))
    }
}
