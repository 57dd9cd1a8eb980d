import XCTest

@testable import XMPPProtocol

/// Stanzas the command does not read (`XMPPSession.readsStanza`) are parsed without trees,
/// yet the session handles them as before: counted for XEP-0198, left uncounted once
/// messages are refused; IQs answered and bounces recorded whatever the command reads.
final class SessionUnreadStanzaTests: XCTestCase {
    private typealias Server = ScriptedServer

    private func message(id: String, type: String = "chat") -> String {
        "<message from='bob@example.com/phone' to='alice@example.com/cli' id='\(id)' type='\(type)'><body>hi</body><x xmlns='y'><z/></x></message>"
    }

    private func acks(_ transport: MemoryTransport) -> [String?] {
        transport.sentElements.filter { $0.name == "a" && $0.namespace == Namespace.streamManagement }.map { $0[attribute: "h"] }
    }

    func testUnreadStanzasAreCountedAndRequestsAmongThemAnswered() throws {
        let (session, transport) = try makeSession(script: [
            .expect(
                "<enable xmlns='urn:xmpp:sm:3'/>",
                reply: Server.enabled + message(id: "u1") + "<presence from='carol@example.com/x' id='u2'><status>away</status></presence>"
                    + "<iq type='get' id='p1' from='bob@example.com/phone'><ping xmlns='urn:xmpp:ping'/></iq>"
                    + Server.ackRequest + message(id: "read"))
        ])
        session.readsStanza = { $0[attribute: "id"] == "read" }
        XCTAssertNotNil(session.stream.readsElement, "the stream builds trees only for what is read")
        session.queueEnableStreamManagement(resumable: false)
        let read = try session.nextStanza(deadline: generousDeadline())
        XCTAssertEqual(read[attribute: "id"], "read")
        XCTAssertEqual(read.child("body")?.text, "hi", "a stanza that is read comes whole")
        try session.flush(deadline: generousDeadline())
        let pong = transport.sentElements.first { $0.name == "iq" }
        XCTAssertEqual(pong?[attribute: "type"], "result")
        XCTAssertEqual(pong?[attribute: "id"], "p1")
        XCTAssertEqual(acks(transport), ["3"], "two unread stanzas and the ping")
        XCTAssertEqual(session.inbox.count, 0, "nothing unread was queued for the command")
    }

    func testBouncesAreReadWhateverTheCommandReads() throws {
        let (session, _) = try makeSession(script: [
            .expect(
                "id='m1'",
                reply: message(id: "u1", type: "groupchat")
                    + "<message type='error' id='m1' from='bob@example.com'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
        ])
        session.readsStanza = { _ in false }
        session.send(chatMessage(id: "m1"))
        try session.waitFor(deadline: generousDeadline(), waitingFor: "the bounce") { !session.bounces.isEmpty }
        XCTAssertEqual(session.bounces.map(\.id), ["m1"])
        XCTAssertEqual(session.bounces.first?.error.condition, "gone")
    }

    /// Once messages are refused, an unread one is left with the server like any other: from
    /// it on nothing more is counted.
    func testAnUnreadMessageAfterTheRefusalIsLeftWithTheServer() throws {
        let (session, transport) = try makeSession(script: [
            .expect(
                "<enable xmlns='urn:xmpp:sm:3'/>",
                reply: Server.enabled + "<presence from='carol@example.com/x' id='counted'/>" + message(id: "left")
                    + "<presence from='carol@example.com/x' id='after'/>" + Server.ackRequest
                    + "<iq type='result' id='nobody-asked' from='example.com'/>"),
            .stall,
        ])
        session.readsStanza = { _ in false }
        session.refusesFurtherMessages = true
        session.queueEnableStreamManagement(resumable: false)
        try? session.waitFor(deadline: .after(seconds: stallDeadlineSeconds), waitingFor: "nothing") { false }
        try session.flush(deadline: generousDeadline())
        XCTAssertEqual(acks(transport), ["1"])
        XCTAssertTrue(session.countingStopped)
    }

    /// A trace shows stanzas whole, so while one watches every tree is built; the command
    /// still gets only what it reads, and the counts are the same.
    func testWhileTracingTreesAreBuiltAndTheOutcomeIsTheSame() throws {
        var received: [String] = []
        let (session, transport) = try makeSession(
            script: [
                .expect(
                    "<enable xmlns='urn:xmpp:sm:3'/>",
                    reply: Server.enabled + message(id: "u1") + Server.ackRequest + message(id: "read"))
            ],
            tracer: { event in if case .received(let xml) = event { received.append(xml) } })
        session.readsStanza = { $0[attribute: "id"] == "read" }
        session.queueEnableStreamManagement(resumable: false)
        XCTAssertEqual(try session.nextStanza(deadline: generousDeadline())[attribute: "id"], "read")
        try session.flush(deadline: generousDeadline())
        XCTAssertEqual(acks(transport), ["1"])
        XCTAssertTrue(received.contains { $0.contains("id='u1'") && $0.contains("<body>hi</body>") }, "\(received)")
        XCTAssertEqual(session.inbox.count, 0)
    }

    func testWithoutReadsStanzaEveryStanzaIsDelivered() throws {
        let (session, _) = try makeSession(script: [.deliver(message(id: "m1"))])
        session.readsStanza = { _ in false }
        session.readsStanza = nil
        XCTAssertNil(session.stream.readsElement)
        XCTAssertEqual(try session.nextStanza(deadline: generousDeadline()).child("body")?.text, "hi")
    }
}
