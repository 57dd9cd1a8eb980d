import XCTest
import XMPPProtocol

/// A stream header as servers send it, shared by the stream parser tests.
let streamHeaderXML =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
    + " id='c2s-1' from='example.com' version='1.0' xml:lang='en'>"

/// Parses `chunks` as one stream and returns all events.
func parseStream(_ chunks: [[UInt8]], limits: XMLLimits = .default) throws(XMLStreamError) -> [XMLStreamEvent] {
    let parser = XMLStreamParser(limits: limits)
    var events: [XMLStreamEvent] = []
    for chunk in chunks { events += try parser.feed(chunk) }
    return events
}

final class XMLStreamParserTests: XCTestCase {
    private let tlsNS = "urn:ietf:params:xml:ns:xmpp-tls"
    private let saslNS = "urn:ietf:params:xml:ns:xmpp-sasl"

    private let serverStream =
        "<?xml version='1.0' encoding='UTF-8'?>" + streamHeaderXML + "\n"
        + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
        + "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism>"
        + "<mechanism>PLAIN</mechanism></mechanisms></stream:features>\n \t \n"
        + "<message from='juliet@example.com/balcony' to='romeo@example.net' type='chat' id='m&amp;1'"
        + " xml:lang='en'><body>Art thou not Romeo, &amp; a Montague?\n1 &lt; 2 &gt; 0 &quot;q&quot;"
        + " &apos;a&apos; &#233;t&#xE9; café 😀 <![CDATA[<raw & cdata>]]></body>"
        + "<active xmlns='http://jabber.org/protocol/chatstates'/>"
        + "<x:data xmlns:x='jabber:x:data' type='form'/></message>"
        + "  "
        + "<iq type='result' id='ping-1' from='example.com'><ping xmlns='urn:xmpp:ping'/></iq>"
        + "\n   </stream:stream>"

    private var expectedEvents: [XMLStreamEvent] {
        let header = StreamHeader(
            attributes: [
                XMLAttribute(name: "id", value: "c2s-1"),
                XMLAttribute(name: "from", value: "example.com"),
                XMLAttribute(name: "version", value: "1.0"),
                XMLAttribute(name: "xml:lang", value: "en"),
            ],
            defaultNamespace: "jabber:client")
        let features = XMLElement(
            "features", namespace: Namespace.streams,
            children: [
                .element(XMLElement("starttls", namespace: tlsNS, children: [
                    .element(XMLElement("required", namespace: tlsNS)),
                ])),
                .element(XMLElement("mechanisms", namespace: saslNS, children: [
                    .element(XMLElement("mechanism", namespace: saslNS, children: [.text("SCRAM-SHA-1")])),
                    .element(XMLElement("mechanism", namespace: saslNS, children: [.text("PLAIN")])),
                ])),
            ])
        let message = XMLElement(
            "message", namespace: "jabber:client",
            orderedAttributes: [
                XMLAttribute(name: "from", value: "juliet@example.com/balcony"),
                XMLAttribute(name: "to", value: "romeo@example.net"),
                XMLAttribute(name: "type", value: "chat"),
                XMLAttribute(name: "id", value: "m&1"),
                XMLAttribute(name: "xml:lang", value: "en"),
            ],
            children: [
                .element(XMLElement("body", namespace: "jabber:client", children: [
                    .text("Art thou not Romeo, & a Montague?\n1 < 2 > 0 \"q\" 'a' été café 😀 <raw & cdata>"),
                ])),
                .element(XMLElement("active", namespace: "http://jabber.org/protocol/chatstates")),
                .element(XMLElement("data", namespace: "jabber:x:data", attributes: ["type": "form"])),
            ])
        let iq = XMLElement(
            "iq", namespace: "jabber:client",
            orderedAttributes: [
                XMLAttribute(name: "type", value: "result"),
                XMLAttribute(name: "id", value: "ping-1"),
                XMLAttribute(name: "from", value: "example.com"),
            ],
            children: [.element(XMLElement("ping", namespace: "urn:xmpp:ping"))])
        return [.streamOpened(header), .element(features), .element(message), .element(iq), .streamClosed]
    }

    private func parse(_ chunks: [[UInt8]]) throws(XMLStreamError) -> [XMLStreamEvent] {
        try parseStream(chunks)
    }

