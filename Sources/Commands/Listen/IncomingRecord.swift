import XMPPProtocol

/// One thing `listen` reports: a message, a presence or an IQ, with the fields every
/// output format draws from.
struct IncomingRecord {
    enum Kind: String { case message, presence, iq }

    var kind: Kind
    var stanza: XMLElement
    var from: String?
    var to: String?
    var type: String
    var id: String?
    var body: String?
    var subject: String?
    var thread: String?
    /// When it was first sent: the XEP-0203 stamp of offline and history messages, else now.
    var stamp: String
    var delayed: Bool
    var room: String?
    var nick: String?
    /// `sent` or `received` for a carbon copy (XEP-0280).
    var carbon: String?
    var show: String?
    var status: String?
    var priority: Int?
    /// `omemo` for an end-to-end encrypted message; then `body` is what it decrypted to (nil
    /// when it could not be), `fingerprint` the sending device's, and `error` why not.
    var encrypted: String?
    var fingerprint: String?
    var trust: String?
    var error: String?
    /// The message this one corrects (XEP-0308) or retracts (XEP-0424), by its id.
    var replaces: String?
    var retracts: String?
    /// From an archive (`listen --since`, `--state`), not live.
    var archived = false
    /// The message's id in its archive (XEP-0359 `<stanza-id/>`), where it is known.
    var archiveID: String?
    /// A file the message points to: its XEP-0066 out-of-band URL, or an OMEMO message's
    /// aesgcm:// body (XEP-0454).
    var url: String?

    /// A message; `rooms` are the joined rooms, whose occupants' private messages are
    /// attributed to the room as well.
    static func message(_ stanza: XMLElement, rooms: Set<JID>, carbon: Carbons.Direction?) -> IncomingRecord {
        let type = stanza[attribute: "type"] ?? "normal"
        let stamp = DelayedDelivery.stamp(of: stanza).flatMap(Timestamp.validated)
        var record = IncomingRecord(
            kind: .message, stanza: stanza, from: stanza[attribute: "from"], to: stanza[attribute: "to"], type: type,
            id: stanza[attribute: "id"], body: stanza.child("body")?.text, subject: stanza.child("subject")?.text,
            thread: stanza.child("thread")?.text, stamp: stamp ?? Timestamp.now(), delayed: stamp != nil,
            carbon: carbon?.rawValue)
        record.replaces = stanza.child("replace", namespace: Namespace.messageCorrection)?[attribute: "id"]
        record.retracts = stanza.child("retract", namespace: Namespace.messageRetraction)?[attribute: "id"]
        record.url = stanza.child("x", namespace: Namespace.outOfBandData)?.child("url", namespace: Namespace.outOfBandData)
            .map { $0.text.trimmingXMLWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        // Only a groupchat message or one from a joined room can be a room's: the sender's
        // address is parsed (which costs more than the rest of the record) only then.
        if type == "groupchat" || !rooms.isEmpty, let sender = stanza[attribute: "from"].flatMap({ try? JID($0) }),
            type == "groupchat" || rooms.contains(sender.bare)
        {
            record.room = sender.bare.description
            record.nick = sender.resourcepart
        }
        return record
    }

    static func presence(_ stanza: XMLElement) -> IncomingRecord {
        let info = Presence.Info(stanza)
        return IncomingRecord(
            kind: .presence, stanza: stanza, from: stanza[attribute: "from"], to: stanza[attribute: "to"],
            type: info?.type ?? stanza[attribute: "type"] ?? "available", id: stanza[attribute: "id"],
            stamp: DelayedDelivery.stamp(of: stanza).flatMap(Timestamp.validated) ?? Timestamp.now(),
            delayed: DelayedDelivery.stamp(of: stanza).flatMap(Timestamp.validated) != nil,
            show: info?.show, status: info?.status, priority: info?.priority)
    }

    static func iq(_ stanza: XMLElement) -> IncomingRecord {
        let payload = stanza.elementChildren.first
        return IncomingRecord(
            kind: .iq, stanza: stanza, from: stanza[attribute: "from"], to: stanza[attribute: "to"],
            type: stanza[attribute: "type"] ?? "get", id: stanza[attribute: "id"],
            body: payload.map { "{\($0.namespace ?? "")}\($0.name)" }, stamp: Timestamp.now(), delayed: false)
    }

    private init(
        kind: Kind, stanza: XMLElement, from: String?, to: String?, type: String, id: String?, body: String? = nil,
        subject: String? = nil, thread: String? = nil, stamp: String, delayed: Bool, carbon: String? = nil,
        show: String? = nil, status: String? = nil, priority: Int? = nil
    ) {
        self.kind = kind
        self.stanza = stanza
        self.from = from
        self.to = to
        self.type = type
        self.id = id
        self.body = body
        self.subject = subject
        self.thread = thread
        self.stamp = stamp
        self.delayed = delayed
        self.carbon = carbon
        self.show = show
        self.status = status
        self.priority = priority
    }
}
