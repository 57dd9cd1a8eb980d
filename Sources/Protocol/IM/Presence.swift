/// Presence (RFC 6121 §4): building our own, and reading others'.
public enum Presence {
    public static let shows: Set<String> = ["away", "chat", "dnd", "xa"]

    /// Our availability: `show` (nil means plain available), status text, priority.
    public static func available(show: String?, status: String?, priority: Int?, to: JID? = nil) -> XMLElement {
        var presence = XMLElement("presence")
        if let to { presence[attribute: "to"] = to.description }
        if let show { presence.append(textElement("show", show)) }
        if let status { presence.append(textElement("status", status)) }
        if let priority { presence.append(textElement("priority", String(priority))) }
        return presence
    }

    /// A presence of type `subscribe`, `subscribed`, `unsubscribe`, `unsubscribed` or `unavailable`.
    public static func typed(_ type: String, to: JID?, status: String? = nil) -> XMLElement {
        var presence = XMLElement("presence", attributes: ["type": type])
        if let to { presence[attribute: "to"] = to.description }
        if let status { presence.append(textElement("status", status)) }
        return presence
    }

    /// What a received presence says about its sender.
    public struct Info: Equatable, Sendable {
        public var from: JID
        /// `available`, `unavailable`, or a subscription type.
        public var type: String
        public var show: String?
        public var status: String?
        public var priority: Int

        public init?(_ stanza: XMLElement) {
            guard stanza.name == "presence", let text = stanza[attribute: "from"], let from = try? JID(text) else { return nil }
            self.from = from
            type = stanza[attribute: "type"] ?? "available"
            show = stanza.child("show").map(\.text).flatMap { shows.contains($0) ? $0 : nil }
            status = stanza.child("status").map(\.text)
            // RFC 6121 §4.7.2.3: -128 to 127; anything else counts as 0.
            priority = stanza.child("priority").flatMap { Int($0.text) }.flatMap { (-128...127).contains($0) ? $0 : nil } ?? 0
        }
    }

    private static func textElement(_ name: String, _ text: String) -> XMLElement {
        var element = XMLElement(name)
        element.append(text: text)
        return element
    }
}
