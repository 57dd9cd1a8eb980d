import XCTest
import XMPPProtocol

final class XMLSerializerTests: XCTestCase {
    private func parseStanza(_ xml: String) throws -> XMLElement? {
        let events = try XMLStreamParser().feed(Array((streamHeaderXML + xml).utf8))
        guard case .element(let element)? = events.last else { return nil }
        return element
    }

    func testEscapeText() {
        XCTAssertEqual(XMLEscaping.escapeText("a<b>&c\"d'e\tf\ng\rh"), "a&lt;b&gt;&amp;c\"d'e\tf\ng&#13;h")
        XCTAssertEqual(XMLEscaping.escapeText("plain café 😀"), "plain café 😀")
    }

    /// The escaper works on UTF-8 bytes; its rules are stated on scalars. Every scalar up to
    /// U+3000, those around U+FFFE and U+FFFF (sharing their lead byte) and some beyond, alone
    /// and between other text, must come out as the rules say.
    func testEveryScalarIsEscapedAsTheScalarRulesSay() {
        let scalars = ((0...0x3000).map { $0 } + (0xEF00...0xFFFF).map { $0 } + [0x10000, 0x1F680, 0x10FFFF]).compactMap(Unicode.Scalar.init)
        for scalar in scalars {
            for text in [String(scalar), "a\u{E9}" + String(scalar) + "\u{FFFD}z"] {
                XCTAssertEqual(XMLEscaping.escapeText(text), Self.byTheRules(text, attribute: false), "U+\(String(scalar.value, radix: 16))")
                XCTAssertEqual(XMLEscaping.escapeAttribute(text), Self.byTheRules(text, attribute: true), "U+\(String(scalar.value, radix: 16))")
            }
        }
    }

