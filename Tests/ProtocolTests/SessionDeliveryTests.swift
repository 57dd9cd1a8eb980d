import XCTest

@testable import XMPPProtocol

/// `XMPPSession.confirmDelivery`: the pipelined first flight, XEP-0198 acks, and the ping
/// that stands in for them where stream management is refused or not offered.
final class SessionDeliveryTests: XCTestCase {
    private typealias Server = ScriptedServer

    func testBindEnableMessagesAndAckRequestGoOutInOneWriteAndOneRoundTrip() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>") { sent in
                Server.bound("alice@example.com/cli", in: sent) + Server.enabled + Server.ack(2)
            }
        ])
        let readsAtLogin = transport.readCount
        let roundTripsAtLogin = session.stream.roundTrips

        session.queueBind(resource: "cli")
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        session.send(chatMessage(id: "m2"))
        try session.confirmDelivery(deadline: generousDeadline())

        let flight = transport.writes.filter { $0.readsBefore == readsAtLogin }
        XCTAssertEqual(flight.count, 1, "the first flight took several writes: \(flight.map(\.text))")
        XCTAssertEqual(transport.writes.count, 2, "header, then one flight: \(transport.writes.map(\.text))")
        XCTAssertEqual(
            transport.sentElements.map { "\($0.name) \($0[attribute: "id"] ?? "")" },
            ["iq \(transport.sentElements.first?[attribute: "id"] ?? "?")", "enable ", "message m1", "message m2", "r "])
        XCTAssertNotNil(transport.sentElements.first?.child("bind", namespace: Namespace.bind))
        XCTAssertEqual(session.stream.roundTrips - roundTripsAtLogin, 1)
        XCTAssertEqual(session.confirmedMessageCount, 2)
        XCTAssertEqual(session.boundJID, try JID("alice@example.com/cli"))
    }

    func testAckOfEverythingSentConfirms() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + Server.ack(2))
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        session.send(chatMessage(id: "m2"))
        try session.confirmDelivery(deadline: generousDeadline())
        XCTAssertTrue(session.streamManagementEnabled)
        XCTAssertEqual(session.confirmedMessageCount, 2)
        XCTAssertFalse(transport.writtenText.contains("urn:xmpp:ping"), "pinged although acked")
    }

    func testWaitsWhileTheAckIsShortOfWhatWasSent() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + Server.ack(1)),
            .deliver(Server.ack(2)),
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        session.send(chatMessage(id: "m2"))
        try session.confirmDelivery(deadline: generousDeadline())
        XCTAssertEqual(transport.unplayedSteps, 0, "returned before the second ack")
        XCTAssertEqual(session.confirmedMessageCount, 2)
    }

    func testPartialAckThenSilenceTimesOut() throws {
        let (session, _) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + Server.ack(1)),
            .stall,
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        session.send(chatMessage(id: "m2"))
        assertThrows(.timedOut) { () throws(XMPPError) in
            try session.confirmDelivery(deadline: .after(seconds: stallDeadlineSeconds))
        }
        XCTAssertEqual(session.confirmedMessageCount, 1)
    }

    func testAckBeyondWhatWasSentIsAProtocolViolation() throws {
        let (session, _) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + Server.ack(3))
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        session.send(chatMessage(id: "m2"))
        assertThrows(.protocolViolation) { () throws(XMPPError) in
            try session.confirmDelivery(deadline: generousDeadline())
        }
    }

    func testAckWithoutANumberIsAProtocolViolation() throws {
        let (session, _) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + "<a xmlns='urn:xmpp:sm:3' h='two'/>")
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        assertThrows(.protocolViolation) { () throws(XMPPError) in
            try session.confirmDelivery(deadline: generousDeadline())
        }
    }

    func testConnectionClosedBeforeTheAckIsALostConnection() throws {
        let (session, _) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled),
            .close,
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        assertThrows(.connectionLost) { () throws(XMPPError) in
            try session.confirmDelivery(deadline: generousDeadline())
        }
    }

    func testServerClosingItsStreamBeforeTheAckIsALostConnection() throws {
        let (session, _) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled + "</stream:stream>")
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        assertThrows(.connectionLost) { () throws(XMPPError) in
            try session.confirmDelivery(deadline: generousDeadline())
        }
        XCTAssertTrue(session.stream.serverClosedStream)
    }

    func testSilentServerTimesOutAtTheDeadline() throws {
        let (session, _) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled),
            .stall,
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        let deadline = Deadline.after(seconds: stallDeadlineSeconds)
        assertThrows(.timedOut) { () throws(XMPPError) in try session.confirmDelivery(deadline: deadline) }
        XCTAssertTrue(deadline.hasPassed)
    }

    // MARK: Pings instead of acks

    func testRefusedStreamManagementFallsBackToAPing() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.failed),
            .expect("urn:xmpp:ping") { sent in Server.result(for: Namespace.ping, in: sent, from: Server.domain) },
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        try session.confirmDelivery(deadline: generousDeadline())
        XCTAssertFalse(session.streamManagementEnabled)
        XCTAssertEqual(transport.unplayedSteps, 0)
        let ping = ScriptedServer.request(Namespace.ping, in: transport.sentElements)
        XCTAssertEqual(ping?[attribute: "type"], "get")
        XCTAssertEqual(ping?[attribute: "to"], Server.domain)
    }

    func testAnErrorAnswerToThePingStillConfirms() throws {
        let (session, transport) = try makeSession(script: [
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.failed),
            .expect("urn:xmpp:ping") { sent in
                Server.error(for: Namespace.ping, in: sent, from: Server.domain, condition: "service-unavailable")
            },
        ])
        session.queueEnableStreamManagement(resumable: false)
        session.send(chatMessage(id: "m1"))
        try session.confirmDelivery(deadline: generousDeadline())
        XCTAssertEqual(transport.unplayedSteps, 0)
    }

    func testWithoutStreamManagementThePingFollowsTheMessagesInTheSameWrite() throws {
        let (session, transport) = try makeSession(script: [
            .expect("urn:xmpp:ping") { sent in Server.result(for: Namespace.ping, in: sent, from: Server.domain) }
        ])
        let readsAtLogin = transport.readCount
        session.send(chatMessage(id: "m1"))
        try session.confirmDelivery(deadline: generousDeadline())
        XCTAssertEqual(transport.writes.filter { $0.readsBefore == readsAtLogin }.count, 1)
        XCTAssertEqual(transport.sentElements.map(\.name), ["message", "iq"])
        XCTAssertFalse(transport.writtenText.contains("urn:xmpp:sm:3"))
    }

    func testPingResultWithoutFromIsAccepted() throws {
        let (session, transport) = try makeSession(script: [
            .expect("urn:xmpp:ping") { sent in Server.result(for: Namespace.ping, in: sent, from: nil) }
        ])
        session.send(chatMessage(id: "m1"))
        try session.confirmDelivery(deadline: generousDeadline())
        XCTAssertEqual(transport.unplayedSteps, 0)
    }

    func testPingResultFromAnotherAddressIsIgnored() throws {
        let (session, transport) = try makeSession(script: [
            .expect("urn:xmpp:ping") { sent in
                Server.result(for: Namespace.ping, in: sent, from: "mallory@evil.example")
            },
            .stall,
        ])
        session.send(chatMessage(id: "m1"))
        assertThrows(.timedOut) { () throws(XMPPError) in
            try session.confirmDelivery(deadline: .after(seconds: stallDeadlineSeconds))
        }
        XCTAssertEqual(transport.unplayedSteps, 0, "the spoofed result was never read")
    }

    func testSpoofedPingResultDoesNotHideTheRealOne() throws {
        let (session, _) = try makeSession(script: [
            .expect("urn:xmpp:ping") { sent in
                Server.result(for: Namespace.ping, in: sent, from: "mallory@evil.example")
                    + Server.result(for: Namespace.ping, in: sent, from: Server.domain)
            }
        ])
        session.send(chatMessage(id: "m1"))
        try session.confirmDelivery(deadline: generousDeadline())
    }
}
