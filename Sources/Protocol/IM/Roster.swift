/// The roster (RFC 6121 §2): fetching it, adding, changing and removing items, and telling
/// genuine roster pushes from spoofed ones.
public enum Roster {

    /// One contact, as the server stores it.
    public struct Item: Equatable, Sendable {
        public var jid: JID
        public var name: String?
        /// `none`, `to`, `from` or `both`.
        public var subscription: String
        /// `subscribe` while our subscription request is pending.
        public var ask: String?
        public var groups: [String]

        public init(jid: JID, name: String? = nil, subscription: String = "none", ask: String? = nil, groups: [String] = []) {
            self.jid = jid
            self.name = name
            self.subscription = subscription
            self.ask = ask
            self.groups = groups
        }
    }

    /// The whole roster (§2.1.3), sorted by JID. From now on the server sends this session
    /// roster pushes, which are answered (`acceptPushes`).
    public static func fetch(session: XMPPSession, deadline: Deadline) throws(XMPPError) -> [Item] {
        if session.responders[Namespace.roster] == nil { acceptPushes(on: session) }
        let iq = XMLElement("iq", attributes: ["type": "get"], children: [.element(XMLElement("query", namespace: Namespace.roster))])
        let result = try session.request(iq, deadline: deadline, waitingFor: "the roster")
        let items = result.child("query", namespace: Namespace.roster)?.elements(named: "item", namespace: Namespace.roster) ?? []
        return items.compactMap(parse).sorted { $0.jid.description < $1.jid.description }
    }

    /// Adds or replaces an item's name and groups (§2.3, §2.4); the server keeps the subscription.
    public static func set(_ jid: JID, name: String?, groups: [String], session: XMPPSession, deadline: Deadline) throws(XMPPError) {
        _ = try session.request(setRequest(jid, name: name, groups: groups), deadline: deadline, waitingFor: "the server to store \(jid) in the roster")
    }

    /// Removes an item (§2.5); the server also cancels the subscriptions both ways.
    public static func remove(_ jid: JID, session: XMPPSession, deadline: Deadline) throws(XMPPError) {
        _ = try session.request(removeRequest(jid), deadline: deadline, waitingFor: "the server to remove \(jid) from the roster")
    }

    /// The roster-set IQ that adds or replaces an item, for callers that pipeline several.
    public static func setRequest(_ jid: JID, name: String?, groups: [String]) -> XMLElement {
        var item = XMLElement("item", namespace: Namespace.roster, attributes: ["jid": jid.description])
        if let name { item[attribute: "name"] = name }
        for group in groups {
            var element = XMLElement("group", namespace: Namespace.roster)
            element.append(text: group)
            item.append(element)
        }
        return rosterSet(item)
    }

    /// The roster-set IQ that removes an item.
    public static func removeRequest(_ jid: JID) -> XMLElement {
        rosterSet(XMLElement("item", namespace: Namespace.roster, attributes: ["jid": jid.description, "subscription": "remove"]))
    }

    private static func rosterSet(_ item: XMLElement) -> XMLElement {
        let query = XMLElement("query", namespace: Namespace.roster, children: [.element(item)])
        return XMLElement("iq", attributes: ["type": "set"], children: [.element(query)])
    }

    static func parse(_ element: XMLElement) -> Item? {
        guard let text = element[attribute: "jid"], let jid = try? JID(text) else { return nil }
        let groups = element.elements(named: "group", namespace: Namespace.roster).map(\.text).filter { !$0.isEmpty }
        return Item(
            jid: jid, name: element[attribute: "name"].flatMap { $0.isEmpty ? nil : $0 },
            subscription: element[attribute: "subscription"] ?? "none", ask: element[attribute: "ask"],
            groups: Array(Set(groups)).sorted())
    }

    /// Answers the roster pushes `session` receives (RFC 6121 §2.1.6): a genuine one with a
    /// result, after telling `onPush` of its item; a spoofed one is left to the session's
    /// default answer (service-unavailable), and traced.
    public static func acceptPushes(on session: XMPPSession, onPush: @escaping (Item) -> Void = { _ in }) {
        let account = session.accountJID
        let tracer = session.tracer
        session.answerRequests(in: Namespace.roster) { iq in
            guard isGenuinePush(iq, account: account) else {
                tracer?(.stage("ignored a roster push from \(iq[attribute: "from"] ?? "?"): only the account's server may change its roster"))
                return nil
            }
            if let item = iq.child("query", namespace: Namespace.roster)?.child("item").flatMap(parse) { onPush(item) }
            return XMLElement("iq", attributes: ["type": "result"])
        }
    }

    /// RFC 6121 §2.1.6: a push is genuine only without 'from' or from the account's bare JID;
    /// anything else is someone trying to edit our roster, and is ignored.
    public static func isGenuinePush(_ iq: XMLElement, account: JID) -> Bool {
        guard iq[attribute: "type"] == "set", iq.child("query", namespace: Namespace.roster) != nil else { return false }
        guard let from = iq[attribute: "from"] else { return true }
        return (try? JID(from)) == account.bare
    }
}
