import XCTest

@testable import XMPPProtocol

/// What `XMPPSession` does with what the server sends: IQ responses matched to requests,
/// requests answered, `<r/>` answered, stanzas handed on in order, bounces recorded.
final class SessionIncomingTests: XCTestCase {
    private typealias Server = ScriptedServer
    private let discoInfo = "http://jabber.org/protocol/disco#info"
    private let version = "jabber:iq:version"

    private func query(_ namespace: String, to: String = ScriptedServer.domain) -> XMLElement {
        XMLElement("iq", attributes: ["type": "get", "to": to], children: [.element(XMLElement("query", namespace: namespace))])
    }

    // MARK: Responses to our requests

    func testErrorResponseThrowsTheStanzaErrorItCarries() throws {
        let (session, _) = try makeSession(script: [
            .expect(discoInfo) { [discoInfo] sent in
                Server.error(
                    for: discoInfo, in: sent, from: Server.domain, type: "auth", condition: "forbidden",
                    text: "not for you")
            }
        ])
        let error = assertThrows(.stanzaError) { () throws(XMPPError) in
            try session.request(query(discoInfo), deadline: generousDeadline(), waitingFor: "disco")
        }
        guard case .stanzaError(let stanzaError) = error else { return }
        XCTAssertEqual(
            stanzaError, StanzaError(type: "auth", condition: "forbidden", text: "not for you", by: Server.domain))
    }

    func testResponsesAreMatchedByID() throws {
        let (session, _) = try makeSession(script: [
            .expect(discoInfo) { [discoInfo, version] sent in
                "<iq type='result' id='unknown-7' from='example.com'><query xmlns='\(discoInfo)'><feature var='wrong'/></query></iq>"
                    + Server.result(
                        for: version, in: sent, from: Server.domain,
                        payload: "<query xmlns='\(version)'><name>server</name></query>")
                    + Server.result(
                        for: discoInfo, in: sent, from: Server.domain,
                        payload: "<query xmlns='\(discoInfo)'><feature var='urn:xmpp:ping'/></query>")
            }
        ])
        let versionID = session.sendRequest(query(version))
        let response = try session.request(query(discoInfo), deadline: generousDeadline(), waitingFor: "disco")
        XCTAssertNotEqual(response[attribute: "id"], versionID)
        XCTAssertEqual(response.child("query", namespace: discoInfo)?.child("feature")?[attribute: "var"], "urn:xmpp:ping")
    }

    func testResponseFromAnotherAddressThanAskedIsIgnored() throws {
        let (session, _) = try makeSession(script: [
            .expect(version) { [version] sent in
                Server.result(for: version, in: sent, from: "mallory@evil.example")
            },
            .stall,
        ])
        assertThrows(.timedOut) { () throws(XMPPError) in
            try session.request(
                query(version, to: "bob@example.com/phone"), deadline: .after(seconds: stallDeadlineSeconds),
                waitingFor: "version")
        }
    }

    // MARK: Stream management from the server's side

    func testAckRequestIsAnsweredWithTheStanzasReceivedSinceEnabled() throws {
        let (session, transport) = try makeSession(script: [
            .expect(
                "<enable xmlns='urn:xmpp:sm:3'/>",
                reply: incomingMessage(id: "before") + Server.enabled + incomingMessage(id: "i1")
                    + incomingMessage(id: "i2") + Server.ackRequest + incomingMessage(id: "after"))
        ])
        session.queueEnableStreamManagement(resumable: false)
        let ids = try (0..<4).map { _ in try session.nextStanza(deadline: generousDeadline())[attribute: "id"] }
        XCTAssertEqual(ids, ["before", "i1", "i2", "after"])
        try session.flush(deadline: generousDeadline())
        let acks = transport.sentElements.filter { $0.name == "a" && $0.namespace == Namespace.streamManagement }
        XCTAssertEqual(acks.map { $0[attribute: "h"] }, ["2"])
    }

    // MARK: Requests from others