    /// Runs of bytes that need no work are taken eight at a time: mixtures of them and of
    /// everything that needs a look, at every length and offset, still come out as the
    /// rules say.
    func testLongMixedTextIsEscapedAsTheScalarRulesSay() {
        let pieces = ["a", "plain text", "&", "<", ">", "\"", "'", "\r", "\t", "\n", "\u{1}", "\u{1F}", "\u{7F}", "é", "\u{FFFE}", "\u{FFFF}",
                      "\u{FFFD}", "\u{EFFF}", "東京", "🚀", "0123456789abcdef", "zürich café ✓ 東京 über"]
        var state: UInt64 = 20261201
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<Int(state % 24) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int(state >> 33) % pieces.count]
            }
            state = state &* 6364136223846793005 &+ 1442695040888963407
            XCTAssertEqual(XMLEscaping.escapeText(text), Self.byTheRules(text, attribute: false), text.debugDescription)
            XCTAssertEqual(XMLEscaping.escapeAttribute(text), Self.byTheRules(text, attribute: true), text.debugDescription)
        }
    }

    /// `escapeText` and `escapeAttribute` one scalar at a time, as documented.
    private static func byTheRules(_ text: String, attribute: Bool) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let entity: String?
            switch scalar {
            case "&": entity = "&amp;"
            case "<": entity = "&lt;"
            case ">": entity = "&gt;"
            case "\r": entity = "&#13;"
            case "\"": entity = attribute ? "&quot;" : nil
            case "'": entity = attribute ? "&apos;" : nil
            case "\t": entity = attribute ? "&#9;" : nil
            case "\n": entity = attribute ? "&#10;" : nil
            default: entity = nil
            }
            if let entity {
                out.append(contentsOf: entity.unicodeScalars)
            } else if XMLEscaping.isValidXMLScalar(scalar) {
                out.append(scalar)
            } else {
                out.append("\u{FFFD}")
            }
        }
        return String(out)
    }

    func testEscapeAttribute() {
        XCTAssertEqual(
            XMLEscaping.escapeAttribute("a<b>&c\"d'e\tf\ng\rh"),
            "a&lt;b&gt;&amp;c&quot;d&apos;e&#9;f&#10;g&#13;h")
    }

    func testInvalidCharactersAreReplaced() {
        let hostile = "a\u{0}b\u{1}c\u{B}d\u{1F}e\u{FFFE}f\u{FFFF}g\u{7F}h"
        XCTAssertFalse(XMLEscaping.isValidXMLText(hostile))
        XCTAssertTrue(XMLEscaping.isValidXMLText("tab\t lf\n cr\r \u{7F} \u{FFFD} 😀"))
        XCTAssertEqual(
            XMLEscaping.escapeText(hostile),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}f\u{FFFD}g\u{7F}h")
        XCTAssertEqual(XMLEscaping.escapeAttribute("\u{0}<"), "\u{FFFD}&lt;")
        let element = XMLElement("m", attributes: ["a": "x\u{1}"], children: [.text("y\u{2}")])
        XCTAssertEqual(element.serialized(), "<m a='x\u{FFFD}'>y\u{FFFD}</m>")
    }

    func testNamespaceIsWrittenOnlyWhereItChanges() {
        var message = XMLElement(
            "message", namespace: "jabber:client", attributes: ["type": "chat", "to": "romeo@example.net"])
        message.append(XMLElement("body", namespace: "jabber:client", children: [.text("hi")]))
        message.append(XMLElement("ping", namespace: "urn:xmpp:ping"))
        XCTAssertEqual(
            message.serialized(parentNamespace: "jabber:client"),
            "<message to='romeo@example.net' type='chat'><body>hi</body><ping xmlns='urn:xmpp:ping'/></message>")
        XCTAssertEqual(
            message.serialized(),
            "<message xmlns='jabber:client' to='romeo@example.net' type='chat'><body>hi</body>"
                + "<ping xmlns='urn:xmpp:ping'/></message>")
        let unqualified = XMLElement("x", namespace: "urn:a", children: [.element(XMLElement("y", namespace: ""))])
        XCTAssertEqual(unqualified.serialized(parentNamespace: "urn:a"), "<x><y xmlns=''/></x>")
        let inheriting = XMLElement("x", namespace: "urn:a", children: [.element(XMLElement("y"))])
        XCTAssertEqual(inheriting.serialized(parentNamespace: "jabber:client"), "<x xmlns='urn:a'><y/></x>")
    }

    func testEscapingRoundTrip() throws {
        let awkward = "<tag> & \"double\" 'single'\nnew line\ttab\r\ncrlf café 😀 ]]> &amp;"
        var original = XMLElement(
            "message", namespace: "jabber:client",
            attributes: ["id": awkward, "xml:lang": "en", "to": "a&b@example.com"])
        original.append(XMLElement("body", namespace: "jabber:client", children: [.text(awkward)]))
        original.append(XMLElement("x", namespace: "urn:other", attributes: ["v": awkward]))
        let xml = original.serialized(parentNamespace: "jabber:client")
        XCTAssertEqual(try parseStanza(xml), original)
        // Pretty output adds indentation text between elements; everything else survives.
        let pretty = try parseStanza(original.prettySerialized(parentNamespace: "jabber:client"))
        XCTAssertEqual(pretty?.attributes, original.attributes)
        XCTAssertEqual(pretty?.elementChildren, original.elementChildren)
    }

    func testPrefixedAttributeKeepsItsNamespaceDeclaration() throws {
        let parsed = try parseStanza("<iq xmlns:e='urn:ext' e:flag='1' xml:lang='de'/>")
        XCTAssertEqual(parsed?.attributes, [
            XMLAttribute(name: "e:flag", value: "1", namespace: "urn:ext"),
            XMLAttribute(name: "xml:lang", value: "de"),
        ])
        let reparsed = try parsed.flatMap { try parseStanza($0.serialized(parentNamespace: "jabber:client")) }
        XCTAssertEqual(reparsed, parsed)
    }

    func testPrettySerialization() {
        var iq = XMLElement("iq", namespace: "jabber:client", attributes: ["type": "get"])
        var query = XMLElement("query", namespace: "jabber:iq:roster")
        query.append(XMLElement("item", namespace: "jabber:iq:roster", attributes: ["jid": "a@b"]))
        query.append(text: "\n   ")
        query.append(XMLElement("item", namespace: "jabber:iq:roster", children: [.text("x < y")]))
        iq.append(query)
        XCTAssertEqual(iq.prettySerialized(parentNamespace: "jabber:client"), """
            <iq type='get'>
              <query xmlns='jabber:iq:roster'>
                <item jid='a@b'/>
                <item>x &lt; y</item>
              </query>
            </iq>
            """)
        let mixed = XMLElement("body", children: [.text("a "), .element(XMLElement("b")), .text(" c")])
        XCTAssertEqual(mixed.prettySerialized(), "<body>a <b/> c</body>")
    }

    func testElementAccessors() {
        var element = XMLElement("message", attributes: ["to": "a", "id": "1"])
        XCTAssertEqual(element.attributes.map(\.name), ["id", "to"])
        XCTAssertEqual(element[attribute: "to"], "a")
        element[attribute: "to"] = "b"
        element[attribute: "type"] = "chat"
        element[attribute: "id"] = nil
        XCTAssertEqual(element.attributes, [
            XMLAttribute(name: "to", value: "b"), XMLAttribute(name: "type", value: "chat"),
        ])
        element.append(text: "one ")
        element.append(XMLElement("x", namespace: "urn:a"))
        element.append(text: "two ")
        element.append(text: "three")
        element.append(text: "")
        element.append(XMLElement("x", namespace: "urn:b"))
        element.append(XMLElement("y", namespace: "urn:a"))
        XCTAssertEqual(element.children.count, 5)
        XCTAssertEqual(element.text, "one two three")
        XCTAssertEqual(element.child("x")?.namespace, "urn:a")
        XCTAssertEqual(element.child("x", namespace: "urn:b")?.namespace, "urn:b")
        XCTAssertNil(element.child("x", namespace: "urn:c"))
        XCTAssertEqual(element.elements(named: "x").count, 2)
        XCTAssertEqual(element.elements(namespace: "urn:a").map(\.name), ["x", "y"])
        XCTAssertEqual(element.elementChildren.count, 3)
    }
}
