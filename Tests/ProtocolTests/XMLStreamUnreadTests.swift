import XCTest
import XMPPProtocol

/// Elements the caller does not read (`XMLStreamParser.readsElement`): their names alone
/// come out, in stream order, in any chunking, and they are parsed as strictly as the rest.
final class XMLStreamUnreadTests: XCTestCase {
    private let stanzas = "<message id='1' type='groupchat'><body>echo &amp; more</body><x xmlns='y'><z a='b'/></x></message>"
        + "<presence id='2'/><message id='3'><body>kept</body></message>"

    private func parse(_ chunks: [[UInt8]], limits: XMLLimits = .default) throws(XMLStreamError) -> [XMLStreamEvent] {
        let parser = XMLStreamParser(limits: limits)
        parser.readsElement = { $0[attribute: "id"] == "3" }
        var events: [XMLStreamEvent] = []
        for chunk in chunks { events += try parser.feed(chunk) }
        return events
    }

    func testUnreadElementsComeAsTheirStartTagsInAnyChunking() throws {
        let bytes = Array((streamHeaderXML + stanzas).utf8)
        let whole = try parse([bytes])
        XCTAssertEqual(whole.dropFirst(), [
            .unreadElement(XMLElement("message", namespace: "jabber:client", orderedAttributes: [])),
            .unreadElement(XMLElement("presence", namespace: "jabber:client", orderedAttributes: [])),
            .element(XMLElement("message", namespace: "jabber:client", orderedAttributes: [XMLAttribute(name: "id", value: "3")],
                                children: [.element(XMLElement("body", namespace: "jabber:client", children: [.text("kept")]))])),
        ])
        for split in 0...bytes.count {
            XCTAssertEqual(try parse([Array(bytes[..<split]), Array(bytes[split...])]), whole, "split at \(split)")
        }
    }

    /// The reader is asked with the attributes as a tree would hold them, prefixed or not,
    /// entities decoded.
    func testTheReaderSeesTheAttributesDecoded() throws {
        var seen: [[String?]] = []
        let parser = XMLStreamParser()
        parser.readsElement = { start in
            seen.append([start.name, start.namespace, start[attribute: "type"], start[attribute: "xml:lang"], start[attribute: "lang"],
                         start[attribute: "a"], start[attribute: "missing"]])
            return false
        }
        _ = try parser.feed(Array((streamHeaderXML + "<message type='a&amp;b&#38;c' xml:lang='en' a=\"'&lt;\"/><x:y xmlns:x='urn:x'/>").utf8))
        XCTAssertEqual(seen, [["message", "jabber:client", "a&b&c", "en", nil, "'<", nil], ["y", "urn:x", nil, nil, nil, nil, nil]])
    }

    func testMalformedXMLInAnUnreadElementStillEndsTheStream() {
        for bad in ["<message id='1'><body>a</bod></message>", "<message id='1'><body>&bogus;</body></message>", "<message id='1'><!-- c --></message>"] {
            XCTAssertThrowsError(try parse([Array((streamHeaderXML + bad).utf8)]), bad)
        }
    }

    /// Limits hold inside an unread element, and a dropped one comes with its start tag
    /// whatever the caller reads.
    func testLimitsHoldAndDroppedStanzasKeepTheirStub() throws {
        let deep = "<message id='1'>" + String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40) + "</message>"
        let events = try parse([Array((streamHeaderXML + deep + "<message id='3'/>").utf8)])
        guard case .droppedStanza(let dropped)? = events.dropFirst().first else { return XCTFail("\(events)") }
        XCTAssertEqual(dropped.reason, .tooDeep(limit: 32))
        XCTAssertEqual(dropped.element?[attribute: "id"], "1")
        guard case .element(let after)? = events.last else { return XCTFail("\(events)") }
        XCTAssertEqual(after[attribute: "id"], "3")
    }

    /// After every megabyte a fresh libxml2 parse takes over: it leaves unread what the
    /// first one did.
    func testAFreshParseLeavesTheSameElementsUnread() throws {
        let filler = "<message id='f'><body>" + String(repeating: "x", count: 4000) + "</body></message>"
        let bytes = Array((streamHeaderXML + String(repeating: filler, count: 300) + stanzas).utf8)
        let events = try parse(stride(from: 0, to: bytes.count, by: 65536).map { Array(bytes[$0..<min($0 + 65536, bytes.count)]) })
        XCTAssertEqual(events.count, 1 + 300 + 3)
        XCTAssertEqual(events.filter { if case .unreadElement = $0 { return true } else { return false } }.count, 302)
        guard case .element(let last)? = events.last else { return XCTFail("\(events.last as Any)") }
        XCTAssertEqual(last.child("body")?.text, "kept")
    }
}
