import XCTest

@testable import XMPPProtocol

/// XEP-0313 pages as `MessageArchive.Query` reads them: only results with the query's own
/// id, from the archive itself, are taken; the forwarded message gets the archive's time as
/// its delay; the IQ's answer says whether the page was the last, or why there is none.
final class MessageArchiveTests: XCTestCase {
    // Made in each test: a JID kept by the test case outlives it (XCTest keeps every case),
    // which AddressSanitizer reports as a leak once its text is too long to be inline.
    private var account: JID { try! JID("bob@example.org") }
    private var room: JID { try! JID("room@conference.example.org") }

    private func stanza(_ xml: String) throws -> XMLElement {
        let elements = try XMLFragmentParser().feed(Array(xml.utf8))
        XCTAssertEqual(elements.count, 1, xml)
        return try XCTUnwrap(elements.first)
    }

    private func result(from: String?, queryID: String = "q1", id: String = "A1", body: String = "hello") throws -> XMLElement {
        let fromAttribute = from.map { " from='\($0)'" } ?? ""
        return try stanza("""
            <message xmlns='jabber:client' to='bob@example.org/cli'\(fromAttribute)><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='\(id)'>\
            <forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2026-12-01T10:00:00Z'/>\
            <message xmlns='jabber:client' from='alice@example.org/phone' to='bob@example.org' type='chat' id='m1'><body>\(body)</body></message>\
            </forwarded></result></message>
            """)
    }

    func testOwnArchiveResultsComeFromTheBareJIDOrNoAddress() throws {
        let query = MessageArchive.Query(archive: account, requestID: "r1", queryID: "q1", isOwnArchive: true)
        XCTAssertTrue(query.take(try result(from: nil, id: "A1")))
        XCTAssertTrue(query.take(try result(from: "bob@example.org", id: "A2")))
        XCTAssertEqual(query.items.map(\.archiveID), ["A1", "A2"])
        let item = try XCTUnwrap(query.items.first)
        XCTAssertEqual(item.stamp, "2026-12-01T10:00:00Z")
        XCTAssertEqual(item.message.child("body")?.text, "hello")
        // The archive's time becomes the message's own delay, as offline messages carry it.
        XCTAssertEqual(item.message.child("delay", namespace: Namespace.delay)?[attribute: "stamp"], "2026-12-01T10:00:00Z")
    }

    func testResultsFromAnyoneElseAreTakenButNotBelieved() throws {
        let query = MessageArchive.Query(archive: account, requestID: "r1", queryID: "q1", isOwnArchive: true)
        XCTAssertTrue(query.take(try result(from: "mallory@example.org", id: "F1")))
        XCTAssertTrue(query.take(try result(from: "bob@example.org/other", id: "F2")))
        XCTAssertEqual(query.items.count, 0)
        XCTAssertEqual(query.forgedCount, 2)
    }

    func testARoomsResultsComeOnlyFromTheRoom() throws {
        let query = MessageArchive.Query(archive: room, requestID: "r1", queryID: "q1", isOwnArchive: false)
        XCTAssertTrue(query.take(try result(from: nil, id: "N1")), "no address is the account's archive, not the room's")
        XCTAssertTrue(query.take(try result(from: "room@conference.example.org/nick", id: "N2")))
        XCTAssertTrue(query.take(try result(from: "room@conference.example.org", id: "R1")))
        XCTAssertEqual(query.items.map(\.archiveID), ["R1"])
    }

    func testAnotherQuerysResultsAndOrdinaryMessagesAreLeftAlone() throws {
        let query = MessageArchive.Query(archive: account, requestID: "r1", queryID: "q1", isOwnArchive: true)
        XCTAssertFalse(query.take(try result(from: nil, queryID: "q2")))
        XCTAssertFalse(query.take(try stanza("<message xmlns='jabber:client' from='alice@example.org'><body>hi</body></message>")))
        XCTAssertTrue(query.items.isEmpty)
    }

    func testFinishReadsCompletenessAndTheLastID() throws {
        let query = MessageArchive.Query(archive: account, requestID: "r1", queryID: "q1", isOwnArchive: true)
        let complete = try query.finish(try stanza("""
            <iq xmlns='jabber:client' type='result' id='r1'><fin xmlns='urn:xmpp:mam:2' complete='true'>\
            <set xmlns='http://jabber.org/protocol/rsm'><first>A1</first><last>A9</last></set></fin></iq>
            """))
        XCTAssertEqual(complete, MessageArchive.PageEnd(complete: true, last: "A9"))
        let partial = try query.finish(try stanza("<iq xmlns='jabber:client' type='result' id='r1'><fin xmlns='urn:xmpp:mam:2'/></iq>"))
        XCTAssertEqual(partial, MessageArchive.PageEnd(complete: false, last: nil))
    }

    func testAServerWithoutAnArchiveIsARefusalThatSaysSo() throws {
        let query = MessageArchive.Query(archive: account, requestID: "r1", queryID: "q1", isOwnArchive: true)
        let answer = try stanza("""
            <iq xmlns='jabber:client' type='error' id='r1'><error type='cancel'>\
            <service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>
            """)
        XCTAssertThrowsError(try query.finish(answer)) { error in
            guard case .refused(let text, _) = error as? XMPPError else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("keeps no message archive"), text)
        }
        XCTAssertThrowsError(try query.finish(try stanza("<iq xmlns='jabber:client' type='result' id='r1'/>"))) { error in
            guard case .protocolViolation = error as? XMPPError else { return XCTFail("\(error)") }
        }
    }

    func testStanzaIDsAreTakenOnlyFromTheNamedArchive() throws {
        let message = try stanza("""
            <message xmlns='jabber:client' from='room@conference.example.org/alice' type='groupchat'>\
            <stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='forged'/>\
            <stanza-id xmlns='urn:xmpp:sid:0' by='room@conference.example.org' id='S1'/><body>x</body></message>
            """)
        XCTAssertEqual(StanzaIDs.assigned(in: message, by: room), "S1")
        XCTAssertNil(StanzaIDs.assigned(in: message, by: account))
    }
}
