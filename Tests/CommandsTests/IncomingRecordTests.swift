import XCTest
import XMPPProtocol

@testable import Commands

/// Stanza in, record fields out: what `listen` takes from a message, a presence or an IQ.
final class IncomingRecordTests: XCTestCase {
    static func stanza(_ xml: String) throws -> XMLElement {
        let elements = try XMLFragmentParser().feed(Array(xml.utf8))
        guard elements.count == 1, let element = elements.first else { throw NotOneElement(xml: xml) }
        return element
    }

    struct NotOneElement: Error { let xml: String }

    private func message(_ xml: String, rooms: [String] = [], carbon: Carbons.Direction? = nil) throws -> IncomingRecord {
        IncomingRecord.message(try Self.stanza(xml), rooms: Set(try rooms.map { try JID($0) }), carbon: carbon)
    }

    func testChatMessageFields() throws {
        let before = Timestamp.now()
        let record = try message("""
            <message from='alice@example.org/phone' to='bob@example.org/cli' type='chat' id='x1'>\
            <body>hello</body><subject>greeting</subject><thread>t-7</thread></message>
            """)
        let after = Timestamp.now()
        XCTAssertEqual(record.kind, .message)
        XCTAssertEqual(record.from, "alice@example.org/phone")
        XCTAssertEqual(record.to, "bob@example.org/cli")
        XCTAssertEqual(record.type, "chat")
        XCTAssertEqual(record.id, "x1")
        XCTAssertEqual(record.body, "hello")
        XCTAssertEqual(record.subject, "greeting")
        XCTAssertEqual(record.thread, "t-7")
        XCTAssertFalse(record.delayed)
        // Live: the time it arrived (XEP-0082 strings of one format sort as times do).
        XCTAssertTrue(before <= record.stamp && record.stamp <= after, record.stamp)
        XCTAssertNil(record.room)
        XCTAssertNil(record.nick)
        XCTAssertNil(record.carbon)
    }

