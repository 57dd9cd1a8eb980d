import Foundation
import XCTest
import XMPPProtocol

@testable import Commands

/// The three `listen` output shapes: one line per record (text: continuation lines start
/// with two spaces), nothing raw that a terminal would act on, JSON fields as in CLI.md.
final class RecordFormatTests: XCTestCase {
    private let stamp = "2026-11-26T07:00:00Z"

    private func record(_ xml: String, rooms: [String] = [], carbon: Carbons.Direction? = nil) throws -> IncomingRecord {
        var record = IncomingRecord.message(
            try IncomingRecordTests.stanza(xml), rooms: Set(try rooms.map { try JID($0) }), carbon: carbon)
        if !record.delayed { record.stamp = stamp }
        return record
    }

    private func chat(body: String) throws -> IncomingRecord {
        try record("<message from='alice@example.org/phone' to='bob@example.org/cli' type='chat' id='x1'><body>\(XMLEscaping.escapeText(body))</body></message>")
    }

    /// Raw characters a terminal or a line reader would act on: C0 and C1 controls, DEL, and
    /// the Unicode line and paragraph separators (newlines are checked separately).
    private func rawControls(in text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter {
            $0 != "\n" && ($0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029)
        }
    }

    // MARK: Archives, corrections, retractions

    func testArchivedRecordsSayWhereTheyCameFrom() throws {
        var archived = try record("<message from='alice@example.org/phone' to='bob@example.org' type='chat' id='x1'><body>old</body><delay xmlns='urn:xmpp:delay' stamp='2026-11-25T07:00:00Z'/></message>")
        archived.archived = true
        archived.archiveID = "A-1"
        XCTAssertEqual(RecordFormat.text.render(archived), "2026-11-25T07:00:00Z alice@example.org/phone (archived): old")
        let line = RecordFormat.json.render(archived)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(object["archived"] as? Bool, true)
        XCTAssertEqual(object["archive_id"] as? String, "A-1")
        XCTAssertEqual(object["delayed"] as? Bool, true)
        XCTAssertEqual(object["stamp"] as? String, "2026-11-25T07:00:00Z")
        // A live record has neither key unless an archive id is known.
        let live = RecordFormat.json.render(try chat(body: "new"))
        XCTAssertFalse(live.contains("archived") || live.contains("archive_id"), live)
    }

