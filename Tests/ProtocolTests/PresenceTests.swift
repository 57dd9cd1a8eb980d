import XCTest

@testable import XMPPProtocol

/// Reading others' presence (RFC 6121 §4.7) and building our own.
final class PresenceTests: XCTestCase {
    private func stanza(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> XMLElement {
        do {
            let elements = try XMLFragmentParser().feed(Array(text.utf8))
            XCTAssertEqual(elements.count, 1, file: file, line: line)
            return elements[0]
        } catch {
            XCTFail("\(text): \(error)", file: file, line: line)
            return XMLElement("nothing")
        }
    }

    private func info(_ text: String) -> Presence.Info? { Presence.Info(stanza(text)) }

    private func priority(_ value: String) -> Int? {
        info("<presence from='bob@example.com/a'><priority>\(value)</priority></presence>")?.priority
    }

    func testAvailablePresenceWithEverything() throws {
        let parsed = try XCTUnwrap(
            info("<presence from='Bob@Example.com/phone'><show>away</show><status>lunch &amp; back</status><priority>5</priority></presence>"))
        XCTAssertEqual(parsed.from, try JID("bob@example.com/phone"))
        XCTAssertEqual(parsed.type, "available")
        XCTAssertEqual(parsed.show, "away")
        XCTAssertEqual(parsed.status, "lunch & back")
        XCTAssertEqual(parsed.priority, 5)
    }

    func testBarePresenceDefaults() throws {
        let parsed = try XCTUnwrap(info("<presence from='bob@example.com/phone'/>"))
        XCTAssertEqual(parsed.type, "available")
        XCTAssertNil(parsed.show)
        XCTAssertNil(parsed.status)
        XCTAssertEqual(parsed.priority, 0)
    }

    func testTypeIsKept() {
        XCTAssertEqual(info("<presence from='bob@example.com/phone' type='unavailable'/>")?.type, "unavailable")
        XCTAssertEqual(info("<presence from='bob@example.com' type='subscribe'/>")?.type, "subscribe")
    }

    /// RFC 6121 §4.7.2.3: an integer from -128 to 127; anything else counts as 0.
    func testPriorityBounds() {
        XCTAssertEqual(priority("127"), 127)
        XCTAssertEqual(priority("-128"), -128)
        XCTAssertEqual(priority("0"), 0)
        XCTAssertEqual(priority("-1"), -1)
        XCTAssertEqual(priority("128"), 0)
        XCTAssertEqual(priority("-129"), 0)
        XCTAssertEqual(priority("99999999999999999999999"), 0)
        XCTAssertEqual(priority("high"), 0)
        XCTAssertEqual(priority("1.5"), 0)
        XCTAssertEqual(priority(""), 0)
    }

    /// RFC 6121 §4.7.2.1: only away, chat, dnd and xa; anything else is plain available.
    func testShowValidity() {
        for show in ["away", "chat", "dnd", "xa"] {
            XCTAssertEqual(info("<presence from='bob@example.com/a'><show>\(show)</show></presence>")?.show, show)
        }
        for show in ["available", "busy", "AWAY", " away", ""] {
            let parsed = info("<presence from='bob@example.com/a'><show>\(show)</show></presence>")
            XCTAssertNotNil(parsed)
            XCTAssertNil(parsed?.show, "show '\(show)' accepted")
        }
    }

    func testWithoutAValidSenderThereIsNoInfo() {
        XCTAssertNil(info("<presence/>"))
        XCTAssertNil(info("<presence from='not a jid@'/>"))
        XCTAssertNil(info("<presence from=''/>"))
        XCTAssertNil(info("<message from='bob@example.com/a'><body>hi</body></message>"))
    }

    func testOurAvailablePresence() {
        let presence = Presence.available(show: "dnd", status: "busy <now>", priority: -5, to: try! JID("room@example.com/me"))
        XCTAssertEqual(presence.name, "presence")
        XCTAssertNil(presence[attribute: "type"])
        XCTAssertEqual(presence[attribute: "to"], "room@example.com/me")
        XCTAssertEqual(presence.child("show")?.text, "dnd")
        XCTAssertEqual(presence.child("status")?.text, "busy <now>")
        XCTAssertEqual(presence.child("priority")?.text, "-5")
        // What we send reads back as what we meant.
        var echoed = presence
        echoed[attribute: "from"] = "alice@example.com/cli"
        let parsed = Presence.Info(echoed)
        XCTAssertEqual(parsed?.show, "dnd")
        XCTAssertEqual(parsed?.status, "busy <now>")
        XCTAssertEqual(parsed?.priority, -5)
    }

    func testPlainAvailablePresenceIsEmpty() {
        let presence = Presence.available(show: nil, status: nil, priority: nil)
        XCTAssertEqual(presence.attributes, [])
        XCTAssertEqual(presence.children, [])
    }

    func testTypedPresence() {
        let presence = Presence.typed("subscribe", to: try! JID("bob@example.com"), status: "it's alice")
        XCTAssertEqual(presence[attribute: "type"], "subscribe")
        XCTAssertEqual(presence[attribute: "to"], "bob@example.com")
        XCTAssertEqual(presence.child("status")?.text, "it's alice")
        let unavailable = Presence.typed("unavailable", to: nil)
        XCTAssertNil(unavailable[attribute: "to"])
        XCTAssertEqual(unavailable.children, [])
    }
}
