/// Entering and leaving multi-user chat rooms (XEP-0045 §7.2, §7.14), as a sender needs it:
/// join without history, wait for the room to confirm our own presence, then send.
public enum MultiUserChat {

    /// Joins `room` as `nick` and returns our occupant address once the room has sent our own
    /// presence (status 110). A refusal is `.refused` with the room's condition explained.
    /// A room the join created (status 201) is unlocked with its default configuration
    /// (an instant room, §10.1.2), or nobody else could enter it.
    /// `history` false asks for no discussion history (a sender wants none); true leaves
    /// the amount to the room, whose history then arrives with its original times (XEP-0203).
    public static func join(
        _ room: JID, nick: String, password: String?, history: Bool = false, session: XMPPSession, deadline: Deadline
    ) throws(XMPPError) -> JID {
        try enter(room, nick: nick, password: password, history: history, session: session, deadline: deadline).occupant
    }

    /// What joining a room told us: our occupant address, and the real JID (bare) of each
    /// occupant already there whose presence showed it (a non-anonymous room shows them to
    /// everyone; others to moderators only).
    public struct Entry: Sendable {
        public var occupant: JID
        public var realJIDs: [JID: JID]
    }

    /// `join`, keeping what the room said of the other occupants on the way.
    public static func enter(
        _ room: JID, nick: String, password: String?, history: Bool = false, session: XMPPSession, deadline: Deadline
    ) throws(XMPPError) -> Entry {
        let occupant: JID
        do {
            occupant = try JID(localpart: room.localpart, domainpart: room.domainpart, resourcepart: nick)
        } catch {
            throw .refused("cannot join \(room) as '\(nick)': \(error.message(forJID: "\(room)/\(nick)"))")
        }
        var x = XMLElement("x", namespace: Namespace.muc)
        if !history { x.append(XMLElement("history", namespace: Namespace.muc, attributes: ["maxstanzas": "0"])) }
        if let password {
            var element = XMLElement("password", namespace: Namespace.muc)
            element.append(text: password)
            x.append(element)
        }
        // The room password must not reach a -vv trace.
        session.send(XMLElement("presence", attributes: ["to": occupant.description], children: [.element(x)]), redacted: password != nil)

        var answer: XMLElement?
        var realJIDs: [JID: JID] = [:]
        let previous = session.onStanza
        session.onStanza = { stanza in
            guard stanza.name == "presence", let from = stanza[attribute: "from"], let sender = try? JID(from) else {
                previous?(stanza)
                return
            }
            if sender.bare == room.bare, let real = realJID(in: stanza) { realJIDs[sender] = real }
            // Our own presence carries status 110, from whatever nickname the room gave us
            // (it may normalise or replace the one asked for, status 210).
            let fromRoom = sender.bare == room.bare
            let isError = stanza[attribute: "type"] == "error"
            if fromRoom && ((isError && (sender == occupant || sender.isBare)) || (!isError && statusCodes(stanza).contains("110"))) {
                answer = answer ?? stanza
            } else {
                previous?(stanza)
            }
        }
        // The room's presences are read, whatever the caller reads otherwise.
        let previousReads = session.readsStanza
        session.readsStanza = nil
        defer {
            session.onStanza = previous
            session.readsStanza = previousReads
        }
        try session.waitFor(deadline: deadline, waitingFor: "the room \(room) to confirm the join") { answer != nil }

        let presence = answer!
        if presence[attribute: "type"] == "error" {
            let error = XMPPSession.stanzaError(in: presence)
            let remedy: Remedy? = switch error.condition {
            case "conflict": .chooseAnotherNickname
            case "not-authorized": .checkRoomPassword
            default: nil
            }
            throw .refused(refusal(error, room: room, nick: nick), remedy: remedy)
        }
        if statusCodes(presence).contains("201") {
            try acceptDefaultConfiguration(room, session: session, deadline: deadline)
        }
        return Entry(occupant: presence[attribute: "from"].flatMap { try? JID($0) } ?? occupant, realJIDs: realJIDs)
    }

    /// The real JID (bare) an occupant's presence shows, if the room shows it.
    public static func realJID(in presence: XMLElement) -> JID? {
        presence.child("x", namespace: Namespace.mucUser)?.child("item", namespace: Namespace.mucUser)?[attribute: "jid"]
            .flatMap { try? JID($0) }?.bare
    }

