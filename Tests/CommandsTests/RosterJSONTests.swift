import Foundation
import XCTest
import XMPPProtocol

@testable import Commands

/// The roster's JSON: `list --format json` records, the `export` document, and `import`
/// reading that document back (and refusing what is not one).
final class RosterJSONTests: XCTestCase {
    private func jid(_ text: String) -> JID { try! JID(text) }

    private let items = [
        Roster.Item(jid: try! JID("ann@example.com"), name: "Ann \"the\" \\ Admin\n", subscription: "both", groups: ["friends", "work"]),
        Roster.Item(jid: try! JID("bob@example.com"), subscription: "none", ask: "subscribe"),
        Roster.Item(jid: try! JID("zoë@例え.jp"), name: "Zoë 🚀\u{2028}", subscription: "to", groups: ["Grüße\t1"]),
    ]

    private func parse(_ text: String) throws(Failure) -> [RosterJSON.Entry] {
        try RosterJSON.parse(Array(text.utf8), path: "roster.json")
    }

    /// Expects `text` to be refused as a data error whose one-line message names the file
    /// and contains `fragment`.
    private func assertRefused(_ text: String, saying fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let entries = try parse(text)
            XCTFail("accepted \(text) as \(entries)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.status, .dataError, file: file, line: line)
            XCTAssertTrue(error.message.contains("roster.json"), error.message, file: file, line: line)
            XCTAssertTrue(error.message.contains(fragment), "\(error.message) lacks \(fragment)", file: file, line: line)
            XCTAssertFalse(error.message.contains("\n"), "not one line: \(error.message)", file: file, line: line)
        }
    }

    func testDocumentReadsBackAsTheSameContacts() throws {
        let entries = try parse(RosterJSON.document(items))
        XCTAssertEqual(
            entries,
            items.map { RosterJSON.Entry(jid: $0.jid, name: $0.name, groups: $0.groups) })
    }

    func testEmptyRosterDocumentReadsBackEmpty() throws {
        let document = RosterJSON.document([])
        XCTAssertEqual(try parse(document), [])
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(document.utf8)))
    }

    /// Valid JSON for any reader, one contact a line, and each record what `list` prints.
    func testDocumentIsJSONWithOneContactPerLine() throws {
        let document = RosterJSON.document(items)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
        let roster = try XCTUnwrap(object["roster"] as? [[String: Any]])
        XCTAssertEqual(roster.count, 3)
        XCTAssertEqual(roster[0]["name"] as? String, "Ann \"the\" \\ Admin\n")
        XCTAssertEqual(roster[2]["jid"] as? String, "zoë@例え.jp")
        XCTAssertEqual(roster[2]["groups"] as? [String], ["Grüße\t1"])
        let lines = document.split(separator: "\n")
        XCTAssertEqual(lines.count, items.count + 2, document)
        for (line, item) in zip(lines.dropFirst(), items) {
            let record = RosterJSON.record(item).encoded
            XCTAssertTrue(line.hasPrefix("    " + record), "\(line) is not \(record)")
        }
    }

    func testRecordHasEveryField() throws {
        let record = RosterJSON.record(items[1]).encoded
        XCTAssertEqual(record, #"{"jid":"bob@example.com","name":null,"subscription":"none","ask":"subscribe","groups":[]}"#)
    }

    /// Subscription and ask in the file are ignored; names and groups are normalised.
    func testParseNormalisesNamesAndGroups() throws {
        let entries = try parse(
            #"{"roster":[{"jid":"Ann@Example.COM","name":"","subscription":"both","ask":"subscribe","groups":["b","","a","b"]},"#
                + #"{"jid":"bob@example.com"},{"jid":"carol@example.com","name":null,"groups":null}]}"#)
        XCTAssertEqual(
            entries,
            [
                RosterJSON.Entry(jid: jid("ann@example.com"), name: nil, groups: ["a", "b"]),
                RosterJSON.Entry(jid: jid("bob@example.com"), name: nil, groups: []),
                RosterJSON.Entry(jid: jid("carol@example.com"), name: nil, groups: []),
            ])
    }

    func testBadJSONIsRefused() {
        assertRefused("", saying: "not a roster export")
        assertRefused("{\"roster\":[{\"jid\":\"a@example.com\"}", saying: "not a roster export")
        assertRefused("[{\"jid\":\"a@example.com\"}]", saying: "not a roster export")
        assertRefused("{\"contacts\":[]}", saying: "not a roster export")
        assertRefused("{\"roster\":[{\"name\":\"no jid\"}]}", saying: "not a roster export")
        assertRefused("{\"roster\":[{\"jid\":\"a@example.com\",\"groups\":\"g\"}]}", saying: "not a roster export")
    }

    func testInvalidJIDIsRefusedWithItsPosition() {
        assertRefused(#"{"roster":[{"jid":"a@example.com"},{"jid":"@example.com"}]}"#, saying: "item 2")
        assertRefused(#"{"roster":[{"jid":""}]}"#, saying: "item 1")
        assertRefused(#"{"roster":[{"jid":"a b@example.com"}]}"#, saying: "item 1")
    }

    func testDuplicateContactIsRefused() {
        assertRefused(
            #"{"roster":[{"jid":"ann@example.com"},{"jid":"bob@example.com"},{"jid":"ann@example.com","name":"x"}]}"#,
            saying: "ann@example.com appears twice")
        // The same address in another case is the same contact.
        assertRefused(#"{"roster":[{"jid":"ann@example.com"},{"jid":"ANN@Example.com"}]}"#, saying: "appears twice")
    }

    func testFullJIDIsRefused() {
        assertRefused(#"{"roster":[{"jid":"ann@example.com/phone"}]}"#, saying: "not a bare address")
    }
}
