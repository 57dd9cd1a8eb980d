import XCTest

@testable import XMPPProtocol

/// `XMPPSession.close`: a clean close (RFC 6120 §4.4) that tells the server, where stream
/// management is on, which of its stanzas were handled (XEP-0198 §4), so it does not send
/// them again.
final class SessionClosingTests: XCTestCase {
    private typealias Server = ScriptedServer
    private let incoming =
        "<message from='bob@example.com/phone' id='i1' type='chat'><body>1</body></message>"
        + "<message from='bob@example.com/phone' id='i2' type='chat'><body>2</body></message>"

    func testCloseAcknowledgesWhatWasHandledBeforeTheClosingTag() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<enable xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + incoming),
            .expect("</stream:stream>", reply: "</stream:stream>"),
        ])
        session.queueEnableStreamManagement(resumable: false)
        _ = try session.nextStanza(deadline: generousDeadline())
        _ = try session.nextStanza(deadline: generousDeadline())
        session.close(deadline: generousDeadline())

        let lastWrite = transport.writes.last?.text ?? ""
        XCTAssertTrue(lastWrite.hasSuffix("</stream:stream>"), lastWrite)
        let acks = transport.sentElements.filter { $0.name == "a" && $0.namespace == Namespace.streamManagement }
        XCTAssertEqual(acks.map { $0[attribute: "h"] }, ["2"], "no final ack before closing: \(transport.writtenText)")
        // Nothing of ours awaits confirmation: the server's closing tag is not waited for.
        XCTAssertEqual(transport.unplayedSteps, 1, "waited for the server's closing tag")
        XCTAssertTrue(transport.isClosed)
    }

    /// With a stanza unconfirmed, the close waits for the server's closing tag (and what
    /// comes before it: a bounce would still be recorded).
    func testCloseWaitsForTheServerWhileAStanzaIsUnconfirmed() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<enable xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + incoming),
            .expect("</stream:stream>", reply: "</stream:stream>"),
        ])
        session.queueEnableStreamManagement(resumable: false)
        _ = try session.nextStanza(deadline: generousDeadline())
        session.send(XMLElement("message", attributes: ["to": "bob@example.com", "id": "u1"]))
        session.close(deadline: generousDeadline())
        XCTAssertEqual(transport.unplayedSteps, 0, "did not wait for the server's closing tag")
        XCTAssertTrue(transport.isClosed)
    }

    func testCloseWithoutStreamManagementSendsOnlyTheClosingTag() throws {
        let (session, transport) = try makeSession(script: [
            .deliver(incoming),
            .expect("</stream:stream>", reply: "</stream:stream>"),
        ])
        _ = try session.nextStanza(deadline: generousDeadline())
        session.close(deadline: generousDeadline())
        XCTAssertEqual(transport.writes.last?.text, "</stream:stream>")
        XCTAssertTrue(transport.sentElements.isEmpty, "\(transport.sentElements)")
        XCTAssertTrue(transport.isClosed)
    }

    func testCloseAfterTheServerClosedSendsNothing() throws {
        let (session, transport) = try makeSession(script: [.deliver("</stream:stream>")])
        assertThrows(.connectionLost) { () throws(XMPPError) in try session.nextStanza(deadline: generousDeadline()) }
        let writes = transport.writes.count
        session.close(deadline: generousDeadline())
        XCTAssertEqual(transport.writes.count, writes)
        XCTAssertTrue(transport.isClosed)
    }

    func testCloseDoesNotWaitPastItsDeadlineForASilentServer() throws {
        let (session, transport) = try makeSession(script: [.stall])
        let deadline = Deadline.after(seconds: stallDeadlineSeconds)
        session.close(deadline: deadline)
        XCTAssertTrue(transport.writtenText.hasSuffix("</stream:stream>"))
        XCTAssertTrue(transport.isClosed)
        XCTAssertLessThan(Deadline.now().uptimeNanoseconds, deadline.uptimeNanoseconds + 1_000_000_000)
    }

    /// A bounce that arrives while the stream is closing is still recorded, so `send` can
    /// still report it (exit 1) rather than exit 0.
    func testBounceArrivingDuringCloseIsRecorded() throws {
        let bounce = "<message from='nobody@example.com' id='m1' type='error'><error type='cancel'>"
            + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
        let (session, _) = try makeSession(script: [
            .expect("</stream:stream>", reply: bounce + "</stream:stream>"),
        ])
        session.send(XMLElement("message", attributes: ["id": "m1", "to": "nobody@example.com"]))
        session.close(deadline: generousDeadline())
        XCTAssertEqual(session.bounces.map(\.error.condition), ["item-not-found"])
    }
}