    private func assertThrows(
        _ input: [UInt8], _ expected: XMLStreamError, file: StaticString = #filePath, line: UInt = #line
    ) {
        let parser = XMLStreamParser()
        XCTAssertThrowsError(try parser.feed(input), file: file, line: line) {
            XCTAssertEqual($0 as? XMLStreamError, expected, file: file, line: line)
        }
        // The parser stays dead, with the same error.
        XCTAssertThrowsError(try parser.feed(Array("<a/>".utf8)), file: file, line: line) {
            XCTAssertEqual($0 as? XMLStreamError, expected, file: file, line: line)
        }
    }

    private func streamError(_ input: [UInt8]) -> XMLStreamError? {
        do {
            _ = try parse([input])
            return nil
        } catch {
            return error
        }
    }

    // MARK: - A realistic stream in any chunking

    func testServerStreamFedWhole() throws {
        XCTAssertEqual(try parse([Array(serverStream.utf8)]), expectedEvents)
    }

    func testServerStreamFedByteByByte() throws {
        XCTAssertEqual(try parse(Array(serverStream.utf8).map { [$0] }), expectedEvents)
    }

    func testServerStreamSplitInTwoAtEveryPosition() throws {
        let bytes = Array(serverStream.utf8)
        for split in 0...bytes.count {
            let events = try parse([Array(bytes[..<split]), Array(bytes[split...])])
            XCTAssertEqual(events, expectedEvents, "split at \(split)")
        }
    }

    func testEventsArriveAsSoonAsTheirBytesAreComplete() throws {
        let parser = XMLStreamParser()
        guard case .streamOpened(let header)? = try parser.feed(Array(streamHeaderXML.utf8)).first else {
            return XCTFail("no header event")
        }
        XCTAssertEqual(header.id, "c2s-1")
        XCTAssertEqual(header.from, "example.com")
        XCTAssertNil(header.to)
        XCTAssertEqual(header.version, "1.0")
        XCTAssertEqual(header.lang, "en")
        XCTAssertEqual(try parser.feed(Array("<presence><show>away</sh".utf8)), [])
        XCTAssertEqual(try parser.feed(Array("ow></presence>".utf8)), [
            .element(XMLElement("presence", namespace: "jabber:client", children: [
                .element(XMLElement("show", namespace: "jabber:client", children: [.text("away")])),
            ])),
        ])
        XCTAssertEqual(try parser.feed(Array("</stream:stream>".utf8)), [.streamClosed])
    }

