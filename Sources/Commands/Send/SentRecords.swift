import XMPPProtocol

/// `send --format json`: one record per message, `{"id","to","acked","url","stanza_id"}`,
/// printed once the server has acknowledged it. The id is also the message's origin-id
/// (XEP-0359), which `--replace` and `--retract` take; in a room, `stanza_id` is the id the
/// room gave it, read from the room's reflection of the message (XEP-0045 §7.2.13), which a
/// room's retraction names (XEP-0424 §5.1).
final class SentRecords {
    struct Record {
        var id: String
        var to: String
        var url: String?
        /// The room it went to, whose reflection carries its stanza id.
        var room: JID?
    }

    let enabled: Bool
    private var records: [Record] = []
    private var printed = 0
    /// Our ids (and the room) of room messages not yet seen reflected.
    private var awaitingReflection: [String: JID] = [:]
    private var stanzaIDs: [String: String] = [:]

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Starts over for a new login: what was printed stays printed.
    func add(id: String, to: String, url: String?, room: JID?) {
        guard enabled else { return }
        records.append(Record(id: id, to: to, url: url, room: room))
        if let room { awaitingReflection[id] = room }
    }

    /// Takes a room's reflection of one of our messages; ignores everything else.
    func handle(_ stanza: XMLElement) {
        guard enabled, !awaitingReflection.isEmpty, stanza.name == "message", stanza[attribute: "type"] == "groupchat",
            let from = stanza[attribute: "from"].flatMap({ try? JID($0) })
        else { return }
        let ids = [stanza.child("origin-id", namespace: Namespace.stanzaID)?[attribute: "id"], stanza[attribute: "id"]]
        guard let id = ids.compactMap({ $0 }).first(where: { awaitingReflection[$0] == from.bare }) else { return }
        awaitingReflection.removeValue(forKey: id)
        stanzaIDs[id] = StanzaIDs.assigned(in: stanza, by: from.bare)
    }

    var awaitsReflections: Bool { !awaitingReflection.isEmpty }

    /// Prints the records of the first `confirmed` messages not printed yet.
    func printConfirmed(_ confirmed: Int) {
        guard enabled else { return }
        while printed < min(confirmed, records.count) {
            let record = records[printed]
            var members: [(StaticString, JSONValue)] = [("id", .string(record.id)), ("to", .string(record.to)), ("acked", .bool(true))]
            if let url = record.url { members.append(("url", .string(url))) }
            if let stanzaID = stanzaIDs[record.id] { members.append(("stanza_id", .string(stanzaID))) }
            StandardOutput.write(bytes: JSONValue.object(members).bytes(followedBy: UInt8(ascii: "\n")))
            printed += 1
        }
    }

    var count: Int { records.count }
}
