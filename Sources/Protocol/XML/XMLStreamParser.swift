/// Parses an XMPP stream (RFC 6120 §4) from bytes arriving in any chunking: the stream
/// header, each complete first-level element, and the stream's end.
///
/// Memory stays bounded by `XMLLimits` whatever the peer sends: elements nest at most
/// `maxDepth` deep below the root, a stanza may take at most `maxStanzaBytes` (counted in
/// bytes received, unparsed ones included), and the header at most `maxHeaderBytes`.
/// Whitespace between stanzas (keepalives) produces no events.
///
/// On a stream restart (after STARTTLS and after SASL success, RFC 6120 §4.3.3) call
/// `reset()` and feed only bytes read afterwards. This assumes no bytes of the new stream
/// arrive in the same read as the old one's last element, which holds because the server
/// sends its new header only after the client has sent its own, which it does after
/// handling that last element.
public final class XMLStreamParser {
    private let limits: XMLLimits
    private var session: XMLPushSession

    public init(limits: XMLLimits = .default) {
        self.limits = limits
        session = XMLPushSession(limits: limits, rootPolicy: .xmppStream)
    }

    /// Feeds bytes; returns the events completed by them, in order. After a throw the
    /// parser is dead: further feeds throw the same error until `reset()`. Events that
    /// completed earlier in the failing call are not returned: the stream is over anyway.
    public func feed(_ bytes: [UInt8]) throws(XMLStreamError) -> [XMLStreamEvent] {
        try session.feed(bytes)
    }

    /// Starts over with a fresh parse, for a stream restart.
    public func reset() {
        session = XMLPushSession(limits: limits, rootPolicy: .xmppStream)
    }
}