    /// A file sent the XEP-0066 way is the record's url, and its JSON's; the OOB element in
    /// another namespace, or an empty one, is not.
    func testAnOutOfBandURLIsTheRecordsURL() throws {
        let record = try message("""
            <message from='alice@example.org/phone' type='chat'><body>https://up.example.org/a/graph.png</body>            <x xmlns='jabber:x:oob'><url> https://up.example.org/a/graph.png </url></x></message>
            """)
        XCTAssertEqual(record.url, "https://up.example.org/a/graph.png")
        XCTAssertTrue(RecordFormat.json(record).encoded.contains(#""url":"https://up.example.org/a/graph.png""#), RecordFormat.json(record).encoded)
        XCTAssertNil(try message("<message><body>x</body><x xmlns='jabber:x:other'><url>https://a/b</url></x></message>").url)
        XCTAssertNil(try message("<message><body>x</body><x xmlns='jabber:x:oob'><url> </url></x></message>").url)
        XCTAssertFalse(RecordFormat.json(try message("<message><body>x</body></message>")).encoded.contains("\"url\""))
    }

    func testMissingTypeIsNormalAndMissingPartsAreNil() throws {
        let record = try message("<message from='alice@example.org'><body>hi</body></message>")
        XCTAssertEqual(record.type, "normal")
        XCTAssertNil(record.to)
        XCTAssertNil(record.id)
        XCTAssertNil(record.subject)
        XCTAssertNil(record.thread)
    }

    /// XEP-0203: an offline message carries the time it was first sent, not the time now.
    func testDelayedMessageKeepsItsOriginalStamp() throws {
        let record = try message("""
            <message from='alice@example.org/phone' type='chat'><body>old</body>\
            <delay xmlns='urn:xmpp:delay' from='example.org' stamp='2002-09-10T23:08:25Z'/></message>
            """)
        XCTAssertTrue(record.delayed)
        XCTAssertEqual(record.stamp, "2002-09-10T23:08:25Z")
    }

    /// Only the XEP-0203 namespace counts: the legacy jabber:x:delay or a look-alike does not.
    func testDelayInAnotherNamespaceIsIgnored() throws {
        let record = try message("""
            <message from='alice@example.org' type='chat'><body>x</body>\
            <delay xmlns='urn:example:delay' stamp='2002-09-10T23:08:25Z'/></message>
            """)
        XCTAssertFalse(record.delayed)
        XCTAssertNotEqual(record.stamp, "2002-09-10T23:08:25Z")
    }

    func testGroupchatMessageNamesRoomAndNick() throws {
        let record = try message("""
            <message from='room@conference.example.org/Juliet' to='bob@example.org/cli' type='groupchat' id='g1'>\
            <body>hi all</body></message>
            """, rooms: ["room@conference.example.org"])
        XCTAssertEqual(record.room, "room@conference.example.org")
        XCTAssertEqual(record.nick, "Juliet")
        XCTAssertEqual(record.type, "groupchat")
    }

    /// The room's own messages (subject, status) come from its bare address: no nick.
    func testGroupchatMessageFromTheRoomItselfHasNoNick() throws {
        let record = try message(
            "<message from='room@conference.example.org' type='groupchat'><subject>Topic</subject></message>")
        XCTAssertEqual(record.room, "room@conference.example.org")
        XCTAssertNil(record.nick)
        XCTAssertEqual(record.subject, "Topic")
        XCTAssertNil(record.body)
    }

    /// Room history (XEP-0045 §7.2.14) is delayed, with the room as the delaying entity.
    func testRoomHistoryIsDelayed() throws {
        let record = try message("""
            <message from='room@conference.example.org/Romeo' type='groupchat'><body>earlier</body>\
            <delay xmlns='urn:xmpp:delay' from='room@conference.example.org' stamp='2026-11-25T22:00:00Z'/></message>
            """, rooms: ["room@conference.example.org"])
        XCTAssertTrue(record.delayed)
        XCTAssertEqual(record.stamp, "2026-11-25T22:00:00Z")
        XCTAssertEqual(record.nick, "Romeo")
    }

    /// A private message from an occupant of a joined room is attributed to the room.
    func testPrivateMessageFromAnOccupantOfAJoinedRoom() throws {
        let xml = "<message from='room@conference.example.org/Juliet' type='chat'><body>psst</body></message>"
        let joined = try message(xml, rooms: ["room@conference.example.org"])
        XCTAssertEqual(joined.room, "room@conference.example.org")
        XCTAssertEqual(joined.nick, "Juliet")
        let notJoined = try message(xml, rooms: [])
        XCTAssertNil(notJoined.room)
        XCTAssertNil(notJoined.nick)
    }

    func testCarbonDirectionIsKept() throws {
        let record = try message("<message from='x@y' type='chat'><body>b</body></message>", carbon: .sent)
        XCTAssertEqual(record.carbon, "sent")
    }

    func testPresenceFields() throws {
        let record = IncomingRecord.presence(try Self.stanza("""
            <presence from='alice@example.org/phone' to='bob@example.org/cli'>\
            <show>away</show><status>lunch</status><priority>5</priority></presence>
            """))
        XCTAssertEqual(record.kind, .presence)
        XCTAssertEqual(record.from, "alice@example.org/phone")
        XCTAssertEqual(record.type, "available")
        XCTAssertEqual(record.show, "away")
        XCTAssertEqual(record.status, "lunch")
        XCTAssertEqual(record.priority, 5)
    }

    func testUnavailablePresence() throws {
        let record = IncomingRecord.presence(try Self.stanza("<presence from='alice@example.org/phone' type='unavailable'/>"))
        XCTAssertEqual(record.type, "unavailable")
        XCTAssertNil(record.show)
    }

    func testIQNamesItsPayload() throws {
        let record = IncomingRecord.iq(try Self.stanza("""
            <iq from='alice@example.org/phone' to='bob@example.org/cli' type='get' id='v1'>\
            <query xmlns='jabber:iq:version'/></iq>
            """))
        XCTAssertEqual(record.kind, .iq)
        XCTAssertEqual(record.type, "get")
        XCTAssertEqual(record.id, "v1")
        XCTAssertEqual(record.body, "{jabber:iq:version}query")
    }

    func testTimestampIsXEP0082UTC() {
        let stamp = Timestamp.now()
        XCTAssertNotNil(
            stamp.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#, options: .regularExpression), stamp)
    }
}
