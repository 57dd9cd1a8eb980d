import XCTest

@testable import XMPPProtocol

/// Resource binding as `XMPPSession` completes it, and fatal answers in the middle of a
/// session: a refused bind, a stream error, XML a server must not send.
final class SessionBindingTests: XCTestCase {
    private typealias Server = ScriptedServer

    func testBindResultGivesTheBoundJID() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<resource>cli</resource>") { sent in Server.bound("alice@example.com/cli", in: sent) }
        ])
        session.queueBind(resource: "cli")
        XCTAssertNil(session.boundJID)
        XCTAssertEqual(try session.waitUntilBound(deadline: generousDeadline()), try JID("alice@example.com/cli"))
        XCTAssertEqual(session.boundJID, try JID("alice@example.com/cli"))
        XCTAssertEqual(transport.sentElements.first?[attribute: "type"], "set")
    }

    func testServerChosenResourceIsTaken() throws {
        let (session, transport) = try makeSession(script: [
            .expect("urn:ietf:params:xml:ns:xmpp-bind") { sent in Server.bound("alice@example.com/x1y2", in: sent) }
        ])
        session.queueBind(resource: nil)
        XCTAssertEqual(try session.waitUntilBound(deadline: generousDeadline()), try JID("alice@example.com/x1y2"))
        XCTAssertFalse(transport.writtenText.contains("<resource"))
    }

    func testBindErrorFailsWaitUntilBoundAndEveryLaterWait() throws {
        let (session, _) = try makeSession(script: [
            .expect("urn:ietf:params:xml:ns:xmpp-bind") { sent in
                Server.error(for: Namespace.bind, in: sent, type: "cancel", condition: "conflict")
            }
        ])
        session.queueBind(resource: "cli")
        let error = assertThrows(.protocolViolation) { () throws(XMPPError) in
            try session.waitUntilBound(deadline: generousDeadline())
        }
        XCTAssertTrue("\(error.map { "\($0)" } ?? "")".contains("conflict"), "\(String(describing: error))")
        assertThrows(.protocolViolation) { () throws(XMPPError) in try session.confirmDelivery(deadline: generousDeadline()) }
        XCTAssertNil(session.boundJID)
    }

    func testBindErrorFailsConfirmDeliveryEvenWhenEverythingIsAcked() throws {
        let (session, _) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>") { sent in
                Server.error(for: Namespace.bind, in: sent, condition: "not-allowed") + Server.enabled + Server.ack(1)
            }
        ])
        session.queueBind(resource: "cli")
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        assertThrows(.protocolViolation) { () throws(XMPPError) in try session.confirmDelivery(deadline: generousDeadline()) }
    }

    func testBindResultWithoutAValidJIDIsAProtocolViolation() throws {
        let (session, _) = try makeSession(script: [
            .expect("urn:ietf:params:xml:ns:xmpp-bind") { sent in Server.bound("@@not a jid", in: sent) }
        ])
        session.queueBind(resource: "cli")
        assertThrows(.protocolViolation) { () throws(XMPPError) in try session.waitUntilBound(deadline: generousDeadline()) }
    }

    func testBindResultFromAnotherAddressIsIgnored() throws {
        let (session, _) = try makeSession(script: [
            .expect("urn:ietf:params:xml:ns:xmpp-bind") { sent in
                Server.result(
                    for: Namespace.bind, in: sent, from: "mallory@evil.example",
                    payload: "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>mallory@evil.example/x</jid></bind>")
            },
            .stall,
        ])
        session.queueBind(resource: "cli")
        assertThrows(.timedOut) { () throws(XMPPError) in
            try session.waitUntilBound(deadline: .after(seconds: stallDeadlineSeconds))
        }
        XCTAssertNil(session.boundJID)
    }

    // MARK: Fatal answers

    func testStreamErrorEndsTheSessionWithItsConditionAndText() throws {
        let (session, _) = try makeSession(script: [
            .deliver(
                "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                    + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>bye</text></stream:error></stream:stream>")
        ])
        let error = assertThrows(.streamError) { () throws(XMPPError) in try session.nextStanza(deadline: generousDeadline()) }
        guard case .streamError(let condition) = error else { return }
        XCTAssertEqual(condition, StreamErrorCondition(condition: "host-unknown", text: "bye"))
    }

    func testCommentInTheMiddleOfTheSessionIsAProtocolViolation() throws {
        let (session, _) = try makeSession(script: [
            .deliver("<message from='bob@example.com' id='m1'><!-- hidden --><body>x</body></message>")
        ])
        assertThrows(.protocolViolation) { () throws(XMPPError) in try session.nextStanza(deadline: generousDeadline()) }
    }

    func testStanzaOutsideTheClientNamespaceIsAProtocolViolation() throws {
        let (session, _) = try makeSession(script: [
            .deliver("<message xmlns='jabber:server' from='bob@example.com' id='m1'/>")
        ])
        assertThrows(.protocolViolation) { () throws(XMPPError) in try session.nextStanza(deadline: generousDeadline()) }
    }
}
