import XMPPProtocol

/// `send --omemo`: before anything is sent, our device is published and the devices every
/// message must be readable by are found, their sessions started; a target that cannot be
/// encrypted to stops the run (exit 77) with nothing sent.
extension Delivery {
    /// Publishes our device and finds every target's devices (and our own), before anything is
    /// sent: a target that cannot be encrypted to stops the run here (exit 77).
    func prepareEncryption(_ omemo: OMEMOAccount, deadline: Deadline) throws(Failure) {
        omemoDevices = [:]
        do throws(XMPPError) {
            // Our list and every recipient's in one flight (a room's members come later).
            try omemo.readDeviceLists(of: rooms == nil ? targets : [], session: session, deadline: deadline)
            try omemo.publish(session: session, deadline: deadline)
        } catch {
            throw Failure(error)
        }
        let own = omemo.ownOtherDevices.map { OMEMOAddress(jid: omemo.jid.description, device: $0) }
        if rooms == nil {
            let devices = try omemo.devices(for: targets, session: session, deadline: deadline)
            for target in targets {
                omemoDevices[target] = devices.filter { $0.jid == target.bare.description || own.contains($0) }
            }
        } else {
            for room in targets {
                let members = try roomMembers(room, omemo: omemo, deadline: deadline)
                do throws(XMPPError) { try omemo.readDeviceLists(of: members, session: session, deadline: deadline) } catch { throw Failure(error) }
                omemoDevices[room] = try omemo.devices(for: members, session: session, deadline: deadline)
            }
        }
        // Sessions started here are saved with the first message's ratchet step (`messages`).
        diagnostics.progress("OMEMO: encrypting for \(omemoDevices.values.reduce(0) { $0 + $1.count }) device(s) as device \(omemo.deviceID)")
    }

    /// Everyone a message to `room` must be readable by: its members, admins and owners and
    /// the occupants it showed, by real JID. Only a members-only, non-anonymous room has a
    /// set of readers we can know (XEP-0384): any other is a refusal.
    private func roomMembers(_ room: JID, omemo: OMEMOAccount, deadline: Deadline) throws(Failure) -> [JID] {
        let suitable: Bool
        let affiliated: [JID]
        do throws(XMPPError) {
            suitable = try MultiUserChat.isMembersOnlyAndNonAnonymous(room, session: session, deadline: deadline)
            affiliated = suitable ? try MultiUserChat.affiliatedJIDs(room, session: session, deadline: deadline) : []
        } catch {
            throw Failure(error)
        }
        guard suitable else {
            throw Failure(
                .noPermission,
                "OMEMO needs a members-only, non-anonymous room, and \(room) is not one (its readers cannot be known): nothing was sent")
        }
        var seen = Set<JID>()
        let members = (affiliated + (roomOccupants[room].map { Array($0.values) } ?? [])).filter { $0 != omemo.jid && seen.insert($0).inserted }
        guard !members.isEmpty else {
            throw Failure(.noPermission, "the room \(room) shows no other member to encrypt for: nothing was sent")
        }
        return members
    }

}
