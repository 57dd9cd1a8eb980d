/// Message carbons (XEP-0280): copies of the account's messages sent and received by its
/// other clients.
public enum Carbons {
    /// The IQ that asks the server to send carbons to this session.
    public static var enableRequest: XMLElement {
        XMLElement("iq", attributes: ["type": "set"], children: [.element(XMLElement("enable", namespace: Namespace.carbons))])
    }

    public enum Direction: String, Sendable { case received, sent }

    /// The forwarded message inside a carbon, and which way it went; `nil` when `message` is
    /// no carbon. A carbon that does not come from the account's own bare JID is forged
    /// (XEP-0280 §11, CVE-2017-5589) and reported as `.forged`.
    public enum Unwrapped: Sendable {
        case notACarbon
        case forged
        case carbon(XMLElement, Direction)
    }

    public static func unwrap(_ message: XMLElement, account: JID) -> Unwrapped {
        for direction in [Direction.received, .sent] {
            guard let wrapper = message.child(direction.rawValue, namespace: Namespace.carbons) else { continue }
            guard let from = message[attribute: "from"], (try? JID(from)) == account.bare else { return .forged }
            guard let inner = wrapper.child("forwarded", namespace: Namespace.forward)?.child("message") else { return .forged }
            return .carbon(inner, direction)
        }
        return .notACarbon
    }
}

/// Delayed delivery (XEP-0203): when an offline or history message was first sent.
public enum DelayedDelivery {
    /// The `stamp` of the message's `<delay/>`, as given (XEP-0082 date-time, UTC).
    public static func stamp(of stanza: XMLElement) -> String? {
        stanza.child("delay", namespace: Namespace.delay)?[attribute: "stamp"]
    }
}