    func testWhitespaceKeepalivesProduceNoEvents() throws {
        let parser = XMLStreamParser()
        _ = try parser.feed(Array(streamHeaderXML.utf8))
        let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64 << 10)
        // Three megabytes of keepalives: more than any limit, yet nothing accumulates.
        for _ in 0..<48 { XCTAssertEqual(try parser.feed(spaces), []) }
        for _ in 0..<100 { XCTAssertEqual(try parser.feed(Array("\n".utf8)), []) }
        XCTAssertEqual(try parser.feed(Array("<a/>".utf8)), [.element(XMLElement("a", namespace: "jabber:client"))])
    }

    func testLongMultibyteTextInOddChunks() throws {
        let text = String(repeating: "é😀ab€", count: 400)
        let bytes = Array((streamHeaderXML + "<message><body>\(text)</body></message>").utf8)
        for chunkSize in [1, 2, 3, 5, 7, 301, 4096] {
            let chunks = stride(from: 0, to: bytes.count, by: chunkSize).map {
                Array(bytes[$0..<min($0 + chunkSize, bytes.count)])
            }
            let events = try parse(chunks)
            guard case .element(let message)? = events.last else { return XCTFail("no message") }
            XCTAssertEqual(message.child("body")?.text, text, "chunk size \(chunkSize)")
        }
    }

    func testResetStartsAFreshStream() throws {
        let parser = XMLStreamParser()
        _ = try parser.feed(Array((streamHeaderXML + "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>").utf8))
        parser.reset()
        let events = try parser.feed(Array(("<?xml version='1.0'?>" + streamHeaderXML + "<a/>").utf8))
        XCTAssertEqual(events.count, 2)
        XCTAssertEqual(events.last, .element(XMLElement("a", namespace: "jabber:client")))
    }

    func testResetRevivesAParserAfterAnError() throws {
        let parser = XMLStreamParser()
        XCTAssertThrowsError(try parser.feed(Array("<html>".utf8)))
        parser.reset()
        XCTAssertEqual(try parser.feed(Array(streamHeaderXML.utf8)).count, 1)
    }

    func testStanzaNamespacesFollowTheStreamDefault() throws {
        let header = "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'>"
        let events = try parse([Array((header + "<message><x xmlns=''/></message>").utf8)])
        XCTAssertEqual(events.last, .element(XMLElement("message", namespace: "jabber:server", children: [
            .element(XMLElement("x", namespace: "")),
        ])))
    }

    /// A namespace name is an attribute value: `&amp;` in it is an ampersand (found by fuzzing:
    /// it came out as `&#38;`, and a serialization of it did not parse again).
    func testEscapedNamespaceNamesAreDecoded() throws {
        let stanza = "<message xmlns='a&amp;b' xmlns:p='c&#38;d'><x p:k='v&amp;w'/></message>"
        let events = try parse([Array((streamHeaderXML + stanza).utf8)])
        let expected = XMLElement("message", namespace: "a&b", children: [
            .element(XMLElement("x", namespace: "a&b", orderedAttributes: [
                XMLAttribute(name: "p:k", value: "v&w", namespace: "c&d"),
            ])),
        ])
        XCTAssertEqual(events.last, .element(expected))
        let again = try parse([Array((streamHeaderXML + expected.serialized()).utf8)])
        XCTAssertEqual(again.last, .element(expected))
    }

    // MARK: - RFC 6120 §11 restrictions

    func testRestrictedConstructsAreRefused() {
        let stanzaStart = streamHeaderXML + "<message>"
        let cases: [(String, String)] = [
            (streamHeaderXML + "<!-- note -->", "comment"),
            (stanzaStart + "hi<!-- note --></message>", "comment"),
            (streamHeaderXML + "<?app data?>", "processing instruction <?app?>"),
            (stanzaStart + "<?app data?></message>", "processing instruction <?app?>"),
            ("<?xml-stylesheet href='a'?>" + streamHeaderXML, "processing instruction <?xml-stylesheet?>"),
            ("<!DOCTYPE stream>" + streamHeaderXML, "DTD"),
            ("<!DOCTYPE stream SYSTEM 'http://example.com/x.dtd'>" + streamHeaderXML, "DTD"),
            ("<!DOCTYPE s [<!ENTITY e 'expanded'>]>" + streamHeaderXML + "<message>&e;</message>", "DTD"),
            (stanzaStart + "&undefined;</message>", "entity reference &undefined;"),
            (streamHeaderXML + "<message to='&undefined;'/>", "entity reference &undefined;"),
            (stanzaStart + "<body>&xxe;</body></message>", "entity reference &xxe;"),
        ]
        for (input, construct) in cases {
            guard case .restricted(let found, let line, let column)? = streamError(Array(input.utf8)) else {
                XCTFail("not refused: \(input)")
                continue
            }
            XCTAssertEqual(found, construct, input)
            XCTAssertEqual(line, 1, input)
            XCTAssertGreaterThan(column, 1, input)
        }
    }

    func testBillionLaughsIsRefusedNotExpanded() {
        var dtd = "<!DOCTYPE lolz [<!ENTITY lol 'lol'>"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            dtd += "<!ENTITY lol\(level) '" + String(repeating: "&\(previous);", count: 10) + "'>"
        }
        dtd += "]>"
        let input = Array((dtd + streamHeaderXML + "<message><body>&lol9;</body></message>").utf8)
        guard case .restricted("DTD", _, _)? = streamError(input) else {
            return XCTFail("billion laughs not refused")
        }
        // Byte by byte the DTD is refused just the same.
        let parser = XMLStreamParser()
        var error: XMLStreamError?
        for byte in input where error == nil {
            do { _ = try parser.feed([byte]) } catch let thrown { error = thrown }
        }
        guard case .restricted("DTD", _, _)? = error else { return XCTFail("not refused byte by byte") }
    }

    func testExternalEntityIsRefused() {
        let xxe = "<!DOCTYPE stream [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>"
            + streamHeaderXML + "<message><body>&xxe;</body></message>"
        guard case .restricted("DTD", _, _)? = streamError(Array(xxe.utf8)) else {
            return XCTFail("external entity not refused")
        }
        let parameterEntity = "<!DOCTYPE stream [<!ENTITY % ext SYSTEM 'http://127.0.0.1:1/x'> %ext;]>"
            + streamHeaderXML
        guard case .restricted("DTD", _, _)? = streamError(Array(parameterEntity.utf8)) else {
            return XCTFail("external parameter entity not refused")
        }
    }

    func testDoctypeInsideAStanzaIsNotWellFormed() {
        let input = streamHeaderXML + "<message><!DOCTYPE x [<!ENTITY e 'x'>]>&e;</message>"
        guard case .malformed? = streamError(Array(input.utf8)) else {
            return XCTFail("DOCTYPE inside a stanza accepted")
        }
    }

    func testRefusalStopsTheStreamAndKeepsFailing() {
        assertThrows(
            Array((streamHeaderXML + "<!--x-->").utf8),
            .restricted("comment", line: 1, column: streamHeaderXML.count + 9))
    }

    // MARK: - Malformed input

    func testMismatchedTags() {
        let input = streamHeaderXML + "<message><body>hi</message>"
        assertThrows(
            Array(input.utf8),
            .malformed(message: "Opening and ending tag mismatch: body line 1 and message",
                       line: 1, column: input.count + 1))
    }

    func testBadAttributeQuoting() {
        for attribute in ["to=romeo", "to='romeo\"", "to=\"romeo'", "to='a<b'"] {
            let input = streamHeaderXML + "<message \(attribute)/><a/>"
            guard case .malformed? = streamError(Array(input.utf8)) else {
                XCTFail("accepted: \(attribute)")
                continue
            }
        }
    }

    func testInvalidUTF8() {
        let sequences: [[UInt8]] = [[0xFF], [0xC0, 0xAF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80]]
        for sequence in sequences {
            let input = Array((streamHeaderXML + "<message><body>a").utf8) + sequence
                + Array("b</body></message>".utf8)
            guard case .malformed? = streamError(input) else {
                XCTFail("accepted \(sequence)")
                continue
            }
        }
        let inName = Array((streamHeaderXML + "<mess").utf8) + [0xFF] + Array("age/>".utf8)
        guard case .malformed? = streamError(inName) else { return XCTFail("accepted in a name") }
    }

    func testOtherMalformedInput() {
        let inputs = [
            streamHeaderXML + "<message><body>&#1;</body></message>",
            streamHeaderXML + "<p:message/>",
            streamHeaderXML + "<message a='1' a='2'/>",
            streamHeaderXML + "</iq>",
            "hello" + streamHeaderXML,
            streamHeaderXML + "<message><?xml version='1.0'?></message>",
        ]
        for input in inputs {
            guard case .malformed? = streamError(Array(input.utf8)) else {
                XCTFail("accepted: \(input)")
                continue
            }
        }
    }

    /// Nothing is parsed after the stream's end: the close is reported, whatever follows it.
    func testBytesAfterTheStreamEndAreIgnored() throws {
        let input = streamHeaderXML + "<message>a</message></stream:stream><message/>&bad;<!-- -->"
        let events = try parseStream([Array(input.utf8)])
        XCTAssertEqual(events.count, 3)
        XCTAssertEqual(events.last, .streamClosed)
    }

    func testRootMustBeAStream() {
        for root in ["<html>", "<stream xmlns='jabber:client'>", "<stream:stream xmlns:stream='urn:other'>"] {
            guard case .notAStream? = streamError(Array(root.utf8)) else {
                XCTFail("accepted root \(root)")
                continue
            }
        }
    }

    /// Names that come again are the strings made the first time (the parser keeps the last
    /// few): more names than it keeps, each back after others, prefixed and not, must still
    /// come out as written.
    func testNamesThatComeAgainComeOutAsWritten() throws {
        let names = (0..<40).map { "n\($0)" + String(repeating: "x", count: $0 % 5) }
        var body = ""
        var expected: [XMLElement] = []
        for round in 0..<3 {
            for (index, name) in names.enumerated() where (index + round) % 3 != 0 {
                let other = names[(index * 7 + round) % names.count]
                body += "<\(name) \(other)='\(index)' xml:lang='en' p:\(name)='q' xmlns:p='urn:p\(round)'><\(other)/></\(name)>"
                expected.append(XMLElement(name, namespace: "jabber:client", orderedAttributes: [
                    XMLAttribute(name: other, value: "\(index)"), XMLAttribute(name: "xml:lang", value: "en"),
                    XMLAttribute(name: "p:\(name)", value: "q", namespace: "urn:p\(round)"),
                ], children: [.element(XMLElement(other, namespace: "jabber:client"))]))
            }
        }
        let events = try parseStream([Array((streamHeaderXML + body).utf8)])
        XCTAssertEqual(Array(events.dropFirst()), expected.map(XMLStreamEvent.element))
    }
}
