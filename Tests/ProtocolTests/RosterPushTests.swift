import XCTest

@testable import XMPPProtocol

/// Roster pushes as the session meets them (RFC 6121 §2.1.6): genuine ones are answered
/// with a result and reported; spoofed ones are refused, traced, and change nothing.
final class RosterPushTests: XCTestCase {
    private typealias Server = ScriptedServer

    private func rosterPush(id: String, from: String?, jid: String, name: String) -> String {
        "<iq type='set' id='\(id)'\(from.map { " from='\($0)'" } ?? "")>"
            + "<query xmlns='jabber:iq:roster'><item jid='\(jid)' name='\(name)' subscription='none'/></query></iq>"
    }

    func testGenuinePushesAreAnsweredAndReportedSpoofedOnesRefused() throws {
        let log = TraceLog()
        let (session, transport) = try makeSession(
            script: [
                .deliver(
                    rosterPush(id: "spoof", from: "mallory@evil.example", jid: "evil@evil.example", name: "Evil")
                        + rosterPush(id: "plain", from: nil, jid: "bob@example.com", name: "Bob")
                        + rosterPush(id: "bare", from: "alice@example.com", jid: "carol@example.com", name: "Carol")
                        + rosterPush(id: "resource", from: "alice@example.com/other", jid: "eve@example.com", name: "Eve")
                        + "<message from='bob@example.com/phone' id='m1'><body>done</body></message>")
            ], tracer: log.tracer)
        var pushed: [Roster.Item] = []
        Roster.acceptPushes(on: session) { pushed.append($0) }
        _ = try session.nextStanza(deadline: generousDeadline())
        try session.flush(deadline: generousDeadline())

        XCTAssertEqual(pushed.map(\.jid.description), ["bob@example.com", "carol@example.com"])
        XCTAssertEqual(pushed.first?.name, "Bob")
        let replies = Dictionary(transport.sentElements.map { ($0[attribute: "id"] ?? "", $0) }) { first, _ in first }
        XCTAssertEqual(replies["plain"]?[attribute: "type"], "result")
        XCTAssertEqual(replies["bare"]?[attribute: "type"], "result")
        XCTAssertEqual(replies["plain"]?.elementChildren, [])
        for id in ["spoof", "resource"] {
            let reply = try XCTUnwrap(replies[id], "no reply to the \(id) push: \(transport.writtenText)")
            XCTAssertEqual(reply[attribute: "type"], "error", "\(reply)")
            XCTAssertNotNil(reply.child("error")?.child("service-unavailable", namespace: Namespace.stanzaErrors), "\(reply)")
        }
        XCTAssertEqual(replies["spoof"]?[attribute: "to"], "mallory@evil.example")
        let stages = log.events.compactMap { event -> String? in
            if case .stage(let text) = event { return text }
            return nil
        }
        XCTAssertEqual(
            stages.filter { $0.hasPrefix("ignored a roster push") }.map { $0.split(separator: ":")[0] },
            ["ignored a roster push from mallory@evil.example", "ignored a roster push from alice@example.com/other"])
    }

    /// A spoofed push that arrives while the roster is being fetched does not get into it.
    func testFetchIgnoresSpoofedPushesAroundTheResult() throws {
        let (session, transport) = try makeSession(script: [
            .expect(Namespace.roster) { sent in
                self.rosterPush(id: "spoof", from: "mallory@evil.example", jid: "evil@evil.example", name: "Evil")
                    + self.rosterPush(id: "push", from: nil, jid: "bob@example.com", name: "Bob")
                    + Server.result(
                        for: Namespace.roster, in: sent,
                        payload: "<query xmlns='jabber:iq:roster'><item jid='zed@example.com' subscription='both'/>"
                            + "<item jid='bob@example.com' name='Bob'/><item jid='@bad'/></query>")
            }
        ])
        var pushed: [Roster.Item] = []
        Roster.acceptPushes(on: session) { pushed.append($0) }
        let items = try Roster.fetch(session: session, deadline: generousDeadline())
        XCTAssertEqual(items.map(\.jid.description), ["bob@example.com", "zed@example.com"])
        XCTAssertEqual(items.last?.subscription, "both")
        XCTAssertEqual(pushed.map(\.jid.description), ["bob@example.com"])
        try session.flush(deadline: generousDeadline())
        let types = Dictionary(transport.sentElements.compactMap { element in
            element[attribute: "id"].map { ($0, element[attribute: "type"]) }
        }) { first, _ in first }
        XCTAssertEqual(types["spoof"], "error")
        XCTAssertEqual(types["push"], "result")
    }

    /// A refusal of a roster change comes back as the stanza error the server gave.
    func testRefusedChangeThrowsTheServersCondition() throws {
        let (session, _) = try makeSession(script: [
            .expect("subscription='remove'") { sent in
                Server.error(for: Namespace.roster, in: sent, type: "modify", condition: "item-not-found")
            }
        ])
        let error = assertThrows(.stanzaError) { () throws(XMPPError) in
            try Roster.remove(try! JID("nobody@example.com"), session: session, deadline: generousDeadline())
        }
        guard case .stanzaError(let stanzaError)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(stanzaError.condition, "item-not-found")
    }
}