    func testPingIsAnsweredWithAResultToItsSender() throws {
        let (session, transport) = try makeSession(script: [
            .deliver(
                "<iq type='get' id='p1' from='bob@example.com/phone'><ping xmlns='urn:xmpp:ping'/></iq>"
                    + incomingMessage(id: "m1"))
        ])
        XCTAssertEqual(try session.nextStanza(deadline: generousDeadline())[attribute: "id"], "m1")
        try session.flush(deadline: generousDeadline())
        XCTAssertEqual(transport.sentElements.count, 1)
        let reply = transport.sentElements.first
        XCTAssertEqual(reply?.name, "iq")
        XCTAssertEqual(reply?[attribute: "type"], "result")
        XCTAssertEqual(reply?[attribute: "id"], "p1")
        XCTAssertEqual(reply?[attribute: "to"], "bob@example.com/phone")
        XCTAssertEqual(reply?.elementChildren, [])
    }

    func testUnknownRequestsGetServiceUnavailable() throws {
        let (session, transport) = try makeSession(script: [
            .deliver(
                "<iq type='get' id='v1' from='bob@example.com/phone'><query xmlns='jabber:iq:version'/></iq>"
                    + "<iq type='set' id='s1' from='carol@example.com/x'><query xmlns='jabber:iq:roster'/></iq>"
                    + "<iq type='set' id='p2' from='carol@example.com/x'><ping xmlns='urn:xmpp:ping'/></iq>"
                    + incomingMessage(id: "m1"))
        ])
        _ = try session.nextStanza(deadline: generousDeadline())
        try session.flush(deadline: generousDeadline())
        let replies = transport.sentElements
        XCTAssertEqual(replies.map { $0[attribute: "id"] }, ["v1", "s1", "p2"])
        XCTAssertEqual(
            replies.map { $0[attribute: "to"] },
            ["bob@example.com/phone", "carol@example.com/x", "carol@example.com/x"])
        for reply in replies {
            XCTAssertEqual(reply[attribute: "type"], "error")
            let error = reply.child("error")
            XCTAssertEqual(error?[attribute: "type"], "cancel")
            XCTAssertNotNil(error?.child("service-unavailable", namespace: Namespace.stanzaErrors), "\(reply)")
        }
    }

    func testMessagesAndPresenceArriveInOrder() throws {
        let (session, _) = try makeSession(script: [
            .deliver("<presence from='bob@example.com/phone' id='p1'/>" + incomingMessage(id: "m1")),
            .deliver(
                "<iq type='result' id='nobody-asked' from='example.com'/>"
                    + "<presence from='carol@example.com/x' id='p2' type='unavailable'/>"),
        ])
        var stanzas: [String] = []
        for _ in 0..<3 {
            let stanza = try session.nextStanza(deadline: generousDeadline())
            stanzas.append("\(stanza.name) \(stanza[attribute: "id"] ?? "")")
        }
        XCTAssertEqual(stanzas, ["presence p1", "message m1", "presence p2"])
    }

    func testErrorReplyToOurMessageIsABounce() throws {
        let (session, _) = try makeSession(script: [
            .expect(
                "id='m1'",
                reply: bounce(id: "someone-else", condition: "gone")
                    + bounce(id: "m1", condition: "item-not-found"))
        ])
        session.send(chatMessage(id: "m1"))
        XCTAssertEqual(try session.nextStanza(deadline: generousDeadline())[attribute: "id"], "someone-else")
        XCTAssertEqual(try session.nextStanza(deadline: generousDeadline())[attribute: "id"], "m1")
        XCTAssertEqual(session.bounces.map(\.id), ["m1"])
        XCTAssertEqual(session.bounces.first?.error.condition, "item-not-found")
        XCTAssertEqual(session.bounces.first?.error.by, "bob@example.com")
    }

    // MARK: Helpers

    private func incomingMessage(id: String) -> String {
        "<message from='bob@example.com/phone' to='alice@example.com/cli' id='\(id)' type='chat'><body>hi</body></message>"
    }

    private func bounce(id: String, condition: String) -> String {
        "<message type='error' id='\(id)' from='bob@example.com'>"
            + "<error type='cancel'><\(condition) xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
    }
}
