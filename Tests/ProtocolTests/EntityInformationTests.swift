import XCTest
import XMPPProtocol

/// What a client says about itself: disco#info (XEP-0030) and software version (XEP-0092);
/// everything else is left to the session (pings, service-unavailable).
final class EntityInformationTests: XCTestCase {
    private let info = EntityInformation(name: "xmpp-cli", version: "1.2.3", features: ["urn:xmpp:carbons:2", "urn:xmpp:ping"])

    private func request(_ xml: String) throws -> XMLElement {
        try XCTUnwrap(try XMLFragmentParser().feed(Array(xml.utf8)).first)
    }

    func testDiscoInfoNamesAClientAndItsFeatures() throws {
        let answer = try XCTUnwrap(info.answer(try request("""
            <iq type='get' from='bob@example.org/desk' id='d1'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>
            """)))
        XCTAssertEqual(answer.name, "iq")
        XCTAssertEqual(answer[attribute: "type"], "result")
        let query = try XCTUnwrap(answer.child("query", namespace: "http://jabber.org/protocol/disco#info"))
        let identities = query.elements(named: "identity")
        XCTAssertEqual(identities.count, 1)
        XCTAssertEqual(identities.first?[attribute: "category"], "client")
        XCTAssertEqual(identities.first?[attribute: "type"], "console")
        XCTAssertEqual(identities.first?[attribute: "name"], "xmpp-cli")
        let features = query.elements(named: "feature").compactMap { $0[attribute: "var"] }
        XCTAssertEqual(
            Set(features),
            ["http://jabber.org/protocol/disco#info", "jabber:iq:version", "urn:xmpp:ping", "urn:xmpp:carbons:2"])
        XCTAssertEqual(features.count, Set(features).count, "a feature is announced twice: \(features)")
    }

    /// A node names some other part of the entity (XEP-0030 §3.2), which this client has not.
    func testDiscoInfoForANodeIsDeclined() throws {
        XCTAssertNil(info.answer(try request("""
            <iq type='get' id='d2'><query xmlns='http://jabber.org/protocol/disco#info' node='http://example.org#caps'/></iq>
            """)))
    }

    func testVersionAnswer() throws {
        let answer = try XCTUnwrap(info.answer(try request("<iq type='get' id='v1'><query xmlns='jabber:iq:version'/></iq>")))
        XCTAssertEqual(answer[attribute: "type"], "result")
        let query = try XCTUnwrap(answer.child("query", namespace: "jabber:iq:version"))
        XCTAssertEqual(query.child("name", namespace: "jabber:iq:version")?.text, "xmpp-cli")
        XCTAssertEqual(query.child("version", namespace: "jabber:iq:version")?.text, "1.2.3")
        // XEP-0092 §3: <os/> is optional, and a command-line tool has no reason to give it away.
        XCTAssertNil(query.child("os"))
    }

    /// A set of either is not a query one can answer: the session replies with an error.
    func testSetRequestsAreDeclined() throws {
        XCTAssertNil(info.answer(try request("<iq type='set' id='s1'><query xmlns='jabber:iq:version'/></iq>")))
        XCTAssertNil(info.answer(try request("<iq type='set' id='s2'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>")))
    }

    func testOtherPayloadsAreDeclined() throws {
        for payload in [
            "<query xmlns='http://jabber.org/protocol/disco#items'/>", "<query xmlns='urn:example:unknown'/>",
            "<vCard xmlns='vcard-temp'/>", "<version xmlns='urn:example'/>",
        ] {
            XCTAssertNil(info.answer(try request("<iq type='get' id='o'>\(payload)</iq>")), payload)
        }
    }

    func testResultsAndErrorsAreNotAnswered() throws {
        XCTAssertNil(info.answer(try request("<iq type='result' id='r'><query xmlns='jabber:iq:version'/></iq>")))
        XCTAssertNil(info.answer(try request("<iq type='error' id='e'><query xmlns='jabber:iq:version'/></iq>")))
    }
}