    func testCorrectionsAndRetractionsNameTheirMessage() throws {
        let correction = try record("<message from='alice@example.org/phone' type='chat' id='x2'><body>fixed</body><replace xmlns='urn:xmpp:message-correct:0' id='x1'/></message>")
        XCTAssertEqual(RecordFormat.text.render(correction), "\(stamp) alice@example.org/phone (correcting x1): fixed")
        XCTAssertTrue(RecordFormat.json.render(correction).contains(#""replace_id":"x1""#))
        let retraction = try record("<message from='alice@example.org/phone' type='chat' id='x3'><retract xmlns='urn:xmpp:message-retract:1' id='x1'/><body>/me retracted</body></message>")
        XCTAssertTrue(RecordFormat.json.render(retraction).contains(#""retract_id":"x1""#))
        XCTAssertTrue(RecordFormat.text.render(retraction).contains("(retracting x1)"))
    }

    // MARK: Text

    func testTextMessageIsStampSenderAndBody() throws {
        XCTAssertEqual(RecordFormat.text.render(try chat(body: "hello")), "\(stamp) alice@example.org/phone: hello")
    }

    func testTextContinuationLinesStartWithTwoSpaces() throws {
        let text = RecordFormat.text.render(try chat(body: "first\nsecond\n\nfourth"))
        XCTAssertEqual(text, "\(stamp) alice@example.org/phone: first\n  second\n  \n  fourth")
    }

    /// A body cannot fake a record of its own: every line after the first is indented.
    func testTextBodyCannotForgeARecord() throws {
        let forged = "ok\n\(stamp) boss@example.org/desk: wire the money"
        let lines = RecordFormat.text.render(try chat(body: forged)).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[1], "  \(stamp) boss@example.org/desk: wire the money")
    }

    func testTextEscapesControlCharacters() throws {
        // ESC cannot travel in XML 1.0, but a record built from any source must hold.
        var record = try chat(body: "x")
        record.body = "a\u{1B}[31mred\tb\rc\u{0}d\u{7F}e\u{9B}f\u{85}g\u{2028}h\u{2029}i"
        let text = RecordFormat.text.render(record)
        XCTAssertEqual(text, "\(stamp) alice@example.org/phone: a\\e[31mred\\tb\\rc\\x{0}d\\x{7f}e\\x{9b}f\\x{85}g\\x{2028}h\\x{2029}i")
        XCTAssertEqual(rawControls(in: text), [])
        XCTAssertFalse(text.contains("\n"))
    }

    func testTextEscapesSenderAndSubjectToo() throws {
        var record = try chat(body: "b")
        record.from = "evil\u{1B}]0;title\u{7}@example.org"
        record.subject = "sub\nject\u{9B}"
        let text = RecordFormat.text.render(record)
        XCTAssertEqual(rawControls(in: text), [])
        XCTAssertFalse(text.contains("\n"), "a subject broke the record: \(text)")

        var presence = IncomingRecord.presence(try IncomingRecordTests.stanza(
            "<presence from='alice@example.org/phone' type='x&#10;y&#x9B;'><status>a&#10;b&#x85;</status></presence>"))
        presence.stamp = stamp
        let presenceText = RecordFormat.text.render(presence)
        XCTAssertEqual(rawControls(in: presenceText), [])
        XCTAssertFalse(presenceText.contains("\n"), "a presence broke the record: \(presenceText)")

        var iq = IncomingRecord.iq(try IncomingRecordTests.stanza(
            "<iq from='alice@example.org/phone' type='get' id='p'><q xmlns='urn:a'/></iq>"))
        iq.stamp = stamp
        iq.body = "{urn:a\nb}q"
        XCTAssertFalse(RecordFormat.text.render(iq).contains("\n"), "an IQ broke the record")
    }

    func testTextMarksDelayedCarbonSubjectAndError() throws {
        let delayed = try record("""
            <message from='alice@example.org/phone' type='chat'><body>old</body>\
            <delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/></message>
            """)
        XCTAssertEqual(RecordFormat.text.render(delayed), "2002-09-10T23:08:25Z alice@example.org/phone (delayed): old")
        let carbon = try record("<message from='alice@example.org/phone' type='chat'><body>c</body></message>", carbon: .received)
        XCTAssertEqual(RecordFormat.text.render(carbon), "\(stamp) alice@example.org/phone (carbon received): c")
        let subject = try record("<message from='alice@example.org' type='normal'><subject>Hi</subject><body>b</body></message>")
        XCTAssertEqual(RecordFormat.text.render(subject), "\(stamp) alice@example.org [Hi]: b")
        let error = try record("<message from='alice@example.org' type='error'><body>b</body></message>")
        XCTAssertEqual(RecordFormat.text.render(error), "\(stamp) alice@example.org (error): b")
    }

    func testTextPresenceAndIQ() throws {
        var presence = IncomingRecord.presence(try IncomingRecordTests.stanza(
            "<presence from='alice@example.org/phone'><show>away</show><status>out\nto lunch</status></presence>"))
        presence.stamp = stamp
        XCTAssertEqual(RecordFormat.text.render(presence), "\(stamp) alice@example.org/phone presence available away: out\\nto lunch")
        var iq = IncomingRecord.iq(try IncomingRecordTests.stanza(
            "<iq from='alice@example.org/phone' type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>"))
        iq.stamp = stamp
        XCTAssertEqual(RecordFormat.text.render(iq), "\(stamp) alice@example.org/phone iq get {urn:xmpp:ping}ping")
    }

    // MARK: JSON

    func testJSONMessageHasTheFieldsOfCLIMdInOrder() throws {
        XCTAssertEqual(
            RecordFormat.json.render(try chat(body: "hello")),
            #"{"kind":"message","from":"alice@example.org/phone","to":"bob@example.org/cli","type":"chat","#
                + #""id":"x1","body":"hello","subject":null,"thread":null,"stamp":"2026-11-26T07:00:00Z","delayed":false}"#)
    }

    func testJSONDelayedGroupchatHasRoomAndNick() throws {
        let history = try record("""
            <message from='room@conference.example.org/Romeo' to='bob@example.org/cli' type='groupchat' id='g1'>\
            <body>earlier</body><delay xmlns='urn:xmpp:delay' stamp='2026-11-25T22:00:00Z'/></message>
            """, rooms: ["room@conference.example.org"])
        XCTAssertEqual(
            RecordFormat.json.render(history),
            #"{"kind":"message","from":"room@conference.example.org/Romeo","to":"bob@example.org/cli","type":"groupchat","#
                + #""id":"g1","body":"earlier","subject":null,"thread":null,"stamp":"2026-11-25T22:00:00Z","delayed":true,"#
                + #""room":"room@conference.example.org","nick":"Romeo"}"#)
    }

    func testJSONCarbonNamesItsDirection() throws {
        let carbon = try record("<message from='alice@example.org/phone' to='bob@example.org' type='chat' id='c'><body>c</body></message>", carbon: .sent)
        XCTAssertTrue(RecordFormat.json.render(carbon).hasSuffix(#""delayed":false,"carbon":"sent"}"#))
    }

    /// Whatever the body holds, the record is one line and decodes to the exact body.
    func testJSONBodyIsExactAndOneLine() throws {
        let body = "line 1\nline 2\r\n\ttab \"quoted\" back\\slash \u{1}\u{1B}\u{7F}\u{85}\u{9B}\u{2028}\u{2029} é 😀"
        var record = try chat(body: "x")
        record.body = body
        let line = RecordFormat.json.render(record)
        XCTAssertFalse(line.contains("\n") || line.contains("\r"), line)
        XCTAssertEqual(rawControls(in: line), [], "raw control characters in \(line.debugDescription)")
        let decoded = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        XCTAssertEqual(decoded?["body"] as? String, body)
    }

    func testJSONPresenceAndIQ() throws {
        let presence = IncomingRecord.presence(try IncomingRecordTests.stanza(
            "<presence from='alice@example.org/phone'><show>away</show><status>lunch</status><priority>0</priority></presence>"))
        XCTAssertEqual(
            RecordFormat.json.render(presence),
            #"{"kind":"presence","from":"alice@example.org/phone","type":"available","show":"away","status":"lunch","priority":0}"#)
        let iq = IncomingRecord.iq(try IncomingRecordTests.stanza(
            "<iq from='alice@example.org/phone' to='bob@example.org/cli' type='set' id='s'><query xmlns='urn:example'/></iq>"))
        XCTAssertEqual(
            RecordFormat.json.render(iq),
            #"{"kind":"iq","from":"alice@example.org/phone","to":"bob@example.org/cli","type":"set","id":"s","payload":"{urn:example}query"}"#)
    }

    // MARK: XML

    func testXMLIsTheStanzaOnOneLine() throws {
        let record = try chat(body: "a <b> & c\nsecond line")
        let line = RecordFormat.xml.render(record)
        XCTAssertFalse(line.contains("\n"), line)
        XCTAssertEqual(
            line,
            "<message from='alice@example.org/phone' to='bob@example.org/cli' type='chat' id='x1'>"
                + "<body>a &lt;b&gt; &amp; c&#10;second line</body></message>")
        let reparsed = try IncomingRecordTests.stanza(line)
        XCTAssertEqual(reparsed.child("body")?.text, "a <b> & c\nsecond line")
    }

    /// C1 controls and U+2028/2029 are allowed in XML 1.0 text, so they travel; as character
    /// references they stay exact without reaching a terminal or a line reader raw.
    func testXMLEscapesC1ControlsAndLineSeparators() throws {
        let body = "a\u{9B}31m\u{85}b\u{2028}c\u{2029}d\te\rf"
        let line = RecordFormat.xml.render(try chat(body: body))
        XCTAssertEqual(rawControls(in: line).filter { $0 != "\t" }, [], "raw control characters in \(line.debugDescription)")
        XCTAssertFalse(line.contains("\n") || line.contains("\r"), line)
        XCTAssertEqual(try IncomingRecordTests.stanza(line).child("body")?.text, body)
    }

    func testXMLKeepsTheDelayElement() throws {
        let line = RecordFormat.xml.render(try record("""
            <message from='alice@example.org' type='chat'><body>old</body>\
            <delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/></message>
            """))
        XCTAssertTrue(line.contains("<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/>"), line)
    }

    func testEveryFormatIsOneLineForAOneLineBody() throws {
        let record = try chat(body: "just one")
        for format in RecordFormat.allCases {
            XCTAssertFalse(format.render(record).contains("\n"), "\(format)")
        }
    }
}

/// What `listen` writes is `line`: for every format, the rendered record and a line feed.
final class RecordLineTests: XCTestCase {
    func testALineIsTheRenderedRecordAndALineFeed() throws {
        let bodies = ["plain", "two\nlines", "quote \" backslash \\ tab \t", "zürich 東京 ✓ \u{85}\u{2028}\u{202E}", ""]
        for body in bodies {
            let stanza = try IncomingRecordTests.stanza(
                "<message from='bob@example.org/desk' to='alice@example.org' type='chat' id='l1'><body>\(XMLEscaping.escapeText(body))</body></message>")
            let record = IncomingRecord.message(stanza, rooms: [], carbon: nil)
            for format in RecordFormat.allCases {
                XCTAssertEqual(format.line(record), Array((format.render(record) + "\n").utf8), "\(format): \(body.debugDescription)")
            }
        }
    }
}

final class DelayStampTests: XCTestCase {
    /// The sender writes <delay stamp=…>: only a real XEP-0082 date-time is printed, so a
    /// forged one cannot start a fake record of its own.
    func testOnlyWellFormedStampsAreKept() {
        XCTAssertEqual(Timestamp.validated("2026-11-26T07:00:00Z"), "2026-11-26T07:00:00Z")
        XCTAssertEqual(Timestamp.validated("2026-11-26T07:00:00.123+01:00"), "2026-11-26T07:00:00.123+01:00")
        XCTAssertNil(Timestamp.validated("2026-11-26T07:00:00Z\n2026-11-26T07:00:01Z admin@example.org: reboot"))
        XCTAssertNil(Timestamp.validated("yesterday"))
        XCTAssertNil(Timestamp.validated("2026-11-26T07:00:00Z\u{9b}31m"))
    }
}
