/// Message Archive Management (XEP-0313, `urn:xmpp:mam:2`): pages of what an archive (the
/// account's own, or a room's) kept, with Result Set Management (XEP-0059).
///
/// A query is sent with `MessageArchive.query`; the archive answers with one message per
/// item, which the caller hands to `Query.take` as they arrive, then with the IQ result,
/// which `Query.finish` reads. Items are accepted only from the archive itself and with the
/// query's own random id, so nobody else can slip a message into a page.
public enum MessageArchive {
    /// Where a query starts.
    public enum Position: Equatable, Sendable {
        /// The whole archive.
        case beginning
        /// What was archived at or after this XEP-0082 date-time (UTC).
        case time(String)
        /// What was archived after the item with this archive id.
        case after(String)
    }

    /// The most items a page asks for: the largest page Prosody gives (its default maximum).
    public static let pageSize = 50

    /// One archived message: its id in the archive, when the archive received it, and the
    /// message itself, with that time as its XEP-0203 `<delay/>` when it had none.
    public struct Item: Sendable {
        public var archiveID: String
        public var stamp: String?
        public var message: XMLElement
    }

    /// How a page ended: whether it was the archive's last, and the id of its last item.
    public struct PageEnd: Sendable, Equatable {
        public var complete: Bool
        public var last: String?
    }

    /// One query in flight.
    public final class Query {
        /// The archive's address: the account's bare JID, or a room's.
        public let archive: JID
        /// The IQ's id, for `XMPPSession.takeResponse`.
        public let requestID: String
        let queryID: String
        /// The account's own archive answers from the bare JID, or from no address at all.
        let isOwnArchive: Bool
        /// Items in the order they came, which is the archive's.
        public private(set) var items: [Item] = []
        /// Result messages that claimed to be this query's but came from someone else.
        public private(set) var forgedCount = 0

        init(archive: JID, requestID: String, queryID: String, isOwnArchive: Bool) {
            self.archive = archive
            self.requestID = requestID
            self.queryID = queryID
            self.isOwnArchive = isOwnArchive
        }

        /// Takes `message` if it is one of this query's results: true then, and the item
        /// is in `items` (a result without a forwarded message or an id is dropped).
        public func take(_ message: XMLElement) -> Bool {
            guard let result = message.child("result", namespace: Namespace.mam), result[attribute: "queryid"] == queryID else {
                return false
            }
            guard isFromArchive(message[attribute: "from"]) else {
                forgedCount += 1
                return true
            }
            guard let id = result[attribute: "id"], !id.isEmpty,
                let forwarded = result.child("forwarded", namespace: Namespace.forward),
                var inner = forwarded.child("message", namespace: Namespace.client)
            else { return true }
            let stamp = forwarded.child("delay", namespace: Namespace.delay)?[attribute: "stamp"]
            if inner.child("delay", namespace: Namespace.delay) == nil, let stamp {
                inner.append(XMLElement("delay", namespace: Namespace.delay, attributes: ["stamp": stamp, "from": archive.description]))
            }
            items.append(Item(archiveID: id, stamp: stamp, message: inner))
            return true
        }

        private func isFromArchive(_ from: String?) -> Bool {
            guard let from else { return isOwnArchive }
            guard let sender = try? JID(from) else { return false }
            return sender == archive
        }

        /// Reads the archive's answer to the query: how the page ended, or why there is none
        /// (`.refused` when the server keeps no such archive, else the stanza error).
        public func finish(_ response: XMLElement) throws(XMPPError) -> PageEnd {
            if response[attribute: "type"] == "error" {
                let error = XMPPSession.stanzaError(in: response)
                if ["service-unavailable", "feature-not-implemented"].contains(error.condition) {
                    throw .refused("\(archive) keeps no message archive (XEP-0313): \(error.condition)")
                }
                throw .stanzaError(error)
            }
            guard let fin = response.child("fin", namespace: Namespace.mam) else {
                throw .protocolViolation("\(archive) answered an archive query without <fin/>")
            }
            let complete = ["true", "1"].contains(fin[attribute: "complete"] ?? "")
            let last = fin.child("set", namespace: Namespace.resultSetManagement)?.child("last", namespace: Namespace.resultSetManagement)?.text
            return PageEnd(complete: complete, last: last.flatMap { $0.isEmpty ? nil : $0 } ?? items.last?.archiveID)
        }
    }

    /// Sends a query for up to `max` items of `archive` from `position` on, oldest first.
    /// `account` is the session's own bare JID: its archive is queried without a `to`.
    public static func query(
        _ archive: JID, account: JID, from position: Position, max: Int = pageSize, session: XMPPSession
    ) -> Query {
        var fields: [XMLElement] = [field("FORM_TYPE", Namespace.mam, type: "hidden")]
        var set = XMLElement("set", namespace: Namespace.resultSetManagement, children: [.element(text("max", String(max)))])
        switch position {
        case .beginning: break
        case .time(let stamp): fields.append(field("start", stamp))
        case .after(let id): set.append(text("after", id))
        }
        let form = XMLElement("x", namespace: Namespace.dataForms, attributes: ["type": "submit"], children: fields.map { .element($0) })
        return send([form, set], to: archive, account: account, session: session)
    }

    /// Sends a query for the archive's last item: what it holds at the moment the server
    /// reads the query. Its page is empty when the archive is.
    public static func queryLastItem(_ archive: JID, account: JID, session: XMPPSession) -> Query {
        let set = XMLElement(
            "set", namespace: Namespace.resultSetManagement,
            children: [.element(text("max", "1")), .element(XMLElement("before", namespace: Namespace.resultSetManagement))])
        return send([set], to: archive, account: account, session: session)
    }

    private static func send(_ children: [XMLElement], to archive: JID, account: JID, session: XMPPSession) -> Query {
        let queryID = session.makeID()
        let query = XMLElement("query", namespace: Namespace.mam, attributes: ["queryid": queryID], children: children.map { .element($0) })
        let isOwn = archive == account.bare
        var attributes = ["type": "set"]
        if !isOwn { attributes["to"] = archive.description }
        let id = session.sendRequest(XMLElement("iq", attributes: attributes, children: [.element(query)]))
        return Query(archive: archive, requestID: id, queryID: queryID, isOwnArchive: isOwn)
    }

    /// Whether `message` is an archive's result, for this query or another.
    public static func isResult(_ message: XMLElement) -> Bool {
        message.child("result", namespace: Namespace.mam) != nil
    }

    private static func field(_ name: String, _ value: String, type: String? = nil) -> XMLElement {
        var attributes = ["var": name]
        if let type { attributes["type"] = type }
        return XMLElement("field", namespace: Namespace.dataForms, attributes: attributes, children: [.element(text("value", value, namespace: Namespace.dataForms))])
    }

    private static func text(_ name: String, _ value: String, namespace: String = Namespace.resultSetManagement) -> XMLElement {
        var element = XMLElement(name, namespace: namespace)
        element.append(text: value)
        return element
    }
}
