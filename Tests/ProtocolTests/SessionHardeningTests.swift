import XCTest

@testable import XMPPProtocol

/// What a session does with what others or the server send that it must survive: stanzas
/// that broke a limit, requests from the server while it waits for a confirmation, and
/// anything that arrives while it closes.
final class SessionHardeningTests: XCTestCase {
    private typealias Server = ScriptedServer
    private let deep = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
    private var deepMessage: String {
        "<message from='mallory@evil.example/x' id='deep' type='chat'><body>" + deep + "</body></message>"
    }
    private let normal = "<message from='bob@example.com/phone' id='n1' type='chat'><body>hi</body></message>"

    // MARK: Dropped stanzas

    func testADroppedMessageIsCountedAndTheNextOneStillArrives() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<enable xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + deepMessage + normal),
            .expect("</stream:stream>", reply: "</stream:stream>"),
        ])
        var told: [DroppedStanza] = []
        session.onDroppedStanza = { told.append($0) }
        session.queueEnableStreamManagement(resumable: false)
        let next = try session.nextStanza(deadline: generousDeadline())
        XCTAssertEqual(next[attribute: "id"], "n1")
        XCTAssertEqual(session.droppedStanzaCount, 1)
        XCTAssertEqual(told.map { $0.element?[attribute: "from"] }, ["mallory@evil.example/x"])
        XCTAssertEqual(told.first?.reason, .tooDeep(limit: 32))
        session.close(deadline: generousDeadline())
        // Both count as handled: the server must not keep the dropped one for a later login.
        let acks = transport.sentElements.filter { $0.name == "a" }.map { $0[attribute: "h"] }
        XCTAssertEqual(acks, ["2"])
    }

    func testADroppedRequestIsAnsweredWithAnError() throws {
        let request = "<iq type='get' id='q1' from='mallory@evil.example/x'><query xmlns='urn:x'>" + deep + "</query></iq>"
        let (session, transport) = try makeSession(script: [
            .deliver(request + normal),
            .expect("</stream:stream>", reply: "</stream:stream>"),
        ])
        _ = try session.nextStanza(deadline: generousDeadline())
        session.close(deadline: generousDeadline())
        let reply = try XCTUnwrap(transport.sentElements.first { $0.name == "iq" })
        XCTAssertEqual(reply[attribute: "type"], "error")
        XCTAssertEqual(reply[attribute: "id"], "q1")
        XCTAssertEqual(reply[attribute: "to"], "mallory@evil.example/x")
        XCTAssertNotNil(reply.child("error")?.child("policy-violation", namespace: Namespace.stanzaErrors))
    }

    func testADroppedMessageIsLeftWithTheServerWhenMessagesAreRefused() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + "<presence from='bob@example.com/phone'/>" + deepMessage + Server.ack(1)),
            .expect("</stream:stream>", reply: "</stream:stream>"),
        ])
        session.onStanza = { _ in }
        session.refusesFurtherMessages = true
        session.queueEnableStreamManagement(resumable: false)
        session.send(Presence.available(show: nil, status: nil, priority: nil))
        try session.confirmDelivery(deadline: generousDeadline())
        session.close(deadline: generousDeadline())
        XCTAssertEqual(transport.sentElements.filter { $0.name == "a" }.map { $0[attribute: "h"] }, ["1"])
    }

    // MARK: Confirming while the server asks things

    private let serverPing = "<iq type='get' id='sp1' from='example.com'><ping xmlns='urn:xmpp:ping'/></iq>"

    /// The server pings while we wait for the ack of our message; the ack covers the message
    /// and not our answer, which nothing waits for.
    func testAServerPingDuringTheConfirmationDoesNotDelayIt() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + serverPing + Server.ack(1)),
            .stall,
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        try session.confirmDelivery(deadline: .after(seconds: stallDeadlineSeconds * 5))
        XCTAssertEqual(session.confirmedMessageCount, 1)
        XCTAssertTrue(transport.sentElements.contains { $0.name == "iq" && $0[attribute: "id"] == "sp1" })
    }

    func testAServerPingDuringAPingConfirmationDoesNotDelayIt() throws {
        var checkpoint = ""
        let (session, _) = try makeSession(script: [
            .expect("urn:xmpp:ping") { sent in
                checkpoint = Server.request(Namespace.ping, in: sent)?[attribute: "id"] ?? ""
                return self.serverPing
            },
            .expect("id='sp1'") { _ in "<iq type='result' id='\(checkpoint)'/>" },
            .stall,
        ])
        session.send(chatMessage(id: "m1"))
        try session.confirmDelivery(deadline: .after(seconds: stallDeadlineSeconds * 5))
        XCTAssertEqual(session.confirmedMessageCount, 1)
    }

    // MARK: Long streams

    func testAnAckIsRequestedEverySixtyFourStanzas() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<enable xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled),
            .stall,
        ])
        session.queueEnableStreamManagement(resumable: false)
        for index in 0..<200 { session.send(chatMessage(id: "m\(index)")) }
        try session.flush(deadline: generousDeadline())
        let sent = transport.sentElements.filter { $0.name == "message" || $0.name == "r" }
        let requestsAfter = sent.enumerated().filter { $0.element.name == "r" }.map { $0.offset - sent[..<$0.offset].filter { $0.name == "r" }.count }
        XCTAssertEqual(requestsAfter, [64, 128, 192])
    }

    // MARK: Closing

    /// RFC 6120 §4.4: nothing after our closing tag, whatever the server sends meanwhile.
    func testNothingIsWrittenAfterTheClosingTag() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<enable xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + normal),
            .expect("</stream:stream>", reply: serverPing + Server.ackRequest + normal + "</stream:stream>"),
        ])
        session.queueEnableStreamManagement(resumable: false)
        _ = try session.nextStanza(deadline: generousDeadline())
        // Unconfirmed, so the close waits for the server, which sends more meanwhile.
        session.send(chatMessage(id: "u1"))
        session.close(deadline: generousDeadline())
        XCTAssertEqual(transport.unplayedSteps, 0)
        XCTAssertTrue(transport.writtenText.hasSuffix("</stream:stream>"), transport.writtenText)
    }

    // MARK: What the errors say

    func testAnAckThatGoesBackwardsSaysSo() throws {
        let (session, _) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + Server.ack(2) + Server.ack(0)),
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        session.send(chatMessage(id: "m2"))
        session.send(chatMessage(id: "m3"))
        let error = assertThrows(.protocolViolation) { () throws(XMPPError) in
            try session.confirmDelivery(deadline: generousDeadline())
        }
        XCTAssertEqual(error.map { "\($0)" }, "protocol error: the server's acknowledgement went backwards (h='0' after h='2')")
    }

    func testAnAckBeyondWhatWasSentSaysHowFar() throws {
        let (session, _) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + Server.ack(5)),
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        session.send(chatMessage(id: "m2"))
        let error = assertThrows(.protocolViolation) { () throws(XMPPError) in
            try session.confirmDelivery(deadline: generousDeadline())
        }
        XCTAssertEqual(
            error.map { "\($0)" },
            "protocol error: the server acknowledged 5 more stanzas than are waiting for it (h='5', 2 unacknowledged of 2 sent)")
    }
}
