import XCTest

@testable import XMPPProtocol

/// What the scripted server for example.com says, as the text it puts on the wire.
enum ScriptedServer {
    static let domain = "example.com"
    static let account = "alice@example.com"

    static let header =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
        + " xmlns:stream='http://etherx.jabber.org/streams' id='s-1' from='example.com'"
        + " version='1.0' xml:lang='en'>"
    /// The features after authentication, where `Login` hands over to `XMPPSession`.
    static let sessionFeatures =
        "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
        + "<sm xmlns='urn:xmpp:sm:3'/></stream:features>"

    static let enabled = "<enabled xmlns='urn:xmpp:sm:3' id='sm-1'/>"
    static let failed =
        "<failed xmlns='urn:xmpp:sm:3'><unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"
    static let ackRequest = "<r xmlns='urn:xmpp:sm:3'/>"
    static func ack(_ h: Int) -> String { "<a xmlns='urn:xmpp:sm:3' h='\(h)'/>" }

    /// The IQ among `sent` that carries a child in `namespace` (a ping, a bind request).
    static func request(_ namespace: String, in sent: [XMLElement]) -> XMLElement? {
        sent.first { $0.name == "iq" && $0.elementChildren.contains { $0.namespace == namespace } }
    }

    /// A result for the request among `sent` with a child in `namespace`; `from` nil leaves
    /// the attribute out, as a server answering for the account does.
    static func result(for namespace: String, in sent: [XMLElement], from: String? = nil, payload: String = "") -> String {
        guard let id = request(namespace, in: sent)?[attribute: "id"] else {
            XCTFail("the client sent no request in \(namespace)")
            return ""
        }
        return "<iq type='result' id='\(id)'\(from.map { " from='\($0)'" } ?? "")>\(payload)</iq>"
    }

    /// An error reply to the request among `sent` with a child in `namespace`.
    static func error(
        for namespace: String, in sent: [XMLElement], from: String? = nil, type: String = "cancel",
        condition: String, text: String? = nil
    ) -> String {
        guard let id = request(namespace, in: sent)?[attribute: "id"] else {
            XCTFail("the client sent no request in \(namespace)")
            return ""
        }
        let textElement = text.map { "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>\($0)</text>" } ?? ""
        return "<iq type='error' id='\(id)'\(from.map { " from='\($0)'" } ?? "")>"
            + "<error type='\(type)'><\(condition) xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\(textElement)</error></iq>"
    }

    /// The bind result for the bind request among `sent`.
    static func bound(_ jid: String, in sent: [XMLElement]) -> String {
        result(
            for: Namespace.bind, in: sent,
            payload: "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>\(jid)</jid></bind>")
    }
}

/// A session as `Login` leaves it: over a `MemoryTransport` whose script begins with the
/// server's header and post-authentication features, which this reads, so the transport's
/// log from `transport.readCount` on is the session's own.
func makeSession(
    script: [MemoryTransport.Step], tracer: Tracer? = nil, file: StaticString = #filePath, line: UInt = #line
) throws -> (session: XMPPSession, transport: MemoryTransport) {
    let transport = MemoryTransport(script: [
        .expect("<stream:stream", reply: ScriptedServer.header + ScriptedServer.sessionFeatures, file: file, line: line)
    ])
    transport.play(script)
    let stream = StreamConnection(transport: transport, peerName: "example.com (memory)", tracer: tracer)
    stream.queueStreamHeader(to: ScriptedServer.domain, from: ScriptedServer.account)
    _ = try stream.readHeaderAndFeatures(deadline: .after(seconds: 5))
    let session = XMPPSession(stream: stream, accountJID: try JID(ScriptedServer.account), tracer: tracer)
    return (session, transport)
}

/// A chat message from alice to bob with a chosen id.
func chatMessage(id: String, body: String = "hello") -> XMLElement {
    XMLElement(
        "message", attributes: ["id": id, "to": "bob@example.com", "type": "chat"],
        children: [.element(XMLElement("body", children: [.text(body)]))])
}

/// A short deadline for waits that must time out, and a generous one for the rest.
let stallDeadlineSeconds = 0.2
func generousDeadline() -> Deadline { .after(seconds: 5) }
