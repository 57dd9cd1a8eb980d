import XCTest

@testable import XMPPProtocol

/// `Keepalive`: a sign-of-life request after silence, and a lost connection when it goes
/// unanswered; an answer, or anything else heard, keeps the connection alive.
final class KeepaliveTests: XCTestCase {
    private typealias Server = ScriptedServer

    /// Pumps the session until `keepalive` next wants to look, then lets it look.
    private func step(_ keepalive: inout Keepalive, _ session: XMPPSession) throws(XMPPError) {
        _ = try session.pump(alsoWatching: nil, deadline: keepalive.nextCheck(session))
        try keepalive.check(session)
    }

    func testSilenceGetsARequestAndAnAnswerKeepsItAlive() throws {
        // One step of the script per read: silence (a stall) until the request, then the answer.
        let (session, transport) = try makeSession(script: [
            .expect("<enable xmlns='urn:xmpp:sm:3'/>", reply: Server.enabled),
            .stall,
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.ack(0)),
            .stall,
            .expect("<r xmlns='urn:xmpp:sm:3'/>", reply: Server.ack(0)),
        ])
        session.queueEnableStreamManagement(resumable: false)
        try session.flush(deadline: generousDeadline())
        var keepalive = Keepalive(askAfter: 0.05, answerWithin: 2)
        while transport.unplayedSteps > 0 { try step(&keepalive, session) }
        XCTAssertEqual(transport.sentElements.filter { $0.name == "r" }.count, 2)
    }

    func testAnUnansweredRequestIsALostConnection() throws {
        let (session, transport) = try makeSession(script: [.stall, .stall, .stall])
        var keepalive = Keepalive(askAfter: 0.05, answerWithin: 0.1)
        assertThrows(.connectionLost) { () throws(XMPPError) in
            while true { try step(&keepalive, session) }
        }
        // Without stream management the request is a ping, and only one went out.
        XCTAssertEqual(transport.sentElements.filter { $0.child("ping", namespace: Namespace.ping) != nil }.count, 1)
    }
}