    /// Whether the room is members-only and non-anonymous (disco#info, XEP-0045 §6.4): what
    /// OMEMO needs, since only then does every occupant know every other's real JID.
    public static func isMembersOnlyAndNonAnonymous(_ room: JID, session: XMPPSession, deadline: Deadline) throws(XMPPError) -> Bool {
        let query = XMLElement("query", namespace: Namespace.discoInfo)
        let response = try session.request(
            XMLElement("iq", attributes: ["type": "get", "to": room.bare.description], children: [.element(query)]),
            deadline: deadline, waitingFor: "the room \(room) to describe itself")
        let features = Set(response.child("query", namespace: Namespace.discoInfo)?.elements(named: "feature").compactMap { $0[attribute: "var"] } ?? [])
        return features.contains("muc_membersonly") && features.contains("muc_nonanonymous")
    }

    /// The room's members, admins and owners (bare real JIDs), asked for in one flight
    /// (XEP-0045 §9.5); a list the room does not show us is left out.
    public static func affiliatedJIDs(_ room: JID, session: XMPPSession, deadline: Deadline) throws(XMPPError) -> [JID] {
        let ids = ["member", "admin", "owner"].map { affiliation in
            let item = XMLElement("item", namespace: Namespace.mucAdmin, attributes: ["affiliation": affiliation])
            let query = XMLElement("query", namespace: Namespace.mucAdmin, children: [.element(item)])
            return session.sendRequest(XMLElement("iq", attributes: ["type": "get", "to": room.bare.description], children: [.element(query)]))
        }
        let responses = try session.waitForResponses(ids, deadline: deadline, waitingFor: "the room \(room) to list its members")
        return ids.compactMap { responses[$0] }.filter { $0[attribute: "type"] == "result" }.flatMap { response in
            (response.child("query", namespace: Namespace.mucAdmin)?.elements(named: "item") ?? []).compactMap {
                $0[attribute: "jid"].flatMap { try? JID($0) }?.bare
            }
        }
    }

    /// Leaves the room (unavailable presence to our occupant address); no answer is awaited.
    public static func leave(_ occupant: JID, session: XMPPSession) {
        session.send(XMLElement("presence", attributes: ["to": occupant.description, "type": "unavailable"]))
    }

    private static func acceptDefaultConfiguration(_ room: JID, session: XMPPSession, deadline: Deadline) throws(XMPPError) {
        let form = XMLElement("x", namespace: Namespace.dataForms, attributes: ["type": "submit"])
        let query = XMLElement("query", namespace: Namespace.mucOwner, children: [.element(form)])
        let iq = XMLElement("iq", attributes: ["type": "set", "to": room.bare.description], children: [.element(query)])
        do {
            _ = try session.request(iq, deadline: deadline, waitingFor: "the room \(room) to accept its configuration")
        } catch .stanzaError(let error) {
            throw .refused("the room \(room) was created but could not be opened: \(error.condition)")
        }
    }

    static func statusCodes(_ presence: XMLElement) -> [String] {
        presence.child("x", namespace: Namespace.mucUser)?.elements(named: "status").compactMap { $0[attribute: "code"] } ?? []
    }

    /// The join refusals of XEP-0045 §7.2 in words a user can act on.
    static func refusal(_ error: StanzaError, room: JID, nick: String) -> String {
        let reason: String
        switch error.condition {
        case "conflict": reason = "the nickname '\(nick)' is in use"
        case "not-authorized": reason = "a password is required or wrong"
        case "registration-required": reason = "the room is members-only and this account is not a member"
        case "forbidden": reason = "this account is banned from the room"
        case "item-not-found": reason = "the room does not exist"
        case "not-allowed": reason = "the room does not exist and this account may not create it"
        case "service-unavailable": reason = "the room is full"
        case "not-acceptable": reason = "the nickname '\(nick)' is not accepted by the room"
        default: reason = error.condition
        }
        let text = error.text.map { " (\($0))" } ?? ""
        return "cannot join \(room.bare) as '\(nick)': \(reason) [\(error.condition)]\(text)"
    }
}
